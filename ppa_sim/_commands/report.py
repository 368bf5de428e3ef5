"""``ppa-sim report RESULTS.sqlite``: Pareto table of a sweep, and its HTML report."""

from __future__ import annotations

import argparse

DESCRIPTION = """Summarise a sweep's results store (written by 'ppa-sim sweep').

Prints the Pareto-optimal design points over the objectives as a table and,
with --html, writes a self-contained HTML report (Pareto scatter plots with
each point's parameters on hover, a sortable table of every point, the sweep
spec) that opens offline in any browser."""

EPILOG = """examples:
  ppa-sim report out/sweep.sqlite
  ppa-sim report out/sweep.sqlite --html out/sweep.html
  ppa-sim report out/sweep.sqlite --objectives energy_uj,latency_us --html out/pareto.html
  ppa-sim report out/sweep.sqlite --objectives energy_uj,tops_per_w:max --all

Objectives default to the sweep spec's, else energy_uj, latency_us and area_mm2
(all minimised). Metrics: area_mm2, energy_uj, latency_us, cycle_us, fps, tops,
tops_per_w, tops_per_mm2, power_w, utilization, tiles, accuracy (when measured)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("store", metavar="RESULTS.sqlite", help="results store of 'ppa-sim sweep'")
    p.add_argument("--html", metavar="OUT.html", help="write the HTML report to this file")
    p.add_argument("--objectives", metavar="M[:min|max],...",
                   help="comma-separated metrics to optimise; the direction defaults to the "
                        "metric's natural one (e.g. energy_uj:min, tops_per_w:max)")
    p.add_argument("--all", action="store_true",
                   help="print every valid point, not only the Pareto front")


def run(args: argparse.Namespace) -> int:
    from ppa_sim.dse.pareto import pareto_front
    from ppa_sim.dse.store import ResultStore
    from ppa_sim.report import data
    from ppa_sim.report.text import render_points

    with ResultStore(args.store, readonly=True) as store:
        rows = store.rows()
        spec = store.spec()
    objectives = data.parse_objectives(args.objectives, spec)
    data.check_objectives(rows, objectives)
    ok = [r for r in rows if r.get("status", "ok") == "ok"]
    front = pareto_front(ok, objectives) if ok else []
    failed = len(rows) - len(ok)
    goals = ", ".join(f"{k} ({'minimize' if d == 'min' else 'maximize'})"
                      for k, d in objectives.items())
    infeasible = sum(1 for r in ok if r.get("feasible") is False)
    print(f"{args.store}: {len(rows)} design point(s), {len(ok)} evaluated "
          f"({len(ok) - infeasible} meet the constraints, {infeasible} do not), {failed} "
          f"invalid or failed; {len(front)} Pareto-optimal over {goals}")
    if front:
        print()
        print(render_points(front, objectives, title="Pareto front"))
    if args.all and ok:
        print()
        print(render_points(ok, objectives, title="All valid points"))
    if args.html:
        from ppa_sim.report.html import write_sweep_html

        path = write_sweep_html(rows, args.html, objectives=objectives, spec=spec)
        print(f"\nHTML report written to {path}")
    return 0
