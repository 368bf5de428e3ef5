"""``duplication: auto``'s search over duplication bounds: the timing-only pass that ranks
the candidate plans gives exactly the cycle of the full roll-up, so the estimate equals
that of a search that fully rolls up every candidate (same plan, same JSON)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ppa_sim.mapping.planner import Planner, plan
from ppa_sim.mapping.schedule import Scheduler, schedule
from ppa_sim.network import zoo
from ppa_sim.rollup import _Chip, _Costs, _estimate_plan, _Timer, estimate_design
from ppa_sim.spec.load import load_design

AUTO = {"mapping.duplication": "auto"}
# (architecture, network, overrides, training): chosen so that most of them search
# (bound recorded in the estimate's meta: 8 / 1 / 2 / 4 / 32 / 16 ...), some stop at
# once (compute-set), across asynchronous, synchronous, mesh, layer-by-layer, a fixed
# tile budget (greedy copies) and training
CASES = [
    ("default", "resnet50", {}, False),
    ("default", "vit_tiny", {}, False),
    ("default", "vgg8", {}, False),
    ("default", "resnet18", {"chip.interconnect.kind": "mesh"}, False),
    ("default", "resnet20", {"mapping.execution": "layer_by_layer"}, False),
    ("sram_digital_22nm", "vgg8", {}, False),
    ("sram_digital_22nm", "resnet20", {}, False),
    ("sram_digital_22nm", "resnet18", {"chip.synchronous": True}, False),
    ("sram_digital_22nm", "resnet20", {"chip.tiles": 400}, False),
    ("sram_digital_22nm", "vgg8", {}, True),
    ("pcm_14nm", "lenet5", {"chip.synchronous": True}, False),
    ("pcm_14nm", "resnet20", {"chip.interconnect.kind": "mesh"}, False),
    ("pcm_14nm", "mobilenet_v2", {}, False),
]


def _case(arch: str, net: str, over: dict):
    return load_design(arch, {**AUTO, **over}), zoo.get(net)


def _full_search(design, net, training: bool):
    """The search with a full roll-up (cost tree included) of every candidate plan,
    each planned and scheduled from scratch: the reference of the fast path."""
    costs = _Costs(design)
    pl = plan(net, design)
    est, compute_set = _estimate_plan(design, net, pl, costs, {}, None, training)
    top = max((m.duplication for m in pl.crossbar_layers), default=1)
    if compute_set or top <= 1:
        return est, None
    best, cap, seen = (est.cycle_ns, None, top), top, {tuple(m.duplication for m in pl.layers)}
    while cap > 1:
        cap //= 2
        cand = plan(net, design, max_duplication=cap)
        key = tuple(m.duplication for m in cand.layers)
        if key in seen:
            continue
        seen.add(key)
        e, done = _estimate_plan(design, net, cand, costs, {}, None, training)
        if e.cycle_ns <= best[0]:
            best = (e.cycle_ns, e, cap)
        if done:
            break
    if best[1] is None:
        return est, None
    return replace(best[1], meta={**best[1].meta, "auto_duplication_bound": best[2]}), best[2]


@pytest.mark.parametrize(("arch", "net", "over", "training"), CASES)
def test_fast_search_gives_the_full_search_estimate(arch, net, over, training):
    design, network = _case(arch, net, over)
    fast = estimate_design(design, network, training=training)
    ref, bound = _full_search(design, network, training)
    assert fast.meta.get("auto_duplication_bound") == bound
    assert [r.duplication for r in fast.layers] == [r.duplication for r in ref.layers]
    assert fast.cycle_ns == ref.cycle_ns and fast.energy_pj == ref.energy_pj
    assert fast.area_um2 == ref.area_um2 and fast.latency_ns == ref.latency_ns
    assert fast.to_json() == ref.to_json()


def test_cases_exercise_the_search():
    """Most cases do search smaller bounds (else the test above compares one roll-up
    with itself), and at least one keeps a bound between 1 and the unbounded copies."""
    bounds = [estimate_design(*_case(a, n, o), training=t).meta.get("auto_duplication_bound")
              for a, n, o, t in CASES]
    assert sum(b is not None for b in bounds) >= len(CASES) // 2
    assert any(b is not None and b > 1 for b in bounds)


@pytest.mark.parametrize(("arch", "net", "over", "training"), CASES)
def test_timing_pass_equals_full_rollup_for_every_bound(arch, net, over, training):
    """For every bound 64, 32, ..., 1: the timing pass's cycle and compute-set verdict are
    those of the full roll-up, bit for bit."""
    design, network = _case(arch, net, over)
    costs = _Costs(design)
    planner = Planner(network, design)
    pl = planner.plan()
    chip = _Chip(design, costs)
    sched = Scheduler(pl, design)
    timer = _Timer(chip, pl, sched, {}, training)
    cap = design.arch.mapping.max_duplication
    while True:
        cand = planner.plan(max_duplication=cap)
        est, compute_set = _estimate_plan(design, network, cand, _Costs(design), {}, None,
                                          training)
        assert timer.cycle(cand) == (est.cycle_ns, compute_set), cap
        if cap == 1:
            break
        cap //= 2


@pytest.mark.parametrize(("arch", "net"), [("default", "resnet50"), ("pcm_14nm", "vit_tiny"),
                                           ("sram_digital_22nm", "mobilenet_v2")])
def test_planner_and_scheduler_reuse_equal_fresh_ones(arch, net):
    """Plans of one Planner and events of one Scheduler, reused over bounds, equal the
    ones planned / scheduled from scratch."""
    design, network = _case(arch, net, {})
    planner = Planner(network, design)
    sched = Scheduler(planner.plan(), design)
    for cap in (64, 8, 3, 1):
        a, b = planner.plan(max_duplication=cap), plan(network, design, max_duplication=cap)
        assert a == b
        fresh = schedule(b, design)
        assert sched.events(a) == fresh
        for i, m in enumerate(a.layers):
            assert sched.layer_events(i, m).counts == fresh[i].counts
