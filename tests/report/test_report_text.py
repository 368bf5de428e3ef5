"""Terminal tables: every figure present, in report units, shares adding up."""

from __future__ import annotations

import re

import pytest

from ppa_sim.report import data
from ppa_sim.report.fmt import num
from ppa_sim.report.text import render_accuracy, render_estimate, render_points

ESTIMATES = ["handmade_estimate", "real_estimate"]


def _section(text: str, title: str) -> list[str]:
    """Body lines of the table under ``title`` (up to the next blank line)."""
    lines = text.splitlines()
    i = lines.index(title)
    body = []
    for line in lines[i + 4:]:  # title, underline, header, rule
        if not line.strip():
            break
        body.append(line)
    return body


def _pcts(line: str) -> list[float]:
    return [float(x) for x in re.findall(r"(-?[\d.]+) %", line)]


@pytest.mark.parametrize("which", ESTIMATES)
def test_summary_shows_every_total_in_report_units(which: str,
                                                   request: pytest.FixtureRequest) -> None:
    est = request.getfixturevalue(which)
    text = render_estimate(est)
    totals = est.totals()
    for key in ("area_mm2", "energy_uj", "latency_us", "fps", "tops_per_w", "tops_per_mm2",
                "utilization"):
        m = data.METRICS[key]
        line = next(ln for ln in text.splitlines() if ln.startswith(m.label))
        shown = line[len(m.label):].split()
        assert shown[0] == num(totals[key] * m.scale if m.scale != 1 else totals[key])
        assert float(shown[0].replace(",", "")) == pytest.approx(totals[key] * m.scale,
                                                                  rel=5.01e-4)
        assert " ".join(shown[1:]) == m.unit
    assert "Per layer" not in text


@pytest.mark.parametrize("which", ESTIMATES)
def test_component_breakdown_adds_up(which: str, request: pytest.FixtureRequest) -> None:
    est = request.getfixturevalue(which)
    text = render_estimate(est)
    body = _section(text, "Breakdown by component")
    rows = body[:-1]
    assert [r.split()[0] for r in rows] == data.ordered(
        [*est.area_breakdown_um2, *est.energy_breakdown_pj, *est.latency_breakdown_ns])
    for col in range(3):  # area, energy, latency shares each add to 100 %
        shares = [_pcts(r)[col] for r in rows]
        assert sum(shares) == pytest.approx(100.0, abs=0.05 * len(rows) + 1e-9)
    total = body[-1].split()
    assert total[0] == "total"
    assert float(total[1].replace(",", "")) == pytest.approx(
        sum(est.area_breakdown_um2.values()) * 1e-6, rel=5.01e-4)
    assert float(total[4].replace(",", "")) == pytest.approx(
        sum(est.energy_breakdown_pj.values()) * 1e-6, rel=5.01e-4)
    assert est.latency_rule in text


@pytest.mark.parametrize("which", ESTIMATES)
def test_hierarchy_levels_add_up_to_the_tree(which: str, request: pytest.FixtureRequest) -> None:
    est = request.getfixturevalue(which)
    rows = data.hierarchy_rows(est.tree)
    assert {r["level"] for r in rows} <= {"chip", "tile", "PE", "subarray"}
    assert sum(r["area_mm2"] for r in rows) == pytest.approx(est.tree.area_um2 * 1e-6, rel=1e-9)
    assert sum(r["energy_uj"] for r in rows) == pytest.approx(est.tree.energy_pj * 1e-6,
                                                              rel=1e-9)
    # crossbar arrays live in subarrays, whatever else the tree holds
    leaves_by_level = {r["level"] for r in rows}
    assert "subarray" in leaves_by_level
    body = _section(render_estimate(est), "Breakdown by hierarchy level")
    assert [b.split()[0] for b in body] == [r["level"] for r in rows]


def test_hierarchy_levels_of_handmade_tree(handmade_estimate) -> None:
    rows = {r["level"]: r for r in data.hierarchy_rows(handmade_estimate.tree)}
    assert rows["subarray"]["area_mm2"] == pytest.approx(4700e-6)
    assert rows["PE"]["energy_uj"] == pytest.approx(10_000e-6)
    assert rows["tile"]["components"] == 1
    assert rows["chip"]["area_mm2"] == pytest.approx(3100e-6)


@pytest.mark.parametrize("which", ESTIMATES)
def test_per_layer_table(which: str, request: pytest.FixtureRequest) -> None:
    est = request.getfixturevalue(which)
    text = render_estimate(est, per_layer=True)
    body = _section(text, f"Per layer ({len(est.layers)} layers)")
    shown = [L for L in est.layers if L.macs or L.crossbars or L.energy_pj or L.latency_ns]
    assert len(body) == len(shown)
    for line, layer in zip(body, shown, strict=True):
        assert line.startswith(layer.name)  # names printed verbatim, even hostile ones
        assert num(layer.macs) in line
        assert num(layer.energy_pj * 1e-6) in line
    energy_shares = [_pcts(b)[1] for b in body]
    assert sum(energy_shares) == pytest.approx(100.0, abs=0.05 * len(body) + 1e-9)


def test_tables_are_aligned(handmade_estimate) -> None:
    text = render_estimate(handmade_estimate, per_layer=True)
    body = _section(text, "Per layer (2 layers)")
    # right-aligned numeric columns: every row ends at the same column
    assert len({len(b) for b in body}) == 1
    assert "1,000,000" in body[0] and "250,000" in body[1]


def test_render_accuracy(accuracy_result) -> None:
    text = render_accuracy(accuracy_result)
    assert "95.00 %" in text  # ideal
    mean = sum(accuracy_result.accuracies) / 4
    assert f"{100 * mean:.2f} % ± {100 * accuracy_result.std:.2f}" in text
    assert f"{100 * (0.95 - mean):.2f}" in text
    assert "over 4 runs" in text and "360" in text


def test_render_points_shows_params_and_objectives() -> None:
    rows = [{"point_id": "a", "params": {"subarray.adc.bits": 4}, "status": "ok",
             "totals": {"energy_uj": 1234.5, "latency_us": 2.0, "utilization": 0.5}},
            {"point_id": "b", "params": {"subarray.adc.bits": 6}, "status": "ok",
             "totals": {"energy_uj": 2.0, "latency_us": 1.0}}]
    text = render_points(rows, {"energy_uj": "min", "tops_per_w": "max"}, title="front")
    assert "energy (µJ) ↓" in text and "TOPS/W ↑" in text
    assert "subarray.adc.bits" in text and "1,234" in text and "50.00" in text


def test_per_layer_table_reconciles_with_total(real_estimate) -> None:
    """Cost-free layers are counted, not listed; chip-level energy is stated so the
    per-layer table adds up to the total (a user summing the column must not be misled)."""
    text = render_estimate(real_estimate, per_layer=True)
    costless = [L for L in real_estimate.layers
                if not (L.macs or L.crossbars or L.energy_pj or L.latency_ns)]
    layer_pj = sum(L.energy_pj for L in real_estimate.layers)
    rest_pj = real_estimate.energy_pj - layer_pj
    if costless:
        assert f"{len(costless)} layer(s) with no cost" in text
    assert rest_pj > 0  # the global buffer and chip bus are charged to no layer
    m = re.search(r"another (\S+) µJ .* of the (\S+) µJ total\) is chip-level", text)
    assert m is not None
    assert float(m.group(1).replace(",", "")) == pytest.approx(rest_pj * 1e-6, rel=1e-3)
    assert float(m.group(2).replace(",", "")) == pytest.approx(
        real_estimate.energy_pj * 1e-6, rel=1e-3)
