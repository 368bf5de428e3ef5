"""Design points per second of `ppa-sim sweep`: VGG-8 and ResNet-18, in-process and 2 workers.

Each configuration sweeps the same 96 design points (subarray rows x ADC bits
x bits per cell on the default 22 nm RRAM architecture) into a fresh SQLite
store, so the figures include validation of every design, the estimate, and
one committed transaction per point. "incl. start-up" divides by the whole
sweep's wall time (starting a pool or cluster included: a sweep pays it once);
"steady" is the rate between the first and the last finished point.

torch is set to ONE thread here (and in the workers via OMP_NUM_THREADS=1):
the estimator does not use torch, and the project's machines have 2 cores.

    .venv/bin/python benchmarks/sweep_speed.py [--points-per-network 24] [--dask]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from tabulate import tabulate  # noqa: E402

from ppa_sim.dse.sweep import run_sweep  # noqa: E402
from ppa_sim.network import zoo  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AXES = {"subarray.rows": [64, 128, 256], "subarray.adc.bits": [3, 4, 5, 6, 7, 8],
        "subarray.cell.bits": [1, 2], "subarray.cols": [64, 128, 256]}


def spec_for(network: str, points: int) -> dict:
    return {"name": f"bench_{network}", "base": str(ROOT / "architectures" / "default.yaml"),
            "networks": [network], "axes": AXES,
            "sampling": {"method": "random", "seed": 0, "budget": points},
            "objectives": {"minimize": ["energy_uj", "latency_us", "area_mm2"]}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points-per-network", type=int, default=96)
    ap.add_argument("--dask", action="store_true", help="also time a 2-worker Dask LocalCluster")
    args = ap.parse_args()
    # imported here, not at the top: pool workers re-import this script as their main
    # module, and should not pay for torch (the estimator does not use it)
    import torch

    torch.set_num_threads(1)
    configs = [("in-process", {"workers": 1}), ("2 workers (process pool)", {"workers": 2})]
    if args.dask:
        configs.append(("2 workers (Dask LocalCluster)", {"workers": 2, "dask": True}))
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        for net in ("vgg8", "resnet18"):
            networks = {net: zoo.get(net)}  # loaded once, outside the timing
            base_rate = None
            base_steady = float("nan")
            for label, kw in configs:
                out = Path(tmp) / f"{net}_{len(table)}.sqlite"
                t0 = time.perf_counter()
                res = run_sweep(spec_for(net, args.points_per_network), out, progress=False,
                                networks=networks, **kw)
                wall = time.perf_counter() - t0
                n = res.stats.evaluated
                ok = sum(r["status"] == "ok" for r in res)
                rate = n / wall
                base_rate = base_rate or rate
                mean_eval = sum(r["eval_s"] for r in res) / max(n, 1)
                # steady state: points finished per second once the workers are running
                done = sorted(r["finished_at"] for r in res)
                steady = (len(done) - 1) / (done[-1] - done[0]) if len(done) > 1 and \
                    done[-1] > done[0] else float("nan")
                base_steady = base_steady if label != "in-process" else steady
                table.append([net, label, n, ok, f"{wall:.2f}", f"{rate:.1f}",
                              f"{rate / base_rate:.2f}x", f"{steady:.1f}",
                              f"{steady / base_steady:.2f}x", f"{mean_eval * 1e3:.1f}"])
    print(tabulate(table, headers=["network", "executor", "points", "ok", "wall (s)",
                                   "points/s (incl. start-up)", "vs in-process",
                                   "points/s (steady)", "vs in-process", "mean eval (ms)"]))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n{os.cpu_count()} CPU core(s); torch threads = {torch.get_num_threads()}; "
          f"1-min load average {load:.1f} (other work on the machine slows every figure)")


if __name__ == "__main__":
    main()
