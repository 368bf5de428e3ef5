"""Terminal tables (tabulate): what ``ppa-sim estimate`` and ``ppa-sim report`` print.

Numbers are in report units (mm², µJ, µs) with thousands separators and
four significant digits; breakdowns show each part's share of the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tabulate import tabulate

from ppa_sim.report import data
from ppa_sim.report.fmt import DASH, num, pct
from ppa_sim.results import AccuracyResult, Estimate

_FMT = "simple"


def _table(rows: Sequence[Sequence[Any]], headers: Sequence[str],
           align: Sequence[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt=_FMT, disable_numparse=True,
                    colalign=tuple(align))


def _title(text: str) -> str:
    return f"{text}\n{'=' * len(text)}"


def _heading(text: str) -> str:
    return f"\n{text}\n{'-' * len(text)}"


def render_summary(est: Estimate) -> str:
    """The summary table (figure, value, unit)."""
    rows = []
    for s in data.summary(est):
        rows.append((s["label"], num(s["display"]), s["unit"]))
    return _table(rows, ["figure", "value", "unit"], ["left", "right", "left"])


def render_components(est: Estimate) -> str:
    """Breakdown by component category, with shares of each total."""
    comp = data.component_rows(est)
    rows = [(c["name"], num(c["area_mm2"]), pct(c["area_share"]), num(c["energy_uj"]),
             pct(c["energy_share"]), num(c["latency_us"]), pct(c["latency_share"]))
            for c in comp]
    rows.append(("total", num(sum(c["area_mm2"] for c in comp)), pct(1.0 if comp else None),
                 num(sum(c["energy_uj"] for c in comp)), pct(1.0 if comp else None),
                 num(sum(c["latency_us"] for c in comp)), pct(1.0 if comp else None)))
    return _table(rows, ["component", "area (mm²)", "%", "energy (µJ)", "%", "latency (µs)",
                         "%"], ["left"] + ["right"] * 6)


def render_hierarchy(est: Estimate) -> str:
    """Area and energy per hardware level (chip, tile, PE, subarray) from the cost tree."""
    rows = [(h["level"], num(h["area_mm2"]), pct(h["area_share"]), num(h["energy_uj"]),
             pct(h["energy_share"]), num(h["components"]))
            for h in data.hierarchy_rows(est.tree)]
    return _table(rows, ["level", "area (mm²)", "%", "energy (µJ)", "%", "components"],
                  ["left"] + ["right"] * 5)


def _costless(r: Mapping[str, Any]) -> bool:
    """A layer that costs nothing (batch-norm folded into weights, flatten, dropout)."""
    return not (r["macs"] or r["crossbars"] or r["energy_uj"] or r["latency_us"])


def render_layers(est: Estimate) -> str:
    """Per-layer table: MACs, crossbars, utilization, duplication, energy, latency.

    Layers that cost nothing (folded batch-norm, flatten) are left out and counted
    below the table; so is the chip-level energy charged to no single layer (e.g.
    leakage of idle tiles), so the table reconciles with the total.
    """
    rows = []
    all_rows = data.layer_rows(est)
    for r in all_rows:
        if _costless(r):
            continue
        rows.append((r["name"], r["kind"], num(r["macs"]), num(r["crossbars"]),
                     pct(r["utilization"]) if r["crossbars"] else DASH, num(r["duplication"]), num(r["energy_uj"]),
                     pct(r["energy_share"]), num(r["latency_us"]), pct(r["latency_share"])))
    out = _table(rows, ["layer", "kind", "MACs", "crossbars", "util.", "dup.", "energy (µJ)",
                        "%", "latency (µs)", "%"],
                 ["left", "left"] + ["right"] * 8)
    notes = []
    hidden = len(all_rows) - len(rows)
    if hidden:
        notes.append(f"{hidden} layer(s) with no cost (folded batch-norm, flatten, ...) "
                     "not shown.")
    layer_uj = sum(r["energy_uj"] for r in all_rows)
    total_uj = est.energy_pj * 1e-6
    rest = total_uj - layer_uj
    if total_uj > 0 and abs(rest) > 1e-9 * total_uj:
        notes.append(f"Shares are of the layers' {num(layer_uj)} µJ; another {num(rest)} µJ "
                     f"({pct(rest / total_uj)} of the {num(total_uj)} µJ total) is chip-level "
                     "energy charged to no layer (e.g. leakage of the global buffer, chip "
                     "bus and idle tiles).")
    return out + ("\n\n" + "\n".join(notes) if notes else "")


def render_estimate(est: Estimate, per_layer: bool = False) -> str:
    """Everything ``ppa-sim estimate`` prints: summary, breakdowns, optionally per layer."""
    where = f"{est.node_nm:g} nm, {est.device}"
    parts = [_title(f"{est.network} on {est.architecture} ({where})"),
             render_summary(est),
             _heading("Breakdown by component"),
             render_components(est)]
    if est.latency_rule:
        parts.append(f"\nlatency adds up as: {est.latency_rule}")
    if est.tree is not None:
        parts += [_heading("Breakdown by hierarchy level"), render_hierarchy(est)]
    if per_layer:
        parts += [_heading(f"Per layer ({len(est.layers)} layers)"), render_layers(est)]
    return "\n".join(parts) + "\n"


def render_accuracy(result: AccuracyResult) -> str:
    """Accuracy on the hardware (mean ± std over chip instances) vs the ideal model.

    Accuracies are fractions (0-1) as in :class:`~ppa_sim.results.AccuracyResult`;
    printed as percentages, the drop in percentage points.
    """
    n = len(result.accuracies)
    title = "Accuracy"
    if result.dataset or result.architecture:
        title += " — " + " on ".join(x for x in (result.dataset, result.architecture) if x)
    hw = f"{pct(result.mean, 2)} ± {100 * result.std:.2f}" if n else DASH
    rows = [("ideal (floating point)", pct(result.ideal_accuracy, 2)),
            (f"hardware, mean ± std over {n} run{'s' if n != 1 else ''}", hw),
            ("drop vs ideal (percentage points)",
             f"{100 * (result.ideal_accuracy - result.mean):.2f}" if n else DASH)]
    if n:
        rows.append(("hardware, min / max",
                     f"{pct(min(result.accuracies), 2)} / {pct(max(result.accuracies), 2)}"))
    if result.samples:
        rows.append(("test samples", num(result.samples)))
    return _title(title) + "\n" + _table(rows, ["", "accuracy"], ["left", "right"]) + "\n"


def render_points(rows: Sequence[Mapping[str, Any]], objectives: Mapping[str, str],
                  title: str = "") -> str:
    """A table of sweep points: id, swept parameters, objectives, other totals."""
    pkeys = data.param_keys(rows)
    mkeys = data.sweep_metrics(rows, objectives)
    headers = ["point"] + pkeys
    for k in mkeys:
        arrow = {"min": " ↓", "max": " ↑"}.get(objectives.get(k, ""), "")
        headers.append(data.metric(k).header + arrow)
    numeric = [all(isinstance((r.get("params") or {}).get(k), (int, float, type(None)))
                   for r in rows) for k in pkeys]
    table = []
    for r in rows:
        params = r.get("params") or {}
        line = [str(r.get("point_id", ""))] + [_cell(params.get(k)) for k in pkeys]
        for k in mkeys:
            v = data.row_value(r, k)
            line.append(num(v * data.metric(k).scale) if data.finite(v) else DASH)
        table.append(line)
    align = ["left"] + ["right" if n else "left" for n in numeric] + ["right"] * len(mkeys)
    out = _table(table, headers, align)
    return (_heading(title).lstrip("\n") + "\n" + out) if title else out


def _cell(v: Any) -> str:
    if v is None:
        return DASH
    if isinstance(v, float):
        return num(v)
    return str(v)
