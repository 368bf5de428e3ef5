"""Opt-in DNN+NeuroSim V1.4 stage accounting and accumulation order.

``chip.sync_shift_add_cycles`` (SubArray.cpp: shiftAddWeight + shiftAddInput cycles per
read), ``chip.copies_share_tile_buffers`` (Tile.cpp: buffer cycles added after the
speed-up division), ``tile.output: partial_sums`` (chipActivation) and
``mapping.accumulation_order: weight_first`` (shiftAddWeight before shiftAddInput): each
does what it says, is a no-op where it does not apply, and the timing-only pass of
``duplication: auto`` still equals the full roll-up bit for bit with them on.
"""

from __future__ import annotations

import math

import pytest

from ppa_sim import api
from ppa_sim.mapping.planner import Planner, plan
from ppa_sim.mapping.schedule import Scheduler, schedule
from ppa_sim.network import zoo
from ppa_sim.rollup import _Chip, _Costs, _estimate_plan, _Timer, estimate_design
from ppa_sim.spec.load import load_design

NS = "architectures/neurosim_v14_sram_22nm.yaml"
OFF = {"chip.sync_shift_add_cycles": False, "chip.copies_share_tile_buffers": False,
       "tile.output": "activations", "mapping.accumulation_order": "column_first"}


def _est(arch: str, over: dict, net: str = "vgg8"):
    return api.estimate(arch, net, overrides=[f"{k}={v}" for k, v in over.items()])


@pytest.fixture(scope="module")
def ns(root):
    return str(root / NS)


def test_shift_add_cycles_lengthen_the_read_step(ns):
    """8 sensing cycles (columns per ADC) + 8 weight shift-add cycles + ceil(8/8) input
    shift-add cycle per read step; the clock itself does not change."""
    on = _est(ns, {})
    off = _est(ns, {**OFF, "chip.sync_shift_add_cycles": False})
    assert on.meta["clock_ns"] == off.meta["clock_ns"]
    assert on.meta["read_step_ns"] == pytest.approx(17 * on.meta["clock_ns"], rel=1e-12)
    assert off.meta["read_step_ns"] == pytest.approx(8 * off.meta["clock_ns"], rel=1e-12)
    conv = next(L for L in on.layers if L.kind == "conv2d")
    bd = conv.latency_breakdown_ns
    assert bd["shift_add"] / (bd["shift_add"] + bd["array"] + bd["adc"]) == pytest.approx(9 / 17)


def test_shift_add_cycles_need_a_synchronous_chip():
    """Asynchronous chips time the shift-add under the next conversion: no-op there."""
    base = _est("sram_digital_22nm", {})
    on = _est("sram_digital_22nm", {"chip.sync_shift_add_cycles": True,
                                    "chip.copies_share_tile_buffers": True})
    assert on.totals() == base.totals()


def test_copies_do_not_shorten_shared_tile_buffer_time(ns):
    """With copies_share_tile_buffers a duplicated layer's buffer time is that of one copy
    streaming the whole layer (write + read) through its tiles (at least one); spread over
    the tiles of all copies it is shorter."""
    network = zoo.get("vgg8")

    def first_conv(copies, share=True):
        design = load_design(ns, {"mapping.duplication": "fixed",
                                  "mapping.duplication_factor": copies,
                                  "chip.copies_share_tile_buffers": share})
        est = estimate_design(design, network)
        return design, next(L for L in est.layers if L.kind == "conv2d")

    for copies in (1, 4, 16):
        design, lay = first_conv(copies)
        assert lay.duplication == copies
        chip = _Chip(design, _Costs(design))
        bits = lay.events["tile_buffer_read_bits"]
        assert lay.latency_breakdown_ns["buffer"] == pytest.approx(
            2 * bits / chip.xfer_bits["tile"] * chip.t_tile_rd
            / max(1.0, lay.tiles / copies), rel=1e-12)
    _, spread = first_conv(16, share=False)
    assert spread.latency_breakdown_ns["buffer"] < lay.latency_breakdown_ns["buffer"]


def test_partial_sum_outputs_widen_tile_buffer_traffic(ns):
    d_ps = load_design(ns)
    d_act = load_design(ns, {"tile.output": "activations"})
    net = zoo.get("vgg8")
    ps = {e.name: e for e in schedule(plan(net, d_ps), d_ps)}
    act = {e.name: e for e in schedule(plan(net, d_act), d_act)}
    for lay in net.layers:
        if lay.kind != "conv2d":
            continue
        e, a = ps[lay.name], act[lay.name]
        extra = lay.out_elements * (e.psum_bits - e.act_bits)
        assert e.counts["tile_buffer_write_bits"] - a.counts["tile_buffer_write_bits"] == extra
        assert e.counts["tile_buffer_read_bits"] - a.counts["tile_buffer_read_bits"] == extra
        assert e.counts["global_buffer_write_bits"] == a.counts["global_buffer_write_bits"]


