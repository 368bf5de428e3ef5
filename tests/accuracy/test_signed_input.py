"""``dac.signed_input`` in the accuracy path: ternary drive, one pass, a bipolar ADC.

* Without ``signed_input`` nothing changed: outputs and activity records of a few
  layers/designs are bit-identical to those frozen before signed drive existed.
* Ideal device + ``signed_input``: conv and linear with signed inputs equal native torch.
* Finite ADC: ONE conversion per (cycle, read group, column) of the signed partial sum,
  checked against a loop reference written from the definitions; two separately
  converted x+ / x- passes give different codes (same quantised inputs).
* NeuRRAM (architectures/published/neurram_130nm.yaml): the digits CNN and a small
  tanh MLP (negative inputs) run end to end; the accuracy path's read cycles and ADC
  conversions per layer equal the estimator's events.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from loop_ref import (
    cell_levels,
    check_cycles_against_estimate,
    finish_reference,
    train_tanh_mlp,
)
from torch import nn
from unsigned_cases import CASES, GOLDEN, NO_TIES, run_case

from ppa_sim.accuracy import SimOptions, convert
from ppa_sim.accuracy.activity import start_recording, stop_recording
from ppa_sim.accuracy.convert import crossbar_layers
from ppa_sim.accuracy.evaluate import simulate_accuracy
from ppa_sim.accuracy.layers import layer_of
from ppa_sim.api import estimate, load_design
from ppa_sim.mapping.partition import partition
from ppa_sim.mapping.planner import input_cycles
from ppa_sim.network.load import load_network

IDEAL = SimOptions().ideal()
NEURRAM = "published/neurram_130nm"
#: ADC full scale with no small rational relation to the currents (no rounding ties)
RANGE = 0.9176543
QUANT64 = SimOptions(variation=False, read_noise=False, faults=False, dtype="float64",
                     input_range="dynamic", adc_range_fraction=RANGE)
SIGNED = {"subarray.dac.signed_input": True}


# ----------------------------------------------------------------- unsigned: unchanged
_golden = torch.load(GOLDEN, weights_only=True)


@pytest.mark.parametrize("case", range(len(CASES)), ids=[c[0] for c in CASES])
def test_without_signed_input_bit_identical(case: int) -> None:
    got = run_case(case)
    want = _golden[CASES[case][0]]
    assert torch.equal(got["y"], want["y"])
    # input_signed (activity key added after the golden records were frozen) left out
    act = got["activity"]
    layers = {n: {k: v for k, v in r.items() if k != "input_signed"}
              for n, r in act["layers"].items()}
    assert {**act, "layers": layers} == want["activity"]


# ----------------------------------------------------------------- ideal: exact
@pytest.mark.parametrize("extra", [{}, {"weights.mapping": "offset"},
                                   {"subarray.rows": 16, "subarray.parallel_rows": 4},
                                   {"weights.differential_readout": "analog"}])
def test_ideal_signed_input_equals_torch(extra: dict) -> None:
    torch.manual_seed(5)
    design = load_design("default", {**SIGNED, **extra})
    for mod, x in ((nn.Conv2d(5, 12, 3, padding=1, stride=2), torch.randn(2, 5, 9, 9)),
                   (nn.Conv2d(6, 12, 3, padding=2, dilation=2, groups=3),
                    torch.randn(2, 6, 8, 8)),
                   (nn.Linear(300, 17), torch.randn(4, 300))):
        net = nn.Sequential(mod)
        hw = convert(net, design, options=IDEAL)
        with torch.no_grad():
            torch.testing.assert_close(hw(x), net(x), rtol=1e-4, atol=1e-4)
        assert hw[0].input_planes == 1  # continuous signed voltages: one signed cycle


def test_signed_drive_only_changes_the_conversions() -> None:
    """Same quantised inputs either way (sign + bits-1 magnitude): with an ideal ADC the
    one-pass and the two-pass results agree; a finite ADC rounds them differently."""
    torch.manual_seed(2)
    mod, x = nn.Linear(40, 6), torch.randn(5, 40).double()
    over = {"subarray.rows": 16, "subarray.cols": 32, **NO_TIES}
    outs = {}
    for adc in (False, True):
        for signed in (False, True):
            design = load_design("default", {**over, "subarray.dac.signed_input": signed})
            hw = convert(nn.Sequential(mod), design, options=QUANT64.model_copy(
                update={"adc": adc}))
            with torch.no_grad():
                outs[adc, signed] = hw(x)
            # bit-serial 8-bit input: 7 magnitude cycles, twice without signed drive
            assert hw[0].input_planes == (7 if signed else 14)
    torch.testing.assert_close(outs[False, True], outs[False, False], rtol=1e-9, atol=1e-9)
    assert not torch.allclose(outs[True, True], outs[True, False], atol=1e-6)


# ----------------------------------------------------------------- finite ADC: reference
def signed_reference(mod: nn.Module, x: torch.Tensor, design, adc_range: float
                     ) -> tuple[torch.Tensor, int]:
    """Loop reference of one ungrouped layer under ternary drive (ideal devices).

    Every (cycle, read group, column) signed current is converted ONCE by a bipolar
    ADC: code = clamp(round(I / 2 LSB), -2^(b-1), 2^(b-1) - 1). Returns the outputs and
    the number of conversions per input sample and output position.
    """
    arch, dev = design.arch, design.tech.device
    part = partition(layer_of("ref", mod), design)
    conv = isinstance(mod, nn.Conv2d)
    W = mod.weight.detach().double()
    cout = W.shape[0]
    wflat = W.reshape(cout, -1)
    w_max = float(W.abs().max())
    bits, mapping, cb, slices = (part.weight_bits, arch.weights.mapping,
                                 arch.subarray.cell.bits, part.slices)
    pair = mapping == "differential" and arch.weights.differential_readout == "analog"
    L = 2 ** cb if bits is not None else dev.levels
    g_off = dev.r_on_ohm / dev.r_off_ohm
    delta = (1 - g_off) / (L - 1)
    if bits is None:
        w_step = w_max / ((L - 1) if mapping == "differential" else (L - 1) / 2)
    else:
        w_step = w_max / (2 ** (bits - 1) - 1)
    dac = arch.subarray.dac
    xd = x.double()
    mb, d = max(dac.bits - 1, 1), dac.dac_bits
    x_step = float(xd.abs().max()) / (2 ** mb - 1)
    mag = torch.round(xd.abs() / x_step).clamp(0, 2 ** mb - 1)
    if conv:
        mag = F.unfold(mag, mod.kernel_size, dilation=mod.dilation, padding=mod.padding,
                       stride=mod.stride)
        sgn = F.unfold(torch.sign(xd), mod.kernel_size, dilation=mod.dilation,
                       padding=mod.padding, stride=mod.stride)
    else:
        mag, sgn = mag.reshape(len(x), -1, 1), torch.sign(xd).reshape(len(x), -1, 1)
    mag = mag.long()
    B, _, P = mag.shape
    rpr = arch.subarray.rows_per_read
    half = 2 ** (arch.subarray.adc.bits - 1)
    lsb = rpr * adc_range / (2 ** arch.subarray.adc.bits - 1)

    def adc(i: torch.Tensor) -> torch.Tensor:  # bipolar: 2^b codes over -FS..+FS
        return torch.round(i / (2 * lsb)).clamp(-half, half - 1) * 2 * lsb

    lev = torch.tensor([[cell_levels(float(wflat[o, r]), w_max, bits, mapping, cb, slices,
                                 dev.levels) for r in range(wflat.shape[1])]
                        for o in range(cout)], dtype=torch.float64)
    g_cells = g_off + lev / (L - 1) * (1 - g_off)  # (cout, rows, columns)
    shifts = [2 ** (s * cb) if slices > 1 else 1 for s in range(slices)]
    zero = (2 ** (bits - 1) if bits is not None else (L - 1) / 2) if mapping == "offset" else 0
    cycles = -(-mb // d)
    y = torch.zeros(B, cout, P, dtype=torch.float64)
    conversions = 0
    for t in range(part.n_row_tiles):
        rows = list(part.row_tile_index(t))
        for r0 in range(0, len(rows), rpr):
            rd = rows[r0:r0 + rpr]
            for c in range(cycles):
                v = sgn[:, rd] * ((mag[:, rd] >> (c * d)) & (2 ** d - 1)).double() / (2 ** d - 1)
                pw = (2 ** (c * d)) * (2 ** d - 1) * x_step
                if mapping == "offset":  # one reference column (cells at G_on) per tile
                    code_ref = adc(v.sum(1))
                    conversions += 1
                for o in range(cout):
                    cur = torch.einsum("bnp,nk->bpk", v, g_cells[o, rd])  # column currents
                    total = torch.zeros(B, P, dtype=torch.float64)
                    if pair:  # G+ - G- before one conversion per pair
                        total += adc(cur[..., 0] - cur[..., 1]) / delta
                        conversions += 1
                    else:
                        for k in range(cur.shape[-1]):
                            s = k % slices
                            sign = -1.0 if (mapping == "differential" and k >= slices) else 1.0
                            total += sign * shifts[s] * adc(cur[..., k]) / delta
                            conversions += 1
                    if mapping == "offset":
                        total += code_ref * (-(g_off / delta) * sum(shifts) - zero)
                    y[:, o] += pw * total
    return finish_reference(y, mod, x, conv, w_step), conversions


REF_DESIGNS = [
    # 8-bit weights on 2-bit cells, differential (digital), bit-serial 8-bit inputs, 5-bit ADC
    {"subarray.rows": 16, "subarray.cols": 32},
    # offset mapping + reference column, partial-parallel read of 4 rows, 2-bit DAC, 6-bit ADC
    {"subarray.rows": 16, "subarray.cols": 32, "weights.mapping": "offset",
     "subarray.parallel_rows": 4, "subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 2,
     "subarray.dac.bits": 6, "subarray.adc.bits": 6},
    # analog weights on 6 levels, analog differential read-out, 4-bit inputs, 7-bit ADC
    {"subarray.rows": 16, "subarray.cols": 16, "weights.bits": None,
     "technology.device.levels": 6, "weights.differential_readout": "analog",
     "subarray.dac.bits": 4, "subarray.adc.bits": 7, "mapping.policy": "im2col"},
]


@pytest.mark.parametrize("extra", REF_DESIGNS)
@pytest.mark.parametrize("kind", ["conv", "linear"])
def test_signed_input_equals_one_conversion_per_cycle_reference(extra: dict, kind: str) -> None:
    torch.manual_seed(11)
    if kind == "conv":
        mod, x = nn.Conv2d(3, 4, 3, padding=1), torch.randn(2, 3, 5, 5)
    else:
        mod, x = nn.Linear(37, 5), torch.randn(3, 37)
    design = load_design("default", {**extra, **SIGNED, **NO_TIES})
    hw = convert(nn.Sequential(mod), design, options=QUANT64)
    with torch.no_grad():
        got = hw(x.double())
    want, conversions = signed_reference(mod, x, design, RANGE)
    torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-9)
    layer = layer_of("ref", mod)
    cycles = input_cycles(layer, design)
    assert hw[0].input_planes == cycles == design.arch.subarray.dac.cycles_for(
        design.arch.subarray.dac.bits)
    # conversions per output position: cycles x read groups x physical columns, the
    # estimator's count (columns_per_conversion: one per pair with analog read-out)
    part = partition(layer, design)
    rpr = design.arch.subarray.rows_per_read
    groups = sum(-(-len(part.row_tile_index(t)) // rpr) for t in range(part.n_row_tiles))
    cols = layer.out_channels * part.columns_per_weight // design.arch.columns_per_conversion \
        + (part.n_col_tiles if part.reference_columns else 0)
    assert conversions == cycles * groups * cols
    # quantisation does something here
    assert not torch.allclose(got.float(), mod(x).detach(), atol=1e-3)


def test_bipolar_adc_histogram_and_bit_density() -> None:
    """Activity under ternary drive: the density counts the magnitude bits of ONE pass;
    the histogram bins bipolar codes -2^(b-1)..2^(b-1)-1 shifted to 0..2^b-1."""
    torch.manual_seed(4)
    mod = nn.Linear(64, 16)
    x = torch.randn(32, 64)
    design = load_design("default", {"subarray.rows": 64, "subarray.cols": 64,
                                     "subarray.adc.bits": 5, **SIGNED})
    hw = convert(nn.Sequential(mod), design,
                 options=QUANT64.model_copy(update={"adc_range_fraction": 0.25}))
    start_recording(hw)
    with torch.no_grad():
        hw(x.double())
    rec = stop_recording(hw)["layers"]["0"]
    mb = design.arch.subarray.dac.bits - 1
    x_step = float(x.abs().max()) / (2 ** mb - 1)
    a = torch.round(x.double().abs() / x_step).long()
    want = sum(int(((a >> b) & 1).sum()) for b in range(mb)) / (a.numel() * mb)
    assert rec["input_bit_density"] == pytest.approx(want, rel=1e-12)
    hist = rec["adc_code_histogram"]
    assert len(hist) == 32 and sum(hist) > 0
    # signed sums: codes on both sides of zero (bin 16), zero current at mid-scale
    assert sum(hist[:16]) > 0 and sum(hist[17:]) > 0


# ----------------------------------------------------------------- NeuRRAM end to end
def test_neurram_digits_cnn_end_to_end_and_cycle_counts(digits_model, tmp_path) -> None:
    model, _, _ = digits_model
    design = load_design(NEURRAM, {"chip.tiles": "auto"})
    assert design.arch.subarray.dac.signed_input
    res = simulate_accuracy(model, "digits", design, runs=1, progress=False,
                            activity_out=tmp_path / "act.json")
    assert res.ideal_accuracy > 0.9
    assert 0.0 <= res.mean <= 1.0
    # the signed path is numerically sound end to end: ideal read-out keeps the accuracy
    # (3 magnitude bits, 16 levels); the neuron's read-out itself: test_neuron_readout.py
    no_adc = simulate_accuracy(model, "digits", design, runs=1, progress=False,
                               options=SimOptions(adc=False))
    assert no_adc.mean > res.ideal_accuracy - 0.05
    assert res.mean > 0.7
    for rec in res.activity["layers"].values():
        assert len(rec["adc_code_histogram"]) == 2 ** 6 and sum(rec["adc_code_histogram"]) > 0
        assert 0 < rec["input_bit_density"] <= 1
    # the estimator reads the activity file the accuracy path wrote
    net = load_network(model, example_input=torch.zeros(1, 1, 8, 8))
    est = estimate(NEURRAM, net, overrides={"chip.tiles": "auto"},
                   activity=tmp_path / "act.json")
    hw = convert(model, design, options=IDEAL.model_copy(update={"dac": True}))
    with torch.no_grad():
        hw(torch.rand(2, 1, 8, 8))
    check_cycles_against_estimate(hw, est, design, net)


def test_neurram_signed_mlp_end_to_end() -> None:
    """A tanh MLP (its second layer sees negative inputs) on NeuRRAM: runs end to end,
    the signed layer takes dac.cycles_for(bits) cycles, and with an ideal ADC the chip
    keeps the software accuracy within a few points (3-bit input magnitudes, 16 levels)."""

    model, data = train_tanh_mlp(60)
    design = load_design(NEURRAM, {"chip.tiles": "auto"})
    res = simulate_accuracy(model, data, design, runs=1, progress=False,
                            options=SimOptions(adc=False))
    assert res.ideal_accuracy > 0.85
    assert res.mean > res.ideal_accuracy - 0.08
    full = simulate_accuracy(model, data, design, runs=1, progress=False)
    assert 0.0 <= full.mean <= 1.0
    hw = convert(model, design)
    with torch.no_grad():
        hw(data[0][:4])
    assert all(m.input_planes == 3 for _, m in crossbar_layers(hw))
    net = load_network(model, example_input=torch.zeros(1, 64))
    est = estimate(NEURRAM, net, overrides={"chip.tiles": "auto"})
    check_cycles_against_estimate(hw, est, design, net)


def test_exact_adder_tree_counts_signed_products() -> None:
    """An exact digital read-out of ternary products needs a sign bit more than the
    unsigned count (log2(rows) + 2 bits); with it, one signed pass counts exactly what
    the two unsigned passes count."""
    from ppa_sim.errors import ConfigError

    torch.manual_seed(6)
    mod, x = nn.Linear(64, 8), torch.randn(4, 64).double()
    with pytest.raises(ConfigError, match=r"log2\(rows\) \+ 2"):
        convert(nn.Sequential(mod), load_design("sram_digital_22nm", SIGNED))
    opts = SimOptions(dtype="float64")
    over = {"subarray.adc.bits": 12}
    one = convert(nn.Sequential(mod), load_design("sram_digital_22nm", {**over, **SIGNED}),
                  options=opts)
    two = convert(nn.Sequential(mod), load_design("sram_digital_22nm", over), options=opts)
    with torch.no_grad():
        torch.testing.assert_close(one(x), two(x), rtol=1e-12, atol=1e-12)
    assert (one[0].input_planes, two[0].input_planes) == (7, 14)
