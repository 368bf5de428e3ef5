"""Report data: the tables every report format shows, derived once from an Estimate.

The terminal tables (:mod:`ppa_sim.report.text`) and the HTML report
(:mod:`ppa_sim.report.html`) read the same rows from here, so they always
agree. Values stay in the report units (mm², µJ, µs) as floats; formatting
happens in the renderers.

Hierarchy levels
----------------
``hierarchy_rows`` attributes every leaf of the cost tree (``Estimate.tree``)
to the innermost hardware level that contains it: a leaf below a node named
``subarray`` (optionally with an index: ``subarray_3``, ``subarray[3]``) is
subarray-level, below ``pe`` PE-level, below ``tile`` tile-level; anything not
inside a tile (global buffer, chip interconnect, ...) is chip-level. Grouping
nodes that are not levels (per-layer nodes, for example) are transparent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ppa_sim import units
from ppa_sim.cost import Cost
from ppa_sim.errors import PpaSimError
from ppa_sim.results import CATEGORIES, Estimate


@dataclass(frozen=True)
class Metric:
    """A figure of merit as reports show it."""

    key: str
    """Key in :meth:`Estimate.totals` (and in a sweep row's ``totals``)."""
    label: str
    unit: str
    """Display unit; the value shown is ``totals[key] * scale``."""
    better: str
    """'min' or 'max': which direction is better (default Pareto direction)."""
    scale: float = 1.0
    description: str = ""
    short: str = ""
    """Compact column header for terminal tables (with the unit)."""

    @property
    def header(self) -> str:
        return self.short or (f"{self.label} ({self.unit})" if self.unit else self.label)


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("area_mm2", "Chip area", "mm²", "min", short="area (mm²)",
           description="silicon area of the chip"),
    Metric("energy_uj", "Energy / inference", "µJ", "min", short="energy (µJ)",
           description="dynamic + leakage energy of one inference"),
    Metric("latency_us", "Latency", "µs", "min", short="latency (µs)",
           description="input to output of one inference"),
    Metric("fps", "Throughput", "inferences/s", "max", short="inferences/s",
           description="inferences per second (1 / pipeline period)"),
    Metric("tops_per_w", "Energy efficiency", "TOPS/W", "max", short="TOPS/W",
           description="2 operations per MAC"),
    Metric("tops_per_mm2", "Area efficiency", "TOPS/mm²", "max", short="TOPS/mm²",
           description="throughput per chip area"),
    Metric("utilization", "Array utilization", "%", "max", scale=100.0, short="util. (%)",
           description="fraction of allocated cells that hold weights"),
    Metric("power_w", "Power", "W", "min", short="power (W)",
           description="average power at full throughput"),
    Metric("tops", "Compute throughput", "TOPS", "max"),
    Metric("cycle_us", "Pipeline period", "µs", "min", short="period (µs)",
           description="time between successive inferences"),
    Metric("macs", "MACs / inference", "", "max"),
    Metric("tiles", "Tiles", "", "min"),
    Metric("accuracy", "Accuracy", "%", "max", scale=100.0, short="accuracy (%)"),
)}

#: Summary figures of an estimate, in display order.
SUMMARY_KEYS = ("area_mm2", "energy_uj", "latency_us", "fps", "tops_per_w", "tops_per_mm2",
                "utilization", "power_w", "tops", "cycle_us", "macs", "tiles")

#: Totals shown as columns of sweep tables (after the objectives).
SWEEP_KEYS = ("area_mm2", "energy_uj", "latency_us", "fps", "tops_per_w", "tops_per_mm2",
              "utilization")

DEFAULT_OBJECTIVES = {"energy_uj": "min", "latency_us": "min", "area_mm2": "min"}

LEVELS = ("chip", "tile", "pe", "subarray")
LEVEL_LABELS = {"chip": "chip", "tile": "tile", "pe": "PE", "subarray": "subarray"}
_LEVEL_RE = re.compile(r"^(chip|tile|pe|subarray)s?[ _\-#:\[(]*\d*[\])]?$", re.IGNORECASE)


def metric(key: str) -> Metric:
    """The :class:`Metric` for ``key`` (a generic one for keys not in the catalogue)."""
    return METRICS.get(key) or Metric(key, key, "", "min")


# ------------------------------------------------------------------------- estimate
def summary(est: Estimate) -> list[dict[str, Any]]:
    """Summary figures: key, label, unit, raw value (as in the JSON totals), display value."""
    totals = est.totals()
    out = []
    for key in SUMMARY_KEYS:
        if key not in totals:
            continue
        m = METRICS[key]
        raw = totals[key]
        out.append({"key": key, "label": m.label, "unit": m.unit, "value": raw,
                    "display": raw * m.scale if m.scale != 1.0 else raw, "description": m.description})
    return out


