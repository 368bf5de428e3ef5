"""Sweep spec parsing: axes expansion, seeded random sampling, constraints, located errors."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.dse.spec import (
    METRICS,
    Constraint,
    Sampling,
    SweepSpec,
    _combos,
    expand,
    load_sweep_spec,
    point_id,
)
from ppa_sim.errors import ConfigError
from ppa_sim.spec.load import validate_file

ROOT = Path(__file__).resolve().parents[3]
BASE = str(ROOT / "architectures" / "default.yaml")

# dotted keys and small value lists: axes of arbitrary shape
keys = st.lists(st.sampled_from(["subarray.rows", "subarray.cols", "subarray.adc.bits",
                                 "technology.node", "weights.bits", "chip.clock_mhz"]),
                min_size=0, max_size=4, unique=True)


def _axes(draw: st.DrawFn) -> dict[str, list[int]]:
    ks = draw(keys)
    return {k: draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=5, unique=True))
            for k in ks}


axes_st = st.composite(_axes)()


@settings(deadline=None)  # timing varies on busy machines; no timed assertions
@given(axes=axes_st, nets=st.integers(1, 3))
def test_grid_expansion_counts(axes: dict[str, list[int]], nets: int) -> None:
    spec = SweepSpec(base=BASE, networks=[f"n{i}" for i in range(nets)], axes=axes)
    pts = expand(spec)
    per_net = math.prod(len(v) for v in axes.values())
    assert spec.grid_size() == per_net
    assert len(pts) == nets * per_net
    # every combination exactly once, identified by a distinct id
    assert len({p.point_id for p in pts}) == len(pts)
    combos = {tuple(p.params[k] for k in axes) for p in pts if p.network == "n0"}
    assert combos == set(itertools.product(*axes.values()))


@settings(deadline=None)  # timing varies on busy machines; no timed assertions
@given(axes=axes_st, seed=st.integers(0, 2**32 - 1), budget=st.integers(1, 40))
def test_random_sampling_reproducible_distinct_and_within_grid(
        axes: dict[str, list[int]], seed: int, budget: int) -> None:
    spec = SweepSpec(base=BASE, networks=["n"], axes=axes,
                     sampling=Sampling(method="random", seed=seed, budget=budget))
    a, b = expand(spec), expand(spec)
    assert [p.point_id for p in a] == [p.point_id for p in b]
    assert len(a) == min(budget, spec.grid_size())
    assert len({p.point_id for p in a}) == len(a)
    grid = set(itertools.product(*axes.values()))
    assert all(tuple(p.params[k] for k in axes) in grid for p in a)
    # a larger budget draws the same points first (extending a sweep keeps its points)
    bigger = expand(spec.model_copy(update={"sampling": Sampling(method="random", seed=seed,
                                                                 budget=budget + 5)}))
    assert [p.point_id for p in bigger][: len(a)] == [p.point_id for p in a]


def test_random_sampling_depends_on_seed() -> None:
    axes = {"subarray.rows": list(range(2, 60)), "subarray.adc.bits": list(range(1, 9))}
    draws = {tuple(p.point_id for p in expand(SweepSpec(
        base=BASE, networks=["n"], axes=axes,
        sampling=Sampling(method="random", seed=s, budget=10)))) for s in range(5)}
    assert len(draws) == 5


@settings(deadline=None)  # timing varies on busy machines; no timed assertions
@given(axes=axes_st, bound=st.integers(1, 10_000),
       op=st.sampled_from(["<=", ">=", "<", ">", "==", "!="]))
def test_parameter_constraints_filter_like_brute_force(
        axes: dict[str, list[int]], bound: int, op: str) -> None:
    if not axes:
        return
    key = next(iter(axes))
    pred = {"<=": int.__le__, ">=": int.__ge__, "<": int.__lt__, ">": int.__gt__,
            "==": int.__eq__, "!=": int.__ne__}[op]
    kept = list(_combos(axes, Sampling(), lambda p: Constraint.parse(
        f"{key} {op} {bound}").holds(p)))
    expected = [c for c in itertools.product(*axes.values())
                if pred(c[list(axes).index(key)], bound)]
    assert [tuple(p.values()) for p in kept] == expected


names_st = st.from_regex(r"[a-z_][a-z0-9_]{0,8}(\.[a-z0-9_]{1,6}){0,3}", fullmatch=True)
numbers_st = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(deadline=None)  # timing varies on busy machines; no timed assertions
@given(lhs=names_st, op=st.sampled_from(["<=", ">=", "<", ">", "==", "!="]), rhs=numbers_st,
       sp1=st.sampled_from(["", " ", "  "]), sp2=st.sampled_from(["", " "]))
def test_constraint_parser_round_trip(lhs: str, op: str, rhs: float, sp1: str, sp2: str) -> None:
    c = Constraint.parse(f"{sp1}{lhs}{sp1}{op}{sp2}{rhs!r}{sp2}")
    assert (c.lhs, c.op, c.rhs) == (lhs, op, rhs)


@settings(deadline=None)  # timing varies on busy machines; no timed assertions
@given(value=st.floats(-1e6, 1e6), bound=st.floats(-1e6, 1e6))
def test_constraint_holds_matches_python(value: float, bound: float) -> None:
    for op, f in (("<=", value <= bound), (">", value > bound), ("!=", value != bound)):
        assert Constraint.parse(f"area_mm2 {op} {bound!r}").holds({"area_mm2": value}) is f


@pytest.mark.parametrize("text", ["area_mm2 =< 3", "area_mm2", "<= 3", "area mm2 <= 3",
                                  "area_mm2 <= 3 4", "area_mm2 <= 1e"])
def test_bad_constraints_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read constraint"):
        Constraint.parse(text)


def test_constraint_between_parameters() -> None:
    c = Constraint.parse("subarray.rows >= subarray.cols")
    assert c.holds({"subarray.rows": 128, "subarray.cols": 64})
    assert not c.holds({"subarray.rows": 64, "subarray.cols": 128})


def test_axis_forms() -> None:
    spec = SweepSpec(base=BASE, networks=["vgg8"], axes={
        "subarray.adc.bits": {"range": [3, 8]},
        "subarray.rows": {"pow2": [64, 512]},
        "technology.device.r_on_ohm": {"logspace": [1e3, 1e5], "num": 3},
        "activity.input_bit_density": {"linspace": [0.1, 0.3], "num": 3},
        "weights.mapping": {"values": ["differential", "offset"]},
        "chip.clock_mhz": {"range": [0.5, 1.5], "step": 0.5},
        "technology.node": 22,
    })
    v = spec.axis_values()
    assert v["subarray.adc.bits"] == [3, 4, 5, 6, 7, 8]
    assert v["subarray.rows"] == [64, 128, 256, 512]
    assert v["technology.device.r_on_ohm"] == [1e3, 1e4, 1e5]
    assert v["activity.input_bit_density"] == [0.1, 0.2, 0.3]
    assert v["weights.mapping"] == ["differential", "offset"]
    assert v["chip.clock_mhz"] == [0.5, 1.0, 1.5]
    assert v["technology.node"] == [22]


def test_point_id_canonical() -> None:
    assert point_id("vgg8", {"a.b": 128, "c": 1.5}) == point_id("vgg8", {"c": 1.5, "a.b": 128.0})
    assert point_id("vgg8", {"a.b": 128}) != point_id("resnet18", {"a.b": 128})
    assert point_id("vgg8", {"a.b": 128}) != point_id("vgg8", {"a.b": 256})


def _write(tmp_path: Path, data: dict, name: str = "sweep.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False))
    return p


GOOD = {"name": "t", "base": BASE, "networks": ["vgg8"],
        "axes": {"subarray.rows": [64, 128]},
        "objectives": {"minimize": ["energy_uj", "area_mm2"]}}


def test_load_and_validate_file(tmp_path: Path) -> None:
    p = _write(tmp_path, GOOD)
    loaded = load_sweep_spec(p)
    assert len(loaded.points()) == 2
    assert validate_file(p) == "sweep"
    assert loaded.spec_hash == load_sweep_spec(p).spec_hash
    changed = _write(tmp_path, {**GOOD, "axes": {"subarray.rows": [64, 256]}}, "b.yaml")
    assert load_sweep_spec(changed).spec_hash != loaded.spec_hash
    renamed = _write(tmp_path, {**GOOD, "name": "other", "description": "x"}, "c.yaml")
    assert load_sweep_spec(renamed).spec_hash == loaded.spec_hash  # cosmetic fields


def test_base_relative_to_spec_file(tmp_path: Path) -> None:
    arch = tmp_path / "arch.yaml"
    arch.write_text((ROOT / "architectures" / "default.yaml").read_text())
    loaded = load_sweep_spec(_write(tmp_path, {**GOOD, "base": "arch.yaml"}))
    assert loaded.base_path == arch


@pytest.mark.parametrize("data, key, message", [
    ({**GOOD, "axis": {}}, "axis", "unknown key"),
    ({**GOOD, "objectives": {"minimize": ["energy"]}}, "objectives.minimize", "unknown metric"),
    ({**GOOD, "sampling": {"method": "sobol"}}, "sampling.method", ""),
    ({**GOOD, "sampling": {"budget": 0}}, "sampling.budget", ""),
    ({**GOOD, "constraints": ["area <= 3"]}, "constraints", "neither a metric"),
    ({**GOOD, "constraints": ["area_mm2 => 3"]}, "constraints", "cannot read constraint"),
    ({**GOOD, "axes": {"subarray.rows": {"range": [8, 2]}}}, "axes", "below its start"),
    ({**GOOD, "axes": {"subarray.rows": {"rnage": [2, 8]}}}, "axes", "needs one of the keys"),
    ({**GOOD, "axes": {"subarray.rows": [64, 64]}}, "axes", "repeats a value"),
    ({**GOOD, "axes": {"subarray.rows": {"pow2": [60, 512]}}}, "axes", "powers of two"),
    ({**GOOD, "networks": []}, "networks", ""),
    ({**GOOD, "networks": ["vgg8", "vgg99"]}, "networks.1", "unknown network 'vgg99'"),
    ({**GOOD, "axes": {"chip.clock_mhz": {"logspace": [1, 9]}}}, "axes", "needs num"),
    ({**GOOD, "base": "no_such_arch"}, "base", "not found"),
    ({**GOOD, "objectives": {"maximize": "accuracy"}}, "objectives", "accuracy"),
    ({**GOOD, "sampling": {"method": "grid", "budget": 1}}, "sampling.budget", "budget"),
    ({**GOOD, "constraints": ["subarray.cols <= 3"]}, "constraints", "not an axis"),
    ({**GOOD, "constraints": ["subarray.rows <= 3"]}, "constraints", "no design point"),
])
def test_located_errors(tmp_path: Path, data: dict, key: str, message: str) -> None:
    p = _write(tmp_path, data)
    with pytest.raises(ConfigError) as ei:
        load_sweep_spec(p)
    probs = ei.value.problems
    assert any(pr.key_path.startswith(key) and message in pr.format() for pr in probs), \
        [pr.format() for pr in probs]
    assert all(pr.file == str(p) for pr in probs)
    top = key.split(".")[0]
    if top in data:  # the line of the offending key is reported
        line = next(i for i, t in enumerate(p.read_text().splitlines(), 1)
                    if t.startswith(f"{top}:"))
        assert any(pr.line is not None and pr.line >= line for pr in probs)


def test_metric_vs_parameter_constraints() -> None:
    spec = SweepSpec(base=BASE, networks=["vgg8"], axes={"subarray.rows": [64, 128]},
                     constraints=["area_mm2 <= 10", "subarray.rows >= 100", "fps >= 1"])
    assert [c.text for c in spec.param_constraints()] == ["subarray.rows >= 100"]
    assert [c.text for c in spec.metric_constraints()] == ["area_mm2 <= 10", "fps >= 1"]
    assert [p.params["subarray.rows"] for p in expand(spec)] == [128]
    assert set(METRICS) >= {"area_mm2", "energy_uj", "latency_us", "accuracy"}
