"""Machine-readable exports of an estimate: JSON (the DESIGN.md contract) and CSV.

Also reads accuracy results back (:func:`load_accuracy_json`) so they can join
an estimate's HTML report.

CSV layout
----------
One rectangular table (RFC 4180, header row first, full float precision,
empty cell = not applicable) so a spreadsheet or ``pandas.read_csv`` reads it
in one go; the ``record`` column says what a row is:

``record=total``
    one row: ``name`` = network, ``kind`` = architecture, and every figure of
    :meth:`Estimate.totals` (``area_mm2``, ``energy_uj``, ``latency_us``,
    ``cycle_us``, ``fps``, ``macs``, ``tops``, ``tops_per_w``,
    ``tops_per_mm2``, ``power_w``, ``utilization``, ``tiles``).
``record=layer``
    one row per layer in execution order: ``name``, ``kind``, ``macs``,
    ``crossbars``, ``pes``, ``tiles``, ``utilization``, ``duplication``,
    ``energy_uj``, ``latency_us`` and the layer's energy by component in
    ``energy_uj.<component>`` and latency in ``latency_us.<component>``.
``record=component``
    one row per component category of the chip breakdown: ``name`` = category,
    ``area_mm2``, ``energy_uj``, ``latency_us`` (these rows add up to the
    total row; latency by the rule in the total row's ``latency_rule``).

Every row also carries ``network`` and ``architecture``, so the CSVs of several runs
concatenate into one table (``pandas.concat`` or ``tail -n +2``).

Units are in the column names (mm², µJ, µs written ``mm2``, ``uj``, ``us``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ppa_sim import units
from ppa_sim.errors import PpaSimError
from ppa_sim.report import data
from ppa_sim.results import AccuracyResult, Estimate

ACCURACY_SCHEMA = "ppa_sim.accuracy/1"

BASE_COLUMNS = ("record", "name", "kind", "macs", "crossbars", "pes", "tiles", "utilization",
                "duplication", "area_mm2", "energy_uj", "latency_us", "cycle_us", "fps",
                "tops", "tops_per_w", "tops_per_mm2", "power_w", "latency_rule",
                "network", "architecture")


def estimate_json(est: Estimate) -> str:
    """The ``ppa_sim.estimate/1`` JSON object (:meth:`Estimate.to_json`), indented."""
    return json.dumps(est.to_json(), indent=2)


def estimate_csv(est: Estimate) -> str:
    """Totals, per-layer and per-component rows as one CSV table (layout: module docstring)."""
    e_cats = data.layer_categories(est, "energy")
    l_cats = data.layer_categories(est, "latency")
    columns = [*BASE_COLUMNS, *(f"energy_uj.{c}" for c in e_cats),
               *(f"latency_us.{c}" for c in l_cats)]
    rows: list[dict[str, Any]] = []

    total = {"record": "total", "name": est.network, "kind": est.architecture,
             "latency_rule": est.latency_rule}
    total.update({k: v for k, v in est.totals().items() if k in columns})
    rows.append(total)

    for L in est.layers:
        row: dict[str, Any] = {
            "record": "layer", "name": L.name, "kind": L.kind, "macs": L.macs,
            "crossbars": L.crossbars, "pes": L.pes, "tiles": L.tiles,
            "utilization": L.utilization, "duplication": L.duplication,
            "energy_uj": L.energy_pj * units.UJ_PER_PJ,
            "latency_us": L.latency_ns * units.US_PER_NS}
        for c, v in L.energy_breakdown_pj.items():
            row[f"energy_uj.{c}"] = v * units.UJ_PER_PJ
        for c, v in L.latency_breakdown_ns.items():
            row[f"latency_us.{c}"] = v * units.US_PER_NS
        rows.append(row)

    for c in data.component_rows(est):
        rows.append({"record": "component", "name": c["name"], "area_mm2": c["area_mm2"],
                     "energy_uj": c["energy_uj"], "latency_us": c["latency_us"]})

    for r in rows:  # on every row, so CSVs of many runs concatenate into one table
        r["network"], r["architecture"] = est.network, est.architecture

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def accuracy_from_json(doc: Any, source: str = "<input>") -> AccuracyResult:
    """An :class:`AccuracyResult` from its ``ppa_sim.accuracy/1`` JSON object
    (:meth:`AccuracyResult.to_json`), e.g. to add accuracy to an estimate's HTML report."""
    if not isinstance(doc, dict) or doc.get("schema") != ACCURACY_SCHEMA:
        got = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise PpaSimError(f"{source}: not an accuracy result (schema {got!r}; expected "
                          f"{ACCURACY_SCHEMA!r}, as written by 'ppa-sim accuracy')")
    try:
        accs = tuple(float(a) for a in doc["accuracies"])
        ideal = float(doc["ideal_accuracy"])
    except (KeyError, TypeError, ValueError) as e:
        raise PpaSimError(f"{source}: accuracy result lacks a valid {e}") from None
    return AccuracyResult(ideal_accuracy=ideal, accuracies=accs,
                          architecture=str(doc.get("architecture", "")),
                          dataset=str(doc.get("dataset", "")),
                          samples=int(doc.get("samples", 0) or 0),
                          meta=dict(doc.get("meta") or {}))


def load_accuracy_json(path: str | Path) -> AccuracyResult:
    """Read an accuracy result file (``ppa_sim.accuracy/1`` JSON)."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PpaSimError(f"{p}: no such file") from None
    except json.JSONDecodeError as e:
        raise PpaSimError(f"{p}: not JSON ({e})") from None
    return accuracy_from_json(doc, str(p))


def _cell(v: Any) -> Any:
    # repr keeps every digit of a float (str() does too on Python 3, but be explicit)
    return repr(v) if isinstance(v, float) else v
