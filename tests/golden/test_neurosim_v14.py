"""ppa_sim vs DNN+NeuroSim V1.4 on VGG-8 / CIFAR-10 (the NeuroSim users' reference).

Reference figures (8-bit weights and inputs, 128x128 subarrays, 22 nm):

* V1.4 with its default Param.cpp (SRAM, 1 bit/cell, 5-bit MLSA, 8 columns per ADC,
  128 rows in parallel, X-Y bus, pipelined, novel mapping), synthetic 8-bit traces:
  chip area 80.06 mm^2; dynamic read energy 34.30 uJ per image of which ADC 23.35 uJ;
  pipeline cycle 132.97 us; 29.19 TOPS/W, 9.26 TOPS, 7520 FPS; 1.23e9 ops per image;
  speed-up (duplication) per layer 16, 16, 4, 4, 2, 1, 1, 8.
* V1.4 manual, Table VII (real traces, RRAM on/off 17, 4-bit ADC):
  RRAM 22 nm 32 rows 381.9 mm^2, 6.25 TOPS, 11.25 TOPS/W; 64 rows 378.1 mm^2, 8.16 TOPS,
  19.88 TOPS/W; SRAM 22 nm 32 rows 85.97 mm^2, 6.06 TOPS, 8.76 TOPS/W; 64 rows
  84.39 mm^2, 8.01 TOPS, 17.13 TOPS/W; SRAM 5 nm 64 rows 14.33 mm^2, 11.96 TOPS,
  54.41 TOPS/W; SRAM 1 nm 64 rows 8.27 mm^2, 13.08 TOPS, 105.97 TOPS/W.

architectures/neurosim_v14_*.yaml configure ppa_sim like those runs; the one
NeuroSim-equivalence factor in them (digital energy) is fitted once on the first run and
held fixed for the Table VII variations, so the trends below come from ppa_sim's own
models. The ADC (current-mode MLSA, with the bit line it holds) is modelled, not fitted;
so is the pipeline stage (NeuroSim's synchronous shift-add cycles and tile-buffer cycles:
chip.sync_shift_add_cycles, chip.copies_share_tile_buffers, tile.output), with only
NeuroSim's own beta = 1.4 on the sensing cycle. Known gaps are marked
xfail with the reason (see docs/concepts.md, "Comparing with DNN+NeuroSim").
"""

from __future__ import annotations

import json

import pytest

from ppa_sim import api
from ppa_sim.cli import main

SRAM = "architectures/neurosim_v14_sram_22nm.yaml"
RRAM = "architectures/neurosim_v14_rram_22nm.yaml"

# V1.4 default run (SRAM 22 nm, VGG-8, synthetic 8-bit traces)
NS_AREA_MM2 = 80.06
NS_ENERGY_UJ = 34.30
NS_ADC_UJ = 23.35
NS_TOPS_PER_W = 29.19
NS_FPS = 7520
NS_OPS = 1.23e9


@pytest.fixture(scope="module")
def sram_json(root) -> dict:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(["estimate", str(root / SRAM), "--network", "vgg8", "--format", "json"])
    assert rc == 0
    return json.loads(buf.getvalue())


def test_v14_default_sram_within_25_percent(sram_json):
    t = sram_json["totals"]
    assert t["tops_per_w"] == pytest.approx(NS_TOPS_PER_W, rel=0.25)
    assert t["fps"] == pytest.approx(NS_FPS, rel=0.25)
    assert t["area_mm2"] == pytest.approx(NS_AREA_MM2, rel=0.25)
    assert 2 * t["macs"] == pytest.approx(NS_OPS, rel=0.01)


def test_v14_default_sram_adc_share_within_10_points(sram_json):
    e = sram_json["breakdown"]["energy_uj"]
    share = e["adc"] / sram_json["totals"]["energy_uj"]
    assert abs(share - NS_ADC_UJ / NS_ENERGY_UJ) <= 0.10


