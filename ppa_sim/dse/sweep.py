"""Run a sweep: expand the spec, skip finished points, evaluate the rest, store each result.

>>> from ppa_sim.dse.sweep import run_sweep
>>> res = run_sweep("examples/sweep_vgg8.yaml", out="out/vgg8.sqlite", workers=2)
>>> res.df[["subarray.adc.bits", "energy_uj", "area_mm2"]].head()
>>> print(res.pareto_table())
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppa_sim.dse.executors import (
    EvaluateFn,
    Task,
    auto_chunksize,
    make_executor,
    resolve_technology,
    technology_key,
)
from ppa_sim.dse.pareto import pareto_front, pareto_table
from ppa_sim.dse.spec import LoadedSweep, load_sweep_spec
from ppa_sim.dse.store import ResultStore
from ppa_sim.errors import ConfigError, Problem


@dataclass(frozen=True)
class SweepStats:
    """What one :func:`run_sweep` call did."""

    points: int
    """Design points in the spec."""
    skipped: int
    """Already in the store (finished by an earlier run)."""
    evaluated: int
    wall_s: float
    executor: str
    workers: int

    @property
    def points_per_s(self) -> float:
        return self.evaluated / self.wall_s if self.wall_s > 0 else 0.0


class SweepResults(list):
    """The sweep's rows (dicts as :meth:`ResultStore.rows` gives), plus helpers."""

    def __init__(self, rows: list[dict[str, Any]], *, objectives: Mapping[str, str],
                 spec: LoadedSweep | None = None, stats: SweepStats | None = None,
                 store_path: str | None = None):
        super().__init__(rows)
        self.objectives = dict(objectives)
        self.spec = spec
        self.stats = stats
        self.store_path = store_path

    @property
    def df(self) -> Any:
        """A pandas DataFrame: one row per point, columns network, status, error,
        feasible, every parameter (dotted key) and every total."""
        import pandas as pd

        return pd.DataFrame([flat_row(r) for r in self])

    def ok(self) -> list[dict[str, Any]]:
        return [r for r in self if r["status"] == "ok"]

    def pareto(self, objectives: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        return pareto_front(self, objectives or self.objectives)

    def pareto_table(self, objectives: Mapping[str, str] | None = None, **kw: Any) -> str:
        if "params" not in kw and self.spec is not None:  # axes in spec order, if they vary
            varying = [k for k in self.spec.spec.axes
                       if len({repr(r["params"].get(k)) for r in self}) > 1]
            kw["params"] = varying or list(self.spec.spec.axes)
        return pareto_table(self, objectives or self.objectives, **kw)


def flat_row(r: Mapping[str, Any]) -> dict[str, Any]:
    """One store row as a flat record (params and totals become columns)."""
    out = {"point_id": r["point_id"], "network": r["network"], "status": r["status"],
           "feasible": r.get("feasible"), "error": r.get("error")}
    out.update(r.get("params") or {})
    out.update(r.get("totals") or {})
    return out


def _load_networks(loaded: LoadedSweep) -> dict[str, Any]:
    """Load each network of the spec once (zoo names; files relative to the spec)."""
    from ppa_sim.errors import PpaSimError
    from ppa_sim.network import zoo

    nets = {}
    for ref in loaded.spec.networks:
        try:
            if zoo.canonical_name(ref) is not None:
                nets[ref] = zoo.get(ref)
                continue
            from ppa_sim.network.load import load_network

            cand = loaded.base_dir / ref
            nets[ref] = load_network(str(cand) if cand.is_file() else ref)
        except PpaSimError as e:
            raise ConfigError([Problem(loaded.file, "networks", f"{ref}: {e}")]) from None
    return nets


def _accuracy_fn(loaded: LoadedSweep) -> Any:
    """The spec's accuracy evaluation (model loaded once here, so a bad model file
    fails the sweep up front instead of every point)."""
    acc = loaded.spec.accuracy
    if acc is None:
        return None
    from ppa_sim.accuracy.data import load_model
    from ppa_sim.dse.search import make_accuracy_fn
    from ppa_sim.errors import PpaSimError

    path = loaded.base_dir / acc.model
    try:
        load_model(str(path))
    except PpaSimError as e:
        raise ConfigError([Problem(loaded.file, "accuracy.model", str(e))]) from None
    return make_accuracy_fn(model=str(path), data=acc.dataset, runs=acc.runs, seed=acc.seed,
                            samples=acc.samples)


def run_sweep(spec: str | Path | Mapping[str, Any] | LoadedSweep, out: str | Path | None = None,
              *, workers: int = 1, scheduler: str | None = None, dask: bool = False,
              client: Any = None, evaluate: EvaluateFn | None = None, progress: bool = True,
              force: bool = False, retry_errors: bool = False,
              networks: Mapping[str, Any] | None = None,
              chunksize: int | None = None) -> SweepResults:
    """Evaluate every point of a sweep spec and return the rows (a :class:`SweepResults`).

    ``out``: SQLite store (created if missing; a rerun skips finished points);
    None keeps results in memory. ``workers > 1``: local process pool;
    ``scheduler``: address of a Dask scheduler; ``dask``: start a LocalCluster;
    ``client``: an existing ``distributed.Client``. ``evaluate(design, network)``
    replaces the estimator (default :func:`~ppa_sim.dse.executors.estimate_point`).
    ``force``: add to a store that holds results of a different spec.
    ``retry_errors``: re-evaluate points whose evaluation crashed (status ``error``).
    ``networks``: preloaded networks by the names the spec uses.
    ``chunksize``: points per worker call (default: automatic; 1 in-process).
    """
    loaded = load_sweep_spec(spec, networks_exist=networks is None)
    points = loaded.points()
    store = ResultStore(out if out is not None else ":memory:")
    try:
        changed = store.bind_spec(loaded.to_dict(), loaded.spec_hash, allow_different=force,
                                  base=loaded.base_info())
        if changed:
            print(f"warning: {out} held results of a different spec; adding to it (--force)",
                  file=sys.stderr)
        done = store.done_ids(retry_errors=retry_errors)
        todo = [p for p in points if p.point_id not in done]
        nets = dict(networks or {})
        missing = [n for n in loaded.spec.networks if n not in nets and
                   any(p.network == n for p in todo)]
        if missing:
            sub = LoadedSweep(spec=loaded.spec.model_copy(update={"networks": missing}),
                              base_dir=loaded.base_dir, base_raw=loaded.base_raw,
                              base_path=loaded.base_path, file=loaded.file)
            nets.update(_load_networks(sub))
        constraints = tuple(loaded.spec.metric_constraints())
        acc_fn = _accuracy_fn(loaded) if todo else None
        base_dir = str(loaded.base_path.parent)
        techs: dict[str, Any] = {}  # technology key -> resolved Technology (this run only)

        def tech_for(params: Mapping[str, Any]) -> Any:
            key = technology_key(loaded.base_raw, params)
            if key not in techs:
                techs[key] = resolve_technology(loaded.base_raw, params, base_dir)
            return techs[key]

        tasks = (Task(point_id=p.point_id, network_ref=p.network, network=nets[p.network],
                      params=dict(p.params), base_raw=loaded.base_raw, base_dir=base_dir,
                      constraints=constraints, accuracy=acc_fn, tech=tech_for(p.params))
                 for p in todo)
        t0 = time.perf_counter()
        evaluated = 0
        executor_name, n_workers = "in-process", 1
        if todo:
            from tqdm import tqdm

            with make_executor(workers=workers, scheduler=scheduler, dask=dask,
                               client=client) as ex:
                executor_name, n_workers = ex.name, ex.workers
                bar = tqdm(total=len(todo), unit="pt", desc=loaded.spec.name, disable=not progress,
                           file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
                counts = {"ok": 0, "invalid": 0, "error": 0}
                size = chunksize or auto_chunksize(len(todo), ex.workers)
                try:
                    for res in ex.run(tasks, evaluate, chunksize=size):
                        store.add(res)
                        evaluated += 1
                        counts[res.status] += 1
                        bar.set_postfix(counts, refresh=False)
                        bar.update(1)
                except KeyboardInterrupt:
                    bar.close()
                    if out is not None:
                        print(f"interrupted: {len(points) - len(todo) + evaluated} of "
                              f"{len(points)} points are in {out}; run the same sweep again "
                              "to continue", file=sys.stderr)
                    raise
                finally:
                    bar.close()
        stats = SweepStats(points=len(points), skipped=len(points) - len(todo),
                           evaluated=evaluated, wall_s=time.perf_counter() - t0,
                           executor=executor_name, workers=n_workers)
        wanted = {p.point_id for p in points}
        rows = [r for r in store.rows() if r["point_id"] in wanted]
    finally:
        store.close()
    return SweepResults(rows, objectives=loaded.spec.objectives.as_dict(), spec=loaded,
                        stats=stats, store_path=None if out is None else str(out))
