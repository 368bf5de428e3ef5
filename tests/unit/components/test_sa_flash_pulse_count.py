"""The charge-sharing SA flash ADC (``sa_flash``), the pulse-count word-line driver
(``pulse_count``) and multi-bit SRAM cell geometry: the read-out of TSMC's 7 nm SRAM CIM
macro (Sinangil et al., IEEE JSSC 56(1), 2021)."""

from __future__ import annotations

import pytest
from _component_cases import all_devices, all_nodes, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get
from ppa_sim.components.adc_sa_flash import strongarm_energy_pj
from ppa_sim.components.array import parasitics
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec, CellSpec, DacSpec, SubarraySpec
from ppa_sim.units import pj_from_ff_v2


def _sa(bits: int = 4, node: str = "7nm", **params: float):
    return get("adc", "sa_flash")(AdcSpec(kind="sa_flash", bits=bits, params=params),
                                  all_nodes()[node])


def test_comparator_count_and_energy_parts_add_up() -> None:
    c = _sa(4)
    assert c.info["comparators"] == 15
    # the comparators and the computation caps are most of a conversion; encoder and
    # output register are the rest (each a few fJ at 7 nm)
    e_fj = c.energy_pj("convert") * 1e3
    parts = 15 * c.info["sa_energy_fj"] + c.info["cap_energy_fj"]
    assert 0.6 * e_fj < parts < e_fj


def test_input_gate_is_the_unit_cap() -> None:
    n = all_nodes()["7nm"]
    c = _sa(4, unit_cap_ff=2.0)
    assert c.info["input_width_um"] * n.cgate_ff_per_um == pytest.approx(2.0)


def test_cap_energy_is_c_v_dv() -> None:
    n = all_nodes()["7nm"]
    c = _sa(4, unit_cap_ff=1.0, mean_code_fraction=0.5)
    assert c.info["cap_energy_fj"] == pytest.approx(15 * 1.0 * n.vdd_v * 0.5 * n.vdd_v)


def test_strongarm_energy_scales_with_vdd_squared() -> None:
    n = all_nodes()["7nm"]
    hi = n.model_copy(update={"vdd_v": 2 * n.vdd_v})
    assert strongarm_energy_pj(hi, 1.0) == pytest.approx(4 * strongarm_energy_pj(n, 1.0))


def test_dynamic_sa_flash_far_below_preamp_flash_at_90nm() -> None:
    """No pre-amplifiers, no static bias: at 90 nm the dynamic SA flash must sit well below
    Van der Plas' 1.25 GS/s pre-amplified flash (2.0 pJ at 1.0 V, the ``flash`` kind's anchor),
    yet within an order of magnitude of it (same comparator count, same node)."""
    sa = _sa(4, "90nm").energy_pj("convert")
    fl = get("adc", "flash")(AdcSpec(kind="flash", bits=4), all_nodes()["90nm"]).energy_pj("convert")
    assert fl / 10 < sa < fl / 2


def test_seven_nm_conversion_fits_the_macro_budget() -> None:
    """Sinangil et al.: 351 TOPS/W at 0.8 V = 5.83 pJ per 64x16 MVM of 16 conversions, 0.36 pJ
    per weight column for everything (array, drivers, ADC). One SA-flash conversion at 0.8 V
    must be a small part of that budget."""
    n = all_nodes()["7nm"].model_copy(update={"vdd_v": 0.8})
    c = get("adc", "sa_flash")(AdcSpec(kind="sa_flash", bits=4), n)
    assert 0.01 < c.energy_pj("convert") < 0.5 * (2 * 1024 / 351e12 * 1e12 / 16)


