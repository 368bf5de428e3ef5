"""Input passes and real conversions in the planner / schedule.

* ``input_signed`` (measured activity) on unsigned drivers: two passes of ``bits - 1``
  magnitude bits (the accuracy path's x+ / x- passes); ternary drivers and unknown
  signs: one pass (NeuroSim's unsigned inputs).
* An integrating read-out (adc kind ``neuron``) converts once per converted phase per
  pass: ``adc_convert`` counts those conversions, and the totals equal the per-cycle
  counting (the convert energy is one conversion's share of the MVM).
* The timing-only search over duplication bounds still equals the full roll-up when
  layers are planned with two passes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ppa_sim.components import get as get_component
from ppa_sim.mapping.planner import (
    Planner,
    conversions_per_input,
    input_cycles,
    input_passes,
    plan,
)
from ppa_sim.mapping.schedule import schedule
from ppa_sim.network import zoo
from ppa_sim.rollup import _Costs, _estimate_plan, estimate_design, load_activity
from ppa_sim.spec.load import load_design

NEURRAM = "published/neurram_130nm"


def _lay(net: str = "vgg8", i: int = 1):
    return [lay for lay in zoo.get(net).layers if lay.kind in ("conv2d", "linear")][i]


@pytest.mark.parametrize(("arch", "over", "unsigned", "signed"), [
    ("default", {}, (1, 8), (2, 7)),                                      # 8-bit, 1 b/cycle
    ("default", {"subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 2},
     (1, 4), (2, 4)),                                                     # ceil(7/2) = 4
    ("default", {"subarray.dac.signed_input": True}, (1, 7), (1, 7)),     # ternary: 1 pass
    (NEURRAM, {}, (1, 3), (1, 3)),                                        # shipped: ternary
    (NEURRAM, {"subarray.dac.signed_input": False}, (1, 4), (2, 3)),
])
def test_input_passes(arch: str, over: dict, unsigned: tuple, signed: tuple) -> None:
    d = load_design(arch, over)
    lay = _lay()
    assert input_passes(lay, d) == input_passes(lay, d, False) == unsigned
    assert input_passes(lay, d, True) == signed
    assert input_cycles(lay, d, True) == signed[0] * signed[1]


@pytest.mark.parametrize(("over", "unsigned", "signed"), [
    ({}, 1, 1),                                                 # 3 cycles: one phase
    ({"subarray.dac.bits": 8, "subarray.adc.bits": 10}, 2, 2),  # 7 cycles: 4 + 3
    ({"subarray.dac.bits": 8, "subarray.adc.bits": 4}, 1, 1),   # 2nd phase: no bits left
    ({"subarray.dac.signed_input": False}, 2, 2),               # 4 cycles: 2 + 2 | 2 x (3)
    ({"subarray.dac.signed_input": False, "subarray.dac.bits": 2}, 1, 2),  # 2 | 2 x (1)
])
def test_neuron_converts_once_per_phase(over: dict, unsigned: int, signed: int) -> None:
    d = load_design(NEURRAM, over)
    lay = _lay()
    assert conversions_per_input(lay, d) == unsigned
    assert conversions_per_input(lay, d, True) == signed
    sa = d.arch.subarray
    info = get_component("adc", "neuron")(sa.adc, d.tech.node, dac=sa.dac).info
    assert info["conversions"] == conversions_per_input(lay, d)
    # any other read-out: one conversion per input cycle
    sar = load_design(NEURRAM, {**over, "subarray.adc.kind": "sar"})
    assert conversions_per_input(lay, sar, True) == input_cycles(lay, sar, True)


@pytest.mark.parametrize("over", [{}, {"subarray.dac.bits": 8, "subarray.adc.bits": 10},
                                  {"subarray.dac.signed_input": False}])
def test_neuron_events_count_conversions_and_keep_the_energy(over: dict) -> None:
    """adc_convert = the per-cycle count x conversions / cycles (the same design read by
    a SAR converts every cycle); the ADC energy is still (MVMs per column) x E_mvm."""
    over = {"chip.tiles": "auto", "mapping.duplication": "none", **over}
    d = load_design(NEURRAM, over)
    sar = load_design(NEURRAM, {**over, "subarray.adc.kind": "sar"})
    net = zoo.get("lenet5")
    est = estimate_design(d, net)
    e_mvm = _Costs(d).adc().energy_pj("convert") * _Costs(d).adc().info["conversions"]
    per_cycle = {e.name: e.counts for e in schedule(plan(net, sar), sar)}
    n = 0
    for lr in est.layers:
        if "adc_convert" not in lr.events:
            continue
        n_conv = conversions_per_input(_lay("lenet5", n), d)
        cyc = input_cycles(_lay("lenet5", n), d)
        n += 1
        mvms = per_cycle[lr.name]["adc_convert"] / cyc   # one per column, group, position
        assert lr.events["adc_convert"] == mvms * n_conv
        assert lr.events["array_read"] == per_cycle[lr.name]["array_read"]
        assert lr.energy_breakdown_pj["adc"] == pytest.approx(mvms * e_mvm, rel=1e-12)
    assert n >= 3


def test_planner_marks_signed_layers_and_doubles_their_reads() -> None:
    d = load_design("default", {"chip.tiles": "auto", "mapping.duplication": "none"})
    net = zoo.get("vgg8")
    name = _lay().name
    base, signed = plan(net, d), plan(net, d, signed_inputs=frozenset({name}))
    for a, b in zip(base.layers, signed.layers, strict=True):
        assert b.input_signed == (a.name == name)
        if a.name == name:
            assert b.stage_steps * 8 == a.stage_steps * 14
        else:
            assert b.stage_steps == a.stage_steps
    ev_a = {e.name: e for e in schedule(base, d)}[name].counts
    ev_b = {e.name: e for e in schedule(signed, d)}[name].counts
    for key in ("array_read", "adc_convert", "wl_drive", "mux_switch", "shift_add"):
        assert ev_b[key] * 8 == ev_a[key] * 14, key
    assert ev_b["global_buffer_read_bits"] == ev_a["global_buffer_read_bits"]


def test_activity_flag_reaches_the_plan() -> None:
    d = load_design("default", {"chip.tiles": "auto"})
    net = zoo.get("vgg8")
    name = _lay().name
    doc = {"schema": "ppa_sim.activity/1", "layers": {name: {"input_signed": True}}}
    assert load_activity(doc, net) == {name: {"input_signed": 1.0}}
    a, b = estimate_design(d, net), estimate_design(d, net, activity=doc)
    ra = next(r for r in a.layers if r.name == name)
    rb = next(r for r in b.layers if r.name == name)
    # array reads per inference do not depend on the copies: 14 / 8 of the one pass
    assert dict(rb.events)["array_read"] * 8 == dict(ra.events)["array_read"] * 14
    assert b.energy_pj > a.energy_pj


@pytest.mark.parametrize(("arch", "net"), [("default", "vgg8"), ("pcm_14nm", "resnet20")])
def test_fast_search_equals_full_search_with_signed_layers(arch: str, net: str) -> None:
    design = load_design(arch, {"mapping.duplication": "auto"})
    network = zoo.get(net)
    xbar = [lay.name for lay in network.layers if lay.kind in ("conv2d", "linear")]
    signed = frozenset(xbar[1::2])
    doc = {"schema": "ppa_sim.activity/1",
           "layers": {n: {"input_signed": True} for n in signed}}
    fast = estimate_design(design, network, activity=doc)
    # reference: every candidate bound fully rolled up (as test_auto_search does)
    measured = load_activity(doc, network)
    costs = _Costs(design)
    pl = Planner(network, design, signed).plan()
    est, done = _estimate_plan(design, network, pl, costs, measured, doc, False)
    top = max((m.duplication for m in pl.crossbar_layers), default=1)
    ref = est
    if not done and top > 1:
        best, cap = (est.cycle_ns, None, top), top
        seen = {tuple(m.duplication for m in pl.layers)}
        while cap > 1:
            cap //= 2
            cand = plan(network, design, max_duplication=cap, signed_inputs=signed)
            key = tuple(m.duplication for m in cand.layers)
            if key in seen:
                continue
            seen.add(key)
            e, stop = _estimate_plan(design, network, cand, costs, measured, doc, False)
            if e.cycle_ns <= best[0]:
                best = (e.cycle_ns, e, cap)
            if stop:
                break
        if best[1] is not None:
            ref = replace(best[1], meta={**best[1].meta, "auto_duplication_bound": best[2]})
    assert fast.to_json() == ref.to_json()


def test_neuron_signed_passes_cost_two_mvms_of_the_magnitude_bits() -> None:
    """NeuRRAM without ternary drivers, a layer with signed 4-bit inputs: two passes of 3
    magnitude cycles, each integrated in one phase and converted once; the ADC energy is
    2 x E_mvm(3 cycles) per column and read group, not E_mvm(4 cycles)."""
    over = {"chip.tiles": "auto", "mapping.duplication": "none",
            "subarray.dac.signed_input": False}
    d = load_design(NEURRAM, over)
    net = zoo.get("lenet5")
    name = _lay("lenet5", 1).name
    doc = {"schema": "ppa_sim.activity/1", "layers": {name: {"input_signed": True}}}
    one, two = estimate_design(d, net), estimate_design(d, net, activity=doc)
    sa = d.arch.subarray
    neuron = get_component("adc", "neuron")
    k = d.arch.calibration.post_layout_energy_factor
    e4 = neuron(sa.adc, d.tech.node, dac=sa.dac).info["mvm_energy_pj"] * k
    e3 = neuron(sa.adc, d.tech.node, dac=sa.dac.model_copy(update={"bits": 3})
                ).info["mvm_energy_pj"] * k
    assert e3 < e4
    a = next(r for r in one.layers if r.name == name)
    b = next(r for r in two.layers if r.name == name)
    mvms = a.events["adc_convert"] / conversions_per_input(_lay("lenet5", 1), d)  # 2 phases
    assert b.events["adc_convert"] == 2 * mvms                  # 2 passes x 1 phase
    assert a.energy_breakdown_pj["adc"] == pytest.approx(mvms * e4, rel=1e-12)
    assert b.energy_breakdown_pj["adc"] == pytest.approx(2 * mvms * e3, rel=1e-12)
