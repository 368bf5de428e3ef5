"""Multi-objective architecture search with Optuna (NSGA-II), accuracy included on request.

>>> from ppa_sim.dse.search import search
>>> res = search(arch="default", network="vgg8",
...              space={"subarray.rows": [64, 128, 256], "subarray.adc.bits": {"range": [3, 8]}},
...              objectives={"energy_uj": "min", "area_mm2": "min"},
...              constraints=["latency_us <= 500"], n_trials=40,
...              storage="sqlite:///out/search.db", study_name="vgg8_rram", seed=0)
>>> print(res.pareto_table())

Every trial is one design point: Optuna suggests a value per search-space
key (lists are categorical choices; ``{range: [lo, hi], step: s}`` integer or
float ranges; ``{logspace: [lo, hi]}`` a log-uniform float, ``{linspace: [lo, hi]}`` a
uniform one (with ``num:`` the n grid values instead); ``{pow2: [lo, hi]}``
powers of two), the design is built with these dotted overrides and
estimated. Designs the configuration validation rejects, or that violate a
constraint on the parameters, are pruned (kept in the study with the reason
in ``user_attrs['ppa_sim']``); metric constraints go to NSGA-II's constrained domination
(Deb et al. 2002, as implemented by ``optuna.samplers.NSGAIISampler(constraints_func)``).

With ``storage='sqlite:///file.db'`` and a ``study_name`` the study lives in
an SQLite database: several processes (or machines sharing the file) can run
``search`` on the same study at once, and a rerun continues it.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppa_sim.dse.executors import (
    EvaluateFn,
    _totals_breakdown,
    build_design,
    estimate_point,
    resolve_technology,
    technology_key,
)
from ppa_sim.dse.pareto import normalize_objectives, pareto_front, pareto_table
from ppa_sim.dse.spec import (
    METRICS,
    Constraint,
    LinspaceAxis,
    LogspaceAxis,
    Pow2Axis,
    RangeAxis,
    ValuesAxis,
    parse_axis,
    point_id,
)
from ppa_sim.errors import ConfigError, PpaSimError, Problem

#: The trial user attribute holding a trial's row (status, error, totals, breakdown...).
_ATTR = "ppa_sim"

# ----------------------------------------------------------------------------- accuracy


@dataclass
class AccuracyFn:
    """``accuracy(design) -> mean hardware accuracy`` (picklable: ships to workers).

    Runs :func:`ppa_sim.accuracy.evaluate.simulate_accuracy` on the design: the
    same crossbars, ADCs and device non-idealities the estimate costs.
    """

    model: Any
    """A trained nn.Module, or a model file for :func:`ppa_sim.accuracy.data.load_model`
    (a .py with model()/build_model()/MODEL and optional WEIGHTS, or a .pt state_dict)."""
    data: Any
    """A built-in data set name (digits, mnist: its test split) or what simulate_accuracy takes."""
    runs: int = 3
    seed: int = 0
    samples: int | None = None
    """Use only the first ``samples`` test images of a built-in data set (faster searches)."""

    def __call__(self, design: Any) -> float:
        from ppa_sim.accuracy.data import dataset_split, load_model
        from ppa_sim.accuracy.evaluate import simulate_accuracy

        model = load_model(self.model) if isinstance(self.model, (str, Path)) else self.model
        data = self.data
        if self.samples is not None and isinstance(data, str):
            ds = dataset_split(data, "test")
            x, y = ds.tensors
            data = (x[: self.samples], y[: self.samples])
        res = simulate_accuracy(model, data, design, runs=self.runs, seed=self.seed,
                                progress=False)
        return float(res.mean)


def make_accuracy_fn(*, model: Any, data: Any, runs: int = 3, seed: int = 0,
                     samples: int | None = None) -> AccuracyFn:
    return AccuracyFn(model=model, data=data, runs=runs, seed=seed, samples=samples)


# ----------------------------------------------------------------------------- space


def _suggest(trial: Any, key: str, axis: Any) -> Any:
    if isinstance(axis, list):
        return trial.suggest_categorical(key, axis)
    if isinstance(axis, RangeAxis):
        lo, hi = axis.range
        if all(float(x).is_integer() for x in (lo, hi, axis.step)):
            return trial.suggest_int(key, int(lo), int(hi), step=int(axis.step))
        return trial.suggest_float(key, lo, hi, step=axis.step)
    if isinstance(axis, LogspaceAxis):
        if axis.num is not None:
            return trial.suggest_categorical(key, axis.values())
        return trial.suggest_float(key, *axis.logspace, log=True)
    if isinstance(axis, LinspaceAxis):
        if axis.num is not None:
            return trial.suggest_categorical(key, axis.values())
        return trial.suggest_float(key, *axis.linspace)
    if isinstance(axis, (Pow2Axis, ValuesAxis)):
        return trial.suggest_categorical(key, axis.values())
    raise TypeError(f"unsupported search-space entry for {key!r}: {axis!r}")


def _constraint_violation(c: Constraint, values: Mapping[str, Any]) -> float:
    """<= 0 when met (Optuna's convention), else how far off."""
    left = float(values[c.lhs])
    right = float(values[c.rhs]) if isinstance(c.rhs, str) else float(c.rhs)
    if c.op in ("<=", "<"):
        return left - right if not (c.op == "<" and left == right) else 1e-12
    if c.op in (">=", ">"):
        return right - left if not (c.op == ">" and left == right) else 1e-12
    if c.op == "==":
        return abs(left - right)
    return 0.0 if left != right else 1.0


# ----------------------------------------------------------------------------- result


class SearchResult(list):
    """Trials as store-like rows (point_id, network, params, status, error, feasible,
    totals, breakdown, trial), plus the Optuna study."""

    def __init__(self, rows: list[dict[str, Any]], *, study: Any, objectives: Mapping[str, str],
                 wall_s: float, evaluated: int):
        super().__init__(rows)
        self.study = study
        self.objectives = dict(objectives)
        self.wall_s = wall_s
        self.evaluated = evaluated

    @property
    def df(self) -> Any:
        import pandas as pd

        from ppa_sim.dse.sweep import flat_row

        return pd.DataFrame([{**flat_row(r), "trial": r["trial"]} for r in self])

    def pareto(self, objectives: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        return pareto_front(self, objectives or self.objectives)

    def pareto_table(self, objectives: Mapping[str, str] | None = None, **kw: Any) -> str:
        return pareto_table(self, objectives or self.objectives, **kw)


def _trial_rows(study: Any, network: str) -> list[dict[str, Any]]:
    import optuna

    rows = []
    for t in study.get_trials(deepcopy=False):
        if t.state not in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED,
                           optuna.trial.TrialState.FAIL):
            continue
        ua = t.user_attrs.get(_ATTR) or {}
        status = ua.get("status") or ("ok" if t.state == optuna.trial.TrialState.COMPLETE
                                      else "error")
        rows.append({"point_id": ua.get("point_id") or point_id(network, t.params),
                     "network": ua.get("network", network), "params": dict(t.params),
                     "status": status, "error": ua.get("error"), "feasible": ua.get("feasible"),
                     "totals": dict(ua.get("totals") or {}),
                     "breakdown": dict(ua.get("breakdown") or {}), "trial": t.number})
    return rows


# ----------------------------------------------------------------------------- search


def search(*, arch: Any, network: Any, space: Mapping[str, Any],
           objectives: Mapping[str, str] | Sequence[str] | None = None,
           constraints: Sequence[str] = (), n_trials: int = 50, storage: str | None = None,
           study_name: str | None = None, seed: int | None = 0, model: Any = None,
           data: Any = None, accuracy_runs: int = 3, accuracy_samples: int | None = None,
           population_size: int | None = None, evaluate: EvaluateFn | None = None,
           timeout_s: float | None = None, progress: bool = False) -> SearchResult:
    """Search ``space`` (dotted key -> choices/range) of ``arch`` for the Pareto set of
    ``objectives`` on ``network`` with Optuna's NSGA-II; returns every trial as a row.

    ``objectives``: ``{metric: 'min'|'max'}`` or a list (all minimized); default
    energy, latency, area. ``model`` + ``data``: also maximize the simulated hardware
    accuracy (``accuracy_runs`` chip instances per design). ``storage``: an Optuna
    storage URL (``sqlite:///search.db``) shared by concurrent workers; ``seed``:
    sampler seed (reproducible in one process). ``evaluate(design, network)`` replaces
    the estimator.
    """
    import optuna

    from ppa_sim.api import load_design
    from ppa_sim.spec.load import load_architecture_raw

    objs = normalize_objectives(objectives or ["energy_uj", "latency_us", "area_mm2"])
    if model is not None and data is not None:
        objs.setdefault("accuracy", "max")
    elif "accuracy" in objs:
        raise ConfigError([Problem("search", "objectives", "accuracy is an objective but no "
                                   "model and data were given", allowed="model=..., data=...")])
    problems = [Problem("search", f"objectives.{m}", "unknown metric",
                        allowed=", ".join(METRICS)) for m in objs if m not in METRICS]
    parsed_space: dict[str, Any] = {}
    for key, val in space.items():
        try:
            parsed_space[key] = parse_axis(key, val)
        except ValueError as e:
            problems.append(Problem("search", f"space.{key}", str(e)))
    cons: list[Constraint] = []
    for text in constraints:
        try:
            cons.append(Constraint.parse(text))
        except ValueError as e:
            problems.append(Problem("search", "constraints", str(e)))
    if not parsed_space:
        problems.append(Problem("search", "space", "the search space is empty",
                                allowed="{dotted key: [choices] or {range: [lo, hi]}}"))
    if problems:
        raise ConfigError(problems)
    param_cons = [c for c in cons if all(n in parsed_space for n in c.names())]
    metric_cons = [c for c in cons if c not in param_cons]
    for c in metric_cons:
        for n in c.names():
            if n not in METRICS and n not in parsed_space:
                raise ConfigError([Problem("search", "constraints", f"{c.text!r}: {n!r} is "
                                           "neither a metric nor a search-space key")])

    # the base design: raw data of a file/name, or a Design object's dump
    from ppa_sim.spec import Design

    if isinstance(arch, Design):
        base_raw, base_dir = arch.arch.model_dump(by_alias=True), None
    else:
        from ppa_sim.spec.load import resolve_architecture_path

        base_path = resolve_architecture_path(arch)
        base_raw, base_dir = load_architecture_raw(base_path), base_path.parent
        load_design(base_path)  # fail early when the base itself is invalid
    net = network if hasattr(network, "layers") else _load_net(network)
    net_name = getattr(net, "name", str(network))
    acc_fn = (make_accuracy_fn(model=model, data=data, runs=accuracy_runs, seed=seed or 0,
                               samples=accuracy_samples) if "accuracy" in objs else None)
    fn = evaluate or estimate_point
    names = list(objs)
    directions = ["minimize" if objs[n] == "min" else "maximize" for n in names]

    def constraints_func(t: Any) -> Sequence[float]:
        return (t.user_attrs.get(_ATTR) or {}).get("constraints", [0.0] * len(metric_cons))

    # Optuna >= 5 reads constraints set on the trial (Trial.set_constraint); older
    # versions take a constraints_func reading them back from user_attrs
    native_constraints = hasattr(optuna.trial.Trial, "set_constraint")
    sampler = optuna.samplers.NSGAIISampler(
        seed=seed,
        constraints_func=constraints_func if metric_cons and not native_constraints else None,
        **({"population_size": population_size} if population_size else {}))
    old_verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # no log line per trial
    try:
        study = _open_study(optuna, storage, directions=directions, sampler=sampler,
                            study_name=study_name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            study.set_metric_names(names)
    finally:
        optuna.logging.set_verbosity(old_verbosity)
    evaluated = 0
    techs: dict[str, Any] = {}

    def objective(trial: Any) -> tuple[float, ...]:
        # one user attribute per trial: every attribute is a transaction in RDB storage
        nonlocal evaluated
        params = {k: _suggest(trial, k, ax) for k, ax in parsed_space.items()}
        row: dict[str, Any] = {"point_id": point_id(net_name, params), "network": net_name}
        for c in param_cons:
            if not c.holds(params):
                row.update(status="invalid", error=f"violates parameter constraint {c.text!r}")
                trial.set_user_attr(_ATTR, row)
                raise optuna.TrialPruned(c.text)
        try:
            tkey = technology_key(base_raw, params)
            if tkey not in techs:  # node/device files are read once per technology
                techs[tkey] = resolve_technology(base_raw, params, base_dir)
            design = build_design(base_raw, params, base_dir, techs[tkey])
            totals, breakdown = _totals_breakdown(fn(design, net))
            if acc_fn is not None:
                totals["accuracy"] = acc_fn(design)
        except PpaSimError as e:
            row.update(status="invalid", error=str(e))
            trial.set_user_attr(_ATTR, row)
            raise optuna.TrialPruned(str(e).splitlines()[0] if str(e) else "invalid") from None
        evaluated += 1
        values = {**params, **totals}
        viol = [_constraint_violation(c, values) for c in metric_cons]
        if native_constraints:
            for c, v in zip(metric_cons, viol, strict=True):
                trial.set_constraint(c.text, v)
        row.update(status="ok", constraints=viol, feasible=all(v <= 0 for v in viol),
                   totals={k: v for k, v in totals.items()
                           if isinstance(v, (int, float)) and math.isfinite(v)},
                   breakdown=breakdown)
        trial.set_user_attr(_ATTR, row)
        return tuple(float(totals[n]) for n in names)

    t0 = time.perf_counter()
    old_verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # no log line per trial
    try:
        study.optimize(objective, n_trials=n_trials, timeout=timeout_s, catch=(),
                       show_progress_bar=progress)
    finally:
        optuna.logging.set_verbosity(old_verbosity)
    return SearchResult(_trial_rows(study, net_name), study=study, objectives=objs,
                        wall_s=time.perf_counter() - t0, evaluated=evaluated)


def _open_study(optuna: Any, storage: Any, **kw: Any) -> Any:
    """Create or load the study. Several workers starting at once on a new SQLite file
    race to create Optuna's tables (a UNIQUE/'already exists' error in the loser):
    that is retried, by when the winner has created them."""
    if not (isinstance(storage, str) and storage.startswith("sqlite:")):
        return optuna.create_study(storage=storage, load_if_exists=True, **kw)
    import sqlalchemy.exc

    _sqlite_wal(storage)
    for attempt in range(8):
        try:
            # concurrent workers on one SQLite file: wait for the write lock, don't fail
            stor = optuna.storages.RDBStorage(
                storage, engine_kwargs={"connect_args": {"timeout": 60}})
            return optuna.create_study(storage=stor, load_if_exists=True, **kw)
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.OperationalError):
            if attempt == 7:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _sqlite_wal(url: str) -> None:
    """Put an Optuna SQLite file in WAL journal mode (persistent in the file): one sync
    per commit instead of several, and readers never block the writer -- the
    storage commits several times per trial, so this is most of its speed."""
    import sqlite3

    path = url.split("sqlite:///", 1)[1] if url.startswith("sqlite:///") else ""
    if not path or path.startswith(":memory:"):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=60)
    try:
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def _load_net(ref: Any) -> Any:
    from ppa_sim.network.load import load_network

    if isinstance(ref, (str, Path)) and Path(str(ref)).suffix == ".py":
        return load_network(str(ref))
    return load_network(ref)
