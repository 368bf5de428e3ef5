"""User errors of the model ``params`` (adc, dac, vc mesh): unknown names with a "did you
mean", one key path per bad value, ``enob_loss_bits`` leaving a positive ENOB."""

from __future__ import annotations

import pytest
from _component_cases import all_devices, all_nodes, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get, registry
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec, CellSpec, DacSpec, InterconnectSpec, SubarraySpec

#: ADC kinds that take ``enob_loss_bits`` (adder_tree is exact: no ENOB loss).
LOSSY = ("sar", "flash", "mlsa", "ramp", "cco", "sa_flash", "cdac_sar", "neuron")


def _adc(kind: str, bits: int = 6, **params: float):
    return get("adc", kind)(AdcSpec(kind=kind, bits=bits, params=params), all_nodes()["22nm"])


def _problem(e: pytest.ExceptionInfo[ConfigError]):
    assert len(e.value.problems) == 1
    return e.value.problems[0]


@pytest.mark.parametrize("kind, typo, meant", [
    ("neuron", "stepp_pj", "step_pj"),
    ("cdac_sar", "switchng", "switching"),
    ("sa_flash", "unit_cap", "unit_cap_ff"),
    ("cco", "count_window", "count_window_ns"),
    ("sar", "enob_loss", "enob_loss_bits"),
])
def test_unknown_adc_param_suggests_the_close_name(kind: str, typo: str, meant: str) -> None:
    with pytest.raises(ConfigError) as e:
        _adc(kind, **{typo: 1.0})
    p = _problem(e)
    assert p.key_path == "subarray.adc.params"
    assert f"did you mean {meant!r}" in p.message and kind in p.message
    assert p.value == [typo] and meant in p.allowed


def test_unrelated_name_gets_no_suggestion() -> None:
    with pytest.raises(ConfigError) as e:
        _adc("neuron", zzz=1.0)
    assert "did you mean" not in _problem(e).message


def test_pulse_count_driver_names_itself_in_param_errors() -> None:
    t = tech(all_nodes()["7nm"], all_devices()["sram"])
    sub = SubarraySpec(rows=64, cols=16, cell=CellSpec(type="sram8t"),
                       dac=DacSpec(encoding="dac", bits=4, dac_bits=4, kind="pulse_count",
                                   params={"foo": 1.0}))
    with pytest.raises(ConfigError) as e:
        get("dac", "pulse_count")(sub.dac, sub, t)
    p = _problem(e)
    assert p.key_path == "subarray.dac.params" and "pulse_count" in p.message
    assert "wl_driver" not in p.message


def test_vc_router_param_typo_suggests_the_close_name() -> None:
    spec = InterconnectSpec(kind="mesh", router="vc", params={"concentraton": 4.0})
    with pytest.raises(ConfigError) as e:
        get("interconnect", "mesh")(spec, all_nodes()["32nm"], endpoints=4, span_um=500.0)
    assert "did you mean 'concentration'" in _problem(e).message


@pytest.mark.parametrize("kind, params, key", [
    ("neuron", {"step_pj": -1.0}, "step_pj"),
    ("neuron", {"supply_v": 0.0}, "supply_v"),
    ("neuron", {"phase_ns": -1.0}, "phase_ns"),
    ("neuron", {"max_phase_bits": 2.5}, "max_phase_bits"),
    ("cdac_sar", {"unit_cap_ff": 0.0}, "unit_cap_ff"),
    ("cdac_sar", {"ref_fraction": 1.5}, "ref_fraction"),
    ("cdac_sar", {"ref_buffer_ua": -1.0}, "ref_buffer_ua"),
    ("cdac_sar", {"differential": 0.5}, "differential"),
    ("cdac_sar", {"pipelined": 2.0}, "pipelined"),
    ("sa_flash", {"mean_code_fraction": 0.0}, "mean_code_fraction"),
])
def test_bad_value_is_reported_at_its_own_key(kind: str, params: dict[str, float],
                                              key: str) -> None:
    with pytest.raises(ConfigError) as e:
        _adc(kind, **params)
    p = _problem(e)
    assert p.key_path == f"subarray.adc.params.{key}"
    assert p.value == params[key]


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(LOSSY), bits=st.integers(2, 10),
       frac=st.floats(0.0, 0.999, allow_nan=False))
def test_valid_enob_loss_lowers_enob_by_that_much(kind: str, bits: int, frac: float) -> None:
    loss = frac * (bits - 1)
    c = _adc(kind, bits, enob_loss_bits=loss)
    assert c.info["enob"] == pytest.approx(bits - loss)
    # a larger loss lowers the ENOB (and so raises the FoM) at the same conversion energy
    more = _adc(kind, bits, enob_loss_bits=min(loss + 0.5, bits - 1))
    assert more.info["enob"] <= c.info["enob"]
    assert more.info["fom_fj_per_step"] >= c.info["fom_fj_per_step"]
    assert more.energy_pj("convert") == pytest.approx(c.energy_pj("convert"), rel=1e-12)


@pytest.mark.parametrize("kind", LOSSY)
@pytest.mark.parametrize("loss", [-0.5, 6.0, 9.0])
def test_enob_loss_outside_the_bits_is_a_config_error(kind: str, loss: float) -> None:
    with pytest.raises(ConfigError) as e:
        _adc(kind, 6, enob_loss_bits=loss)
    p = _problem(e)
    assert p.key_path == "subarray.adc.params.enob_loss_bits" and p.value == loss


def test_every_lossy_kind_is_registered() -> None:
    assert set(LOSSY) <= set(registry.kinds("adc"))
