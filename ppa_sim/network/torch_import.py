"""PyTorch ``nn.Module`` -> :class:`~ppa_sim.network.Network` by torch.fx tracing.

The model is traced symbolically (``torch.fx.symbolic_trace``) and run once on the
example input to record every tensor's shape. Each graph node becomes one of:

* a **layer**: conv2d, linear, pooling (incl. global / adaptive and spatial ``mean``),
  batch-norm, activation, softmax, layer-norm, residual ``add`` (also ``sub``),
  ``concat`` (``cat``/``stack``), ``flatten`` and ``matmul`` (a product of two
  activations, e.g. attention; a product with a parameter is a ``linear``);
* an **alias**: shape-only or free operations (view/reshape that keep a rank > 1,
  permute, transpose, slicing/indexing, padding, dropout, identity, contiguous,
  scaling by a Python number). They are not layers; their consumers name the
  producing layer as input;
* a **constant**: anything computed from parameters/buffers only (class tokens,
  position embeddings); consumers list only their activation inputs;
* **not mappable**: anything else raises :class:`~ppa_sim.errors.NetworkError`
  naming the module path and type (or the function and the module it is called in).

Layer names are the modules' qualified names (``features.0``, ``layer1.0.conv1``), so
the accuracy path can match layers. Functional operations are named after the module
whose ``forward`` calls them plus the operation (``layer1.0.add``, ``blocks.3.attn.matmul_1``).
A module called twice gets ``#1``, ``#2`` ... suffixes on the later calls.

Shapes exclude the batch dimension (dimension 0 of the example input).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

from ppa_sim.errors import NetworkError
from ppa_sim.network.layer import Layer, Network

__all__ = ["from_torch", "example_tensor"]

_ACTIVATION_MODULES = {
    "ReLU": "relu", "ReLU6": "relu6", "GELU": "gelu", "SiLU": "silu", "Sigmoid": "sigmoid",
    "Tanh": "tanh", "Hardswish": "hardswish", "Hardsigmoid": "hardsigmoid",
    "LeakyReLU": "leaky_relu", "ELU": "elu", "Mish": "mish", "Softplus": "softplus",
    "Hardtanh": "hardtanh", "PReLU": "prelu",
}
_ALIAS_MODULES = {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                  "Identity", "Unflatten", "ZeroPad2d", "ConstantPad2d"}
_ACTIVATION_NAMES = {"relu", "relu6", "gelu", "silu", "sigmoid", "tanh", "hardswish",
                     "hardsigmoid", "leaky_relu", "elu", "mish", "softplus", "hardtanh",
                     "relu_", "sigmoid_", "tanh_", "clamp", "clip"}
_ALIAS_NAMES = {"permute", "transpose", "t", "contiguous", "expand", "expand_as", "squeeze",
                "unsqueeze", "chunk", "split", "getitem", "pad", "dropout", "clone", "detach",
                "to", "float", "type_as", "narrow", "select", "unbind", "identity",
                "movedim", "swapaxes", "repeat", "tensor_split", "view_as", "unflatten"}
_RESHAPE_NAMES = {"view", "reshape", "flatten"}
_ADD_NAMES = {"add", "iadd", "sub", "isub", "add_", "sub_", "rsub"}
_SCALE_NAMES = {"mul", "imul", "truediv", "itruediv", "div", "mul_", "div_", "floordiv"}
_MATMUL_NAMES = {"matmul", "bmm", "mm", "imatmul"}
_CAT_NAMES = {"cat", "concat", "concatenate", "stack"}
_POOL_FUNCS = {"max_pool2d": "max", "avg_pool2d": "avg", "adaptive_avg_pool2d": "avg",
               "adaptive_max_pool2d": "max", "max_pool2d_with_indices": "max"}


def _op_name(node: Any) -> str:
    """Canonical short name of a call_function / call_method target."""
    t = node.target
    if isinstance(t, str):
        return t
    name = getattr(t, "__name__", str(t))
    return name.strip("_") if name.startswith("__") else name


def example_tensor(model: Any, example_input: Any = None) -> Any:
    """The batched example input: a tensor as given, a per-sample shape tuple (batch
    excluded) -> zeros of batch 1, or ``model.input_shape`` when nothing is given. The
    tensor lives on the model's device (``meta`` models trace without computing)."""
    import torch

    if isinstance(example_input, torch.Tensor):
        return example_input
    shape = example_input if example_input is not None else getattr(model, "input_shape", None)
    if shape is None:
        raise NetworkError(
            f"{type(model).__name__}: give an example input (a batched tensor or a "
            "per-sample shape such as (3, 32, 32)) or set model.input_shape")
    try:
        dims = tuple(int(s) for s in shape)
    except (TypeError, ValueError) as exc:
        raise NetworkError(f"example input shape {shape!r} is not a tuple of integers") from exc
    if not dims or any(d <= 0 for d in dims):
        raise NetworkError(f"example input shape {dims!r} must be positive integers")
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    return torch.zeros((1, *dims), device=device)


