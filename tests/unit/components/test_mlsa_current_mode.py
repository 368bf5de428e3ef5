"""The current-mode MLSA (``adc.params.current_mode: 1``, DNN+NeuroSim V1.4 currentMode):
per conversion the column and the shared reference columns charge to the per-node read
voltage and a reference column's word lines switch; the reference columns add cell area;
an SRAM bit line it holds is not discharged. Voltage mode (the default) is unchanged, with
or without the subarray's array cost."""

from __future__ import annotations

import pytest
from _component_cases import all_nodes
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get
from ppa_sim.components.adc import MLSA_CURRENT_MODE_VREAD_V
from ppa_sim.errors import ConfigError
from ppa_sim.rollup import _Costs
from ppa_sim.spec.architecture import AdcSpec
from ppa_sim.spec.load import load_design
from ppa_sim.units import pj_from_ff_v2

NS_SRAM = "architectures/neurosim_v14_sram_22nm.yaml"


def _mlsa(node: str = "22nm", bits: int = 5, array=None, **params: float):
    return get("adc", "mlsa")(AdcSpec(kind="mlsa", bits=bits, params=params),
                              all_nodes()[node], array=array)


@pytest.fixture(scope="module")
def sram_array(root):
    d = load_design(str(root / NS_SRAM))
    return _Costs(d).array(d.arch.activity)


def test_voltage_mode_ignores_the_array(sram_array):
    a, b = _mlsa(), _mlsa(array=sram_array)
    assert a.actions["convert"] == b.actions["convert"]
    assert a.area_um2 == b.area_um2


def test_current_mode_adds_column_and_reference_terms(sram_array):
    """E += C_BL (1 + n_ref) V_rd^2 + n_ref rows C_WL,cell Vdd^2; A += n_ref rows A_cell,
    n_ref = (2^b - 1) / share (NeuroSim MultilevelSenseAmp.cpp)."""
    node = all_nodes()["22nm"]
    bits, share = 5, 32.0
    alone = _mlsa(current_mode=1)            # no array: sense amps only, inputs at V_rd
    full = _mlsa(current_mode=1, array=sram_array)
    info = sram_array.info
    n_ref = (2 ** bits - 1) / share
    v_rd = MLSA_CURRENT_MODE_VREAD_V[22]
    e_col = pj_from_ff_v2(info["c_bl_ff"] * (1 + n_ref), v_rd)
    e_ref = n_ref * info["rows"] * pj_from_ff_v2(info["c_wl_ff"] / info["cols"], node.vdd_v)
    de = full.actions["convert"].energy_pj - alone.actions["convert"].energy_pj
    assert de == pytest.approx(e_col + e_ref, rel=1e-9)
    assert full.info["column_energy_pj"] == pytest.approx(e_col, rel=1e-9)
    assert full.area_um2 - alone.area_um2 == pytest.approx(
        n_ref * info["rows"] * info["cell_area_um2"], rel=1e-9)
    # the conversion time is that of the sense amps either way
    assert full.actions["convert"].latency_ns == alone.actions["convert"].latency_ns


def test_reference_sharing_lowers_energy_and_area(sram_array):
    few = _mlsa(current_mode=1, array=sram_array, reference_share=8)
    many = _mlsa(current_mode=1, array=sram_array, reference_share=64)
    assert many.actions["convert"].energy_pj < few.actions["convert"].energy_pj
    assert many.area_um2 < few.area_um2


@settings(max_examples=25, deadline=None)
@given(v1=st.floats(0.05, 0.8), v2=st.floats(0.05, 0.8))
def test_energy_grows_with_the_read_voltage(v1, v2):
    lo, hi = sorted((v1, v2))
    e_lo = _mlsa(current_mode=1, read_voltage_v=lo).actions["convert"].energy_pj
    e_hi = _mlsa(current_mode=1, read_voltage_v=hi).actions["convert"].energy_pj
    assert e_lo <= e_hi


def test_per_node_read_voltage_lowers_column_energy_at_5nm(sram_array):
    c22 = _mlsa("22nm", current_mode=1, array=sram_array).info["column_energy_pj"]
    c5 = _mlsa("5nm", current_mode=1, array=sram_array).info["column_energy_pj"]
    assert c5 / c22 == pytest.approx((0.253 / 0.55) ** 2, rel=1e-9)


@pytest.mark.parametrize("params, key", [
    ({"current_mode": 2}, "subarray.adc.params.current_mode"),
    ({"read_voltage_v": 0.5}, "subarray.adc.params"),  # value names the knob
    ({"reference_share": 4}, "subarray.adc.params"),
    ({"current_mode": 1, "read_voltage_v": 2.0}, "subarray.adc.params.read_voltage_v"),
    ({"current_mode": 1, "reference_share": 0.5}, "subarray.adc.params.reference_share"),
])
def test_bad_params_are_config_errors(params, key):
    with pytest.raises(ConfigError) as e:
        _mlsa(**params)
    assert e.value.problems[0].key_path == key


def test_rollup_passes_the_array_to_the_current_mode_mlsa(root):
    d = load_design(str(root / NS_SRAM))
    adc = _Costs(d).adc()
    assert adc.info["column_energy_pj"] > 0 and adc.info["reference_area_um2"] > 0



def test_sram_bit_line_is_not_discharged_under_a_current_mode_mlsa(root):
    """The current-mode MLSA holds the bit line at V_rd (NeuroSim V1.4 SRAM parallel read:
    no precharger): the SRAM array books its word lines only; voltage mode is unchanged."""
    d = load_design(str(root / NS_SRAM))
    volt = load_design(str(root / NS_SRAM), ["subarray.adc.params={}"])
    cur = _Costs(d).array(d.arch.activity)
    vm = _Costs(volt).array(volt.arch.activity)
    assert cur.info["read_energy_bl_pj"] == 0.0 < vm.info["read_energy_bl_pj"]
    assert cur.info["read_energy_wl_pj"] == vm.info["read_energy_wl_pj"]
    assert cur.actions["read"].latency_ns == vm.actions["read"].latency_ns
