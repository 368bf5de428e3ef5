"""End-to-end sweeps with the real estimator: in-process, process pool, Dask, CLI, resume."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dse_helpers import ROOT, write_mlp_files, write_spec

from ppa_sim import api
from ppa_sim.cli import main as cli_main
from ppa_sim.dse.store import ResultStore, StoreError
from ppa_sim.dse.sweep import run_sweep
from ppa_sim.errors import ConfigError

AXES = {"subarray.rows": [64, 128, 256], "subarray.adc.bits": [4, 6],
        "subarray.cols": [128, 100]}  # cols 100 is not a multiple of 8 columns per ADC


def _comparable(rows: list[dict]) -> list[dict]:
    """Rows without the per-run fields (timings), sorted by point."""
    drop = {"eval_s", "finished_at"}
    return sorted(({k: v for k, v in r.items() if k not in drop} for r in rows),
                  key=lambda r: r["point_id"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    tmp = tmp_path_factory.mktemp("ref")
    spec = write_spec(tmp / "sweep.yaml", axes=AXES, constraints=["area_mm2 <= 1e6"])
    res = run_sweep(spec, tmp / "ref.sqlite", progress=False)
    return spec, list(res)


def test_in_process_sweep_records_results_and_invalid_points(reference: tuple) -> None:
    spec, rows = reference
    assert len(rows) == 12 and len({r["point_id"] for r in rows}) == 12
    ok = [r for r in rows if r["status"] == "ok"]
    invalid = [r for r in rows if r["status"] == "invalid"]
    assert {r["params"]["subarray.cols"] for r in ok} == {128}
    assert {r["params"]["subarray.cols"] for r in invalid} == {100}
    assert all("columns_per_adc" in r["error"] for r in invalid)
    for r in ok:
        t = r["totals"]
        assert t["area_mm2"] > 0 and t["energy_uj"] > 0 and t["latency_us"] > 0
        assert r["feasible"] is True
        assert set(r["breakdown"]) >= {"area_mm2", "energy_uj"}
    # a stored point is exactly what the estimator gives for that design
    r = ok[0]
    est = api.estimate(str(ROOT / "architectures" / "default.yaml"), "vgg8",
                       overrides=r["params"])
    assert r["totals"]["energy_uj"] == pytest.approx(est.totals()["energy_uj"], rel=1e-12)
    assert r["totals"]["area_mm2"] == pytest.approx(est.totals()["area_mm2"], rel=1e-12)
    # physics the sweep must reflect: more ADC bits cost ADC energy at equal rows
    by = {(x["params"]["subarray.rows"], x["params"]["subarray.adc.bits"]): x for x in ok}
    for rows_ in (64, 128, 256):
        assert by[(rows_, 6)]["breakdown"]["energy_uj"]["adc"] > \
            by[(rows_, 4)]["breakdown"]["energy_uj"]["adc"]


def test_rerun_skips_finished_points_and_refuses_other_spec(reference: tuple,
                                                             tmp_path: Path) -> None:
    spec, rows = reference
    store = spec.parent / "ref.sqlite"
    again = run_sweep(spec, store, progress=False)
    assert again.stats.evaluated == 0 and again.stats.skipped == 12
    assert _comparable(again) == _comparable(rows)
    other = write_spec(tmp_path / "other.yaml", axes={**AXES, "subarray.rows": [64, 512]})
    with pytest.raises(StoreError, match="different sweep spec"):
        run_sweep(other, store, progress=False)
    store = Path(shutil.copy(store, tmp_path / "copy.sqlite"))  # closed store: one file
    forced = run_sweep(other, store, progress=False, force=True)
    # the 8 points of rows 64 were kept; only the rows-512 ones were evaluated
    assert forced.stats.evaluated == 4 and forced.stats.skipped == 4
    with ResultStore(store, readonly=True) as st:
        assert st.count() == 16 and st.integrity_check() == "ok"


def test_dask_local_cluster_matches_in_process(reference: tuple) -> None:
    from distributed import Client, LocalCluster

    spec, rows = reference
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        res = run_sweep(spec, None, client=client, progress=False)
        assert res.stats.executor == "dask" and res.stats.workers == 2
        # the work really ran on the cluster's worker processes
        assert sum(client.run(lambda: 1).values()) == 2
        # the same through the scheduler's address (what --scheduler ADDRESS does)
        by_address = run_sweep(spec, None, scheduler=cluster.scheduler_address,
                               progress=False)
    assert _comparable(res) == _comparable(rows)
    assert _comparable(by_address) == _comparable(rows)


def test_process_pool_matches_in_process(reference: tuple, tmp_path: Path) -> None:
    spec, rows = reference
    res = run_sweep(spec, tmp_path / "pool.sqlite", workers=2, progress=False)
    assert res.stats.executor == "process-pool" and res.stats.evaluated == 12
    assert _comparable(res) == _comparable(rows)


def test_cli_sweep_prints_pareto_and_resumes(tmp_path: Path,
                                             capsys: pytest.CaptureFixture) -> None:
    spec = write_spec(tmp_path / "s.yaml", axes={"subarray.rows": [64, 128],
                                                 "subarray.adc.bits": [4, 6]})
    out = tmp_path / "s.sqlite"
    assert cli_main(["sweep", str(spec), "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "4 evaluated" in text and "Pareto front over energy_uj, latency_us, area_mm2" in text
    assert "energy (µJ) ↓" in text  # the headers `ppa-sim report` uses
    assert cli_main(["sweep", str(spec), "--out", str(out), "--no-progress",
                     "--objectives", "tops_per_w:max,area_mm2"]) == 0
    text = capsys.readouterr().out
    assert "0 evaluated" in text and "4 already done" in text and "tops_per_w" in text
    assert cli_main(["sweep", str(spec), "--out", str(out), "--dry-run"]) == 0
    assert "4 point(s), 4 done" in capsys.readouterr().out
    assert cli_main(["sweep", str(spec), "--objectives", "energy"]) == 1
    assert "unknown metric" in capsys.readouterr().err


def test_api_sweep_dataframe() -> None:
    spec = {"name": "api", "base": str(ROOT / "architectures" / "default.yaml"),
            "networks": ["vgg8", "resnet20"], "axes": {"subarray.adc.bits": [4, 5]},
            "objectives": {"minimize": ["energy_uj", "area_mm2"]}}
    res = api.sweep(spec, progress=False)
    df = res.df
    assert len(df) == 4 and set(df["network"]) == {"vgg8", "resnet20"}
    assert {"subarray.adc.bits", "energy_uj", "area_mm2", "status"} <= set(df.columns)
    assert (df["status"] == "ok").all()
    front = res.pareto()
    assert front and {r["network"] for r in front} == {"vgg8", "resnet20"}


def test_store_keeps_spec_and_base_for_reports(reference: tuple) -> None:
    spec, _ = reference
    with ResultStore(spec.parent / "ref.sqlite", readonly=True) as st:
        s = st.spec()
        assert s["name"] == "test_sweep" and s["networks"] == ["vgg8"]
        assert s["objectives"] == {"minimize": ["energy_uj", "latency_us", "area_mm2"],
                                   "maximize": []}
        assert s["axes"]["subarray.rows"] == [64, 128, 256]
        assert st.base()["raw"]["name"] == "default"


def test_sweep_with_accuracy_objective(tmp_path: Path) -> None:
    """A sweep whose spec simulates a trained model on every design point."""
    write_mlp_files(tmp_path)
    spec = write_spec(tmp_path / "acc.yaml", networks=["mlp.py"],
                      axes={"subarray.adc.bits": [2, 8]},
                      accuracy={"model": "mlp.py", "dataset": "digits", "runs": 1,
                                "samples": 120},
                      objectives={"minimize": ["energy_uj"], "maximize": ["accuracy"]})
    res = run_sweep(spec, tmp_path / "acc.sqlite", progress=False)
    assert [r["status"] for r in res] == ["ok", "ok"]
    acc = {r["params"]["subarray.adc.bits"]: r["totals"]["accuracy"] for r in res}
    assert acc[8] > 0.6  # a trained MLP on 8-bit ADCs stays far above chance (10 %)
    assert acc[2] <= acc[8]  # a 2-bit ADC cannot be more accurate than an 8-bit one
    assert "accuracy (%) ↑" in res.pareto_table()
    bad = write_spec(tmp_path / "bad.yaml", networks=["mlp.py"],
                     accuracy={"model": "missing.py"},
                     objectives={"maximize": ["accuracy"]})
    with pytest.raises(ConfigError, match="accuracy.model"):
        run_sweep(bad, None, progress=False)


@pytest.mark.parametrize("spec", sorted((ROOT / "examples").glob("sweep_*.yaml")),
                         ids=lambda p: p.name)
def test_example_sweep_specs_are_valid(spec: Path) -> None:
    from ppa_sim.dse.spec import load_sweep_spec
    from ppa_sim.spec.load import validate_file

    assert validate_file(spec) == "sweep"
    assert load_sweep_spec(spec).points()


def test_example_device_sweep_runs(tmp_path: Path) -> None:
    res = run_sweep(ROOT / "examples" / "sweep_devices.yaml", tmp_path / "d.sqlite",
                    progress=False)
    assert len(res) == 18 and all(r["status"] == "ok" for r in res)
    # both devices and all three nodes produced designs; newer nodes are smaller
    area = {(r["params"]["technology.device"], r["params"]["technology.node"],
             r["params"]["subarray.adc.bits"]): r["totals"]["area_mm2"] for r in res}
    for dev in ("rram", "pcm"):
        assert area[(dev, "7nm", 5)] < area[(dev, "45nm", 5)]
