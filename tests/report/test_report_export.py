"""JSON and CSV exports: full precision, the documented layout, numbers that add up."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ppa_sim.report.export import BASE_COLUMNS, estimate_csv, estimate_json

ESTIMATES = ["handmade_estimate", "real_estimate"]


@pytest.mark.parametrize("which", ESTIMATES)
def test_json_is_the_contract(which: str, request: pytest.FixtureRequest) -> None:
    est = request.getfixturevalue(which)
    doc = json.loads(estimate_json(est))
    assert doc == json.loads(json.dumps(est.to_json()))
    assert doc["schema"] == "ppa_sim.estimate/1"
    assert set(doc["totals"]) >= {"area_mm2", "energy_uj", "latency_us", "fps", "macs",
                                  "tops_per_w", "tops_per_mm2"}


def _read(est) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(estimate_csv(est))))


@pytest.mark.parametrize("which", ESTIMATES)
def test_csv_layout_and_values(which: str, request: pytest.FixtureRequest) -> None:
    est = request.getfixturevalue(which)
    text = estimate_csv(est)
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header[:len(BASE_COLUMNS)]) == BASE_COLUMNS
    rows = _read(est)
    assert [r["record"] for r in rows] == (["total"] + ["layer"] * len(est.layers)
                                           + ["component"] * (len(rows) - 1 - len(est.layers)))

    total = rows[0]
    assert total["name"] == est.network and total["kind"] == est.architecture
    # every row names its run, so CSVs of several runs concatenate into one table
    assert {(r["network"], r["architecture"]) for r in rows} == {(est.network,
                                                                  est.architecture)}
    for key, value in est.totals().items():
        if key in header:
            assert float(total[key]) == value  # full precision, not rounded for display

    layers = [r for r in rows if r["record"] == "layer"]
    for r, L in zip(layers, est.layers, strict=True):
        assert r["name"] == L.name and r["kind"] == L.kind
        assert int(r["macs"]) == L.macs
        assert float(r["energy_uj"]) == pytest.approx(L.energy_pj * 1e-6, rel=1e-12)
        assert float(r["latency_us"]) == pytest.approx(L.latency_ns * 1e-3, rel=1e-12)
        for cat, v in L.energy_breakdown_pj.items():
            assert float(r[f"energy_uj.{cat}"]) == pytest.approx(v * 1e-6, rel=1e-12)
        assert r["area_mm2"] == ""  # not applicable: empty

    comps = [r for r in rows if r["record"] == "component"]
    assert sum(float(c["area_mm2"]) for c in comps) == pytest.approx(
        sum(est.area_breakdown_um2.values()) * 1e-6, rel=1e-9)
    assert sum(float(c["energy_uj"]) for c in comps) == pytest.approx(
        sum(est.energy_breakdown_pj.values()) * 1e-6, rel=1e-9)
    assert sum(float(c["latency_us"]) for c in comps) == pytest.approx(
        sum(est.latency_breakdown_ns.values()) * 1e-3, rel=1e-9)


def test_csv_quotes_awkward_names(handmade_estimate) -> None:
    import dataclasses

    odd = 'fc,"2"\nnext'
    layers = (*handmade_estimate.layers[:1],
              dataclasses.replace(handmade_estimate.layers[1], name=odd))
    rows = _read(dataclasses.replace(handmade_estimate, layers=layers))
    assert [r["name"] for r in rows if r["record"] == "layer"] == ["conv1", odd]


def test_accuracy_json_round_trip(accuracy_result, tmp_path) -> None:
    from ppa_sim.errors import PpaSimError
    from ppa_sim.report.export import load_accuracy_json

    path = tmp_path / "acc.json"
    path.write_text(json.dumps(accuracy_result.to_json()))
    back = load_accuracy_json(path)
    assert back.accuracies == accuracy_result.accuracies
    assert (back.mean, back.std, back.ideal_accuracy, back.dataset, back.samples) == (
        accuracy_result.mean, accuracy_result.std, 0.95, "digits", 360)
    path.write_text(json.dumps({"schema": "ppa_sim.estimate/1"}))
    with pytest.raises(PpaSimError, match="not an accuracy result"):
        load_accuracy_json(path)
    with pytest.raises(PpaSimError, match="no such file"):
        load_accuracy_json(tmp_path / "missing.json")
