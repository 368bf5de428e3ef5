"""``mapping.duplication: auto`` never trades throughput for copies (invariants)."""

from __future__ import annotations

import glob
import os

import pytest

from ppa_sim.mapping.planner import plan
from ppa_sim.network import zoo
from ppa_sim.rollup import estimate_design
from ppa_sim.spec.load import load_design

ARCHS = sorted(os.path.basename(p)[:-5] for p in glob.glob(
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "architectures", "*.yaml")))
NETS = ("lenet5", "vgg8", "resnet20", "vit_tiny")


def fps(arch: str, net: str, **over: object) -> float:
    return 1e9 / estimate_design(load_design(arch, over), zoo.get(net)).cycle_ns


def test_shipped_architectures_found() -> None:
    assert "sram_digital_22nm" in ARCHS and len(ARCHS) >= 4


def test_vit_tiny_on_digital_sram_copies_do_not_slow_the_chip() -> None:
    """The reported case: every copy enlarged the chip and its bus (4,171 vs 4,798 FPS)."""
    design = load_design("sram_digital_22nm")
    net = zoo.get("vit_tiny")
    auto = estimate_design(design, net)
    one = estimate_design(load_design("sram_digital_22nm",
                                      {"mapping.max_duplication": 1}), net)
    assert 1e9 / auto.cycle_ns >= 1e9 / one.cycle_ns * (1 - 1e-12)
    assert auto.meta["chip_bus_ns"] <= one.meta["chip_bus_ns"] * (1 + 1e-12)
    # the unbounded plan does copy layers, so the bound the estimator kept is smaller
    assert max(m.duplication for m in plan(net, design).layers) > 1
    assert auto.meta["auto_duplication_bound"] < design.arch.mapping.max_duplication


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("net", NETS)
def test_auto_never_slower_than_no_duplication(arch: str, net: str) -> None:
    auto = fps(arch, net, **{"mapping.duplication": "auto"})
    none = fps(arch, net, **{"mapping.duplication": "none"})
    assert auto >= none * (1 - 1e-9)


def test_compute_set_plan_skips_the_search() -> None:
    """VGG-8 on the default RRAM chip: the duplicated first layers' reads set the cycle,
    so the estimate is that of the full plan (no smaller bound recorded)."""
    design = load_design("default")
    net = zoo.get("vgg8")
    est = estimate_design(design, net)
    assert "auto_duplication_bound" not in est.meta
    full = plan(net, design)
    assert [r.duplication for r in est.layers] == [m.duplication for m in full.layers]
    assert max(m.duplication for m in full.layers) > 1


def test_plan_bound_caps_auto_copies() -> None:
    design = load_design("default")
    net = zoo.get("vgg8")
    full = plan(net, design)
    for cap in (1, 2, 4):
        bounded = plan(net, design, max_duplication=cap)
        assert max(m.duplication for m in bounded.layers) <= cap
        for a, b in zip(full.layers, bounded.layers, strict=True):
            assert b.duplication == min(a.duplication, cap)
        assert bounded.subarrays <= full.subarrays
