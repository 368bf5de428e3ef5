"""Charge-redistribution SAR ADC from its parts (kind "cdac_sar"), the pipelined
conversion timing it can ask for, and the c2c array's select/reset lines and timing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get
from ppa_sim.components.adc_cdac import cdac_units, switching_factor
from ppa_sim.components.array import c2c_control_energy_pj, parasitics
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec
from ppa_sim.spec.load import design_from_dict, load_design

C2C = {"name": "c2c", "technology": {"node": "22nm", "device": "sram",
                                     "device_overrides": {"levels": 256}},
       "subarray": {"rows": 64, "cols": 17, "cell": {"type": "c2c", "levels": 256},
                    "adc": {"kind": "sar", "bits": 8, "columns_per_adc": 1},
                    "dac": {"encoding": "dac", "bits": 8, "dac_bits": 8, "kind": "r2r"}},
       "weights": {"bits": None, "mapping": "offset"}}


def _node():
    return design_from_dict(dict(C2C)).node


def _adc(bits: int = 8, cpa: int = 1, **params: float):
    return get("adc", "cdac_sar")(AdcSpec(kind="cdac_sar", bits=bits, columns_per_adc=cpa,
                                          params=params), _node())


# ----------------------------------------------------------------------------- switching


def test_switching_energy_reproduces_the_published_10_bit_averages():
    # Ginsburg & Chandrakasan JSSC 2007 / Liu et al. JSSC 2010 (conventional, differential:
    # 1363.3 C V²; monotonic 255.5), Zhu et al. JSSC 2010 (Vcm-based: 170.2)
    assert switching_factor(10, 0, True) == pytest.approx(1363.3, abs=0.1)
    assert switching_factor(10, 1, True) == pytest.approx(255.5, abs=0.05)
    assert switching_factor(10, 2, True) == pytest.approx(170.2, abs=0.05)
    # a single-ended conventional array spends half of the differential pair
    assert switching_factor(10, 0, False) == pytest.approx(1363.3 / 2, abs=0.1)


@given(st.integers(min_value=2, max_value=10))
@settings(max_examples=9, deadline=None)
def test_monotonic_switching_matches_its_closed_form(bits: int):
    # Liu et al. 2010: E_avg = sum_{i=1}^{n-1} 2^(n-2-i) C V_ref²
    want = sum(2.0 ** (bits - 2 - i) for i in range(1, bits))
    assert switching_factor(bits, 1, True) == pytest.approx(want, rel=1e-9)
    # the schemes' published ordering holds at every resolution
    assert switching_factor(bits, 2, True) <= switching_factor(bits, 1, True) \
        < switching_factor(bits, 0, True)


def test_cdac_unit_count_follows_the_scheme():
    assert cdac_units(8, 0, False) == 256
    assert cdac_units(8, 0, True) == 512
    assert cdac_units(8, 1, True) == 256  # monotonic: b - 1 bit arrays per side


# ----------------------------------------------------------------------------- the model


def test_cdac_energy_is_k_c_vref_squared():
    node = _node()
    a, b = _adc(unit_cap_ff=1.0), _adc(unit_cap_ff=2.0)
    k = switching_factor(8, 0, False)
    assert a.info["cdac_energy_pj"] == pytest.approx(k * 1.0 * node.vdd_v ** 2 * 1e-3, rel=1e-9)
    assert b.info["cdac_energy_pj"] == pytest.approx(2 * a.info["cdac_energy_pj"], rel=1e-9)
    half = _adc(unit_cap_ff=1.0, ref_fraction=0.5)
    assert half.info["cdac_energy_pj"] == pytest.approx(a.info["cdac_energy_pj"] / 4, rel=1e-9)
    parts = sum(a.info[k] for k in ("cdac_energy_pj", "comparator_energy_pj",
                                    "logic_energy_pj", "reference_energy_pj"))
    assert a.energy_pj("convert") == pytest.approx(parts, rel=1e-9)


def test_cheaper_schemes_cost_less_and_differential_doubles_the_cdac_area():
    conv = _adc(differential=1.0)
    mono = _adc(switching=1.0)
    vcm = _adc(switching=2.0)
    assert vcm.info["cdac_energy_pj"] < mono.info["cdac_energy_pj"] < conv.info["cdac_energy_pj"]
    se = _adc()
    assert conv.info["cdac_area_um2"] == pytest.approx(2 * se.info["cdac_area_um2"], rel=1e-9)


def test_reference_buffer_bias_is_charged_over_the_conversion():
    a, b = _adc(), _adc(ref_buffer_ua=10.0)
    t_ns = b.latency_ns("convert")
    want = 10e-6 * _node().vdd_v * t_ns * 1e-9 * 1e12
    assert b.energy_pj("convert") - a.energy_pj("convert") == pytest.approx(want, rel=1e-9)


@given(st.integers(min_value=2, max_value=11))
@settings(max_examples=10, deadline=None)
def test_energy_area_and_time_grow_with_resolution(bits: int):
    lo, hi = _adc(bits - 1), _adc(bits)
    assert hi.energy_pj("convert") > lo.energy_pj("convert")
    assert hi.area_um2 > lo.area_um2
    assert hi.latency_ns("convert") > lo.latency_ns("convert")


@pytest.mark.parametrize("params, cpa", [
    ({"switching": 1.0, "differential": 0.0}, 1),   # monotonic needs two arrays
    ({"switching": 3.0}, 1),                         # unknown scheme
    ({"pipelined": 1.0}, 8),                         # a muxed ADC cannot hold 8 columns
    ({"differential": 0.5}, 1),                      # a flag
    ({"unit_cap_ff": 0.0}, 1),
    ({"bogus": 1.0}, 1),
])
def test_invalid_parameters_are_config_errors(params: dict[str, float], cpa: int):
    with pytest.raises(ConfigError):
        _adc(cpa=cpa, **params)


def test_rate_above_the_maximum_is_a_config_error():
    f_max = _adc().info["max_sample_rate_msps"]
    spec = AdcSpec(kind="cdac_sar", bits=8, columns_per_adc=1, sample_rate_msps=2 * f_max)
    with pytest.raises(ConfigError):
        get("adc", "cdac_sar")(spec, _node())


# ----------------------------------------------------------------------------- timing


def test_pipelined_conversion_overlaps_the_array_read():
    from ppa_sim.validation import macro_figures

    d = load_design("published/intel_c2c_22nm")
    serial = load_design("published/intel_c2c_22nm",
                         {"subarray.adc.params": {**d.arch.subarray.adc.params, "pipelined": 0.0}})
    adc = get("adc", "cdac_sar")(d.arch.subarray.adc, d.node)
    assert adc.info["pipelined"] == 1.0
    t_read = get("array", "c2c")(d.arch.subarray, d.tech).latency_ns("read")
    t_conv = adc.latency_ns("convert")
    assert macro_figures(d).time_ns == pytest.approx(max(t_read, t_conv), rel=1e-9)
    assert macro_figures(serial).time_ns == pytest.approx(t_read + t_conv, rel=1e-9)


def test_c2c_read_window_contains_the_settling():
    d = design_from_dict(dict(C2C))
    arr = get("array", "c2c")(d.arch.subarray, d.tech)
    assert arr.latency_ns("read") == pytest.approx(
        max(arr.info["read_pulse_ns"], arr.info["settle_ns"]), rel=1e-12)
    short = design_from_dict(dict(C2C), overrides={"technology.device.read_pulse_ns": 0.01})
    arr = get("array", "c2c")(short.arch.subarray, short.tech)
    assert arr.latency_ns("read") == pytest.approx(arr.info["settle_ns"], rel=1e-12)


# ----------------------------------------------------------------------------- select/reset


def test_select_lines_only_with_weight_multiplexing():
    one = design_from_dict(dict(C2C))
    eight = design_from_dict(dict(C2C), overrides={"subarray.cell.weight_sets": 8})
    w1 = parasitics(one.arch.subarray, one.tech).width_um
    w8 = parasitics(eight.arch.subarray, eight.tech).width_um
    sel1, rst1 = c2c_control_energy_pj(one.arch.subarray, one.tech, w1)
    sel8, rst8 = c2c_control_energy_pj(eight.arch.subarray, eight.tech, w8)
    assert sel1 == 0.0 and rst1 > 0.0
    assert sel8 > rst8 > 0.0  # the select line carries the reset line's load + mux nodes
    arr = get("array", "c2c")(eight.arch.subarray, eight.tech)
    assert arr.info["read_energy_control_pj"] == pytest.approx(sel8 + rst8, rel=1e-12)


def test_control_energy_is_per_row_and_scales_with_vdd_squared():
    base = design_from_dict(dict(C2C), overrides={"subarray.cell.weight_sets": 8})
    tall = design_from_dict(dict(C2C), overrides={"subarray.cell.weight_sets": 8,
                                                  "subarray.rows": 128})
    hi_v = design_from_dict(dict(C2C), overrides={"subarray.cell.weight_sets": 8,
                                                  "technology.node.vdd_v": 1.1})

    def tot(d) -> float:
        return sum(c2c_control_energy_pj(d.arch.subarray, d.tech,
                                         parasitics(d.arch.subarray, d.tech).width_um))

    assert tot(tall) == pytest.approx(2 * tot(base), rel=1e-9)
    assert tot(hi_v) == pytest.approx(tot(base) * (1.1 / base.node.vdd_v) ** 2, rel=1e-9)
