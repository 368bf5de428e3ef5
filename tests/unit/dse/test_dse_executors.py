"""Executors' building blocks: design construction per point and per-point outcomes."""

from __future__ import annotations

import pytest

from ppa_sim.dse.executors import Task, build_design, resolve_technology, run_task
from ppa_sim.dse.spec import Constraint
from ppa_sim.errors import ConfigError
from ppa_sim.network.layer import Layer, Network
from ppa_sim.spec.load import design_from_dict, load_architecture_raw

RAW = load_architecture_raw("default")

POINTS = [
    {"subarray.rows": 256},
    {"subarray.rows": 64, "technology.node": "7nm"},
    {"technology.node": 45, "subarray.adc.bits": 7},
    {"technology.device": "pcm", "subarray.cell.bits": 1},
    {"technology.device.r_on_ohm": 2.0e4, "subarray.cols": 256},
    {"subarray.cols": 100},                                  # not a multiple of columns_per_adc
    {"subarray.cell.bits": 8},                               # more levels than the device holds
    {"subarray.adc.bits": 0},                                # out of range
    {"technology.device.r_on_ohm": -1.0},                    # invalid device override
    {"technology.node": "no_such_node"},
]


@pytest.mark.parametrize("params", POINTS, ids=[str(p) for p in POINTS])
def test_fast_design_path_equals_design_from_dict(params: dict) -> None:
    """The per-point path with a pre-resolved Technology gives the same Design (or the
    same errors) as the loader's full path."""
    try:
        expected = design_from_dict(dict(RAW), overrides=params)
    except ConfigError as e:
        expected = e
    tech = resolve_technology(RAW, params, None)
    for t in (tech, None):
        try:
            got = build_design(RAW, params, None, t)
        except ConfigError as e:
            assert isinstance(expected, ConfigError), e
            assert [p.message for p in e.problems] == [p.message for p in expected.problems]
            continue
        assert not isinstance(expected, ConfigError), expected
        assert got == expected


NET = Network(name="one", input_shape=(16,), layers=(
    Layer(name="fc", kind="linear", in_shape=(16,), out_shape=(4,), in_channels=16,
          out_channels=4),))


def _rows_cost(design, network) -> dict:  # noqa: ANN001
    rows = design.arch.subarray.rows
    return {"totals": {"area_mm2": rows / 100, "energy_uj": 1.0}, "breakdown": {}}


def _boom(design, network) -> dict:  # noqa: ANN001
    raise RuntimeError("model blew up")


def _task(params: dict, constraints: tuple = ()) -> Task:
    return Task(point_id="p", network_ref="one", network=NET, params=params, base_raw=RAW,
                base_dir=".", constraints=constraints)


def test_run_task_outcomes() -> None:
    ok = run_task(_task({"subarray.rows": 64}, (Constraint.parse("area_mm2 <= 1"),)), _rows_cost)
    assert ok.status == "ok" and ok.feasible is True and ok.totals["area_mm2"] == 0.64
    over = run_task(_task({"subarray.rows": 256}, (Constraint.parse("area_mm2 <= 1"),)),
                    _rows_cost)
    assert over.status == "ok" and over.feasible is False
    invalid = run_task(_task({"subarray.cols": 100}), _rows_cost)
    assert invalid.status == "invalid" and "columns_per_adc" in invalid.error
    assert invalid.error.startswith("subarray.")  # the key path, no '<input>:' placeholder
    assert invalid.totals == {} and invalid.feasible is None
    err = run_task(_task({"subarray.rows": 64}), _boom)
    assert err.status == "error" and err.error.startswith("RuntimeError: model blew up")
    bad = run_task(_task({"subarray.rows": 64}), lambda d, n: 42)
    assert bad.status == "error" and "must return an Estimate" in bad.error


def test_bad_scheduler_address_is_a_user_error() -> None:
    """``--scheduler`` with an address no Dask scheduler can have: a ConfigError naming
    the option (the CLI prints it without a traceback), not a raw OSError/ValueError."""
    from ppa_sim.dse.executors import make_executor

    with pytest.raises(ConfigError, match="--scheduler.*cannot connect") as info:
        make_executor(scheduler="nonsense://host:8786")
    assert info.value.problems[0].value == "nonsense://host:8786"
