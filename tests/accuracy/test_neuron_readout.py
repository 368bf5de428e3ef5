"""``adc.kind: neuron`` in the accuracy path: NeuRRAM's integrating neuron read-out.

* Before the ADC the integration is exact: with an ideal read-out (ADC off) the neuron
  design equals the same design read by a SAR (same quantised inputs and weights), and
  with every non-ideality off it equals native torch.
* Finite ADC: per phase, sum_k 2^(d k) x the column current of plane k, ONE rounding /
  clipping at the phase's bits over the phase's integration range; checked against a
  loop reference written from the definitions (tiny conv and linear, one and two
  phases, ternary and unsigned drive, 1- and 2-bit DAC, a phase left without bits).
* The accuracy path's conversions per layer equal the cost path's ``adc_convert`` events
  (one per converted phase, column and read group).
* NeuRRAM digits CNN with the shipped design: well above chance (was at chance when every
  input bit was converted on its own); activity (histogram, bit density) as recorded.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from loop_ref import cell_levels, check_cycles_against_estimate, events_per_input, finish_reference
from torch import nn
from unsigned_cases import NO_TIES

from ppa_sim.accuracy import SimOptions, convert
from ppa_sim.accuracy.activity import start_recording, stop_recording
from ppa_sim.accuracy.convert import crossbar_layers
from ppa_sim.accuracy.evaluate import simulate_accuracy
from ppa_sim.accuracy.layers import layer_of
from ppa_sim.api import estimate, load_design
from ppa_sim.components import get as get_component
from ppa_sim.components.neuron import phase_plan
from ppa_sim.mapping.partition import partition
from ppa_sim.network.load import load_network

NEURRAM = "published/neurram_130nm"
IDEAL = SimOptions().ideal()
#: ADC full scale with no small rational relation to the currents (no rounding ties)
RANGE = 0.9176543
QUANT64 = SimOptions(variation=False, read_noise=False, faults=False, dtype="float64",
                     input_range="dynamic", adc_range_fraction=RANGE)
SMALL = {"subarray.rows": 16, "subarray.cols": 32, **NO_TIES}


def _mods() -> list[tuple[nn.Module, torch.Tensor]]:
    torch.manual_seed(3)
    return [(nn.Conv2d(3, 4, 3, padding=1), torch.randn(2, 3, 5, 5)),
            (nn.Linear(37, 5), torch.randn(3, 37))]


# ----------------------------------------------------------------- ideal: exact
def test_ideal_neurram_equals_torch() -> None:
    design = load_design(NEURRAM, {"chip.tiles": "auto"})
    torch.manual_seed(1)
    for mod, x in ((nn.Conv2d(5, 12, 3, padding=1, stride=2), torch.randn(2, 5, 9, 9)),
                   (nn.Linear(300, 17), torch.randn(4, 300))):
        hw = convert(nn.Sequential(mod), design, options=IDEAL)
        with torch.no_grad():
            torch.testing.assert_close(hw(x), mod(x), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("extra", [{}, {"subarray.dac.bits": 8},
                                   {"subarray.dac.signed_input": False,
                                    "subarray.dac.bits": 6}])
def test_integration_is_exact_before_the_adc(extra: dict) -> None:
    """ADC off: weighting the planes 2^k in analog and summing them is exactly the digital
    shift-add of the per-plane read-outs (same quantised inputs and weights)."""
    opts = QUANT64.model_copy(update={"adc": False})
    for mod, x in _mods():
        outs = []
        for kind in ("neuron", "sar"):
            design = load_design(NEURRAM, {**SMALL, **extra, "subarray.adc.kind": kind})
            hw = convert(nn.Sequential(mod), design, options=opts)
            with torch.no_grad():
                outs.append(hw(x.double()))
        torch.testing.assert_close(outs[0], outs[1], rtol=1e-12, atol=1e-12)
        # and the input quantisation does something
        assert not torch.allclose(outs[0].float(), mod(x).detach(), atol=1e-4)


# ----------------------------------------------------------------- finite ADC: reference
def _phases(cycles: int, d: int, bits: int, max_phase_bits: int = 3) -> list[tuple[int, int]]:
    """(cycles, bits) per phase, most significant cycles first (written from the
    definition: one phase up to 3 magnitude bits, else ceil/floor halves; the second
    phase converts the bits the first leaves)."""
    if cycles * d <= max_phase_bits or cycles < 2:
        return [(cycles, bits)]
    hi = -(-cycles // 2)
    return [(hi, bits), (cycles - hi, max(bits - d * hi, 0))]


def neuron_reference(mod: nn.Module, x: torch.Tensor, design, adc_range: float
                     ) -> tuple[torch.Tensor, int]:
    """Loop reference of one ungrouped layer read by integrating neurons (ideal devices).

    Per (pass, phase, read group, column): Q = sum_{c in phase} 2^(d (c - lo)) I_c, one
    conversion over full scale N x span x ``adc_range`` with N = sum_j 2^(d j) and span the
    mean conductance of the layer's wires (read group x column); bipolar codes under
    ternary drive. Returns the outputs and the conversions per sample and position."""
    arch, dev = design.arch, design.tech.device
    part = partition(layer_of("ref", mod), design)
    conv = isinstance(mod, nn.Conv2d)
    W = mod.weight.detach().double()
    cout = W.shape[0]
    wflat = W.reshape(cout, -1)
    w_max = float(W.abs().max())
    bits, mapping = part.weight_bits, arch.weights.mapping
    assert bits is None and mapping == "differential"  # NeuRRAM: analog pair per weight
    L = int(arch.subarray.cell.levels)
    g_off = dev.r_on_ohm / dev.r_off_ohm
    delta = (1 - g_off) / (L - 1)
    w_step = w_max / (L - 1)
    dac = arch.subarray.dac
    b = arch.subarray.adc.bits
    xd = x.double()
    signed_drive = bool(dac.signed_input)
    negative = bool((xd < 0).any())
    mb = max(dac.bits - 1, 1) if (signed_drive or negative) else dac.bits
    d = min(dac.dac_bits, mb)
    dmask = 2 ** d - 1
    x_step = float(xd.abs().max()) / (2 ** mb - 1)
    if signed_drive:
        passes = [(torch.round(xd.abs() / x_step).clamp(0, 2 ** mb - 1), torch.sign(xd), 1.0)]
    else:
        passes = [(torch.round(xp / x_step).clamp(0, 2 ** mb - 1), torch.ones_like(xd), s)
                  for xp, s in ((xd.clamp_min(0), 1.0), ((-xd).clamp_min(0), -1.0))
                  if s > 0 or negative]

    def cols(t: torch.Tensor) -> torch.Tensor:
        if conv:
            return F.unfold(t, mod.kernel_size, dilation=mod.dilation, padding=mod.padding,
                            stride=mod.stride)
        return t.reshape(len(x), -1, 1)

    lev = torch.tensor([[cell_levels(float(wflat[o, r]), w_max, None, mapping, 0, 1, L)
                         for r in range(wflat.shape[1])] for o in range(cout)],
                       dtype=torch.float64)
    g_cells = g_off + lev / (L - 1) * (1 - g_off)  # (cout, rows, 2)
    rpr = arch.subarray.rows_per_read
    groups = []
    for t in range(part.n_row_tiles):
        rows = list(part.row_tile_index(t))
        groups += [rows[r0:r0 + rpr] for r0 in range(0, len(rows), rpr)]
    span = float(torch.stack([g_cells[:, rd].sum(1) for rd in groups]).mean())
    cycles = -(-mb // d)
    plan = _phases(cycles, d, b)
    assert phase_plan(arch.subarray.adc, cycles, d) == tuple(plan)
    y = None
    conversions = 0
    for mag, sgn, pass_sign in passes:
        mag, sgn = cols(mag).long(), cols(sgn)
        B, _, P = mag.shape
        y = torch.zeros(B, cout, P, dtype=torch.float64) if y is None else y
        hi = cycles
        for cp, bp in plan:
            lo = hi - cp
            hi_c, hi = hi, lo
            if bp == 0:  # no conversion steps left for this phase: not read out
                continue
            n_int = sum(2 ** (d * j) for j in range(cp))
            lsb = n_int * span * adc_range / (2 ** bp - 1)
            for rd in groups:
                q = torch.zeros(B, P, cout, 2, dtype=torch.float64)  # integrated charge
                for c in range(lo, hi_c):
                    v = sgn[:, rd] * ((mag[:, rd] >> (c * d)) & dmask).double() / dmask
                    q += 2 ** (d * (c - lo)) * torch.einsum("bnp,onk->bpok", v, g_cells[:, rd])
                if signed_drive:  # bipolar: 2^bp codes over -FS..+FS
                    half = 2 ** (bp - 1)
                    code = torch.round(q / (2 * lsb)).clamp(-half, half - 1) * 2 * lsb
                else:
                    code = torch.round(q / lsb).clamp(0, 2 ** bp - 1) * lsb
                conversions += cout * 2
                total = (code[..., 0] - code[..., 1]) / delta  # (B, P, cout)
                y += pass_sign * (2 ** (lo * d)) * dmask * x_step * total.permute(0, 2, 1)
    return finish_reference(y, mod, x, conv, w_step), conversions


REF_DESIGNS = {
    # shipped format: 4-bit signed input = 3 magnitude cycles, ONE phase, 6-bit output
    "one_phase": {},
    # 8-bit signed input: 7 cycles = phases of 4 + 3 cycles, converted to 10 + 6 bits
    "two_phases": {"subarray.dac.bits": 8, "subarray.adc.bits": 10},
    # unsigned drivers: x+ and x- passes of 5 cycles (3 + 2), unipolar 8 + 5 bits
    "unsigned_drive": {"subarray.dac.signed_input": False, "subarray.dac.bits": 6,
                       "subarray.adc.bits": 8},
    # 2-bit DAC, 6 magnitude bits = 3 cycles of weight 4: phases 2 + 1 cycles, 8 + 4 bits
    "dac_2bit": {"subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 2,
                 "subarray.dac.bits": 7, "subarray.adc.bits": 8},
    # 7 cycles but 4 output bits: the second phase has no bits left and is not read out
    "phase_without_bits": {"subarray.dac.bits": 8, "subarray.adc.bits": 4},
}


@pytest.mark.parametrize("name", list(REF_DESIGNS))
@pytest.mark.parametrize("kind", ["conv", "linear"])
def test_neuron_equals_one_conversion_per_phase_reference(name: str, kind: str) -> None:
    mod, x = _mods()[0 if kind == "conv" else 1]
    design = load_design(NEURRAM, {**SMALL, **REF_DESIGNS[name]})
    hw = convert(nn.Sequential(mod), design, options=QUANT64)
    with torch.no_grad():
        got = hw(x.double())
    want, conversions = neuron_reference(mod, x, design, RANGE)
    torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-9)
    # conversions per output position: converted phases x passes x read groups x columns
    layer = layer_of("ref", mod)
    part = partition(layer, design)
    rpr = design.arch.subarray.rows_per_read
    groups = sum(-(-len(part.row_tile_index(t)) // rpr) for t in range(part.n_row_tiles))
    assert conversions == hw[0].adc_planes * groups * layer.out_channels * 2
    # the ADC does something, and differently from a per-cycle conversion
    assert not torch.allclose(got.float(), mod(x).detach(), atol=1e-3)
    sar = convert(nn.Sequential(mod), load_design(NEURRAM, {**SMALL, **REF_DESIGNS[name],
                                                            "subarray.adc.kind": "sar"}),
                  options=QUANT64)
    with torch.no_grad():
        assert not torch.allclose(sar(x.double()), got, atol=1e-6)


# ----------------------------------------------------------------- counts = estimator's
@pytest.mark.parametrize("extra", [{}, {"subarray.dac.bits": 8, "subarray.adc.bits": 10}])
def test_conversions_equal_the_estimators(extra: dict) -> None:
    """Per layer: the accuracy path's conversions per input = the estimator's adc_convert
    events (one per converted phase, the ``convert`` contract); read cycles = its array
    reads."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Flatten(),
                          nn.Linear(8 * 8 * 8, 10))
    over = {"chip.tiles": "auto", **extra}
    design = load_design(NEURRAM, over)
    net = load_network(model, example_input=torch.zeros(1, 1, 8, 8))
    est = estimate(NEURRAM, net, overrides=over)
    hw = convert(model, design, options=QUANT64)
    with torch.no_grad():
        hw(torch.randn(2, 1, 8, 8).double())
    check_cycles_against_estimate(hw, est, design, net)
    sa = design.arch.subarray
    info = get_component("adc", "neuron")(sa.adc, design.tech.node, dac=sa.dac).info
    for name, m in crossbar_layers(hw):
        part, rpr = m.part, design.arch.subarray.rows_per_read
        groups = sum(-(-len(part.row_tile_index(t)) // rpr) for t in range(part.n_row_tiles))
        positions = next(lay for lay in net.layers if lay.name == name).out_positions
        cols = m.layer.out_channels * part.columns_per_weight \
            // design.arch.columns_per_conversion
        conversions = m.adc_planes * positions * groups * cols
        ev = events_per_input(est, name)
        assert m.adc_planes == info["phases"] < m.input_planes
        assert conversions == ev["adc_convert"], name


# ----------------------------------------------------------------- NeuRRAM digits CNN
def test_neurram_digits_cnn_well_above_chance(digits_model, tmp_path) -> None:
    """Shipped NeuRRAM design, default options: measured 0.872 simulated vs 0.937 ideal
    (3 runs; the default RRAM has no variation, so the runs agree); 0.098 (chance) when
    every input bit was converted on its own at the 256-row span."""
    model, _, _ = digits_model
    design = load_design(NEURRAM, {"chip.tiles": "auto"})
    res = simulate_accuracy(model, "digits", design, runs=3, progress=False,
                            activity_out=tmp_path / "act.json")
    assert res.ideal_accuracy > 0.9
    assert res.mean > 0.7  # chance is 0.1
    assert res.mean > res.ideal_accuracy - 0.15
    net = load_network(model, example_input=torch.zeros(1, 1, 8, 8))
    est = estimate(NEURRAM, net, overrides={"chip.tiles": "auto"},
                   activity=tmp_path / "act.json")
    assert est.energy_pj > 0


def test_activity_counts_phase_conversions() -> None:
    """Bit density: the driven magnitude bits, the same as a per-cycle read-out of the same
    inputs; histogram: one code per phase conversion, so 1/3 of the per-cycle read-out's
    samples (3 cycles, one phase), in 2^6 bipolar bins on both sides of zero."""
    torch.manual_seed(4)
    mod, x = nn.Linear(64, 16), torch.randn(64, 64)
    recs = {}
    for kind in ("neuron", "sar"):
        design = load_design(NEURRAM, {"subarray.rows": 64, "subarray.cols": 64,
                                       "subarray.adc.kind": kind})
        hw = convert(nn.Sequential(mod), design, options=QUANT64)
        start_recording(hw)
        with torch.no_grad():
            hw(x.double())
        recs[kind] = stop_recording(hw)["layers"]["0"]
    neu, sar = recs["neuron"], recs["sar"]
    assert neu["input_bit_density"] == sar["input_bit_density"] > 0
    hist = neu["adc_code_histogram"]
    assert len(hist) == 2 ** 6 == 2 ** neu["adc_bits"]
    # 64 inputs x 16 outputs x 2 columns = 2048 conversions per phase, every 7th sampled
    assert sum(hist) == pytest.approx(sum(sar["adc_code_histogram"]) / 3, rel=0.01)
    assert sum(hist) == pytest.approx(64 * 16 * 2 / 7, rel=0.01)
    assert sum(hist[:32]) > 0 and sum(hist[33:]) > 0