def from_torch(model: Any, example_input: Any = None, *, name: str | None = None,
               description: str | None = None) -> Network:
    """Trace ``model`` and return its :class:`Network`.

    ``example_input``: a batched tensor, a per-sample shape (batch excluded), or None to
    use ``model.input_shape``. The model is left as it was (training flags restored,
    parameters untouched). Raises NetworkError when the model cannot be traced or run,
    or uses an operation that has no layer kind.
    """
    import torch
    from torch import fx, nn

    if not isinstance(model, nn.Module):
        raise NetworkError(f"expected a torch.nn.Module, got {type(model).__name__}")
    x = example_tensor(model, example_input)
    model_name = name or getattr(model, "name", None) or type(model).__name__.lower()
    try:
        gm = fx.symbolic_trace(model)
    except Exception as exc:  # noqa: BLE001 - any tracing failure is the user's model
        raise NetworkError(
            f"cannot trace model {type(model).__name__} with torch.fx: "
            f"{type(exc).__name__}: {exc}. Make forward() free of data-dependent control "
            "flow, or export the model to ONNX and load the .onnx file") from exc

    flags = {m: m.training for m in model.modules()}
    shapes: dict[Any, Any] = {}

    current: list[Any] = []   # the node being run, to name it when the run fails

    class _Recorder(fx.Interpreter):
        def run_node(self, n: Any) -> Any:
            current[:] = [n]
            out = super().run_node(n)
            shapes[n] = _shape_of(out)
            return out

    try:
        model.eval()
        with torch.no_grad():
            _Recorder(gm).run(x)
    except Exception as exc:  # noqa: BLE001
        # torch appends "While executing %node ..." and tracing hints: keep the message
        # itself and name the failing node ourselves
        first = (str(exc).strip().splitlines() or [""])[0]
        where = ""
        if current:
            where = f" at {_Builder(gm, {}, batch=1)._where(current[0])}"
        raise NetworkError(
            f"running model {type(model).__name__} on an example input of shape "
            f"{tuple(x.shape)} failed{where}: {type(exc).__name__}: {first}") from exc
    finally:
        for m, flag in flags.items():
            m.training = flag

    builder = _Builder(gm, shapes, batch=int(x.shape[0]))
    layers = builder.build()
    if not any(lay.kind in ("conv2d", "linear", "matmul") for lay in layers):
        raise NetworkError(f"model {type(model).__name__} has no conv2d, linear or matmul layer")
    return Network(name=model_name, input_shape=tuple(int(s) for s in x.shape[1:]),
                   layers=tuple(layers),
                   description=description or getattr(model, "description", "") or "",
                   source=f"torch:{type(model).__module__}.{type(model).__qualname__}")


def _shape_of(value: Any) -> Any:
    import torch

    if isinstance(value, torch.Tensor):
        return tuple(int(s) for s in value.shape)
    if isinstance(value, (tuple, list)) and value and all(
            isinstance(v, torch.Tensor) for v in value):
        return [tuple(int(s) for s in v.shape) for v in value]
    return None


