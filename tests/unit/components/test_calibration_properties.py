"""Property tests over the numeric knobs of the calibration models (issue #9): the neuron's
per-operation energies, the CDAC's unit capacitor and reference, the pulse-count driver's
input resolution."""

from __future__ import annotations

import pytest
from _component_cases import all_devices, all_nodes, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get
from ppa_sim.components.adc_cdac import switching_factor
from ppa_sim.components.neuron import operation_counts
from ppa_sim.spec.architecture import AdcSpec, CellSpec, DacSpec, SubarraySpec

energy = st.floats(0.01, 10.0, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(sample=energy, integrate=energy, step=energy, in_bits=st.integers(1, 8),
       out_bits=st.integers(1, 10), supply=st.floats(0.5, 3.0))
def test_neuron_mvm_energy_is_its_operation_counts_times_their_energies(
        sample: float, integrate: float, step: float, in_bits: int, out_bits: int,
        supply: float) -> None:
    node = all_nodes()["130nm"]  # the reference node of the defaults: no capacitance scaling
    dac = DacSpec(bits=in_bits)
    c = get("adc", "neuron")(AdcSpec(kind="neuron", bits=out_bits, params={
        "sample_pj": sample, "integrate_pj": integrate, "step_pj": step, "supply_v": supply}),
        node, dac=dac)
    n = operation_counts(out_bits, dac.cycles, dac.dac_bits, 3)
    want = (n["samples"] * sample + n["integration_steps"] * integrate
            + n["adc_steps"] * step) * (supply / 1.8) ** 2
    assert c.info["mvm_energy_pj"] == pytest.approx(want, rel=1e-9)
    # the convert event is one conversion's (converted phase's) share of the MVM
    assert c.energy_pj("convert") * c.info["conversions"] == pytest.approx(want, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(bits=st.integers(2, 10), unit=st.floats(0.1, 20.0), ref=st.floats(0.05, 1.0),
       scheme=st.sampled_from([0, 1, 2]))
def test_cdac_energy_is_k_c_vref_squared_for_any_unit_and_reference(
        bits: int, unit: float, ref: float, scheme: int) -> None:
    node = all_nodes()["22nm"]
    diff = 1.0 if scheme else 0.0
    c = get("adc", "cdac_sar")(AdcSpec(kind="cdac_sar", bits=bits, params={
        "unit_cap_ff": unit, "ref_fraction": ref, "switching": float(scheme),
        "differential": diff}), node)
    k = switching_factor(bits, scheme, bool(diff))
    assert c.info["cdac_energy_pj"] == pytest.approx(k * unit * (ref * node.vdd_v) ** 2 * 1e-3,
                                                     rel=1e-9)
    # the parts add up to the conversion
    parts = sum(c.info[k] for k in ("cdac_energy_pj", "comparator_energy_pj",
                                    "logic_energy_pj", "reference_energy_pj"))
    assert c.energy_pj("convert") == pytest.approx(parts, rel=1e-9)


@settings(max_examples=20, deadline=None)
@given(d=st.integers(1, 7))
def test_pulse_count_driver_pays_one_chain_charge_per_extra_pulse(d: int) -> None:
    t = tech(all_nodes()["7nm"], all_devices()["sram"])

    def sub(kind: str, dac_bits: int) -> SubarraySpec:
        return SubarraySpec(rows=64, cols=16, cell=CellSpec(type="sram8t"),
                            dac=DacSpec(encoding="dac", bits=8, dac_bits=dac_bits, kind=kind))

    def drive(kind: str, dac_bits: int) -> float:
        s = sub(kind, dac_bits)
        return get("dac", kind)(s.dac, s, t).energy_pj("drive_row")

    # pulse count = the PWM driver's logic + (2^d - 2) extra chain charges, each the same
    extra = [drive("pulse_count", k) - drive("wl_driver", k) for k in (d, d + 1)]
    per_pulse = (extra[1] - extra[0]) / ((2 ** (d + 1) - 2) - (2 ** d - 2))
    assert per_pulse > 0
    assert extra[0] == pytest.approx((2 ** d - 2) * per_pulse, rel=1e-9, abs=1e-15)
