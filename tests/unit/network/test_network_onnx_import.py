"""ONNX importer: hand-built graphs (onnx.helper) and torch-exported zoo models."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

from ppa_sim.errors import NetworkError
from ppa_sim.network import models, zoo
from ppa_sim.network.onnx_import import from_onnx


def _init(name: str, *shape: int) -> onnx.TensorProto:
    return numpy_helper.from_array(np.zeros(shape, dtype=np.float32), name)


def _save(tmp_path: Path, nodes: list, inits: list, in_shape: list, out_shape: list,
          name: str = "net") -> Path:
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.FLOAT, out_shape)],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / f"{name}.onnx"
    onnx.save(model, str(path))
    return path


def _vgg8_onnx(tmp_path: Path) -> Path:
    """VGG-8 (NeuroSim) written node by node, with a symbolic batch dimension."""
    nodes, inits = [], []
    x, c = "x", 3
    for i, (cout, pool) in enumerate([(128, 0), (128, 1), (256, 0), (256, 1), (512, 0),
                                      (512, 1)]):
        inits.append(_init(f"w{i}", cout, c, 3, 3))
        nodes.append(helper.make_node("Conv", [x, f"w{i}"], [f"c{i}"], name=f"conv{i}",
                                      kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"], name=f"relu{i}"))
        x, c = f"r{i}", cout
        if pool:
            nodes.append(helper.make_node("MaxPool", [x], [f"p{i}"], name=f"pool{i}",
                                          kernel_shape=[2, 2], strides=[2, 2]))
            x = f"p{i}"
    nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flatten", axis=1))
    inits += [_init("fw0", 1024, 8192), _init("fw1", 10, 1024), _init("fb1", 10)]
    nodes.append(helper.make_node("Gemm", ["flat", "fw0"], ["f0"], name="fc0", transB=1))
    nodes.append(helper.make_node("Relu", ["f0"], ["fr0"], name="fc0_relu"))
    nodes.append(helper.make_node("Gemm", ["fr0", "fw1", "fb1"], ["y"], name="fc1", transB=1))
    return _save(tmp_path, nodes, inits, ["N", 3, 32, 32], ["N", 10], "vgg8")


def test_hand_built_vgg8_equals_zoo(tmp_path: Path) -> None:
    net = from_onnx(_vgg8_onnx(tmp_path))
    ref = zoo.get("vgg8")
    assert net.name == "vgg8" and net.input_shape == (3, 32, 32)
    assert [(lay.kind, lay.in_shape, lay.out_shape, lay.kernel, lay.padding, lay.macs)
            for lay in net.weight_layers] == \
        [(lay.kind, lay.in_shape, lay.out_shape, lay.kernel, lay.padding, lay.macs)
         for lay in ref.weight_layers]
    assert [lay.kind for lay in net] == [lay.kind for lay in ref]
    assert net.macs == ref.macs
    assert net.layer("fc1").bias and not net.layer("fc0").bias
    assert net.layer("conv1").inputs == ("relu0",)


def _export(model: torch.nn.Module, tmp_path: Path, name: str) -> Path:
    buf = io.BytesIO()
    x = torch.zeros(1, *model.input_shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), x, buf, dynamo=False, input_names=["x"])
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.parametrize("name", ["resnet20", "mobilenet_v2", "googlenet_cifar"])
def test_torch_exported_zoo_models_agree(tmp_path: Path, name: str) -> None:
    """torch.onnx.export folds batch-norm into the convs; weight layers, residual adds,
    concats and MACs must still agree with the zoo (which traced the same module)."""
    model = models.FACTORIES[name]()
    net = from_onnx(_export(model, tmp_path, name))
    ref = zoo.get(name)
    assert [(lay.in_shape, lay.out_shape, lay.kernel, lay.stride, lay.groups, lay.macs)
            for lay in net.weight_layers] == \
        [(lay.in_shape, lay.out_shape, lay.kernel, lay.stride, lay.groups, lay.macs)
         for lay in ref.weight_layers]
    for kind in ("add", "concat"):
        assert sum(lay.kind == kind for lay in net) == sum(lay.kind == kind for lay in ref)
    assert net.macs == ref.macs


def test_torch_exported_vit_has_attention_matmuls(tmp_path: Path) -> None:
    model = models.vit_tiny(num_classes=10, img_size=32, patch=8, depth=2)
    net = from_onnx(_export(model, tmp_path, "vit"))
    ref = zoo.get("vit_tiny")  # same block structure at 224
    tokens = (32 // 8) ** 2 + 1
    mm = [lay for lay in net if lay.kind == "matmul"]
    assert [lay.matmul_dims for lay in mm] == [(3, tokens, 64, tokens), (3, tokens, tokens, 64)] * 2
    lin = [lay for lay in net.weight_layers if lay.kind == "linear"]
    assert len(lin) == 2 * 4 + 1
    assert all(lay.bias for lay in lin)  # MatMul + Add(constant) folded into a biased linear
    assert lin[0].in_shape == (tokens, 192) and lin[0].out_channels == 576
    assert {lay.kind for lay in ref} >= {lay.kind for lay in net} - {"add"}


def test_unsupported_op_names_file_node_and_op(tmp_path: Path) -> None:
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[3, 3]),
             helper.make_node("LRN", ["c"], ["y"], name="norm1", size=3)]
    path = _save(tmp_path, nodes, [_init("w", 4, 3, 3, 3)], [1, 3, 8, 8], [1, 4, 6, 6], "lrn")
    with pytest.raises(NetworkError, match=r"lrn\.onnx: node 'norm1' \(op LRN\)"):
        from_onnx(path)


def test_other_onnx_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a protobuf")
    with pytest.raises(NetworkError, match="bad.onnx"):
        from_onnx(bad)
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[3, 3]),
             helper.make_node("Mul", ["c", "c"], ["y"], name="sq")]
    path = _save(tmp_path, nodes, [_init("w", 4, 3, 3, 3)], [1, 3, 8, 8], [1, 4, 6, 6], "mul")
    with pytest.raises(NetworkError, match="'sq' \\(op Mul\\).*two activations"):
        from_onnx(path)
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[3, 3])]
    path = _save(tmp_path, nodes, [_init("w", 4, 3, 3, 3)], [1, 3, "H", 8], [1, 4, "H", 6],
                 "sym")
    with pytest.raises(NetworkError, match="symbolic"):
        from_onnx(path)


def test_grouped_conv_global_pool_and_concat(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "wd"], ["d"], name="dw", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=8, strides=[2, 2]),
        helper.make_node("Conv", ["x", "wp"], ["p"], name="pw", kernel_shape=[1, 1],
                         strides=[2, 2]),
        helper.make_node("Concat", ["d", "p"], ["cat"], name="cat", axis=1),
        helper.make_node("Add", ["cat", "cat"], ["s"], name="res"),
        helper.make_node("GlobalAveragePool", ["s"], ["g"], name="gap"),
        helper.make_node("Reshape", ["g", "shape"], ["f"], name="flat"),
        helper.make_node("MatMul", ["f", "fw"], ["y"], name="fc"),
    ]
    inits = [_init("wd", 8, 1, 3, 3), _init("wp", 16, 8, 1, 1), _init("fw", 24, 5),
             numpy_helper.from_array(np.array([1, 24], dtype=np.int64), "shape")]
    net = from_onnx(_save(tmp_path, nodes, inits, [1, 8, 16, 16], [1, 5], "mix"))
    dw = net.layer("dw")
    assert (dw.groups, dw.out_shape, dw.macs) == (8, (8, 8, 8), 8 * 9 * 64)
    assert net.layer("cat").inputs == ("dw", "pw") and net.layer("cat").out_shape == (24, 8, 8)
    assert net.layer("gap").kernel == (8, 8) and net.layer("gap").out_shape == (24, 1, 1)
    assert net.layer("flat").kind == "flatten"
    assert (net.layer("fc").kind, net.layer("fc").macs) == ("linear", 24 * 5)


def test_every_unsupported_node_listed_once(tmp_path: Path) -> None:
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", kernel_shape=[3, 3]),
             helper.make_node("LRN", ["c"], ["n"], name="norm1", size=3),
             helper.make_node("Relu", ["n"], ["r"], name="relu"),
             helper.make_node("LpNormalization", ["r"], ["y"], name="lp")]
    path = _save(tmp_path, nodes, [_init("w", 4, 3, 3, 3)], [1, 3, 8, 8], [1, 4, 6, 6], "two")
    with pytest.raises(NetworkError) as info:
        from_onnx(path)
    msg = str(info.value)
    assert msg.startswith("2 nodes cannot be mapped")
    assert "node 'norm1' (op LRN)" in msg and "node 'lp' (op LpNormalization)" in msg