def test_v14_default_sram_adc_is_modelled_not_fitted(root, sram_json):
    """The MLSA is priced by the modelled current-mode terms (column and shared reference
    columns at NeuroSim's per-node read voltage, the reference columns' area: mlsa
    params.current_mode; the SRAM bit line it holds is not discharged) with no fitted ADC
    or wire factor; its energy per image lands within 15 % of NeuroSim's 23.35 uJ."""
    from ppa_sim.spec.load import load_design

    cal = load_design(str(root / SRAM)).arch.calibration
    assert cal.adc_energy_factor == cal.adc_area_factor == cal.wire_energy_factor == 1.0
    assert sram_json["breakdown"]["energy_uj"]["adc"] == pytest.approx(NS_ADC_UJ, rel=0.15)


NS_CYCLE_US = 132.97   # V1.4 default run: pipeline-system clock cycle per image


def test_v14_pipeline_stage_is_modelled_not_fitted(root, sram_json):
    """The read-latency factor is NeuroSim's own beta = 1.4 (Param.cpp), nothing fitted:
    the 6.4x longer stage NeuroSim books over ppa_sim's bare read steps comes from the
    modelled synchronous accounting (17 cycles per read step: 8 sensing + 8 weight
    shift-add + 1 input shift-add, SubArray.cpp; the tile-buffer write + read cycles of
    the whole layer after the speed-up division, with partial sums leaving the tiles,
    Tile.cpp), which lands the pipeline cycle within 25 % of NeuroSim's 132.97 us."""
    from ppa_sim.spec.load import load_design

    arch = load_design(str(root / SRAM)).arch
    assert arch.calibration.read_latency_factor == 1.4
    assert arch.chip.sync_shift_add_cycles and arch.chip.copies_share_tile_buffers
    meta = sram_json["meta"]
    assert meta["read_step_ns"] == pytest.approx(17 * meta["clock_ns"], rel=1e-9)
    assert sram_json["totals"]["cycle_us"] == pytest.approx(NS_CYCLE_US, rel=0.25)


def test_v14_floorplan_duplication_of_early_layers(sram_json):
    dup = [L["duplication"] for L in sram_json["layers"] if L["kind"] in ("conv2d", "linear")]
    # NeuroSim V1.4: speed-up 16, 16, 4, 4, 2, 1, 1, 8 and 103 tiles; the architecture uses
    # mapping.duplication: neurosim (its ChipFloorPlan rule: conv5 x2 and the last FC x8
    # come from filling the PEs/subarrays their copy leaves empty)
    assert dup == [16, 16, 4, 4, 2, 1, 1, 8]
    assert sram_json["meta"]["neurosim_tiles"] == 103


def test_v14_auto_duplication_balances_the_same_early_layers(root):
    # ppa_sim's own pipeline balancing agrees with NeuroSim on the early conv layers
    e = api.estimate(str(root / SRAM), "vgg8", overrides=["mapping.duplication=auto"])
    dup = [L.duplication for L in e.layers if L.crossbars]
    assert dup[:4] == [16, 16, 4, 4] and dup[5:7] == [1, 1]


def _rel(new: float, old: float) -> float:
    return new / old - 1.0


def _run(arch: str, *overrides: str) -> dict[str, float]:
    e = api.estimate(arch, "vgg8", overrides=list(overrides))
    return {"tops": e.tops, "tops_per_w": e.tops_per_w, "area_mm2": e.area_mm2}


ADC4 = "subarray.adc.bits=4"
R32, R64 = "subarray.parallel_rows=32", "subarray.parallel_rows=64"
REAL = "activity.input_bit_density=0.1"   # Table VII: real traces (see the RRAM file)

