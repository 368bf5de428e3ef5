"""Component knobs (``params``, a mesh's ``router``) are checked when a design loads, so a
typo is a ``file:line`` error (and ``ppa-sim validate`` fails), not a late estimate error."""

from __future__ import annotations

import pytest

from ppa_sim.errors import ConfigError
from ppa_sim.spec.load import design_from_dict, parse_yaml_text

TEXT = """\
name: knobs
technology: {{node: 130nm, device: rram}}
subarray:
  rows: 64
  cols: 64
  cell: {{type: 1t1r}}
  adc:
    kind: neuron
    bits: 6
    columns_per_adc: 1
    params:
      {param}: {value}
  dac: {{encoding: bit_serial, bits: 4, signed_input: true}}
chip:
  interconnect: {{kind: {ic_kind}, router: {router}}}
"""


def _load(param: str = "step_pj", value: float = 0.3, ic_kind: str = "mesh",
          router: str = "compact", overrides: dict | None = None):
    text = TEXT.format(param=param, value=value, ic_kind=ic_kind, router=router)
    raw, lines = parse_yaml_text(text, "knobs.yaml")
    return design_from_dict(raw, fname="knobs.yaml", lines=lines, overrides=overrides)


def _only(e: pytest.ExceptionInfo[ConfigError]):
    assert len(e.value.problems) == 1
    return e.value.problems[0]


def test_valid_knobs_load() -> None:
    d = _load()
    assert d.arch.subarray.adc.params == {"step_pj": 0.3}


def test_misspelt_param_is_located_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as e:
        _load(param="stepp_pj")
    p = _only(e)
    assert (p.file, p.key_path, p.line) == ("knobs.yaml", "subarray.adc.params.stepp_pj", 12)
    assert "did you mean 'step_pj'" in p.message


def test_out_of_range_param_is_located() -> None:
    with pytest.raises(ConfigError) as e:
        _load(value=-1.0)
    p = _only(e)
    assert (p.file, p.key_path, p.line, p.value) == ("knobs.yaml", "subarray.adc.params.step_pj",
                                                     12, -1.0)


def test_router_knob_on_a_bus_names_its_level() -> None:
    with pytest.raises(ConfigError) as e:
        _load(ic_kind="bus", router="vc")
    p = _only(e)
    assert p.key_path == "chip.interconnect.router" and p.line == 15


def test_a_bad_override_is_blamed_on_set() -> None:
    with pytest.raises(ConfigError) as e:
        _load(overrides={"subarray.adc.params.integrate_ns": 0.0})
    p = _only(e)
    assert (p.file, p.key_path) == ("--set", "subarray.adc.params.integrate_ns")


def test_other_model_errors_stay_with_the_estimate() -> None:
    # a rate above the neuron's maximum is a model error too, but not about the knobs:
    # it loads, and the estimator reports it in context, as before
    d = _load(overrides={"subarray.adc.sample_rate_msps": 1e4})
    assert d.arch.subarray.adc.sample_rate_msps == 1e4


def test_word_line_rest_level_above_the_nodes_vdd_is_a_load_error() -> None:
    # no wl_high_voltage_v: the high level is the 130 nm node's Vdd (1.3 V)
    with pytest.raises(ConfigError) as e:
        _load(overrides={"subarray.wl_low_voltage_v": 1.5})
    p = _only(e)
    assert (p.file, p.key_path, p.value) == ("--set", "subarray.wl_low_voltage_v", 1.5)
    assert _load(overrides={"subarray.wl_low_voltage_v": 0.5}).arch.subarray.wl_low_voltage_v \
        == 0.5


@pytest.mark.parametrize("key", ["column_pitch_um", "row_pitch_um"])
def test_pitch_below_one_wire_pitch_is_a_load_error(key):
    # 130 nm local metal pitch is a few hundred nm; 0.01 µm cannot hold a line per cell
    with pytest.raises(ConfigError) as e:
        _load(overrides={f"subarray.{key}": 0.01})
    p = _only(e)
    assert p.key_path == f"subarray.{key}" and p.value == 0.01
    assert "wire pitch" in p.message and p.allowed.startswith(">=")


def test_pitch_at_or_above_the_wire_pitch_loads():
    d = _load(overrides={"subarray.column_pitch_um": 2.0, "subarray.row_pitch_um": 1.0})
    assert d.arch.subarray.column_pitch_um == 2.0


@pytest.mark.parametrize("key,value,message", [
    ("hold_cap_ff", -1.0, "hold capacitor"),
    ("select_shared_by", 0.5, "whole number"),
    ("hold_cap", 2.0, "did you mean 'hold_cap_ff'"),
])
def test_sample_hold_knobs_are_load_errors_at_their_key(key, value, message):
    with pytest.raises(ConfigError) as e:
        _load(overrides={"subarray.mux_kind": "sample_hold",
                         f"subarray.mux_params.{key}": value})
    p = _only(e)
    assert p.key_path == f"subarray.mux_params.{key}" and message in p.message


def test_column_mux_takes_no_knobs():
    with pytest.raises(ConfigError) as e:
        _load(overrides={"subarray.mux_params.hold_cap_ff": 3.0})
    assert _only(e).key_path == "subarray.mux_params.hold_cap_ff"
