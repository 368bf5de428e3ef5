"""ONNX file -> :class:`~ppa_sim.network.Network` (needs the ``onnx`` extra).

Shapes come from ONNX shape inference (``onnx.shape_inference.infer_shapes``); the
first graph input is the network input and its dimension 0 the batch (a symbolic batch
counts as 1). Nodes map as in the torch importer:

* layers: Conv, Gemm / MatMul with an initializer operand (``linear``), MatMul of two
  activations (``matmul``), Add / Sub / Sum of activations (``add``), Concat,
  Max/AveragePool, GlobalAverage/MaxPool, ReduceMean/ReduceMax over trailing axes
  (``pool``), BatchNormalization, activations (Relu, Clip, Sigmoid, Tanh, LeakyRelu,
  HardSwish, HardSigmoid, Gelu, Elu, Softplus, PRelu ...), Softmax, LayerNormalization,
  and Flatten / Reshape to a vector (``flatten``);
* folded: a constant added to a conv/linear output is its bias; multiplying or
  dividing by a constant is a scale;
* aliases (no layer): Transpose, Reshape to rank > 1, Squeeze, Unsqueeze, Identity,
  Dropout, Pad, Slice, Gather, Split, Cast, Expand, Tile;
* constants: initializers, Constant / Shape outputs and anything computed from them.

Any other op raises :class:`~ppa_sim.errors.NetworkError` naming the file, the node
and its op type. Layer names are the node names (the first output name where a node
has none).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from ppa_sim.errors import NetworkError
from ppa_sim.network.layer import Layer, Network

__all__ = ["from_onnx", "SUPPORTED_OPS"]

_ACT = {"Relu": "relu", "Clip": "clip", "Sigmoid": "sigmoid", "Tanh": "tanh",
        "LeakyRelu": "leaky_relu", "HardSwish": "hardswish", "HardSigmoid": "hardsigmoid",
        "Gelu": "gelu", "Elu": "elu", "Softplus": "softplus", "PRelu": "prelu",
        "Selu": "selu", "Mish": "mish", "Erf": "erf"}
_ALIAS = {"Transpose", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Pad", "Slice",
          "Gather", "Split", "Cast", "Expand", "Tile"}
_CONST_SOURCES = {"Constant", "Shape", "ConstantOfShape", "Size", "Range"}
_POOLS = {"MaxPool": "max", "AveragePool": "avg", "GlobalAveragePool": "avg",
          "GlobalMaxPool": "max", "ReduceMean": "avg", "ReduceMax": "max"}
SUPPORTED_OPS = tuple(sorted(
    {"Conv", "Gemm", "MatMul", "Add", "Sub", "Sum", "Mul", "Div", "Concat",
     "BatchNormalization", "Softmax", "LogSoftmax", "LayerNormalization", "Flatten",
     "Reshape"} | set(_ACT) | _ALIAS | _CONST_SOURCES | set(_POOLS)))


def from_onnx(path: str | Path, *, name: str | None = None) -> Network:
    """Read an ONNX model file."""
    try:
        import onnx
        from onnx import shape_inference
    except ImportError as exc:  # pragma: no cover - onnx is installed by the dev extra
        raise NetworkError("reading .onnx files needs the 'onnx' extra: "
                           "pip install 'ppa_sim[onnx]'") from exc
    p = Path(path)
    try:
        model = onnx.load(str(p))
    except Exception as exc:  # noqa: BLE001 - protobuf raises many types
        raise NetworkError(f"{p}: cannot read ONNX model: {type(exc).__name__}: {exc}") from exc
    try:
        model = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception as exc:  # noqa: BLE001
        raise NetworkError(f"{p}: ONNX shape inference failed: {exc}") from exc
    builder = _Builder(model, str(p))
    builder.input_shape()
    if builder.needs_shapes():
        builder.shapes.update(_executed_shapes(model, str(p)))
    return builder.build(name or p.stem)


def _executed_shapes(model: Any, source: str) -> dict[str, tuple[int, ...]]:
    """Shapes of every node output from one run of onnx's reference evaluator on a zero
    input (batch 1): the fallback when shape inference leaves dimensions unknown, as it
    does for shapes computed at run time (torch's ``x.shape[0]`` in reshapes)."""
    import numpy as np
    import onnx
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    m = onnx.ModelProto()
    m.CopyFrom(model)
    inits = {t.name for t in m.graph.initializer}
    inp = next(i for i in m.graph.input if i.name not in inits)
    dims = [d.dim_value if d.HasField("dim_value") else 1
            for d in inp.type.tensor_type.shape.dim]
    names = [o for n in m.graph.node for o in n.output if o]
    del m.graph.output[:]
    m.graph.output.extend(helper.make_empty_tensor_value_info(n) for n in names)
    elem = helper.tensor_dtype_to_np_dtype(inp.type.tensor_type.elem_type)
    try:
        outs = ReferenceEvaluator(m).run(None, {inp.name: np.zeros(dims, dtype=elem)})
    except Exception as exc:  # noqa: BLE001
        raise NetworkError(f"{source}: shapes are not all static and running the model "
                           f"to find them failed: {type(exc).__name__}: {exc}") from exc
    return {n: tuple(int(d) for d in np.shape(o)) for n, o in zip(names, outs, strict=True)
            if isinstance(o, np.ndarray)}


class _Builder:
    def __init__(self, model: Any, source: str) -> None:
        from onnx import numpy_helper

        self.model = model
        self.graph = model.graph
        self.source = source
        self.init = {t.name: tuple(int(d) for d in t.dims) for t in self.graph.initializer}
        self.const: set[str] = set(self.init)
        self.numpy_helper = numpy_helper
        self.shapes: dict[str, tuple[int | None, ...]] = {}
        for vi in list(self.graph.input) + list(self.graph.value_info) + list(self.graph.output):
            tt = vi.type.tensor_type
            if tt.HasField("shape"):
                self.shapes[vi.name] = tuple(
                    (d.dim_value if d.HasField("dim_value") else None) for d in tt.shape.dim)
        self.src: dict[str, tuple[str, ...]] = {}
        self.layers: list[Layer] = []
        self.index: dict[str, int] = {}
        self.used: set[str] = set()

    def needs_shapes(self) -> bool:
        """Whether some node output lacks a static shape (batch dimension aside)."""
        for node in self.graph.node:
            for o in node.output:
                sh = self.shapes.get(o)
                if o and (sh is None or any(d is None for d in sh[1:])):
                    return True
        return False

    # ----------------------------------------------------------------- helpers
    def _fail(self, node: Any, why: str) -> NetworkError:
        return NetworkError(f"{self.source}: node '{node.name or node.output[0]}' "
                            f"(op {node.op_type}): {why}")

    def _shape(self, node: Any, tensor: str) -> tuple[int, ...]:
        if tensor in self.init:
            return self.init[tensor]
        s = self.shapes.get(tensor)
        if s is None:
            raise self._fail(node, f"shape of tensor '{tensor}' unknown after shape inference")
        dims = list(s)
        if dims and dims[0] is None:
            dims[0] = self.batch
        if any(d is None for d in dims):
            raise self._fail(node, f"tensor '{tensor}' has a symbolic non-batch dimension "
                             f"{s}; export with a fixed input size")
        return tuple(int(d) for d in dims)  # type: ignore[arg-type]

    def _sample(self, node: Any, tensor: str) -> tuple[int, ...]:
        return self._shape(node, tensor)[1:]

    def _attrs(self, node: Any) -> dict[str, Any]:
        from onnx import helper

        return {a.name: helper.get_attribute_value(a) for a in node.attribute}

    def _unique(self, base: str) -> str:
        name, k = base, 0
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    def _inputs(self, tensors: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for t in tensors:
            for s in self.src.get(t, ()):
                if s not in out:
                    out.append(s)
        return tuple(out)

    def _emit(self, node: Any, kind: str, act: list[str], **kw: Any) -> Layer:
        lname = self._unique(node.name or node.output[0])
        layer = Layer(name=lname, kind=kind,  # type: ignore[arg-type]
                      in_shape=self._sample(node, act[0]),
                      out_shape=self._sample(node, node.output[0]),
                      inputs=self._inputs(act), **kw)
        self.index[lname] = len(self.layers)
        self.layers.append(layer)
        for o in node.output:
            self.src[o] = (lname,)
        return layer

    def _alias(self, node: Any, act: list[str]) -> None:
        for o in node.output:
            self.src[o] = self._inputs(act)

    # -------------------------------------------------------------------- walk
    def input_shape(self) -> tuple[Any, tuple[int | None, ...]]:
        """The single graph input and its shape; symbolic non-batch dimensions are errors."""
        inputs = [i for i in self.graph.input if i.name not in self.init]
        if not inputs:
            raise NetworkError(f"{self.source}: the graph has no input")
        if len(inputs) > 1:
            raise NetworkError(f"{self.source}: {len(inputs)} graph inputs "
                               f"({', '.join(i.name for i in inputs)}); only single-input "
                               "networks are supported")
        first = self.shapes.get(inputs[0].name)
        if not first:
            raise NetworkError(f"{self.source}: input '{inputs[0].name}' has no shape")
        if any(d is None for d in first[1:]):
            raise NetworkError(f"{self.source}: input '{inputs[0].name}' has symbolic "
                               f"dimensions {first}; export with a fixed input size")
        return inputs[0], first

    def build(self, name: str) -> Network:
        inp, first = self.input_shape()
        inputs = [inp]
        self.batch = first[0] or 1
        self.src[inputs[0].name] = ("",)
        errors: list[str] = []
        for node in self.graph.node:
            try:
                self._node(node)
            except NetworkError as exc:
                # keep walking so that one error lists every unsupported node
                errors.append(str(exc))
                self._alias(node, [i for i in node.input if i and i in self.src])
        if len(errors) == 1:
            raise NetworkError(errors[0])
        if errors:
            raise NetworkError(f"{len(errors)} nodes cannot be mapped:\n  " + "\n  ".join(errors))
        if not any(lay.kind in ("conv2d", "linear", "matmul") for lay in self.layers):
            raise NetworkError(f"{self.source}: no Conv, Gemm or MatMul node")
        return Network(name=name, input_shape=tuple(int(d) for d in first[1:]),  # type: ignore[arg-type]
                       layers=tuple(self.layers), description=f"ONNX model {Path(self.source).name}",
                       source=f"onnx:{self.source}")

    def _node(self, node: Any) -> None:
        op = node.op_type
        ins = [i for i in node.input if i]
        act = [i for i in ins if i not in self.const]
        if op in _CONST_SOURCES or not act:
            self.const.update(node.output)
            return
        missing = [i for i in act if i not in self.src]
        if missing:
            raise self._fail(node, f"input '{missing[0]}' is produced by no earlier node")
        a = self._attrs(node)
        if op == "Conv":
            self._conv(node, act, a)
        elif op in ("Gemm", "MatMul"):
            self._gemm(node, ins, act, a)
        elif op in ("Add", "Sub", "Sum"):
            if len(act) == 1 and len(ins) > 1 and self._fold_bias(node, act[0]):
                return
            self._emit(node, "add", act)
        elif op in ("Mul", "Div"):
            if len(act) > 1:
                raise self._fail(node, "element-wise product of two activations has no layer "
                                 "kind (supported: Add, Concat, MatMul)")
            self._alias(node, act)
        elif op == "Concat":
            out = self._sample(node, node.output[0])
            self._emit(node, "concat", act, out_channels=out[0] if out else 0)
        elif op in _POOLS:
            self._pool(node, act, a)
        elif op == "BatchNormalization":
            folded = ""
            prod = self._inputs(act)
            if len(prod) == 1 and prod[0] in self.index:
                p = self.layers[self.index[prod[0]]]
                folded = p.name if p.kind in ("conv2d", "linear") else ""
            c = self._sample(node, act[0])[0]
            self._emit(node, "batchnorm", act, folded_into=folded, in_channels=c,
                       out_channels=c)
        elif op in _ACT:
            self._emit(node, "activation", act, activation=_ACT[op])
        elif op in ("Softmax", "LogSoftmax"):
            self._emit(node, "softmax", act)
        elif op == "LayerNormalization":
            self._emit(node, "layernorm", act)
        elif op in ("Flatten", "Reshape"):
            ish, osh = self._sample(node, act[0]), self._sample(node, node.output[0])
            if len(osh) == 1 and len(ish) > 1:
                self._emit(node, "flatten", act)
            else:
                self._alias(node, act)
        elif op in _ALIAS:
            self._alias(node, act)
        else:
            raise self._fail(node, f"op type not supported; supported: {', '.join(SUPPORTED_OPS)}")

    def _conv(self, node: Any, act: list[str], a: dict[str, Any]) -> None:
        if len(node.input) < 2 or node.input[1] not in self.init:
            raise self._fail(node, "Conv weight is not an initializer")
        w = self.init[node.input[1]]
        if len(w) != 4:
            raise self._fail(node, f"only 2-D convolutions are supported (weight {w})")
        ish, osh = self._sample(node, act[0]), self._sample(node, node.output[0])
        k = tuple(a.get("kernel_shape", w[2:]))
        s = tuple(a.get("strides", (1, 1)))
        d = tuple(a.get("dilations", (1, 1)))
        pads = a.get("pads")
        auto = a.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else str(auto)
        if pads is not None and auto in ("NOTSET", ""):
            pad = (int(pads[0]), int(pads[1]))
        elif auto in ("SAME_UPPER", "SAME_LOWER"):
            pad = tuple(max(0, ((osh[1 + i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 - ish[1 + i]) // 2)
                        for i in range(2))
        else:
            pad = (0, 0)
        group = int(a.get("group", 1))
        self._emit(node, "conv2d", act, in_channels=ish[0], out_channels=w[0],
                   kernel=(int(k[0]), int(k[1])), stride=(int(s[0]), int(s[1])),
                   padding=(int(pad[0]), int(pad[1])), dilation=(int(d[0]), int(d[1])),
                   groups=group, bias=len(node.input) > 2 and bool(node.input[2]))

    def _gemm(self, node: Any, ins: list[str], act: list[str], a: dict[str, Any]) -> None:
        if len(act) == 2:
            if node.op_type == "Gemm":
                raise self._fail(node, "Gemm of two activations is not supported")
            sa, sb = self._shape(node, act[0]), self._shape(node, act[1])
            so = self._shape(node, node.output[0])
            if len(sa) < 2 or len(sb) < 2:
                raise self._fail(node, f"MatMul of shapes {sa} and {sb} (need >= 2-D operands)")
            bh = max(1, math.prod(so[:-2]) // self.batch)
            self._emit(node, "matmul", act, matmul_dims=(bh, sa[-2], sa[-1], sb[-1]))
            return
        weight = [i for i in ins if i in self.const]
        if node.op_type == "MatMul" and ins[0] in self.const:
            raise self._fail(node, "constant @ activation products are not supported")
        wname = ins[1]
        if wname not in self.const:
            raise self._fail(node, "expects the weight as the second operand")
        wshape = self.init.get(wname) or self.shapes.get(wname)
        if not wshape or len(wshape) != 2 or any(v is None for v in wshape):
            raise self._fail(node, f"weight '{wname}' must be a 2-D tensor of known shape")
        if node.op_type == "Gemm":
            if int(a.get("transA", 0)):
                raise self._fail(node, "Gemm with transA=1 is not supported")
            n_out, n_in = (wshape if int(a.get("transB", 0)) else wshape[::-1])
            bias = len(weight) > 1
        else:
            n_in, n_out = wshape
            bias = False
        self._emit(node, "linear", act, in_channels=int(n_in), out_channels=int(n_out),
                   bias=bias)

    def _fold_bias(self, node: Any, act: str) -> bool:
        prod = self.src.get(act, ())
        if len(prod) != 1 or prod[0] not in self.index:
            return False
        i = self.index[prod[0]]
        lay = self.layers[i]
        if lay.kind not in ("conv2d", "linear") or lay.bias:
            return False
        self.layers[i] = replace(lay, bias=True)
        self._alias(node, [act])
        return True

    def _pool(self, node: Any, act: list[str], a: dict[str, Any]) -> None:
        op = node.op_type
        ish, osh = self._sample(node, act[0]), self._sample(node, node.output[0])
        kind = _POOLS[op]
        if op in ("MaxPool", "AveragePool"):
            k = tuple(a["kernel_shape"])
            s = tuple(a.get("strides", (1, 1)))
            pads = a.get("pads", (0, 0, 0, 0))
            d = tuple(a.get("dilations", (1, 1)))
            self._emit(node, "pool", act, pool=kind, kernel=(int(k[0]), int(k[1])),
                       stride=(int(s[0]), int(s[1])), padding=(int(pads[0]), int(pads[1])),
                       dilation=(int(d[0]), int(d[1])), in_channels=ish[0],
                       out_channels=ish[0])
            return
        if op.startswith("Reduce"):
            axes = a.get("axes")
            if axes is None and len(node.input) > 1 and node.input[1] in self.init:
                axes = self.numpy_helper.to_array(
                    next(t for t in self.graph.initializer if t.name == node.input[1])).tolist()
            rank = len(ish) + 1
            axes = sorted(int(x) % rank for x in (axes or []))
            if not axes or 0 in axes:
                raise self._fail(node, f"{op} over axes {axes} is not a pooling over "
                                 "feature positions")
        kernel = (ish[1], ish[2]) if len(ish) == 3 else (ish[-2] if len(ish) > 1 else 1, 1)
        self._emit(node, "pool", act, pool=kind, kernel=kernel, stride=kernel,
                   in_channels=ish[0], out_channels=osh[0] if osh else ish[0])
