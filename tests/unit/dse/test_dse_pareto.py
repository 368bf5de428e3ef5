"""Pareto fronts: non-domination properties, senses, eligibility, tables."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.dse.pareto import nondominated, normalize_objectives, pareto_front, pareto_table

vals = st.integers(0, 6).map(float)  # small range: many ties and duplicates


def _rows(points: list[tuple[float, ...]], network: str = "n") -> list[dict]:
    return [{"point_id": f"{network}{i}", "network": network, "status": "ok", "feasible": True,
             "params": {"subarray.rows": i}, "totals": {"a": p[0], "b": p[1], "c": p[2]}}
            for i, p in enumerate(points)]


def _dominates(x: dict, y: dict, objs: dict[str, str]) -> bool:
    s = {k: (1 if v == "min" else -1) for k, v in objs.items()}
    xs = [x["totals"][k] * s[k] for k in objs]
    ys = [y["totals"][k] * s[k] for k in objs]
    return all(a <= b for a, b in zip(xs, ys, strict=True)) and xs != ys


@settings(deadline=None)  # timing varies on busy machines; no timed assertions
@given(points=st.lists(st.tuples(vals, vals, vals), min_size=1, max_size=40),
       senses=st.tuples(st.sampled_from(["min", "max"]), st.sampled_from(["min", "max"]),
                        st.sampled_from(["min", "max"])),
       n_obj=st.sampled_from([2, 3]))
def test_front_is_exactly_the_nondominated_set(points: list, senses: tuple, n_obj: int) -> None:
    rows = _rows(points)
    objs = dict(zip(["a", "b", "c"][:n_obj], senses[:n_obj], strict=True))
    front = pareto_front(rows, objs)
    ids = {r["point_id"] for r in front}
    for r in rows:
        dominated = any(_dominates(o, r, objs) for o in rows)
        assert (r["point_id"] in ids) == (not dominated)
    first = next(iter(objs))
    key = [r["totals"][first] * (1 if objs[first] == "min" else -1) for r in front]
    assert key == sorted(key)


@settings(deadline=None)  # timing varies on busy machines; no timed assertions
@given(st.lists(st.tuples(vals, vals), min_size=1, max_size=60))
def test_nondominated_mask_brute_force(points: list) -> None:
    v = np.array(points, dtype=float)
    mask = nondominated(v)
    for i in range(len(v)):
        dom = any(np.all(v[j] <= v[i]) and np.any(v[j] < v[i]) for j in range(len(v)))
        assert mask[i] == (not dom)


def test_ineligible_rows_never_on_front() -> None:
    rows = _rows([(1, 1, 1), (2, 2, 2), (3, 3, 3), (0, 0, 0)])
    rows[3]["status"] = "invalid"
    rows[0]["feasible"] = False
    rows[1]["totals"]["a"] = None
    front = pareto_front(rows, {"a": "min", "b": "min"})
    assert [r["point_id"] for r in front] == ["n2"]


def test_fronts_per_network() -> None:
    rows = _rows([(1, 1, 0), (2, 2, 0)], "x") + _rows([(5, 5, 0), (4, 6, 0)], "y")
    assert [r["point_id"] for r in pareto_front(rows, ["a", "b"])] == ["x0", "y1", "y0"]
    assert [r["point_id"] for r in pareto_front(rows, ["a", "b"], per_network=False)] == ["x0"]


def test_normalize_objectives_forms() -> None:
    assert normalize_objectives(["a", "b"]) == {"a": "min", "b": "min"}
    assert normalize_objectives({"minimize": ["a"], "maximize": "acc"}) == {"a": "min",
                                                                          "acc": "max"}
    assert normalize_objectives({"a": "maximize"}) == {"a": "max"}


def test_table_lists_front_with_units_and_senses() -> None:
    rows = [{"point_id": str(i), "network": "vgg8", "status": "ok", "feasible": True,
             "params": {"subarray.rows": r, "subarray.adc.bits": 5},
             "totals": {"energy_uj": e, "area_mm2": a, "accuracy": acc}}
            for i, (r, e, a, acc) in enumerate([(64, 1.0, 3.0, 0.9), (128, 2.0, 2.0, 0.95),
                                                 (256, 3.0, 3.5, 0.99)])]
    text = pareto_table(rows, {"energy_uj": "min", "area_mm2": "min"})
    lines = text.splitlines()
    assert "2 of 3" in lines[0]
    # the headers of `ppa-sim report` (ppa_sim.report.data.METRICS)
    assert "energy (µJ) ↓" in lines[1] and "area (mm²) ↓" in lines[1]
    assert "subarray.rows" in lines[1] and "subarray.adc.bits" not in lines[1]  # constant
    body = lines[3:]
    assert [ln.split()[1] for ln in body] == ["64", "128"]
    text3 = pareto_table(rows, {"energy_uj": "min", "area_mm2": "min", "accuracy": "max"})
    assert "accuracy (%) ↑" in text3 and "3 of 3" in text3
    assert [ln.split()[-1] for ln in text3.splitlines()[3:]] == ["90.00", "95.00", "99.00"]
    assert "no evaluated feasible" in pareto_table([], ["energy_uj", "area_mm2"])
