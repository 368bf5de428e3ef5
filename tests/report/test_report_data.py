"""Report data helpers: objectives, sweep columns, hierarchy levels."""

from __future__ import annotations

import pytest

from ppa_sim.cost import Cost
from ppa_sim.errors import PpaSimError
from ppa_sim.report import data
from ppa_sim.report.text import render_points


@pytest.mark.parametrize(("given", "spec", "expected"), [
    (None, None, {"energy_uj": "min", "latency_us": "min", "area_mm2": "min"}),
    (None, {"objectives": {"minimize": ["energy_uj"], "maximize": ["accuracy"]}},
     {"energy_uj": "min", "accuracy": "max"}),
    ("energy_uj, tops_per_w", None, {"energy_uj": "min", "tops_per_w": "max"}),
    ("latency_us:max,area_mm2", None, {"latency_us": "max", "area_mm2": "min"}),
    (["accuracy", "power_w"], None, {"accuracy": "max", "power_w": "min"}),
    ({"fps": "maximize", "area_mm2": "min"}, {"objectives": {"minimize": ["x"]}},
     {"fps": "max", "area_mm2": "min"}),
])
def test_parse_objectives(given, spec, expected) -> None:
    got = data.parse_objectives(given, spec)
    assert got == expected and list(got) == list(expected)  # order kept: first is x axis


@pytest.mark.parametrize("bad", ["energy_uj:smallest", {"energy_uj": "down"}, ""])
def test_parse_objectives_rejects(bad) -> None:
    with pytest.raises(PpaSimError):
        data.parse_objectives(bad)


def test_check_objectives_names_available_metrics() -> None:
    rows = [{"status": "ok", "totals": {"energy_uj": 1.0, "area_mm2": 2.0}, "params": {}}]
    data.check_objectives(rows, {"energy_uj": "min"})
    with pytest.raises(PpaSimError, match="available: area_mm2, energy_uj"):
        data.check_objectives(rows, {"joules": "min"})


def test_accuracy_column_when_measured() -> None:
    rows = [{"point_id": "a", "status": "ok", "params": {"x": 1},
             "totals": {"energy_uj": 1.0, "accuracy": 0.9132}},
            {"point_id": "b", "status": "ok", "params": {"x": 2}, "totals": {"energy_uj": 2.0}}]
    assert data.sweep_metrics(rows, {"energy_uj": "min"})[-1] == "accuracy"
    text = render_points(rows, {"energy_uj": "min"})
    assert "accuracy (%)" in text and "91.32" in text
    assert "accuracy" not in data.sweep_metrics(rows[1:], {"energy_uj": "min"})


@pytest.mark.parametrize(("path", "level"), [
    (("chip", "layer:conv1", "tile", "pe", "subarray"), "subarray"),
    (("chip", "layer:conv1", "tile", "pe"), "pe"),
    (("chip", "tile_3"), "tile"),
    (("chip", "tiles[2]", "PE 1"), "pe"),
    (("chip", "global"), "chip"),
    (("chip", "tile_buffer_group"), "chip"),  # a name that merely starts like a level
    (("chip", "layer:subarray_test"), "chip"),
])
def test_level_of(path, level) -> None:
    assert data._level_of(path) == level


def test_hierarchy_categories_add_up() -> None:
    sub = Cost.node("subarray", [Cost("array", 10.0, 5.0, category="array"),
                                 Cost("adc", 4.0, 3.0, category="adc")])
    tree = Cost.node("chip", [Cost.node("tile", [Cost.node("pe", [sub]),
                                                 Cost("buf", 2.0, 1.0, category="buffer")]),
                              Cost("glb", 1.0, 1.0, category="buffer")])
    pairs = data.hierarchy_categories(tree)
    assert [(p["level"], p["category"]) for p in pairs] == [
        ("chip", "buffer"), ("tile", "buffer"), ("subarray", "array"), ("subarray", "adc")]
    assert sum(p["area_mm2"] for p in pairs) == pytest.approx(tree.area_um2 * 1e-6)
    assert sum(p["energy_uj"] for p in pairs) == pytest.approx(tree.energy_pj * 1e-6)