def ordered(keys: Iterable[str]) -> list[str]:
    """Category names in display order: known categories first, then the rest sorted."""
    keys = list(dict.fromkeys(keys))
    return [c for c in CATEGORIES if c in keys] + sorted(k for k in keys if k not in CATEGORIES)


def component_rows(est: Estimate) -> list[dict[str, Any]]:
    """Breakdown by component category: area (mm²), energy (µJ), latency (µs) and shares.

    Shares are fractions of the breakdown's sum (the breakdowns add up to the
    totals; for latency by ``est.latency_rule``).
    """
    area = est.area_breakdown_um2
    energy = est.energy_breakdown_pj
    lat = est.latency_breakdown_ns
    a_tot, e_tot, l_tot = sum(area.values()), sum(energy.values()), sum(lat.values())
    rows = []
    for cat in ordered([*area, *energy, *lat]):
        a = area.get(cat, 0.0) * units.MM2_PER_UM2
        e = energy.get(cat, 0.0) * units.UJ_PER_PJ
        t = lat.get(cat, 0.0) * units.US_PER_NS
        rows.append({
            "name": cat, "area_mm2": a, "energy_uj": e, "latency_us": t,
            "area_share": area.get(cat, 0.0) / a_tot if a_tot else None,
            "energy_share": energy.get(cat, 0.0) / e_tot if e_tot else None,
            "latency_share": lat.get(cat, 0.0) / l_tot if l_tot else None,
        })
    return rows


def _level_of(path_parts: Sequence[str]) -> str:
    for part in reversed(path_parts):
        m = _LEVEL_RE.match(part.strip())
        if m:
            return m.group(1).lower()
    return "chip"


def hierarchy_rows(tree: Cost) -> list[dict[str, Any]]:
    """Area (mm²) and energy (µJ) per hardware level (chip, tile, PE, subarray).

    Each leaf counts once, at the innermost level node above it (see the module
    docstring), so the rows add up to the tree's totals.
    """
    acc = {lvl: [0.0, 0.0, 0] for lvl in LEVELS}

    def visit(node: Cost, ancestors: tuple[str, ...]) -> None:
        if not node.children:
            a = acc[_level_of(ancestors)]
            a[0] += node.area_um2
            a[1] += node.energy_pj
            a[2] += 1
            return
        for child in node.children:
            visit(child, (*ancestors, node.name))

    visit(tree, ())
    tot_a = sum(v[0] for v in acc.values())
    tot_e = sum(v[1] for v in acc.values())
    rows = []
    for lvl in LEVELS:
        a, e, n = acc[lvl]
        if n == 0:
            continue
        rows.append({"level": LEVEL_LABELS[lvl], "area_mm2": a * units.MM2_PER_UM2,
                     "energy_uj": e * units.UJ_PER_PJ, "components": n,
                     "area_share": a / tot_a if tot_a else None,
                     "energy_share": e / tot_e if tot_e else None})
    return rows


def hierarchy_categories(tree: Cost) -> list[dict[str, Any]]:
    """Area (mm²) and energy (µJ) per (hardware level, component category) pair.

    Levels as in :func:`hierarchy_rows`; the category of a leaf is its
    ``category`` (its name when it has none). Rows add up to the tree's totals.
    """
    acc: dict[tuple[str, str], list[float]] = {}

    def visit(node: Cost, ancestors: tuple[str, ...]) -> None:
        if not node.children:
            key = (_level_of(ancestors), node.category or node.name)
            a = acc.setdefault(key, [0.0, 0.0])
            a[0] += node.area_um2
            a[1] += node.energy_pj
            return
        for child in node.children:
            visit(child, (*ancestors, node.name))

    visit(tree, ())
    rows = []
    for lvl in LEVELS:
        cats = ordered(c for (lv, c) in acc if lv == lvl)
        for c in cats:
            a, e = acc[(lvl, c)]
            rows.append({"level": LEVEL_LABELS[lvl], "category": c,
                         "area_mm2": a * units.MM2_PER_UM2, "energy_uj": e * units.UJ_PER_PJ})
    return rows


