"""Pareto fronts over any objectives of sweep rows, and their tables.

A row belongs to the front when no other row is at least as good in every
objective and strictly better in one (the usual non-domination). Only rows
that were evaluated (status ``ok``), meet the constraints (``feasible`` not
False) and have a finite value for every objective take part. Fronts are
taken per network by default: designs running different networks do not
compete.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np


def normalize_objectives(objectives: Mapping[str, str] | Sequence[str] | str) -> dict[str, str]:
    """``{'energy_uj': 'min', 'accuracy': 'max'}`` from a mapping, a list (all 'min'),
    or ``{'minimize': [...], 'maximize': [...]}``."""
    if isinstance(objectives, str):
        objectives = [objectives]
    if isinstance(objectives, Mapping):
        if set(objectives) <= {"minimize", "maximize"} and objectives:
            out: dict[str, str] = {}
            for key, sense in (("minimize", "min"), ("maximize", "max")):
                names = objectives.get(key) or []
                for n in ([names] if isinstance(names, str) else names):
                    out[n] = sense
            return out
        out = {}
        for name, sense in objectives.items():
            s = str(sense).lower()
            if s in ("min", "minimize"):
                out[name] = "min"
            elif s in ("max", "maximize"):
                out[name] = "max"
            else:
                raise ValueError(f"objective {name!r}: sense must be 'min' or 'max', got {sense!r}")
        return out
    return dict.fromkeys(objectives, "min")


def metric(row: Mapping[str, Any], name: str) -> Any:
    """Value of ``name`` in a row: its totals, then its params, then the row itself."""
    totals = row.get("totals") or {}
    if name in totals:
        return totals[name]
    params = row.get("params") or {}
    if name in params:
        return params[name]
    return row.get(name)


def _eligible(row: Mapping[str, Any], names: Iterable[str]) -> bool:
    if row.get("status", "ok") != "ok" or row.get("feasible") is False:
        return False
    for n in names:
        v = metric(row, n)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            return False
    return True


def nondominated(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``values`` (n x m, all minimized)."""
    n = values.shape[0]
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        if not keep[i]:
            continue
        v = values[i]
        # rows that v dominates: >= in every objective and > in one
        dominated = np.all(values >= v, axis=1) & np.any(values > v, axis=1)
        keep &= ~dominated
    # One pass is exact: every dominated row is dominated by some non-dominated row
    # (finite set, transitive relation); that row is never removed, so when the loop
    # reaches it, it removes the dominated one. Skipping removed rows loses nothing.
    return keep


def pareto_front(rows: Iterable[Mapping[str, Any]],
                 objectives: Mapping[str, str] | Sequence[str] | str,
                 *, per_network: bool = True) -> list[dict[str, Any]]:
    """Rows on the Pareto front of ``objectives`` ({metric: 'min'|'max'}), sorted by the
    first objective. Identical objective vectors are all kept. ``per_network``:
    one front per network (concatenated)."""
    objs = normalize_objectives(objectives)
    if not objs:
        raise ValueError("pareto_front needs at least one objective")
    names = list(objs)
    cand = [dict(r) for r in rows if _eligible(r, names)]
    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in cand:
        groups.setdefault(r.get("network") if per_network else None, []).append(r)
    sign = np.array([1.0 if objs[n] == "min" else -1.0 for n in names])
    out: list[dict[str, Any]] = []
    for _, grp in groups.items():
        vals = np.array([[float(metric(r, n)) for n in names] for r in grp]) * sign
        mask = nondominated(vals)
        front = [r for r, k in zip(grp, mask, strict=True) if k]
        first = names[0]
        front.sort(key=lambda r: float(metric(r, first)) * (1 if objs[first] == "min" else -1))
        out.extend(front)
    return out


def _fmt(v: Any) -> str:
    from ppa_sim.report.fmt import num

    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, float):
        return num(v)
    return str(v)


def pareto_table(rows: Iterable[Mapping[str, Any]],
                 objectives: Mapping[str, str] | Sequence[str] | str, *,
                 params: Sequence[str] | None = None, tablefmt: str = "simple",
                 per_network: bool = True, max_rows: int | None = None) -> str:
    """The Pareto front as a text table (tabulate): network, the parameters that vary,
    the objectives (↓/↑ for the sense). Objective headers, display scales and number
    formats are those of ``ppa-sim report`` (:mod:`ppa_sim.report.data`,
    :mod:`ppa_sim.report.fmt`), so both commands show a front the same way."""
    from tabulate import tabulate

    from ppa_sim.report import data
    from ppa_sim.report.fmt import num

    rows = list(rows)
    objs = normalize_objectives(objectives)
    front = pareto_front(rows, objs, per_network=per_network)
    if params is None:
        keys: list[str] = []
        for r in rows:
            for k in r.get("params") or {}:
                if k not in keys:
                    keys.append(k)
        params = [k for k in keys
                  if len({repr((r.get("params") or {}).get(k)) for r in rows}) > 1] or keys
    eligible = sum(1 for r in rows if _eligible(r, objs))
    if not front:
        return (f"Pareto front over {', '.join(objs)}: no evaluated feasible points "
                f"({len(rows)} row(s), {eligible} eligible)")
    shown = front if max_rows is None else front[:max_rows]
    headers = ["network", *params,
               *(f"{data.metric(n).header} {'↓' if sense == 'min' else '↑'}"
                 for n, sense in objs.items())]
    table = [[r.get("network", ""), *(_fmt((r.get("params") or {}).get(k)) for k in params),
              *(num(float(metric(r, n)) * data.metric(n).scale) for n in objs)] for r in shown]
    numeric = [all(isinstance((r.get("params") or {}).get(k), (int, float, type(None)))
                   for r in shown) for k in params]
    colalign = ["left", *("right" if n else "left" for n in numeric), *["right"] * len(objs)]
    title = (f"Pareto front over {', '.join(objs)}: {len(front)} of {eligible} evaluated "
             f"feasible point(s)" + (" per network" if per_network else ""))
    more = f"\n... {len(front) - len(shown)} more" if len(shown) < len(front) else ""
    return title + "\n" + tabulate(table, headers=headers, tablefmt=tablefmt,
                                   disable_numparse=True, colalign=colalign) + more
