"""Where design points are evaluated: in-process, a local process pool, or Dask.

Every executor takes the same picklable :class:`Task` objects and yields
:class:`~ppa_sim.dse.store.PointResult` objects as points finish; only the
caller (the sweep, in the parent process) writes them to the store.

The evaluation itself is a plain callable ``evaluate(design, network)``
returning an :class:`~ppa_sim.results.Estimate` (or any object with
``to_json()``, or a mapping with ``totals`` and ``breakdown``). It defaults
to :func:`estimate_point` (the real estimator); tests and users may pass
another one (it must be picklable, i.e. a module-level function, to run in a
process pool; Dask also takes closures).
"""

from __future__ import annotations

import json
import os
import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppa_sim.dse.spec import Constraint
from ppa_sim.dse.store import PointResult
from ppa_sim.errors import ConfigError, PpaSimError, Problem

EvaluateFn = Callable[[Any, Any], Any]
"""``evaluate(design: Design, network: Network) -> Estimate`` (or a totals/breakdown mapping)."""


def estimate_point(design: Any, network: Any) -> Any:
    """The default evaluation: the architectural estimator on one design and network."""
    from ppa_sim.rollup import estimate_design

    return estimate_design(design, network)


# ----------------------------------------------------------------------------- designs


def apply_overrides(base_raw: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Raw architecture data with the point's dotted overrides applied (as load_design does)."""
    from ppa_sim.spec.load import _route_override, normalize_overrides

    raw = dict(base_raw)
    for k, v in normalize_overrides(dict(params)).items():
        raw = _route_override(raw, k, v)
    return raw


def technology_key(base_raw: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """Identity of a point's technology (node, device and their overrides)."""
    tech = apply_overrides(base_raw, {k: v for k, v in params.items()
                                      if k.split(".")[0] == "technology"}).get("technology")
    return json.dumps(tech, sort_keys=True, default=str)


def resolve_technology(base_raw: Mapping[str, Any], params: Mapping[str, Any],
                       base_dir: str | Path | None) -> Any:
    """The :class:`~ppa_sim.spec.Technology` of a point (the base design with only its
    ``technology.*`` overrides, through :func:`~ppa_sim.spec.load.design_from_dict`),
    or None when that design does not validate (the point then takes the full path)."""
    from ppa_sim.spec.load import design_from_dict

    tparams = {k: v for k, v in params.items() if k.split(".")[0] == "technology"}
    try:
        return design_from_dict(dict(base_raw), overrides=tparams,
                                base_dir=Path(base_dir) if base_dir else None).tech
    except PpaSimError:
        return None


def build_design(base_raw: Mapping[str, Any], params: Mapping[str, Any],
                 base_dir: str | Path | None, tech: Any = None) -> Any:
    """The point's :class:`~ppa_sim.spec.Design`.

    Without ``tech``: :func:`~ppa_sim.spec.load.design_from_dict` (reads the node and
    device files). With the point's already resolved Technology: the same steps
    after the technology is loaded -- validate the architecture, cross-check it
    with the device -- which skips re-reading and re-parsing the technology YAML
    for every point (most of the cost of building a design).
    """
    from ppa_sim.spec import Design
    from ppa_sim.spec.architecture import Architecture
    from ppa_sim.spec.load import _validate, cross_check, design_from_dict

    if tech is None:
        return design_from_dict(dict(base_raw), overrides=dict(params),
                                base_dir=Path(base_dir) if base_dir else None)
    arch = _validate(Architecture, apply_overrides(base_raw, params), None, None)
    problems = cross_check(arch, tech.device, None, None)
    if problems:
        raise ConfigError(problems)
    return Design(arch=arch, tech=tech)


@dataclass(frozen=True)
class Task:
    """Everything a worker needs to evaluate one point (picklable, self-contained)."""

    point_id: str
    network_ref: str
    network: Any
    """The loaded :class:`~ppa_sim.network.Network` (loaded once by the parent)."""
    params: Mapping[str, Any]
    base_raw: Mapping[str, Any]
    base_dir: str
    constraints: tuple[Constraint, ...] = ()
    """Metric constraints deciding ``feasible``."""
    accuracy: Any = None
    """Callable ``accuracy(design) -> float`` adding an ``accuracy`` total, or None."""
    tech: Any = None
    """The point's resolved Technology (see :func:`build_design`), or None."""
    extra: Mapping[str, Any] = field(default_factory=dict)


def _totals_breakdown(result: Any) -> tuple[dict[str, float], dict[str, Any]]:
    if hasattr(result, "to_json"):
        j = result.to_json()
        return dict(j.get("totals", {})), dict(j.get("breakdown", {}))
    if isinstance(result, Mapping) and "totals" in result:
        return dict(result["totals"]), dict(result.get("breakdown") or {})
    raise TypeError("evaluate() must return an Estimate (with to_json()) or a mapping with "
                    f"'totals' and 'breakdown'; got {type(result).__name__}")


def _error_text(e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)
    where = f" (at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
    return f"{type(e).__name__}: {e}{where}"


def _invalid_text(e: PpaSimError) -> str:
    """Why a design was rejected: the problems, each with its key path. A problem in the
    point's overrides or in the design they make (no file: the ``<input>`` placeholder,
    or ``--set`` on the design_from_dict path) is shown without that label, so both
    design paths give the same text; a problem found in a real file keeps its name."""
    if isinstance(e, ConfigError) and e.problems:
        return "\n".join(p.format().removeprefix(f"{p.file or '<input>'}: ")
                         if p.file in (None, "--set") else p.format() for p in e.problems)
    return str(e)


def run_task(task: Task, evaluate: EvaluateFn | None = None) -> PointResult:
    """Evaluate one point; never raises for a bad design (it becomes a row).

    * the design fails validation, or the network cannot be mapped
      (a :class:`~ppa_sim.errors.PpaSimError`) -> status ``invalid`` with the reason;
    * anything else the evaluator raises -> status ``error`` with the exception.
    """
    fn = evaluate or estimate_point
    t0 = time.perf_counter()
    common = {"point_id": task.point_id, "network": task.network_ref, "params": task.params}
    try:
        design = build_design(task.base_raw, task.params, task.base_dir, task.tech)
        result = fn(design, task.network)
        totals, breakdown = _totals_breakdown(result)
        if task.accuracy is not None:
            totals["accuracy"] = float(task.accuracy(design))
    except PpaSimError as e:
        return PointResult(**common, status="invalid", error=_invalid_text(e),
                           eval_s=time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - recorded per point, the sweep goes on
        return PointResult(**common, status="error", error=_error_text(e),
                           eval_s=time.perf_counter() - t0)
    values = {**task.params, **totals}
    feasible = True
    for c in task.constraints:
        if any(n not in values for n in c.names()) or not c.holds(values):
            feasible = False
            break
    return PointResult(**common, status="ok", totals=totals, breakdown=breakdown,
                       feasible=feasible, eval_s=time.perf_counter() - t0)


def run_chunk(tasks: list[Task], evaluate: EvaluateFn | None = None) -> list[PointResult]:
    """Evaluate a few points in one worker call (one round trip; a network or
    technology shared by the chunk's tasks is pickled once)."""
    return [run_task(t, evaluate) for t in tasks]


def chunked(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for t in tasks:
        chunk.append(t)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def auto_chunksize(points: int, workers: int) -> int:
    """Points per worker call: enough to amortize the round trip (an estimate takes a
    few ms), few enough that every worker gets several calls and a killed sweep
    loses little (at most 2 x workers x chunksize points are in flight)."""
    if workers <= 1:
        return 1
    return max(1, min(16, points // (workers * 4)))


# ----------------------------------------------------------------------------- executors


class Executor(ABC):
    """Evaluates tasks and yields results as they finish (any order)."""

    name = "executor"
    workers = 1

    @abstractmethod
    def run(self, tasks: Iterable[Task], evaluate: EvaluateFn | None,
            chunksize: int = 1) -> Iterator[PointResult]:
        """Results as points finish; ``chunksize`` points go to a worker per call."""

    def close(self) -> None:  # noqa: B027 - optional hook: in-process has nothing to release
        """Release workers (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessExecutor(Executor):
    """One point after another in this process (the default; easiest to debug)."""

    name = "in-process"

    def run(self, tasks: Iterable[Task], evaluate: EvaluateFn | None,
            chunksize: int = 1) -> Iterator[PointResult]:
        for t in tasks:  # one at a time: each result is stored before the next starts
            yield run_task(t, evaluate)


class ProcessPoolExecutorDse(Executor):
    """A local pool of ``workers`` processes (``--workers N``).

    At most ``2 * workers`` points are in flight, so a killed sweep loses few.
    Worker processes use one torch/BLAS thread each (set before they start).
    """

    name = "process-pool"

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing as mp

            for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
                os.environ.setdefault(var, "1")
            # forkserver: workers start from a clean process (no inherited threads or
            # locks); it imports the estimator once and forks each worker from that
            # state, so a worker is ready at once instead of importing everything itself
            if "forkserver" in mp.get_all_start_methods():
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(["ppa_sim.dse.executors", "ppa_sim.rollup"])
            else:
                ctx = mp.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                             initializer=_exit_with_parent)
        return self._pool

    def run(self, tasks: Iterable[Task], evaluate: EvaluateFn | None,
            chunksize: int = 1) -> Iterator[PointResult]:
        pool = self._get_pool()
        yield from _bounded(lambda c: pool.submit(run_chunk, c, evaluate),
                            chunked(tasks, chunksize), 2 * self.workers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _exit_with_parent() -> None:
    """Pool worker initializer: end this worker when the sweep process dies.

    A killed sweep (SIGKILL included) cannot shut its pool down, and an idle
    worker would wait for work forever; a daemon thread waits on the parent's
    sentinel (closed by the OS when the parent dies) and exits the worker.
    """
    import multiprocessing as mp
    import threading
    from multiprocessing.connection import wait as mp_wait

    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        mp_wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="ppa-sim-parent-watch", daemon=True).start()


def _bounded(submit: Callable[[list[Task]], Future], chunks: Iterable[list[Task]],
             limit: int) -> Iterator[PointResult]:
    """Keep at most ``limit`` chunks in flight; yield results as chunks finish."""
    it = iter(chunks)
    pending: set[Future] = set()
    try:
        for c in it:
            pending.add(submit(c))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    yield from f.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield from f.result()
    finally:
        for f in pending:
            f.cancel()


class DaskExecutor(Executor):
    """A Dask distributed cluster: ``address`` of a running scheduler, or a new
    :class:`distributed.LocalCluster` (``local=True``; ``workers`` processes, or
    threads in this process with ``processes=False``)."""

    name = "dask"

    def __init__(self, address: str | None = None, *, local: bool = False, workers: int = 2,
                 processes: bool = True, client: Any = None):
        from distributed import Client, LocalCluster

        self._cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif address:
            try:
                self.client = Client(address)
            except (OSError, TimeoutError, ValueError) as e:  # unreachable / malformed address
                raise ConfigError([Problem(
                    "--scheduler", "address", f"cannot connect to a Dask scheduler there ({e})",
                    value=address, allowed="the address a running dask-scheduler prints, "
                    "e.g. tcp://10.0.0.5:8786")]) from None
        elif local:
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                         processes=processes, dashboard_address=None)
            self.client = Client(self._cluster)
        else:
            raise ValueError("DaskExecutor needs a scheduler address, local=True or a client")
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.address = self.client.scheduler.address

    def run(self, tasks: Iterable[Task], evaluate: EvaluateFn | None,
            chunksize: int = 1) -> Iterator[PointResult]:
        from distributed import as_completed

        it = chunked(tasks, chunksize)
        limit = 2 * self.workers
        first = [self.client.submit(run_chunk, c, evaluate, pure=False)
                 for _, c in zip(range(limit), it, strict=False)]
        ac = as_completed(first)
        try:
            for fut in ac:
                res = fut.result()
                fut.release()
                nxt = next(it, None)
                if nxt is not None:
                    ac.add(self.client.submit(run_chunk, nxt, evaluate, pure=False))
                yield from res
        finally:
            for fut in list(getattr(ac, "futures", ())):
                fut.cancel()

    def close(self) -> None:
        if self._own_client and self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_executor(*, workers: int = 1, scheduler: str | None = None, dask: bool = False,
                  client: Any = None) -> Executor:
    """The executor for the CLI/API options (``--workers``, ``--scheduler``, ``--dask``)."""
    if client is not None:
        return DaskExecutor(client=client)
    if scheduler:
        return DaskExecutor(scheduler)
    if dask:
        return DaskExecutor(local=True, workers=max(1, workers))
    if workers > 1:
        return ProcessPoolExecutorDse(workers)
    return InProcessExecutor()
