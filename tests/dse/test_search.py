"""Optuna search with the real estimator: Pareto set, constraints, shared SQLite study."""

from __future__ import annotations

from pathlib import Path

import pytest
from dse_helpers import trained_mlp

from ppa_sim import api
from ppa_sim.errors import ConfigError

SPACE = {"subarray.rows": [64, 128, 256], "subarray.adc.bits": {"range": [3, 8]},
         "subarray.cols": [100, 128]}  # cols 100: not a multiple of 8 columns per ADC


def test_search_pareto_matches_optuna_and_continues_shared_study(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    kw = {"arch": "default", "network": "vgg8", "space": SPACE,
          "objectives": {"energy_uj": "min", "area_mm2": "min"},
          "constraints": ["latency_us <= 1e9"], "storage": storage, "study_name": "s",
          "seed": 1}
    first = api.search(n_trials=10, **kw)
    assert len(first) == 10
    invalid = [r for r in first if r["status"] == "invalid"]
    ok = [r for r in first if r["status"] == "ok"]
    assert all(r["params"]["subarray.cols"] == 100 and "columns_per_adc" in r["error"]
               for r in invalid)
    assert all(r["params"]["subarray.cols"] == 128 for r in ok) and ok
    assert all(r["totals"]["energy_uj"] > 0 and r["feasible"] for r in ok)
    # our front over the trials is Optuna's own Pareto set
    ours = sorted(r["trial"] for r in first.pareto())
    assert ours == sorted(t.number for t in first.study.best_trials)
    # a second worker (or a rerun) on the same storage continues the same study
    second = api.search(n_trials=4, **{**kw, "seed": 2})
    assert len(second) == 14 and second.evaluated <= 4
    assert {r["trial"] for r in first} < {r["trial"] for r in second}


def test_search_metric_constraint_marks_infeasible() -> None:
    probe = api.estimate("default", "vgg8").totals()["area_mm2"]
    res = api.search(arch="default", network="vgg8",
                     space={"subarray.rows": [64, 256], "subarray.adc.bits": [4, 8]},
                     objectives=["energy_uj", "latency_us"],
                     constraints=[f"area_mm2 <= {probe!r}"], n_trials=8, seed=0)
    ok = [r for r in res if r["status"] == "ok"]
    assert ok
    for r in ok:
        assert r["feasible"] == (r["totals"]["area_mm2"] <= probe)
    assert all(r["feasible"] for r in res.pareto())


def test_search_rejects_bad_inputs() -> None:
    with pytest.raises(ConfigError, match="unknown metric"):
        api.search(arch="default", network="vgg8", space={"subarray.rows": [64]},
                   objectives=["energy"], n_trials=1)
    with pytest.raises(ConfigError, match="search space is empty"):
        api.search(arch="default", network="vgg8", space={}, n_trials=1)
    with pytest.raises(ConfigError, match="no model and data"):
        api.search(arch="default", network="vgg8", space={"subarray.rows": [64]},
                   objectives={"accuracy": "max", "energy_uj": "min"}, n_trials=1)


def test_search_with_accuracy_objective() -> None:
    model = trained_mlp()
    res = api.search(arch="default", network=model, model=model, data="digits",
                     accuracy_runs=1, accuracy_samples=120,
                     space={"subarray.adc.bits": [2, 8], "subarray.rows": [64, 128]},
                     objectives={"energy_uj": "min"}, n_trials=4, seed=0)
    assert res.objectives == {"energy_uj": "min", "accuracy": "max"}
    ok = [r for r in res if r["status"] == "ok"]
    assert ok
    accs = {r["params"]["subarray.adc.bits"]: r["totals"]["accuracy"] for r in ok}
    assert all(0.0 <= a <= 1.0 for a in accs.values())
    if 8 in accs:  # an 8-bit ADC design keeps a trained MLP well above chance (10 %)
        assert accs[8] > 0.5
    front = res.pareto()
    assert front and all("accuracy" in r["totals"] for r in front)
    assert "accuracy (%) ↑" in res.pareto_table()


CONCURRENT = """
import sys
from ppa_sim import api
res = api.search(arch="default", network=sys.argv[1], n_trials=5, seed=int(sys.argv[3]),
                 space={"subarray.rows": [64, 128, 256], "subarray.adc.bits": [3, 4, 5, 6]},
                 objectives=["energy_uj", "area_mm2"], storage=sys.argv[2], study_name="shared")
print(res.evaluated)
"""


def test_two_processes_share_one_sqlite_study(tmp_path: Path) -> None:
    """Two searches running at the same time on one SQLite study both add their trials."""
    import os
    import subprocess
    import sys

    import optuna

    net = tmp_path / "NetWork_VGG8.csv"  # VGG-8 in NeuroSim's format: no torch import needed
    net.write_text("32,32,3,3,3,128,0,1\n32,32,128,3,3,128,1,1\n16,16,128,3,3,256,0,1\n"
                   "16,16,256,3,3,256,1,1\n8,8,256,3,3,512,0,1\n8,8,512,3,3,512,1,1\n"
                   "1,1,8192,1,1,1024,0,1\n1,1,1024,1,1,10,0,1\n")
    storage = f"sqlite:///{tmp_path / 'shared.db'}"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(net), storage, str(seed)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed in (1, 2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]
        assert out.strip() == "5"
    study = optuna.load_study(study_name="shared", storage=storage)
    trials = study.get_trials(deepcopy=False)
    assert len(trials) == 10
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert sorted(t.number for t in trials) == list(range(10))
