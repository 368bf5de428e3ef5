"""A sweep killed with SIGKILL mid-way resumes without losing or repeating finished points.

The sweep runs in a subprocess with the real estimator wrapped by
``dse_helpers.counting_estimate``, which appends one line per evaluation to a
log file *before* evaluating (so evaluations cut short by the kill are
counted too). After the kill the store must be sound; after the rerun every
point is present exactly once and no point that had finished before the kill
was evaluated again. It runs in-process, on a local process pool and on a Dask
LocalCluster (``--dask``): in each case no worker process may outlive the killed
sweep.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from dse_helpers import write_spec

from ppa_sim.dse.spec import load_sweep_spec, point_id
from ppa_sim.dse.store import ResultStore

HERE = Path(__file__).resolve().parent
# VGG-8 for CIFAR-10 in DNN+NeuroSim's network format (NetWork_VGG8.csv of NeuroSim
# V1.4: IFM H, W, C, kernel H, W, OFM C, 2x2 max-pool after, stride). Read through the
# CSV importer, so the subprocesses need not import torch to build the network.
VGG8_CSV = """32,32,3,3,3,128,0,1
32,32,128,3,3,128,1,1
16,16,128,3,3,256,0,1
16,16,256,3,3,256,1,1
8,8,256,3,3,512,0,1
8,8,512,3,3,512,1,1
1,1,8192,1,1,1024,0,1
1,1,1024,1,1,10,0,1
"""
AXES = {"subarray.rows": [32, 64, 128, 256], "subarray.adc.bits": [3, 4, 5, 6, 7, 8]}
SCRIPT = """
import sys
from dse_helpers import counting_estimate
from ppa_sim.dse.sweep import run_sweep
run_sweep(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]), dask=sys.argv[4] == "dask",
          evaluate=counting_estimate, progress=False)
"""


def _start(spec: Path, out: Path, workers: int, log: Path, delay_s: float,
           executor: str = "local") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get(
        "PYTHONPATH", "")]), "PPA_SIM_TEST_EVAL_LOG": str(log),
        "PPA_SIM_TEST_EVAL_DELAY_S": str(delay_s), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(spec), str(out), str(workers),
                             executor],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _stored(out: Path) -> int:
    if not out.exists():
        return 0
    try:
        db = sqlite3.connect(f"{out.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM points").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0  # tables not created yet


def _live_in_group(pgid: int) -> list[int]:
    """Pids of running (not zombie) processes in process group ``pgid`` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(d.name))
    return out


def _group_gone(pgid: int, timeout_s: float) -> bool:
    """True once no live process of the process group ``pgid`` is left (zombies waiting
    for their new parent to reap them do not count)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _live_in_group(pgid):
            return True
        time.sleep(0.1)
    return False


def _logged(log: Path, network: str) -> Counter:
    """Evaluations per point id, from the log lines (one per evaluation started)."""
    if not log.exists():
        return Counter()
    out: Counter = Counter()
    for line in log.read_text().splitlines():
        d = json.loads(line)
        out[point_id(network, {"subarray.rows": d["rows"],
                               "subarray.adc.bits": d["adc_bits"]})] += 1
    return out


@pytest.mark.parametrize(("workers", "executor"), [(1, "local"), (2, "local"), (2, "dask")],
                         ids=["in-process", "pool-2", "dask-local-2"])
def test_sigkill_mid_sweep_then_resume(tmp_path: Path, workers: int, executor: str) -> None:
    net = tmp_path / "NetWork_VGG8.csv"
    net.write_text(VGG8_CSV)
    spec = write_spec(tmp_path / "kill.yaml", axes=AXES, networks=[str(net)])
    all_ids = {p.point_id for p in load_sweep_spec(spec).points()}
    assert len(all_ids) == 24
    out, log1, log2 = tmp_path / "kill.sqlite", tmp_path / "eval1.log", tmp_path / "eval2.log"

    proc = _start(spec, out, workers, log1, delay_s=0.2, executor=executor)
    try:
        deadline = time.monotonic() + 120
        while _stored(out) < 6:
            assert proc.poll() is None, proc.communicate()[1].decode()[-3000:]
            assert time.monotonic() < deadline, "sweep made no progress"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # pool workers (and Dask's nannies and workers) notice their parent is gone and
        # exit on their own
        assert _group_gone(proc.pid, timeout_s=60), "worker processes outlived the sweep"
    finally:
        try:  # should a worker have outlived the sweep, end it (it is ours)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert proc.returncode == -signal.SIGKILL

    with ResultStore(out, readonly=True) as st:
        assert st.integrity_check() == "ok"
        done_before = st.done_ids()
        assert all(r["status"] == "ok" for r in st.rows())
    assert 6 <= len(done_before) < 24, "the kill should land mid-way"
    first = _logged(log1, str(net))
    assert done_before <= set(first)  # every stored point was really evaluated

    rerun = _start(spec, out, workers, log2, delay_s=0.0, executor=executor)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()[-3000:]

    with ResultStore(out, readonly=True) as st:
        assert st.integrity_check() == "ok"
        rows = st.rows()
    ids = [r["point_id"] for r in rows]
    assert len(ids) == len(set(ids)) == 24 and set(ids) == all_ids
    assert all(r["status"] == "ok" for r in rows)
    second = _logged(log2, str(net))
    # nothing that had finished was evaluated again; everything else was, once
    assert not (set(second) & done_before)
    assert set(second) == all_ids - done_before
    assert all(n == 1 for n in second.values())
    if workers == 1 and executor == "local":  # in-process: each point was started at most once before the kill
        assert all(n == 1 for n in first.values())
