"""Per-layer precision rules."""

from __future__ import annotations

import pytest

from ppa_sim.errors import NetworkError
from ppa_sim.network import zoo
from ppa_sim.network.precision import with_precision


def test_global_then_pattern_rules() -> None:
    net = with_precision(zoo.get("resnet20"), weight_bits=4, act_bits=4,
                         per_layer={"conv1": {"weight_bits": 8, "act_bits": 8},
                                    "layer3.*.conv2": {"act_bits": 6}, "fc": {"weight_bits": 8}})
    assert (net.layer("conv1").weight_bits, net.layer("conv1").act_bits) == (8, 8)
    assert (net.layer("layer3.2.conv2").weight_bits, net.layer("layer3.2.conv2").act_bits) == (4, 6)
    assert (net.layer("fc").weight_bits, net.layer("fc").act_bits) == (8, 4)
    assert net.layer("layer1.0.bn1").weight_bits is None  # digital layers untouched
    assert net.macs == zoo.get("resnet20").macs
    assert zoo.get("resnet20").layer("conv1").weight_bits is None  # zoo copy unchanged


def test_matmul_operands_are_activations() -> None:
    net = with_precision(zoo.get("vit_tiny"), weight_bits=4, act_bits=6)
    mm = net.layer("blocks.0.attn.matmul")
    assert (mm.weight_bits, mm.act_bits) == (6, 6)
    assert net.layer("blocks.0.attn.qkv").weight_bits == 4


@pytest.mark.parametrize("kwargs,match", [
    ({"weight_bits": 0}, r"weight_bits must be an integer in \[1, 32\]"),
    ({"act_bits": 4.5}, "act_bits must be an integer"),
    ({"per_layer": {"nope*": {"weight_bits": 4}}}, "'nope\\*' matches no"),
    ({"per_layer": {"fc": {"bits": 4}}}, "unknown key"),
    ({"per_layer": {"fc": 4}}, "must be a mapping"),
    ({"per_layer": {"fc1": {"weight_bits": True}}}, "fc1.weight_bits must be an integer"),
])
def test_bad_rules(kwargs: dict, match: str) -> None:
    with pytest.raises(NetworkError, match=match):
        with_precision(zoo.get("lenet5"), **kwargs)