@settings(max_examples=30, deadline=None)
@given(bits=st.integers(1, 9), cap=st.floats(0.2, 20.0), node=st.sampled_from(sorted(all_nodes())))
def test_monotone_in_bits_and_cap(bits: int, cap: float, node: str) -> None:
    lo = _sa(bits, node, unit_cap_ff=cap)
    assert _sa(bits + 1, node, unit_cap_ff=cap).energy_pj("convert") > lo.energy_pj("convert")
    assert _sa(bits + 1, node, unit_cap_ff=cap).area_um2 > lo.area_um2
    assert _sa(bits, node, unit_cap_ff=2 * cap).energy_pj("convert") > lo.energy_pj("convert")
    assert _sa(bits + 1, node, unit_cap_ff=cap).latency_ns("convert") > lo.latency_ns("convert")


@pytest.mark.parametrize("params", [{"unit_cap_ff": 0.0}, {"mean_code_fraction": 0.0},
                                    {"mean_code_fraction": 1.5}, {"bogus": 1.0}])
def test_bad_params_are_config_errors(params: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        _sa(4, **params)


# ----------------------------------------------------------------------------- pulse count


def _sub(dac_kind: str, dac_bits: int = 4, cell_bits: int = 4) -> SubarraySpec:
    return SubarraySpec(rows=64, cols=17, cell=CellSpec(type="sram8t", bits=cell_bits),
                        adc=AdcSpec(kind="sa_flash", bits=4, columns_per_adc=1),
                        dac=DacSpec(encoding="dac", bits=4, dac_bits=dac_bits, kind=dac_kind))


def _t():
    return tech(all_nodes()["7nm"], all_devices()["sram"])


def test_pulse_count_driver_pays_each_pulse() -> None:
    t = _t()
    pwm = get("dac", "wl_driver")(_sub("wl_driver").dac, _sub("wl_driver"), t)
    pc = get("dac", "pulse_count")(_sub("pulse_count").dac, _sub("pulse_count"), t)
    assert pc.energy_pj("drive_row") > pwm.energy_pj("drive_row")
    assert pc.area_um2 == pwm.area_um2 and pc.info["pulse_steps"] == 15
    # a 1-bit input is one pulse: the same driver as the bit-serial one
    one = _sub("pulse_count", dac_bits=1)
    assert get("dac", "pulse_count")(one.dac, one, t).energy_pj("drive_row") == pytest.approx(
        get("dac", "wl_driver")(one.dac, one, t).energy_pj("drive_row"))


def test_array_charges_the_word_line_once_per_pulse() -> None:
    t = _t()
    pwm = get("array", "sram8t")(_sub("wl_driver"), t)
    pc = get("array", "sram8t")(_sub("pulse_count"), t)
    assert pc.info["read_energy_wl_pj"] == pytest.approx(15 * pwm.info["read_energy_wl_pj"])
    # same conduction window (x unit pulses or one x-unit pulse), same bit-line energy
    assert pc.latency_ns("read") == pytest.approx(pwm.latency_ns("read"))
    assert pc.info["read_energy_bl_pj"] == pytest.approx(pwm.info["read_energy_bl_pj"])


def test_multibit_sram_cell_is_bits_bit_cells() -> None:
    t = _t()
    node = t.node
    one, four = _sub("pulse_count", cell_bits=1), _sub("pulse_count", cell_bits=4)
    a1, a4 = get("array", "sram8t")(one, t), get("array", "sram8t")(four, t)
    assert a4.area_um2 == pytest.approx(4 * a1.area_um2)
    assert a4.leakage_uw == pytest.approx(4 * a1.leakage_uw)
    # every bit cell hangs its read-port gate on the word line
    p1, p4 = parasitics(one, t), parasitics(four, t)
    gate_ff = (p4.c_wl_ff - node.wires.local.c_ff_per_um * p4.width_um
               - (p1.c_wl_ff - node.wires.local.c_ff_per_um * p1.width_um))
    assert gate_ff == pytest.approx(3 * (p1.c_wl_ff - node.wires.local.c_ff_per_um * p1.width_um))
    assert pj_from_ff_v2(p4.c_wl_ff, node.vdd_v) > pj_from_ff_v2(p1.c_wl_ff, node.vdd_v)