class _Builder:
    """Walks the traced graph once, turning nodes into layers / aliases / constants."""

    def __init__(self, gm: Any, shapes: dict[Any, Any], batch: int) -> None:
        self.gm = gm
        self.shapes = shapes
        self.batch = batch
        self.modules = dict(gm.named_modules())
        self.layers: list[Layer] = []
        self.src: dict[Any, tuple[str, ...]] = {}   # node -> producing layer names
        self.const: set[Any] = set()                 # nodes computed from parameters only
        self.by_name: dict[str, Layer] = {}
        self.calls: dict[str, int] = {}
        self.used: set[str] = set()
        self.errors: list[str] = []
        # module names are reserved up front so a functional op never takes one
        self.reserved = {n.target for n in gm.graph.nodes if n.op == "call_module"}

    # --------------------------------------------------------------- helpers
    def _tensor_inputs(self, node: Any) -> list[Any]:
        return [a for a in node.all_input_nodes if self.shapes.get(a) is not None]

    def _sample(self, shape: Any) -> tuple[int, ...]:
        if isinstance(shape, list):
            shape = shape[0]
        return tuple(shape[1:]) if shape else ()

    def _where(self, node: Any) -> str:
        scope = self._scope(node)
        if node.op == "call_module":
            mod = self.modules.get(node.target)
            return f"module '{node.target}' ({type(mod).__module__}.{type(mod).__name__})"
        what = f"{node.op.replace('call_', '')} '{_op_name(node)}'"
        return what + (f" in module '{scope}'" if scope else " in the top-level forward()")

    @staticmethod
    def _scope(node: Any) -> str:
        stack = node.meta.get("nn_module_stack") or {}
        if not stack:
            return ""
        last = list(stack.values())[-1]
        path = last[0] if isinstance(last, tuple) else str(last)
        return path

    def _unique(self, base: str, avoid: set[str] | frozenset[str] = frozenset()) -> str:
        name, k = base, 0
        while name in self.used or name in avoid:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    def _module_name(self, target: str) -> str:
        k = self.calls.get(target, 0)
        self.calls[target] = k + 1
        return self._unique(target if k == 0 else f"{target}#{k}")

    def _func_name(self, node: Any, base: str) -> str:
        scope = self._scope(node)
        return self._unique(f"{scope}.{base}" if scope else base, self.reserved)

    def _inputs(self, nodes: Sequence[Any]) -> tuple[str, ...]:
        out: list[str] = []
        for n in nodes:
            for s in self.src.get(n, ()):
                if s not in out:
                    out.append(s)
        return tuple(out)

    def _emit(self, node: Any, layer: Layer) -> None:
        self.layers.append(layer)
        self.by_name[layer.name] = layer
        self.src[node] = (layer.name,)

    def _alias(self, node: Any, ins: Sequence[Any]) -> None:
        self.src[node] = self._inputs(ins)

    def _fail(self, node: Any, why: str) -> NetworkError:
        return NetworkError(f"cannot map {self._where(node)}: {why}")

    # ------------------------------------------------------------------ walk
    def build(self) -> list[Layer]:
        seen_input = False
        for node in self.gm.graph.nodes:
            shape = self.shapes.get(node)
            if node.op == "placeholder":
                if shape is None:
                    continue
                if seen_input:
                    raise NetworkError(f"model takes more than one tensor input ('{node.name}'); "
                                       "only single-input networks are supported")
                seen_input = True
                self.src[node] = ("",)
                continue
            if node.op == "get_attr":
                self.const.add(node)
                self.src[node] = ()
                continue
            if node.op == "output" or shape is None:
                continue
            ins = self._tensor_inputs(node)
            if ins and all(i in self.const for i in ins) or not ins:
                # computed from parameters / constants only (e.g. an expanded class token)
                self.const.add(node)
                self.src[node] = ()
                continue
            try:
                if node.op == "call_module":
                    self._module(node, ins)
                else:
                    self._function(node, ins)
            except NetworkError as exc:
                # keep walking so that one error lists every unmappable operation
                self.errors.append(str(exc))
                self._alias(node, ins)
        if len(self.errors) == 1:
            raise NetworkError(self.errors[0])
        if self.errors:
            raise NetworkError(f"{len(self.errors)} operations cannot be mapped:\n  "
                               + "\n  ".join(self.errors))
        return self.layers

    # ----------------------------------------------------------- call_module
    def _module(self, node: Any, ins: list[Any]) -> None:
        from torch import nn

        mod = self.modules[node.target]
        tname = type(mod).__name__
        in_shape = self._sample(self.shapes[ins[0]])
        out_shape = self._sample(self.shapes[node])
        inputs = self._inputs(ins)
        name = None

        def mk(kind: str, **kw: Any) -> Layer:
            nonlocal name
            name = name or self._module_name(node.target)
            return Layer(name=name, kind=kind, in_shape=in_shape, out_shape=out_shape,  # type: ignore[arg-type]
                         inputs=inputs, **kw)

        if isinstance(mod, nn.Conv2d):
            if mod.padding_mode != "zeros":
                raise self._fail(node, f"padding_mode={mod.padding_mode!r} (only 'zeros')")
            self._emit(node, mk("conv2d", in_channels=mod.in_channels,
                                out_channels=mod.out_channels, kernel=_pair(mod.kernel_size),
                                stride=_pair(mod.stride),
                                padding=_conv_padding(mod.padding, mod.kernel_size,
                                                      mod.dilation),
                                dilation=_pair(mod.dilation), groups=int(mod.groups),
                                bias=mod.bias is not None))
        elif isinstance(mod, nn.Linear):
            self._emit(node, mk("linear", in_channels=mod.in_features,
                                out_channels=mod.out_features, bias=mod.bias is not None))
        elif isinstance(mod, (nn.MaxPool2d, nn.AvgPool2d)):
            ptype = "max" if isinstance(mod, nn.MaxPool2d) else "avg"
            dil = _pair(getattr(mod, "dilation", 1))
            self._emit(node, mk("pool", pool=ptype, kernel=_pair(mod.kernel_size),
                                stride=_pair(mod.stride or mod.kernel_size),
                                padding=_pair(mod.padding), dilation=dil,
                                in_channels=in_shape[0], out_channels=out_shape[0]))
        elif isinstance(mod, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            ptype = "max" if isinstance(mod, nn.AdaptiveMaxPool2d) else "avg"
            k, s = _adaptive(in_shape, out_shape)
            self._emit(node, mk("pool", pool=ptype, kernel=k, stride=s,
                                in_channels=in_shape[0], out_channels=out_shape[0]))
        elif isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            self._emit(node, mk("batchnorm", folded_into=self._foldable(inputs),
                                in_channels=in_shape[0], out_channels=out_shape[0]))
        elif tname in _ACTIVATION_MODULES and type(mod).__module__.startswith("torch.nn"):
            self._emit(node, mk("activation", activation=_ACTIVATION_MODULES[tname]))
        elif isinstance(mod, (nn.Softmax, nn.LogSoftmax)):
            self._emit(node, mk("softmax"))
        elif isinstance(mod, nn.LayerNorm):
            self._emit(node, mk("layernorm"))
        elif isinstance(mod, nn.Flatten):
            self._emit(node, mk("flatten"))
        elif tname in _ALIAS_MODULES:
            self._alias(node, ins)
        elif isinstance(mod, nn.MultiheadAttention):
            raise self._fail(node, "nn.MultiheadAttention is opaque to tracing; write the "
                             "attention with nn.Linear projections and torch.matmul "
                             "(see ppa_sim.network.models.Attention)")
        else:
            raise self._fail(node, f"no layer kind for {tname} (supported modules: Conv2d, "
                             "Linear, Max/AvgPool2d, Adaptive pools, BatchNorm1d/2d, "
                             "activations, Softmax, LayerNorm, Flatten, Dropout, Identity)")

    def _foldable(self, inputs: tuple[str, ...]) -> str:
        if len(inputs) == 1 and inputs[0] in self.by_name:
            prod = self.by_name[inputs[0]]
            if prod.kind in ("conv2d", "linear"):
                return prod.name
        return ""

    # ------------------------------------------------ call_function / method
    def _function(self, node: Any, ins: list[Any]) -> None:
        op = _op_name(node)
        out_shape = self._sample(self.shapes[node])
        act = [i for i in ins if i not in self.const]
        in_shape = self._sample(self.shapes[act[0]])
        inputs = self._inputs(act)

        def mk(kind: str, base: str, **kw: Any) -> Layer:
            return Layer(name=self._func_name(node, base), kind=kind,  # type: ignore[arg-type]
                         in_shape=in_shape, out_shape=out_shape, inputs=inputs, **kw)

        if op in _ALIAS_NAMES or node.target is operator.getitem:
            self._alias(node, act)
        elif op in _RESHAPE_NAMES:
            if len(out_shape) == 1 and len(in_shape) > 1:
                self._emit(node, mk("flatten", "flatten"))
            else:
                self._alias(node, act)
        elif op in _ADD_NAMES:
            self._emit(node, mk("add", "add"))
        elif op in _SCALE_NAMES:
            if len(act) > 1:
                raise self._fail(node, "element-wise product of two activations has no "
                                 "layer kind (supported: add, concat, matmul)")
            self._alias(node, act)  # scaling by a number or a parameter: folded
        elif op in _CAT_NAMES:
            self._emit(node, mk("concat", "cat", out_channels=out_shape[0] if out_shape else 0))
        elif op in _MATMUL_NAMES:
            self._matmul(node, ins, mk)
        elif op == "linear":
            w = node.args[1] if len(node.args) > 1 else node.kwargs.get("weight")
            if w not in self.const:
                raise self._fail(node, "F.linear with a weight that is not a parameter")
            wshape = self.shapes[w]
            bias = node.args[2] if len(node.args) > 2 else node.kwargs.get("bias")
            self._emit(node, mk("linear", "linear", in_channels=wshape[1],
                                out_channels=wshape[0], bias=bias is not None))
        elif op in _ACTIVATION_NAMES:
            self._emit(node, mk("activation", op.rstrip("_"), activation=op.rstrip("_")))
        elif op in ("softmax", "log_softmax"):
            self._emit(node, mk("softmax", "softmax"))
        elif op == "layer_norm":
            self._emit(node, mk("layernorm", "layer_norm"))
        elif op == "batch_norm":
            self._emit(node, mk("batchnorm", "batch_norm", folded_into=self._foldable(inputs)))
        elif op in _POOL_FUNCS:
            if op.startswith("adaptive"):
                k, s = _adaptive(in_shape, out_shape)
                extra: dict[str, Any] = {"kernel": k, "stride": s}
            else:
                k = _pair(_arg(node, 1, "kernel_size"))
                stride = _arg(node, 2, "stride", None) or k
                extra = {"kernel": k, "stride": _pair(stride),
                         "padding": _pair(_arg(node, 3, "padding", 0))}
            self._emit(node, mk("pool", op, pool=_POOL_FUNCS[op],
                                in_channels=in_shape[0], out_channels=out_shape[0], **extra))
        elif op in ("mean", "amax", "max") and len(in_shape) >= 2:
            ptype = "avg" if op == "mean" else "max"
            kernel = ((in_shape[1], in_shape[2]) if len(in_shape) == 3 and len(out_shape) < 3
                      else (in_shape[-2], 1))
            self._emit(node, mk("pool", "mean" if op == "mean" else "max", pool=ptype,
                                kernel=kernel, stride=kernel,
                                in_channels=in_shape[0], out_channels=out_shape[0]))
        else:
            raise self._fail(node, f"no layer kind for the operation '{op}'")

    def _matmul(self, node: Any, ins: list[Any], mk: Any) -> None:
        a, b = (list(node.args) + [None, None])[:2]
        if b in self.const and a not in self.const:
            wshape = self.shapes[b]
            if len(wshape) != 2:
                raise self._fail(node, f"matmul with a {len(wshape)}-D parameter")
            self._emit(node, mk("linear", "matmul", in_channels=wshape[0],
                                out_channels=wshape[1]))
            return
        if a in self.const or b in self.const:
            raise self._fail(node, "parameter @ activation products are not supported; "
                             "write activation @ parameter")
        sa, sb, so = self.shapes[a], self.shapes[b], self.shapes[node]
        if len(sa) < 2 or len(sb) < 2:
            raise self._fail(node, f"matmul of shapes {sa} and {sb} (need >= 2-D operands)")
        m, k, n = sa[-2], sa[-1], sb[-1]
        batch_heads = max(1, math.prod(so[:-2]) // self.batch)
        self._emit(node, mk("matmul", "matmul", matmul_dims=(batch_heads, m, k, n)))


def _arg(node: Any, i: int, key: str, default: Any = None) -> Any:
    if len(node.args) > i:
        return node.args[i]
    return node.kwargs.get(key, default)


def _pair(v: Any) -> tuple[int, int]:
    if isinstance(v, (tuple, list)):
        return (int(v[0]), int(v[1] if len(v) > 1 else v[0]))
    return (int(v), int(v))


def _conv_padding(padding: Any, kernel: Any, dilation: Any) -> tuple[int, int]:
    if padding == "valid":
        return (0, 0)
    if padding == "same":
        k, d = _pair(kernel), _pair(dilation)
        return (d[0] * (k[0] - 1) // 2, d[1] * (k[1] - 1) // 2)
    return _pair(padding)


def _adaptive(in_shape: tuple[int, ...], out_shape: tuple[int, ...]
              ) -> tuple[tuple[int, int], tuple[int, int]]:
    """Kernel and stride of an adaptive pool (exact when the sizes divide)."""
    ih, iw = in_shape[-2], in_shape[-1]
    oh, ow = (out_shape[-2], out_shape[-1]) if len(out_shape) >= 3 else (1, 1)
    return ((math.ceil(ih / oh), math.ceil(iw / ow)), (max(1, ih // oh), max(1, iw // ow)))
