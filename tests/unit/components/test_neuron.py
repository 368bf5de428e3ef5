"""The integrating neuron read-out (adc kind "neuron", NeuRRAM's voltage-mode neuron)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get
from ppa_sim.components.neuron import operation_counts, phases
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec, DacSpec


def neuron(bits: int, node, dac: DacSpec | None = None, **params: float):
    return get("adc", "neuron")(AdcSpec(kind="neuron", bits=bits, params=params), node, dac=dac)


def test_operation_counts_follow_the_paper_scheme() -> None:
    # one phase up to 3 magnitude bits: bit k integrated 2^k times, one b-step conversion
    assert operation_counts(3, 1, 1, 3) == {"samples": 1, "integration_steps": 1,
                                            "adc_steps": 3, "phases": 1}
    assert operation_counts(6, 3, 1, 3) == {"samples": 3, "integration_steps": 7,
                                            "adc_steps": 6, "phases": 1}
    # 4 magnitude bits: two phases of 2, the second converts only the 7 - 2 unresolved bits
    assert phases(4, 1, 3) == (2, 2)
    assert operation_counts(7, 4, 1, 3) == {"samples": 4, "integration_steps": 6,
                                            "adc_steps": 12, "phases": 2}
    # 7 magnitude bits: phases of 4 and 3
    assert operation_counts(10, 7, 1, 3)["integration_steps"] == 15 + 7


def test_neurram_neuron_energy_and_latency_at_130nm(nodes) -> None:
    # 1-bit signed input (one magnitude cycle), 3-bit output at 130 nm / 1.8 V:
    # 1 sample (1.2 pJ) + 1 integration (0.25 pJ) + 3 steps (0.3 pJ) = 2.35 pJ per MVM, and
    # 270 + 3 x 300 + 300 ns = 1.47 us, NeuRRAM's MVM latency at 1b/3b (Wan et al., Nature
    # 2022, Extended Data Fig. 12c as reproduced by CiMLoop's wan_nature_2022 model)
    c = neuron(3, nodes["130nm"], DacSpec(bits=1, signed_input=True))
    assert c.energy_pj("convert") == pytest.approx(2.35, rel=1e-9)
    assert c.latency_ns("convert") == pytest.approx(1470.0, rel=1e-9)
    # 4-bit signed input = 3 cycles in ONE phase: one conversion carries the whole MVM;
    # the read step (one input cycle) takes a third of its time
    c4 = neuron(6, nodes["130nm"], DacSpec(bits=4, signed_input=True))
    assert c4.info["mvm_energy_pj"] == pytest.approx(3 * 1.2 + 7 * 0.25 + 6 * 0.3, rel=1e-9)
    assert c4.info["conversions"] == 1
    assert c4.energy_pj("convert") == pytest.approx(c4.info["mvm_energy_pj"], rel=1e-9)
    assert c4.info["input_cycle_latency_ns"] * 3 == pytest.approx(
        c4.latency_ns("convert"), rel=1e-12)
    assert c4.info["shift_adds_per_convert"] == 0.0  # one phase: bits weighted in analog


def test_two_phases_leave_one_digital_add_per_mvm(nodes) -> None:
    c = neuron(7, nodes["130nm"], DacSpec(bits=5, signed_input=True))
    assert c.info["phases"] == c.info["conversions"] == 2
    # one add per MVM, counted over its two conversions
    assert c.info["shift_adds_per_convert"] == pytest.approx(1 / 2)
    assert c.energy_pj("convert") * 2 == pytest.approx(c.info["mvm_energy_pj"], rel=1e-12)
    # 7 magnitude cycles but 4 output bits: the second phase has no bits left to convert
    short = neuron(4, nodes["130nm"], DacSpec(bits=8, signed_input=True))
    assert (short.info["phases"], short.info["conversions"]) == (2, 1)


def test_energy_per_mvm_grows_with_input_and_output_bits(nodes) -> None:
    n = nodes["130nm"]
    by_in = [neuron(8, n, DacSpec(bits=b)).info["mvm_energy_pj"] for b in range(1, 9)]
    by_out = [neuron(b, n, DacSpec(bits=4)).info["mvm_energy_pj"] for b in range(1, 12)]
    assert all(b > a for a, b in zip(by_in, by_in[1:], strict=False))
    assert all(b > a for a, b in zip(by_out, by_out[1:], strict=False))


def test_supply_and_node_scaling(nodes) -> None:
    base = neuron(6, nodes["130nm"])
    low = neuron(6, nodes["130nm"], supply_v=0.9)
    assert low.energy_pj("convert") == pytest.approx(base.energy_pj("convert") / 4, rel=1e-9)
    assert neuron(6, nodes["22nm"]).energy_pj("convert") < base.energy_pj("convert")
    assert neuron(6, nodes["22nm"]).area_um2 < base.area_um2


def test_bad_params_are_config_errors(nodes) -> None:
    n = nodes["130nm"]
    with pytest.raises(ConfigError):
        neuron(6, n, gain=2.0)
    with pytest.raises(ConfigError):
        neuron(6, n, step_pj=0.0)
    with pytest.raises(ConfigError):
        neuron(6, n, max_phase_bits=2.5)
    with pytest.raises(ConfigError):  # faster than the integrator allows
        get("adc", "neuron")(AdcSpec(kind="neuron", bits=6, sample_rate_msps=100.0), n)


@settings(max_examples=60, deadline=None)
@given(bits=st.integers(1, 12), in_bits=st.integers(1, 12), signed=st.booleans(),
       max_phase=st.integers(1, 6))
def test_counts_are_consistent(bits: int, in_bits: int, signed: bool, max_phase: int) -> None:
    dac = DacSpec(bits=in_bits, signed_input=signed)
    cyc = dac.cycles
    n = operation_counts(bits, cyc, 1, max_phase)
    ph = phases(cyc, 1, max_phase)
    assert sum(ph) == cyc and n["phases"] == len(ph) <= 2
    assert n["samples"] == cyc
    # every phase integrates at least once per cycle; one phase: 2^c - 1
    assert n["integration_steps"] >= cyc
    assert bits <= n["adc_steps"] <= 2 * bits
