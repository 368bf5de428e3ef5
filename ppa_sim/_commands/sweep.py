"""``ppa-sim sweep SPEC.yaml --out RESULTS.sqlite``: design-space exploration."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DESCRIPTION = """Evaluate every design point of a sweep spec into a resumable SQLite store.

Each point (a network and one value per axis) is written to the store the
moment it finishes; rerunning the same command skips finished points, so an
interrupted or killed sweep just continues. Designs the configuration
validation rejects are recorded as 'invalid' with the reason. At the end the
Pareto front over the spec's objectives is printed."""

EPILOG = """examples:
  ppa-sim sweep examples/sweep_vgg8.yaml --out out/vgg8.sqlite
  ppa-sim sweep examples/sweep_vgg8.yaml --out out/vgg8.sqlite --workers 2
  ppa-sim sweep examples/sweep_vgg8.yaml --out out/vgg8.sqlite --dask --workers 2
  ppa-sim sweep examples/sweep_vgg8.yaml --out out/vgg8.sqlite --scheduler tcp://host:8786
  ppa-sim sweep examples/sweep_vgg8.yaml --dry-run          # list the points only
  ppa-sim report out/vgg8.sqlite --html out/vgg8.html

sweep spec (YAML):
  base: default                    # architecture path or shipped name
  networks: [vgg8, resnet18]
  axes:
    subarray.rows: [64, 128, 256]
    subarray.adc.bits: {range: [3, 8]}
    technology.node: [45nm, 22nm]
  sampling: {method: random, seed: 0, budget: 40}
  constraints: ["area_mm2 <= 100"]
  objectives: {minimize: [energy_uj, latency_us, area_mm2]}
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", metavar="SPEC.yaml", help="sweep spec (validated before running)")
    p.add_argument("--out", "-o", metavar="RESULTS.sqlite",
                   help="results store (created if missing; reruns resume). "
                        "Without it results are kept in memory only")
    p.add_argument("--workers", "-j", type=int, default=1, metavar="N",
                   help="local worker processes (default 1: in-process); with --dask the "
                        "LocalCluster size")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786)")
    p.add_argument("--dask", action="store_true",
                   help="start a Dask LocalCluster with --workers workers and run on it")
    p.add_argument("--force", action="store_true",
                   help="add to a store that holds results of a different spec")
    p.add_argument("--retry-errors", action="store_true",
                   help="re-evaluate points whose evaluation crashed (status 'error')")
    p.add_argument("--dry-run", action="store_true",
                   help="print the design points (and how many are done) without evaluating")
    p.add_argument("--objectives", metavar="M[:min|max],...",
                   help="Pareto objectives for the printed table (default: the spec's), "
                        "e.g. energy_uj,area_mm2 or tops_per_w:max,area_mm2")
    p.add_argument("--max-rows", type=int, default=30,
                   help="Pareto rows to print (default 30)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def parse_objectives(text: str) -> dict[str, str]:
    from ppa_sim.dse.spec import METRICS
    from ppa_sim.errors import ConfigError, Problem

    out: dict[str, str] = {}
    for part in (s.strip() for s in text.split(",") if s.strip()):
        name, _, sense = part.partition(":")
        sense = sense or "min"
        if name not in METRICS or sense not in ("min", "max"):
            raise ConfigError([Problem("--objectives", part, "unknown metric or sense",
                                       allowed=f"METRIC[:min|max], METRIC in {', '.join(METRICS)}")])
        out[name] = sense
    if not 2 <= len(out) <= 3:
        raise ConfigError([Problem("--objectives", text, "give two or three objectives")])
    return out


def run(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from ppa_sim.dse.spec import load_sweep_spec
    from ppa_sim.dse.store import ResultStore
    from ppa_sim.dse.sweep import run_sweep

    if args.workers < 1:
        print("ppa-sim sweep: --workers must be >= 1", file=sys.stderr)
        return 2
    loaded = load_sweep_spec(args.spec)
    points = loaded.points()
    if args.dry_run:
        done: set[str] = set()
        if args.out and Path(args.out).is_file():
            with ResultStore(args.out, readonly=True) as st:
                done = st.done_ids()
        keys = list(loaded.spec.axes)
        rows = [(p.point_id[:10], p.network, *(p.params[k] for k in keys),
                 "done" if p.point_id in done else "") for p in points]
        print(tabulate(rows, headers=["point", "network", *keys, "state"]))
        print(f"{len(points)} point(s), {sum(p.point_id in done for p in points)} done")
        return 0
    objectives = parse_objectives(args.objectives) if args.objectives else None
    res = run_sweep(loaded, args.out, workers=args.workers, scheduler=args.scheduler,
                    dask=args.dask, force=args.force, retry_errors=args.retry_errors,
                    progress=not args.no_progress)
    st = res.stats
    counts = {s: sum(1 for r in res if r["status"] == s) for s in ("ok", "invalid", "error")}
    infeasible = sum(1 for r in res if r["status"] == "ok" and r.get("feasible") is False)
    print(f"{loaded.spec.name}: {st.points} point(s): {st.evaluated} evaluated in "
          f"{st.wall_s:.1f} s ({st.points_per_s:.1f} points/s, {st.executor}, "
          f"{st.workers} worker(s)), {st.skipped} already done")
    print(f"  ok {counts['ok']} ({infeasible} violate constraints), invalid {counts['invalid']}, "
          f"error {counts['error']}" + (f"; store: {args.out}" if args.out else ""))
    bad = [r for r in res if r["status"] != "ok"]
    if bad:
        reasons: dict[str, int] = {}
        for r in bad:
            first = (r["error"] or "").strip().splitlines()[0] if r["error"] else r["status"]
            reasons[first] = reasons.get(first, 0) + 1
        print(tabulate(sorted(reasons.items(), key=lambda kv: -kv[1])[:8],
                       headers=["not evaluated: reason", "points"]))
    print()
    print(res.pareto_table(objectives, max_rows=args.max_rows))
    return 0
