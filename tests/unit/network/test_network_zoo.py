"""Zoo networks: MAC / parameter counts against published figures, and graph sanity."""

from __future__ import annotations

import pytest

from ppa_sim.errors import NetworkError
from ppa_sim.network import WEIGHT_KINDS, zoo

# (zoo name, published multiply-accumulates, published parameters, rel tolerance, source)
PUBLISHED = [
    # He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Table 1:
    # ResNet-18 1.8e9 FLOPs (multiply-adds), 11.7 M params (torchvision docs: 11.69 M).
    ("resnet18", 1.82e9, 11.7e6, 0.02, "He et al. 2016 Table 1"),
    # torchvision ResNet-50 (stride on the 3x3 conv, "v1.5"): 4.09 GFLOPS (MACs), 25.6 M
    # params (25,557,032); He et al. 2016 Table 1 gives 3.8e9 for the stride-on-1x1 v1.
    ("resnet50", 4.1e9, 25.6e6, 0.02, "torchvision docs / He et al. 2016 Table 1"),
    # Sandler et al., "MobileNetV2", CVPR 2018, Table 4: 300 M multiply-adds, 3.4 M params
    # (torchvision's count incl. batch-norm affine terms: 3,504,872).
    ("mobilenet_v2", 0.30e9, 3.5e6, 0.03, "Sandler et al. 2018 Table 4"),
    # Simonyan & Zisserman, ICLR 2015, Table 2: 138 M params; 15.5 G multiply-adds at 224
    # (torchvision docs: 15.47 GFLOPS).
    ("vgg16", 15.5e9, 138e6, 0.01, "Simonyan & Zisserman 2015 Table 2"),
    # Krizhevsky, "One weird trick ...", arXiv:1404.5997 single-tower AlexNet, as shipped
    # by torchvision: 61.1 M params, 0.71 GFLOPS (MACs).
    ("alexnet", 0.71e9, 61.1e6, 0.01, "Krizhevsky 2014 / torchvision docs"),
    # DeiT-Ti (Touvron et al., ICML 2021, Table 1): 5.7 M params, 1.3 G FLOPs (MACs).
    # Our parameter sum is over layers, so the class token and position embedding
    # (192 + 197*192 = 38 k) are not included: 5.68 M.
    ("vit_tiny", 1.26e9, 5.7e6, 0.035, "Touvron et al. 2021 Table 1"),
    # He et al. 2016 Sec. 4.2 / Table 6: ResNet-20 0.27 M, ResNet-56 0.85 M params;
    # MACs 41 M / 125 M (hand count of the 6n+2 architecture at 32x32).
    ("resnet20", 40.55e6, 0.27e6, 0.01, "He et al. 2016 Table 6"),
    ("resnet56", 125.5e6, 0.85e6, 0.01, "He et al. 2016 Table 6"),
]


@pytest.mark.parametrize("name,macs,params,rel,source", PUBLISHED,
                         ids=[p[0] for p in PUBLISHED])
def test_published_macs_and_params(name: str, macs: float, params: float, rel: float,
                                   source: str) -> None:
    net = zoo.get(name)
    assert net.macs == pytest.approx(macs, rel=rel), source
    assert net.params == pytest.approx(params, rel=rel), source


def test_vgg8_hand_count_matches_neurosim() -> None:
    """VGG-8 of DNN+NeuroSim (conv 128-128-256-256-512-512 3x3 'same', max-pool after
    every second conv, fc 8192-1024-10). NeuroSim reports 2 ops per MAC: 1.23e9 ops."""
    conv = [(3, 128, 32), (128, 128, 32), (128, 256, 16), (256, 256, 16), (256, 512, 8),
            (512, 512, 8)]
    expected = sum(cin * cout * 9 * hw * hw for cin, cout, hw in conv) + 8192 * 1024 + 1024 * 10
    net = zoo.get("vgg8")
    assert net.macs == expected == 615_917_568
    assert 2 * net.macs == pytest.approx(1.23e9, rel=0.005)
    kinds = [lay.kind for lay in net.weight_layers]
    assert kinds == ["conv2d"] * 6 + ["linear"] * 2
    assert [lay.out_channels for lay in net.weight_layers] == [128, 128, 256, 256, 512, 512,
                                                                1024, 10]
    assert sum(lay.kind == "pool" and lay.pool == "max" for lay in net) == 3


def test_lenet5_counts() -> None:
    """LeNet-5 (LeCun et al. 1998): C1 6@28x28 (5x5), C3 16@10x10, F 400-120-84-10."""
    net = zoo.get("lenet5")
    assert net.macs == 28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 400 * 120 + 120 * 84 + 84 * 10
    assert net.params == 61_706


def test_googlenet_inception_widths() -> None:
    """Concatenated inception outputs follow Szegedy et al. 2015 Table 1."""
    net = zoo.get("googlenet_cifar")
    cats = [lay for lay in net if lay.kind == "concat"]
    assert [c.out_shape[0] for c in cats] == [256, 480, 512, 512, 512, 528, 832, 832, 1024]
    assert all(len(c.inputs) == 4 for c in cats)
    assert net.layer("fc").in_channels == 1024


def test_mobilenet_has_depthwise_convs() -> None:
    net = zoo.get("mobilenet_v2")
    dw = [lay for lay in net.weight_layers if lay.groups > 1]
    assert len(dw) == 17  # one per inverted-residual block (Sandler et al. Table 2)
    assert all(lay.groups == lay.in_channels == lay.out_channels for lay in dw)
    assert all(lay.matrix_rows == 9 for lay in dw)
    assert sum(lay.kind == "add" for lay in net) == 10  # residual blocks with stride 1


def test_vit_attention_is_matmul() -> None:
    net = zoo.get("vit_tiny")
    mm = [lay for lay in net if lay.kind == "matmul"]
    assert len(mm) == 24
    assert {lay.matmul_dims for lay in mm} == {(3, 197, 64, 197), (3, 197, 197, 64)}
    assert all(lay.weights == 0 for lay in mm)
    assert sum(lay.macs for lay in mm) == 12 * 2 * 3 * 197 * 197 * 64
    qkv = net.layer("blocks.0.attn.qkv")
    assert (qkv.kind, qkv.in_shape, qkv.out_shape) == ("linear", (197, 192), (197, 576))
    assert qkv.macs == 197 * 192 * 576


@pytest.mark.parametrize("name", zoo.names())
def test_graph_is_well_formed(name: str) -> None:
    net = zoo.get(name)
    seen = {""}
    for lay in net:
        assert lay.inputs, lay.name
        assert set(lay.inputs) <= seen, f"{lay.name} uses a later layer"
        seen.add(lay.name)
        assert all(d > 0 for d in lay.out_shape), lay.name
    assert len(seen) == len(net) + 1  # unique names
    assert net.layers[0].inputs == ("",)
    assert net.weight_layers and all(lay.kind in WEIGHT_KINDS for lay in net.weight_layers)
    for bn in (lay for lay in net if lay.kind == "batchnorm"):
        assert bn.folded_into and net.layer(bn.folded_into).kind == "conv2d"


def test_names_aliases_and_errors() -> None:
    assert zoo.names()[0] == "vgg8" and len(zoo.names()) == 11
    assert zoo.get("VGG-8") is zoo.get("vgg8")  # cached, pure
    assert zoo.get("ResNet_18").name == "resnet18"
    assert zoo.get("mobilenetv2").name == "mobilenet_v2"
    with pytest.raises(NetworkError, match="unknown network 'vgg9'.*vgg8"):
        zoo.get("vgg9")
