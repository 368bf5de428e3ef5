"""Per-layer mapping policy: grouped_policy (auto picks fewer subarrays) and
policy_per_layer overrides, honoured by partition() and so by the planner, the
estimate and the accuracy path alike."""

from __future__ import annotations

import pytest
import torch
from mapnets import conv, design
from torch import nn

from ppa_sim.accuracy import convert
from ppa_sim.accuracy.options import SimOptions
from ppa_sim.errors import ConfigError
from ppa_sim.mapping import partition, plan
from ppa_sim.mapping.partition import layer_policy
from ppa_sim.network import Layer, Network, zoo
from ppa_sim.rollup import estimate_design
from ppa_sim.spec.load import load_design


@pytest.fixture(scope="module")
def mbv2() -> Network:
    return zoo.get("mobilenet_v2")


def _subarrays(net: Network, **over: object) -> int:
    return plan(net, load_design("default", over or None)).subarrays


def test_mobilenet_auto_needs_fewer_subarrays_than_kernel_wise(mbv2):
    auto = _subarrays(mbv2)
    kw = _subarrays(mbv2, **{"mapping.grouped_policy": "kernel_wise"})
    i2c = _subarrays(mbv2, **{"mapping.grouped_policy": "im2col"})
    assert auto < kw
    assert auto <= i2c
    # auto decides per layer: never more subarrays than either forced policy, layer by layer
    d_auto = load_design("default")
    d_kw = load_design("default", {"mapping.grouped_policy": "kernel_wise"})
    d_i2c = load_design("default", {"mapping.grouped_policy": "im2col"})
    for lay in mbv2.weight_layers:
        s = partition(lay, d_auto).subarrays
        assert s <= partition(lay, d_kw).subarrays and s <= partition(lay, d_i2c).subarrays
        if lay.groups == 1:  # dense layers keep the global policy
            assert partition(lay, d_auto).policy == partition(lay, d_kw).policy


def test_depthwise_kernel_wise_wastes_subarrays():
    # 3x3 depthwise, 96 channels: kernel-wise gives each of the 9 positions its own
    # 1-row block per group; im2col packs a group's 9 rows into one block
    dw = conv("dw", 96, 96, 16, k=3, groups=96)
    d_kw = design(**{"mapping.grouped_policy": "kernel_wise"})
    d_auto = design()
    p_kw, p_auto = partition(dw, d_kw), partition(dw, d_auto)
    assert p_kw.policy == "kernel_wise" and p_auto.policy == "im2col"
    assert p_kw.subarrays > p_auto.subarrays
    # same weights stored either way
    assert p_kw.weight_cells == p_auto.weight_cells


def test_inherit_uses_the_global_policy():
    dw = conv("dw", 32, 32, 8, k=3, groups=32)
    assert partition(dw, design(**{"mapping.grouped_policy": "inherit"})).policy == "kernel_wise"
    assert partition(dw, design(**{"mapping.grouped_policy": "inherit",
                                   "mapping.policy": "im2col"})).policy == "im2col"


def test_policy_per_layer_precedence():
    d = design(**{"mapping.policy_per_layer": {"blocks\\.[0-9]+\\.conv": "im2col",
                                               "blocks.1.conv": "kernel_wise",
                                               "dw": "kernel_wise"}})
    assert layer_policy(conv("blocks.0.conv", 64, 64, 8), d) == "im2col"      # pattern
    assert layer_policy(conv("blocks.1.conv", 64, 64, 8), d) == "kernel_wise"  # exact wins
    # patterns match the whole name
    assert layer_policy(conv("xblocks.0.conv", 64, 64, 8), d) == "kernel_wise"
    # an override beats grouped_policy's auto choice
    assert partition(conv("dw", 32, 32, 8, groups=32), d).policy == "kernel_wise"
    # one kernel position: both orders coincide, always im2col
    assert layer_policy(conv("blocks.0.conv", 64, 64, 8, k=1), d) == "im2col"
    fc = Layer("blocks.0.conv", "linear", (64,), (10,), in_channels=64, out_channels=10)
    assert layer_policy(fc, d) == "im2col"


def test_planner_and_estimate_follow_overrides():
    net = Network("two", (64, 8, 8), (conv("a", 64, 64, 8), conv("b", 64, 64, 8,
                                                                   inputs=("a",))))
    d = design(**{"mapping.policy_per_layer": {"b": "im2col"}})
    pl = plan(net, d)
    # equal shapes but different policies: not merged by the planner's shape cache
    assert [m.partition.policy for m in pl.layers] == ["kernel_wise", "im2col"]
    est = estimate_design(d, net)
    a, b = est.layers
    # im2col fetches the unrolled k*k*C input per output position: more buffer traffic
    assert b.events["tile_buffer_read_bits"] > a.events["tile_buffer_read_bits"]


def test_bad_regex_is_a_config_error():
    with pytest.raises(ConfigError, match="policy_per_layer"):
        load_design("default", {"mapping.policy_per_layer": {"conv[": "im2col"}})
    with pytest.raises(ConfigError):
        load_design("default", {"mapping.grouped_policy": "fewest"})


class _DwNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.pw = nn.Conv2d(8, 16, 3, padding=1, bias=False)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dw(torch.relu(self.pw(x)))


@pytest.mark.parametrize("over", [{}, {"mapping.policy_per_layer": {"dw": "kernel_wise"}},
                                  {"mapping.grouped_policy": "kernel_wise",
                                   "mapping.policy": "im2col"}])
def test_accuracy_path_cuts_like_the_cost_path(over):
    torch.manual_seed(0)
    model = _DwNet()
    d = load_design("default", over or None)
    ideal = SimOptions(weight_quant=False, dac=False, adc=False, variation=False,
                       read_noise=False, faults=False)
    analog = convert(model, d, options=ideal)
    cut = {name: mod.part for name, mod in analog.named_modules() if hasattr(mod, "part")}
    assert set(cut) == {"pw", "dw"}
    for name, mod in model.named_modules():
        if isinstance(mod, nn.Conv2d):
            lay = conv(name, mod.in_channels, mod.out_channels, 8, k=3, groups=mod.groups)
            ref = partition(lay, d)
            assert cut[name].policy == ref.policy
            assert cut[name].subarrays == ref.subarrays
    # with every non-ideality off, the tiles recombine to the exact convolution
    x = torch.rand(2, 8, 8, 8)
    with torch.no_grad():
        assert torch.allclose(analog(x), model(x), rtol=1e-4, atol=1e-4)


def test_neurosim_mode_maps_a_thin_first_conv_conventionally():
    """DNN+NeuroSim V1.4 novel-maps a conv only when its k*k*C_in rows fill a subarray
    (its first conv on 3 channels is conventional); duplication: neurosim follows it."""
    first, inner = conv("conv1", 3, 64, 32), conv("conv2", 128, 128, 32)
    ns = design(**{"mapping.duplication": "neurosim"})
    assert partition(first, ns).policy == "im2col"
    assert partition(inner, ns).policy == "kernel_wise"
    assert partition(first, ns).subarrays < partition(first, design()).subarrays
    # other duplication modes keep the policy as written; an explicit rule still wins
    assert partition(first, design()).policy == "kernel_wise"
    forced = design(**{"mapping.duplication": "neurosim",
                       "mapping.policy_per_layer": {"conv1": "kernel_wise"}})
    assert partition(first, forced).policy == "kernel_wise"