def test_weight_first_accumulation_counts(ns):
    """weight_first: one weight-column add per conversion, one input shift-add per weight
    per read (input bit x row group x row tile); column_first: one shift-add per conversion
    and one slice add per weight per output position."""
    d_w = load_design(ns)
    d_c = load_design(ns, {"mapping.accumulation_order": "column_first"})
    net = zoo.get("vgg8")
    pw, pc = plan(net, d_w), plan(net, d_c)
    for mw, ew, ec in zip(pw.layers, schedule(pw, d_w), schedule(pc, d_c), strict=True):
        if not mw.is_crossbar:
            continue
        p, lay = mw.partition, mw.layer
        P, cyc = lay.out_positions, 8
        outputs = p.groups * p.group_weights
        assert ew.counts["shift_add"] == ew.counts["adc_convert"]
        assert ew.counts["slice_add"] == P * outputs * cyc * p.n_row_tiles
        assert ec.counts["slice_add"] == P * outputs * (p.columns_per_weight - 1) * p.n_row_tiles
        # the analog events do not depend on the digital order
        assert ew.counts["adc_convert"] == ec.counts["adc_convert"]


def test_weight_first_adds_one_input_shift_add_unit_per_weight(ns):
    """The subarray holds one input shift-add unit per weight (NeuroSim shiftAddInput:
    numCol / numColPerSynapse units) of ADC + weight + input bits."""
    d = load_design(ns)
    chip = _Chip(d, _Costs(d))
    comp, per = chip.sub_parts["input_shift_add"]
    assert per == d.arch.subarray.cols // d.arch.columns_per_weight == 16
    assert comp.info["dffs"] == d.arch.subarray.adc.bits + 8 + 8
    w = _est(ns, {})
    c = _est(ns, {"mapping.accumulation_order": "column_first"})
    assert w.area_breakdown_um2["shift_add"] > c.area_breakdown_um2["shift_add"]
    for cat in ("array", "adc", "dac"):   # only the digital recombination differs
        assert w.area_breakdown_um2[cat] == pytest.approx(c.area_breakdown_um2[cat], rel=1e-12)


def test_defaults_are_off():
    d = load_design("default")
    assert not d.arch.chip.sync_shift_add_cycles
    assert not d.arch.chip.copies_share_tile_buffers
    assert d.arch.tile.output == "activations"
    assert d.arch.mapping.accumulation_order == "column_first"


CASES = [
    (NS, "vgg8", {}),
    (NS, "resnet20", {}),
    ("sram_digital_22nm", "resnet18", {"chip.synchronous": True, **{k: True for k in (
        "chip.sync_shift_add_cycles", "chip.copies_share_tile_buffers")},
        "tile.output": "partial_sums", "mapping.accumulation_order": "weight_first"}),
]


@pytest.mark.parametrize(("arch", "net", "over"), CASES)
def test_timing_pass_equals_full_rollup_with_neurosim_accounting(root, arch, net, over):
    """For every duplication bound: the timing-only pass's cycle and compute-set verdict
    equal the full roll-up's, bit for bit, with the NeuroSim options on."""
    path = str(root / arch) if arch.endswith(".yaml") else arch
    design = load_design(path, {**over, "mapping.duplication": "auto"})
    network = zoo.get(net)
    costs = _Costs(design)
    planner = Planner(network, design)
    pl = planner.plan()
    chip = _Chip(design, costs)
    timer = _Timer(chip, pl, Scheduler(pl, design), {}, False)
    cap = design.arch.mapping.max_duplication
    while True:
        cand = planner.plan(max_duplication=cap)
        est, compute_set = _estimate_plan(design, network, cand, _Costs(design), {}, None,
                                          False)
        assert timer.cycle(cand) == (est.cycle_ns, compute_set), cap
        if cap == 1:
            break
        cap = max(1, cap // 2)
    fast = estimate_design(design, network)
    assert math.isfinite(fast.cycle_ns) and fast.cycle_ns > 0


def test_lsb_first_shift_add_register(ns):
    """shift_add's ``register_bits``: a b-bit adder into an r-bit register (NeuroSim
    ShiftAdd.cpp numDff = numAdderBit + 1 + shifts - 1); the default (r = b) is the plain
    shift-add, and more register bits cost more energy and area at the same adder."""
    from ppa_sim.components import get

    node = load_design(ns).node
    sa = get("digital", "shift_add")
    plain, same = sa(13, node), sa(13, node, register_bits=13)
    assert plain == same
    ext = sa(13, node, register_bits=21)
    assert ext.info["full_adders"] == 13 and ext.info["dffs"] == 21
    assert ext.actions["op"].energy_pj > plain.actions["op"].energy_pj
    assert ext.area_um2 > plain.area_um2
    with pytest.raises(Exception, match="register_bits"):
        sa(13, node, register_bits=0)
