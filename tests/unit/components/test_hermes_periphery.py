"""Pitch-matched cell geometry and the CCO ADC's counting window, gain-priced ring and
per-conversion affine correction (the IBM HERMES core, Khaddam-Aljameh et al., IEEE JSSC
57(4), 2022)."""

from __future__ import annotations

import math

import pytest
from _component_cases import all_devices, all_nodes, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim import validation
from ppa_sim.components import get
from ppa_sim.components.array import cell_pitches_um, parasitics
from ppa_sim.components.digital import mac_unit
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec, CellSpec, SubarraySpec
from ppa_sim.spec.load import load_design

NODE = all_nodes()["14nm"]
TECH = tech(NODE, all_devices()["pcm"])


def _sub(**kw) -> SubarraySpec:
    return SubarraySpec(rows=256, cols=512, cell=CellSpec(type="1t1r", bits=4), **kw)


def _cco(**params) -> AdcSpec:
    return AdcSpec(kind="cco", bits=8, params=params)


# ----------------------------------------------------------------------------- geometry


def test_default_geometry_is_square_cells():
    p = parasitics(_sub(), TECH)
    assert p.cell_w_um == pytest.approx(p.cell_h_um)
    assert p.width_um == pytest.approx(512 * p.cell_w_um)
    assert p.height_um == pytest.approx(256 * p.cell_h_um)


def test_both_pitches_set_the_layout_exactly():
    a = get("array", "1t1r")(_sub(column_pitch_um=2.0, row_pitch_um=0.576), TECH)
    assert a.info["width_um"] == pytest.approx(512 * 2.0)
    assert a.info["height_um"] == pytest.approx(256 * 0.576)
    assert a.area_um2 == pytest.approx(512 * 256 * 2.0 * 0.576)


def test_wider_column_pitch_pads_the_cell_and_lengthens_the_word_line():
    base = parasitics(_sub(), TECH)
    wide = parasitics(_sub(column_pitch_um=4 * base.cell_w_um), TECH)
    # padded: the cell keeps its height, its area grows with the pitch
    assert wide.cell_h_um == pytest.approx(base.cell_h_um)
    assert wide.cell_w_um * wide.cell_h_um == pytest.approx(4 * base.cell_w_um * base.cell_h_um)
    # word-line wire R and C grow with the row length, the bit line is unchanged
    assert wide.r_row_ohm == pytest.approx(4 * base.r_row_ohm)
    assert wide.c_wl_ff > base.c_wl_ff
    assert wide.r_col_ohm == pytest.approx(base.r_col_ohm)


def test_narrower_pitch_relays_the_cell_out_tall_with_the_same_area():
    base = parasitics(_sub(), TECH)
    narrow = parasitics(_sub(column_pitch_um=0.5 * base.cell_w_um), TECH)
    assert narrow.cell_w_um * narrow.cell_h_um == pytest.approx(base.cell_w_um * base.cell_h_um)
    assert narrow.cell_h_um == pytest.approx(2 * base.cell_h_um)


@settings(max_examples=60, deadline=None)
@given(area=st.floats(1e-4, 10.0), pitch=st.floats(1e-3, 10.0), which=st.booleans())
def test_one_fixed_pitch_never_shrinks_the_cell(area, pitch, which):
    sub = _sub(column_pitch_um=pitch) if which else _sub(row_pitch_um=pitch)
    w, h = cell_pitches_um(sub, NODE, area)
    assert (w if which else h) == pitch
    assert w * h >= area * (1 - 1e-12)
    wire_um = NODE.wires.local.pitch_nm * 1e-3
    assert min(w, h) >= min(pitch, wire_um) * (1 - 1e-12)


# ----------------------------------------------------------------------------- CCO


def _e(c) -> float:
    return c.energy_pj("convert")


def test_cco_default_window_is_two_to_the_bits_lsb():
    c = get("adc", "cco")(_cco(), NODE)
    t_lsb = 0.3 * NODE.fo4_delay_ps / 9.28
    assert c.latency_ns("convert") == pytest.approx(256 * t_lsb)
    assert c.info["code_range"] == pytest.approx(256)
    assert c.info["counter_bits"] == 8


def test_cco_counting_window_sets_range_time_and_ring_energy():
    short = get("adc", "cco")(_cco(), NODE)
    long_ = get("adc", "cco")(_cco(count_window_ns=128.0), NODE)
    assert long_.latency_ns("convert") == pytest.approx(128.0)
    # HERMES: 128 ns at 300 ps/LSB -> the paper's "> 420 charge levels", a 9-bit counter
    assert long_.info["code_range"] > 420
    assert long_.info["counter_bits"] == 9
    assert long_.info["max_sample_rate_msps"] == pytest.approx(1e3 / 128.0)
    # mean count x (ring + counter energy per period) grows with the window
    per_period = long_.info["ring_energy_per_period_pj"] + 2 * NODE.dff_energy_fj * 1e-3
    extra = (long_.info["code_range"] - short.info["code_range"]) * 0.5 * per_period
    assert _e(long_) - _e(short) == pytest.approx(extra + NODE.dff_energy_fj * 1e-3, rel=1e-6)


