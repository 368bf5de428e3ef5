"""``ppa-sim report``: the Pareto table on stdout and the HTML file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppa_sim.cli import main


def _table_rows(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    i = lines.index(title)
    body = []
    for line in lines[i + 4:]:
        if not line.strip():
            break
        body.append(line)
    return body


def test_report_prints_pareto_table_and_writes_html(sweep_store: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    from ppa_sim.dse.pareto import pareto_front
    from ppa_sim.dse.store import ResultStore

    with ResultStore(sweep_store, readonly=True) as store:
        rows = store.rows()
    out_html = tmp_path / "out" / "sweep.html"
    rc = main(["report", str(sweep_store), "--html", str(out_html),
               "--objectives", "energy_uj,latency_us"])
    out = capsys.readouterr().out
    assert rc == 0
    front = pareto_front(rows, {"energy_uj": "min", "latency_us": "min"})
    assert f"{len(rows)} design point(s)" in out
    assert f"{len(front)} Pareto-optimal over energy_uj (minimize), latency_us (minimize)" in out
    body = _table_rows(out, "Pareto front")
    assert [b.split()[0] for b in body] == [r["point_id"] for r in front]
    header = out.splitlines()[out.splitlines().index("Pareto front") + 2]
    assert "energy (µJ) ↓" in header and "subarray.adc.bits" in header
    assert out_html.is_file() and f"written to {out_html}" in out
    text = out_html.read_text(encoding="utf-8")
    assert f'data-key="pareto" data-value="{len(front)}"' in text


def test_report_all_points_and_spec_objectives(sweep_store: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    from ppa_sim.dse.store import ResultStore

    assert main(["report", str(sweep_store), "--all"]) == 0
    out = capsys.readouterr().out
    # default objectives come from the sweep spec: energy, latency, area
    assert "over energy_uj (minimize), latency_us (minimize), area_mm2 (minimize)" in out
    with ResultStore(sweep_store, readonly=True) as store:
        ok = [r for r in store.rows() if r["status"] == "ok"]
    assert [b.split()[0] for b in _table_rows(out, "All valid points")] == [
        r["point_id"] for r in ok]


@pytest.mark.parametrize(("args", "message"), [
    (["--objectives", "joules"], "objective 'joules' is not a result of this sweep"),
    (["--objectives", "energy_uj:lowest"], "direction must be 'min' or 'max'"),
])
def test_report_user_errors(sweep_store: Path, args: list[str], message: str,
                            capsys: pytest.CaptureFixture) -> None:
    assert main(["report", str(sweep_store), *args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_report_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["report", str(tmp_path / "nope.sqlite")]) == 1
    assert "no such results store" in capsys.readouterr().err


def test_estimate_accuracy_file_goes_into_report(accuracy_result, tmp_path: Path,
                                                capsys: pytest.CaptureFixture) -> None:
    """``estimate --accuracy acc.json --html``: the accuracy written by 'ppa-sim accuracy
    --format json' appears in the same report (mean ± std vs ideal) and under the table."""
    import json
    import re

    acc = tmp_path / "acc.json"
    acc.write_text(json.dumps(accuracy_result.to_json()))
    out_html = tmp_path / "lenet5.html"
    rc = main(["estimate", "default", "--network", "lenet5", "--accuracy", str(acc),
               "--html", str(out_html)])
    out = capsys.readouterr().out
    assert rc == 0
    mean, std = 100 * accuracy_result.mean, 100 * accuracy_result.std
    assert f"{mean:.2f} ± {std:.2f} % (ideal 95.00 %)" in out
    text = out_html.read_text(encoding="utf-8")
    cards = dict(re.findall(r'data-key="([^"]+)" data-value="([^"]+)"', text))
    assert json.loads(cards["accuracy.mean"]) == pytest.approx(accuracy_result.mean)
    assert json.loads(cards["accuracy.ideal"]) == pytest.approx(0.95)


def test_estimate_accuracy_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "est.json"
    bad.write_text('{"schema": "ppa_sim.estimate/1"}')
    assert main(["estimate", "default", "--network", "lenet5", "--accuracy", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "not an accuracy result" in err and "Traceback" not in err
    assert main(["estimate", "default", "--network", "lenet5", "--accuracy",
                 str(tmp_path / "missing.json")]) == 1
    assert "no such file" in capsys.readouterr().err