def layer_rows(est: Estimate) -> list[dict[str, Any]]:
    """Per-layer figures in report units, with shares of the network's energy and latency."""
    e_tot = sum(L.energy_pj for L in est.layers)
    l_tot = sum(L.latency_ns for L in est.layers)
    rows = []
    for L in est.layers:
        rows.append({
            "name": L.name, "kind": L.kind, "macs": L.macs, "crossbars": L.crossbars,
            "pes": L.pes, "tiles": L.tiles, "utilization": L.utilization,
            "duplication": L.duplication,
            "energy_uj": L.energy_pj * units.UJ_PER_PJ,
            "energy_share": L.energy_pj / e_tot if e_tot else None,
            "latency_us": L.latency_ns * units.US_PER_NS,
            "latency_share": L.latency_ns / l_tot if l_tot else None,
            "energy_breakdown_uj": {k: v * units.UJ_PER_PJ
                                    for k, v in L.energy_breakdown_pj.items()},
            "latency_breakdown_us": {k: v * units.US_PER_NS
                                     for k, v in L.latency_breakdown_ns.items()},
        })
    return rows


def layer_categories(est: Estimate, which: str) -> list[str]:
    """Categories present in the layers' ``energy`` or ``latency`` breakdowns, display order."""
    attr = "energy_breakdown_pj" if which == "energy" else "latency_breakdown_ns"
    return ordered(k for L in est.layers for k in getattr(L, attr))


# ----------------------------------------------------------------------------- sweep
def parse_objectives(objectives: Any, spec: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Objectives as ``{metric: 'min'|'max'}``.

    Accepts a dict, a list of names (``'tops_per_w:max'`` or a bare name, whose
    direction comes from :data:`METRICS`), a comma-separated string, or None
    (the spec's ``objectives`` when it has them, else :data:`DEFAULT_OBJECTIVES`).
    The sweep spec's ``{minimize: [...], maximize: [...]}`` form is understood too.
    """
    if objectives is None and spec:
        objectives = spec.get("objectives")
    if objectives is None:
        return dict(DEFAULT_OBJECTIVES)
    if isinstance(objectives, str):
        objectives = [s for s in (p.strip() for p in objectives.split(",")) if s]
    if isinstance(objectives, Mapping) and objectives and set(objectives) <= {"minimize",
                                                                             "maximize"}:
        # the sweep spec's form: {minimize: [..], maximize: [..]}
        items = []
        for key, direction in (("minimize", "min"), ("maximize", "max")):
            names = objectives.get(key) or []
            items += [(str(n), direction) for n in ([names] if isinstance(names, str) else names)]
    elif isinstance(objectives, Mapping):
        items = [(str(k), {"minimize": "min", "maximize": "max"}.get(str(v), str(v)))
                 for k, v in objectives.items()]
    else:
        items = []
        for o in objectives:
            name, _, direction = str(o).partition(":")
            items.append((name.strip(), direction.strip() or metric(name.strip()).better))
    out: dict[str, str] = {}
    for name, direction in items:
        if direction not in ("min", "max"):
            raise PpaSimError(f"objective {name!r}: direction must be 'min' or 'max', "
                              f"got {direction!r}")
        out[name] = direction
    if not out:
        raise PpaSimError("no objectives given")
    return out


def row_value(row: Mapping[str, Any], key: str) -> Any:
    """A metric of a sweep row: from its ``totals``, else the row itself, else its params."""
    totals = row.get("totals") or {}
    if key in totals:
        return totals[key]
    if key in row and key not in ("params", "totals", "breakdown"):
        return row[key]
    return (row.get("params") or {}).get(key)


def check_objectives(rows: Sequence[Mapping[str, Any]], objectives: Mapping[str, str]) -> None:
    """Fail with the available metrics when an objective is missing from the ok rows."""
    ok = [r for r in rows if r.get("status", "ok") == "ok"]
    if not ok:
        return
    for key in objectives:
        if all(row_value(r, key) is None for r in ok):
            avail = sorted({k for r in ok for k in (r.get("totals") or {})})
            raise PpaSimError(f"objective {key!r} is not a result of this sweep; "
                              f"available: {', '.join(avail)}")


def sweep_metrics(rows: Sequence[Mapping[str, Any]], objectives: Mapping[str, str]) -> list[str]:
    """Metric columns of sweep tables: the objectives, then :data:`SWEEP_KEYS`, then
    ``accuracy`` when any row measured it."""
    keys = list(objectives) + [k for k in SWEEP_KEYS if k not in objectives]
    if "accuracy" not in keys and any(has_value(r, "accuracy") for r in rows):
        keys.append("accuracy")
    return keys


def has_value(row: Mapping[str, Any], key: str) -> bool:
    """Whether a sweep row has a finite value for metric ``key``."""
    return finite(row_value(row, key))


def param_keys(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Swept parameter names in order of first appearance."""
    keys: dict[str, None] = {}
    for r in rows:
        for k in (r.get("params") or {}):
            keys.setdefault(k, None)
    return list(keys)


def finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