# (label, arch, overrides before, overrides after, metric, NeuroSim before, NeuroSim after)
TRENDS = [
    ("sram 32->64 rows", SRAM, (ADC4, R32, REAL), (ADC4, R64, REAL), "tops", 6.06, 8.01),
    ("sram 32->64 rows", SRAM, (ADC4, R32, REAL), (ADC4, R64, REAL), "tops_per_w", 8.76, 17.13),
    ("rram 32->64 rows", RRAM, (R32,), (R64,), "tops", 6.25, 8.16),
    ("rram 32->64 rows", RRAM, (R32,), (R64,), "tops_per_w", 11.25, 19.88),
    ("sram 22->5 nm", SRAM, (ADC4, R64, REAL), (ADC4, R64, REAL, "technology.node=5nm"),
     "area_mm2", 84.39, 14.33),
    ("sram 5->1 nm", SRAM, (ADC4, R64, REAL, "technology.node=5nm"),
     (ADC4, R64, REAL, "technology.node=1nm"), "area_mm2", 14.33, 8.27),
    ("sram 5->1 nm", SRAM, (ADC4, R64, REAL, "technology.node=5nm"),
     (ADC4, R64, REAL, "technology.node=1nm"), "tops_per_w", 54.41, 105.97),
    ("sram 5->1 nm", SRAM, (ADC4, R64, REAL, "technology.node=5nm"),
     (ADC4, R64, REAL, "technology.node=1nm"), "tops", 11.96, 13.08),
]
TRENDS = [pytest.param(*t, id=f"{t[0]} {t[4]}") for t in TRENDS]

# 22 -> 5 nm throughput: the MLSA sense time (latch regeneration ~ FO4) and the SRAM
# read pulse (a clock cycle of the node's logic, ~ FO4) now scale with the node.
TRENDS.append(pytest.param("sram 22->5 nm", SRAM, (ADC4, R64, REAL),
                           (ADC4, R64, REAL, "technology.node=5nm"), "tops", 8.01, 11.96,
                           id="sram 22->5 nm tops"))

GAPS = [
    pytest.param("sram 22->5 nm", SRAM, (ADC4, R64, REAL),
                 (ADC4, R64, REAL, "technology.node=5nm"), "tops_per_w", 17.13, 54.41,
                 marks=pytest.mark.xfail(reason=(
                     "ppa_sim gains x1.91 (NeuroSim x3.2). The current-mode MLSA's column and "
                     "reference-column energies follow NeuroSim's per-node read voltage "
                     "(0.55 V at 22 nm, 0.253 V at 5 nm, MultilevelSenseAmp.cpp), but the 5 nm "
                     "minimum device (one fin, W_eff 106 nm, 82 aF, NeuroSim V1.4 "
                     "Technology.cpp) has more gate capacitance than the 22 nm planar one "
                     "(63 aF), so latch/logic energies fall only with Vdd^2 and the p/n ratio "
                     "(2 -> 1 fin), and the digital NeuroSim-equivalence factor fitted at "
                     "22 nm stays fixed"),
                     strict=False), id="sram 22->5 nm tops_per_w"),
]


@pytest.mark.parametrize("label,arch,before,after,metric,ns_before,ns_after",
                         TRENDS + GAPS)
def test_table_vii_trends(label, arch, before, after, metric, ns_before, ns_after):
    """Direction and at least half the magnitude of NeuroSim's change (Table VII)."""
    ours = _rel(_run(arch, *after)[metric], _run(arch, *before)[metric])
    theirs = _rel(ns_after, ns_before)
    assert ours * theirs > 0, (label, metric, ours, theirs)
    assert abs(ours) >= 0.5 * abs(theirs), (label, metric, ours, theirs)


def test_parallel_rows_barely_change_area():
    """Table VII: 32 -> 64 rows changes chip area by -1.8 % (SRAM) and -1.0 % (RRAM)."""
    for arch in (SRAM, RRAM):
        a32 = _run(arch, ADC4, R32)["area_mm2"]
        a64 = _run(arch, ADC4, R64)["area_mm2"]
        assert abs(_rel(a64, a32)) < 0.05