def test_cco_window_shorter_than_its_resolution_is_an_error():
    with pytest.raises(ConfigError, match="count_window_ns"):
        get("adc", "cco")(_cco(count_window_ns=10.0), NODE)


def test_cco_gain_prices_each_period_at_vdd_over_gain():
    c = get("adc", "cco")(_cco(count_window_ns=128.0, gain_mhz_per_ua=35.0), NODE)
    # 0.8 V / 35e12 Hz/A = 22.9 fJ per period, whatever the frequency
    assert c.info["ring_energy_per_period_pj"] == pytest.approx(
        NODE.vdd_v / 35e12 * 1e12, rel=1e-9)
    lo = get("adc", "cco")(_cco(count_window_ns=128.0, gain_mhz_per_ua=70.0), NODE)
    periods = c.info["code_range"] * 0.5
    assert _e(c) - _e(lo) == pytest.approx(periods * NODE.vdd_v * (1 / 35e12 - 1 / 70e12) * 1e12,
                                           rel=1e-9)
    # the supply current at mean code is f / K: 3.33 GHz / 2 / 35 MHz/µA = 48 µA at 14 nm
    i_ua = 0.5 * c.info["ring_freq_ghz"] * 1e3 / 35.0
    assert c.info["power_mw"] > NODE.vdd_v * i_ua * 1e-3  # plus counter and thermal floor
    with pytest.raises(ConfigError, match="gain_mhz_per_ua"):
        get("adc", "cco")(_cco(gain_mhz_per_ua=0.0), NODE)


def test_cco_affine_correction_adds_one_mac_per_conversion():
    plain = get("adc", "cco")(_cco(), NODE)
    aff = get("adc", "cco")(_cco(affine_bits=8), NODE)
    mac = mac_unit(8, NODE)
    assert _e(aff) - _e(plain) == pytest.approx(mac.energy_pj("mac"), rel=1e-9)
    assert aff.area_um2 - plain.area_um2 == pytest.approx(mac.area_um2, rel=1e-9)
    assert aff.info["affine_energy_pj"] == pytest.approx(mac.energy_pj("mac"))
    for bad_bits in (2.5, -1.0):
        with pytest.raises(ConfigError, match="affine_bits"):
            get("adc", "cco")(_cco(affine_bits=bad_bits), NODE)


def test_cco_unknown_param_is_an_error():
    with pytest.raises(ConfigError, match="params"):
        get("adc", "cco")(_cco(window_ns=128.0), NODE)


# ----------------------------------------------------------------------------- HERMES


def test_hermes_core_array_is_pitch_matched_to_its_adc_row():
    d = load_design(validation.PUBLISHED_DIR / "hermes_core_14nm.yaml")
    sub = d.arch.subarray
    arr = get("array", sub.cell.type)(sub, d.tech, activity=d.arch.activity)
    n_adc = d.arch.adcs_per_subarray
    assert n_adc == 256
    # 256 ADCs at 4 µm (JSSC 2022 abstract) span the array's width
    assert arr.info["width_um"] == pytest.approx(n_adc * 4.0)
    adc = get("adc", "cco")(sub.adc, d.tech.node)
    assert adc.info["code_range"] > 420
    # the integrating converter counts within the ~130 ns MVM of the core
    assert adc.latency_ns("convert") <= arr.latency_ns("read")
    m = validation.macro_figures(load_design(validation.PUBLISHED_DIR / "hermes_core_14nm.yaml",
                                             validation.MACRO_OVERRIDES))
    assert math.isclose(m.area_breakdown_um2["adc"], n_adc * adc.area_um2, rel_tol=1e-9)
    assert math.isclose(m.breakdown_pj["adc"], n_adc * _e(adc), rel_tol=1e-9)


def test_cco_variable_increment_counter_adds_bits_and_clock_muxes():
    from ppa_sim.components._common import area_f2_um2
    from ppa_sim.components.adc import CCO_MUX_NAND2

    plain = get("adc", "cco")(_cco(count_window_ns=128.0), NODE)
    inc = get("adc", "cco")(_cco(count_window_ns=128.0, increment_bits=7), NODE)
    assert inc.info["counter_bits"] == plain.info["counter_bits"] + 7
    dff = area_f2_um2(NODE, NODE.dff_area_f2)
    nand = area_f2_um2(NODE, NODE.nand2_area_f2)
    assert inc.area_um2 - plain.area_um2 == pytest.approx(7 * (2 * dff + CCO_MUX_NAND2 * nand))
    # the ring and its per-period toggles are unchanged; only the longer read-out costs more
    e_dff = NODE.dff_energy_fj * 1e-3
    assert _e(inc) - _e(plain) == pytest.approx(7 * e_dff)
    assert inc.latency_ns("convert") == plain.latency_ns("convert")


@pytest.mark.parametrize("bad", [-1.0, 2.5, 17.0])
def test_cco_increment_bits_must_be_a_whole_shift_count(bad):
    with pytest.raises(ConfigError, match="increment_bits"):
        get("adc", "cco")(_cco(increment_bits=bad), NODE)
