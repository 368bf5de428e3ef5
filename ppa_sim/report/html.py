"""Self-contained HTML reports: one file, opens offline, safe with any names.

* Jinja2 templates (``templates/*.j2``) with autoescape on: every name from a
  network, a config or a sweep is text, never markup.
* Charts are plotly figures. plotly.js is inlined once per file
  (:func:`plotly.offline.get_plotlyjs`), so nothing is fetched when the file is
  opened; each figure travels as JSON inside ``<script type="application/json">``
  through Jinja's ``tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``), and
  names inside figures are HTML-escaped because plotly renders a subset of
  HTML in labels.
* Summary cards carry ``data-key`` / ``data-value`` attributes holding the
  exact JSON totals, so scripts and tests can read the numbers back.
* The architecture and technology used (YAML) and the tool version are part
  of the report, so it can be reproduced.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import json
from collections.abc import Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import jinja2
import yaml

from ppa_sim import __version__
from ppa_sim.errors import PpaSimError
from ppa_sim.report import data
from ppa_sim.report.fmt import DASH, num, pct
from ppa_sim.results import CATEGORIES, AccuracyResult, Estimate

#: Colours of component categories, in CATEGORIES order (Tableau 10 palette + 3).
PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1",
           "#FF9DA7", "#9C755F", "#BAB0AC", "#D37295", "#1F3A5F", "#8CD17D")
FONT = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


# ---------------------------------------------------------------------------- helpers
def _t(value: Any) -> str:
    """A name made safe for plotly's label renderer (it understands a little HTML)."""
    return _html.escape(str(value), quote=False)


def _colors(categories: Sequence[str]) -> dict[str, str]:
    out = {}
    extra = 0
    for c in categories:
        if c in CATEGORIES:
            out[c] = PALETTE[CATEGORIES.index(c) % len(PALETTE)]
        else:
            out[c] = PALETTE[(len(CATEGORIES) + extra) % len(PALETTE)]
            extra += 1
    return out


def _layout(fig: Any, height: int = 380, **kw: Any) -> None:
    fig.update_layout(
        template="plotly_white", height=height,
        font={"family": FONT, "size": 12, "color": "#1f2937"},
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT}}, **kw)


def _figure(fig_id: str, fig: Any, caption: str, title: str) -> dict[str, Any]:
    # json round trip: plotly's encoder turns numpy arrays into lists; Jinja's
    # tojson then escapes the text for the <script> element.
    return {"id": fig_id, "spec": json.loads(fig.to_json()), "caption": caption,
            "title": title}


def _plotly_js() -> str:
    import plotly.offline

    js = plotly.offline.get_plotlyjs()
    # a literal "</script" would end the inline script element early
    return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ppa_sim.report", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"),
                                            default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = num
    env.filters["pct"] = pct
    return env


def _yaml(obj: Any) -> str:
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, default_flow_style=False)


def _spec_dump(spec: Any) -> Any:
    if spec is None:
        return None
    if hasattr(spec, "model_dump"):
        return spec.model_dump(mode="json", by_alias=True)
    return spec


def _common(title: str) -> dict[str, Any]:
    import plotly

    return {"title": title, "version": __version__, "plotly_version": plotly.__version__,
            "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "plotly_js": _plotly_js(), "dash": DASH}


def _write(path: str | Path, text: str) -> Path:
    """Write the report, creating missing folders; an unwritable path is a user error."""
    out = Path(path)
    if out.is_dir():
        raise PpaSimError(f"{out}: is a folder; give the HTML file to write, "
                          f"e.g. {out / 'report.html'}")
    blocker = next((d for d in out.parents if d.exists() and not d.is_dir()), None)
    if blocker is not None:
        raise PpaSimError(f"{out}: cannot write the HTML report: {blocker} is a file, "
                          "not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        where = f" ({e.filename})" if e.filename and str(e.filename) != str(out) else ""
        raise PpaSimError(f"{out}: cannot write the HTML report: "
                          f"{e.strerror or e}{where}") from None
    return out


# --------------------------------------------------------------------------- estimate
def _fig_components(est: Estimate) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = data.component_rows(est)
    cats = [r["name"] for r in rows]
    colors = _colors(cats)
    fig = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("Area (mm²)", "Energy / inference (µJ)",
                                        "Latency (µs)"))
    for col, (key, share, unit) in enumerate((("area_mm2", "area_share", "mm²"),
                                              ("energy_uj", "energy_share", "µJ"),
                                              ("latency_us", "latency_share", "µs")), start=1):
        fig.add_trace(go.Bar(
            y=[_t(c) for c in cats], x=[r[key] for r in rows], orientation="h",
            marker_color=[colors[c] for c in cats], showlegend=False,
            text=[pct(r[share]) if r[share] else "" for r in rows], textposition="auto",
            customdata=[[_t(r["name"]), num(r[key]), pct(r[share])] for r in rows],
            hovertemplate="%{customdata[0]}: %{customdata[1]} " + unit
                          + " (%{customdata[2]})<extra></extra>"), row=1, col=col)
    fig.update_yaxes(autorange="reversed")
    _layout(fig, height=max(260, 34 * len(cats) + 90))
    return fig


def _fig_hierarchy(est: Estimate) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = data.hierarchy_rows(est.tree)
    fig = make_subplots(rows=1, cols=4, column_widths=[0.2, 0.2, 0.3, 0.3],
                        horizontal_spacing=0.06,
                        specs=[[{"type": "xy"}, {"type": "xy"}, {"type": "domain"},
                                {"type": "domain"}]],
                        subplot_titles=("Area by level (mm²)", "Energy by level (µJ)",
                                        "Area: level > component",
                                        "Energy: level > component"))
    levels = [r["level"] for r in rows]
    for col, (key, share, color) in enumerate((("area_mm2", "area_share", PALETTE[0]),
                                               ("energy_uj", "energy_share", PALETTE[1])),
                                              start=1):
        fig.add_trace(go.Bar(x=levels, y=[r[key] for r in rows], marker_color=color,
                             text=[pct(r[share]) for r in rows], textposition="auto",
                             showlegend=False,
                             hovertemplate="%{x}: %{y:.4g} (%{text})<extra></extra>"),
                      row=1, col=col)
    pairs = data.hierarchy_categories(est.tree)
    colors = _colors(data.ordered(p["category"] for p in pairs))
    shades = dict(zip(["chip", "tile", "PE", "subarray"],
                      ["#1F2937", "#374151", "#4B5563", "#6B7280"], strict=True))
    ids = levels + [_t(f"{p['level']}/{p['category']}") for p in pairs]
    parents = [""] * len(levels) + [p["level"] for p in pairs]
    labels = levels + [_t(p["category"]) for p in pairs]
    node_colors = [shades.get(lv, "#6B7280") for lv in levels] + [colors[p["category"]]
                                                                   for p in pairs]
    for col, (key, unit) in enumerate((("area_mm2", "mm²"), ("energy_uj", "µJ")), start=3):
        fig.add_trace(go.Sunburst(
            ids=ids, parents=parents, labels=labels,
            values=[0.0] * len(levels) + [p[key] for p in pairs], branchvalues="remainder",
            insidetextorientation="radial", sort=False,
            marker={"colors": node_colors, "line": {"color": "#FFFFFF", "width": 1}},
            hovertemplate="%{id}<br>%{value:.4g} " + unit
                          + " (%{percentRoot:.1%} of the chip)<extra></extra>"),
            row=1, col=col)
    _layout(fig, height=420)
    return fig


def _fig_layers(est: Estimate, which: str) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = data.layer_rows(est)
    names = [_t(r["name"]) for r in rows]
    cats = data.layer_categories(est, which)
    colors = _colors(cats)
    key, bkey, unit = (("energy_uj", "energy_breakdown_uj", "µJ") if which == "energy"
                       else ("latency_us", "latency_breakdown_us", "µs"))
    fig = make_subplots(specs=[[{"secondary_y": which == "energy"}]])
    if cats:
        for c in cats:
            fig.add_trace(go.Bar(x=names, y=[r[bkey].get(c, 0.0) for r in rows], name=_t(c),
                                 marker_color=colors[c],
                                 hovertemplate="%{x}<br>" + _t(c) + ": %{y:.4g} " + unit
                                               + "<extra></extra>"),
                          secondary_y=False)
        # whatever the breakdown does not cover (leakage, digital units, ...)
        rest = [r[key] - sum(r[bkey].values()) for r in rows]
        if any(v > 1e-9 * max(1e-30, r[key]) for v, r in zip(rest, rows, strict=True)):
            fig.add_trace(go.Bar(x=names, y=[max(0.0, v) for v in rest], name="other",
                                 marker_color="#D3D3D3",
                                 hovertemplate="%{x}<br>other: %{y:.4g} " + unit
                                               + "<extra></extra>"), secondary_y=False)
    else:
        fig.add_trace(go.Bar(x=names, y=[r[key] for r in rows], name=which,
                             marker_color=PALETTE[0]), secondary_y=False)
    if which == "energy":
        util = [100.0 * r["utilization"] if r["crossbars"] else None for r in rows]
        fig.add_trace(go.Scatter(x=names, y=util, connectgaps=True,
                                 name="utilization (%)", mode="lines+markers",
                                 line={"color": "#111827", "width": 1.5, "dash": "dot"},
                                 marker={"size": 7, "symbol": "diamond"},
                                 hovertemplate="%{x}<br>utilization %{y:.1f} %<extra></extra>"),
                      secondary_y=True)
        fig.update_yaxes(title_text="utilization (%)", range=[0, 105], secondary_y=True,
                         showgrid=False, tickvals=[0, 20, 40, 60, 80, 100])
    fig.update_yaxes(title_text=f"{which} per inference ({unit})" if which == "energy"
                     else f"stage latency ({unit})", secondary_y=False)
    fig.update_layout(barmode="stack", bargap=0.25)
    fig.update_xaxes(tickangle=-45 if len(rows) > 8 else 0, type="category")
    _layout(fig, height=420)
    return fig


def _fig_accuracy(acc: AccuracyResult) -> Any:
    import plotly.graph_objects as go

    runs = [100.0 * a for a in acc.accuracies]
    fig = go.Figure()
    fig.add_trace(go.Box(y=runs, name="hardware", boxpoints="all", jitter=0.4, pointpos=0,
                         marker={"color": PALETTE[0], "size": 7}, line={"color": PALETTE[0]},
                         hovertemplate="run accuracy %{y:.2f} %<extra></extra>"))
    fig.add_hline(y=100.0 * acc.ideal_accuracy, line_dash="dash", line_color=PALETTE[2],
                  annotation_text=f"ideal {100 * acc.ideal_accuracy:.2f} %",
                  annotation_position="top left")
    fig.update_yaxes(title_text="accuracy (%)")
    _layout(fig, height=340, showlegend=False)
    return fig


def _accuracy_context(acc: AccuracyResult | None) -> dict[str, Any] | None:
    if acc is None:
        return None
    n = len(acc.accuracies)
    cards = [
        {"key": "accuracy.ideal", "label": "Ideal accuracy", "value": acc.ideal_accuracy,
         "text": pct(acc.ideal_accuracy, 2), "unit": "", "note": "floating-point model"},
        {"key": "accuracy.mean", "label": "Hardware accuracy", "value": acc.mean,
         "text": f"{pct(acc.mean, 2)}" if n else DASH, "unit": "",
         "note": f"± {100 * acc.std:.2f} (std over {n} run{'s' if n != 1 else ''})"},
        {"key": "accuracy.drop", "label": "Drop vs ideal",
         "value": acc.ideal_accuracy - acc.mean if n else None,
         "text": f"{100 * (acc.ideal_accuracy - acc.mean):.2f}" if n else DASH,
         "unit": "pp", "note": "percentage points"},
    ]
    for c in cards:
        c["json"] = json.dumps(c["value"])
    return {"cards": cards, "result": acc, "runs": n,
            "json": json.dumps(acc.to_json(), indent=2)}


def render_estimate_html(est: Estimate, accuracy: AccuracyResult | None = None) -> str:
    """The estimate report as one HTML string (see :func:`write_estimate_html`)."""
    figures = [_figure("components", _fig_components(est),
                       "Area, energy per inference and latency by component category; "
                       "labels give each category's share of the total. Latency adds up as: "
                       + (est.latency_rule or "not stated") + ".",
                       "Breakdown by component")]
    if est.tree is not None:
        figures.append(_figure(
            "hierarchy", _fig_hierarchy(est),
            "Area and energy per inference by hardware level (each component counted at the "
            "innermost chip / tile / PE / subarray level that holds it); the rings split each "
            "level by component (click a sector to zoom).", "Breakdown by hierarchy level"))
    if est.layers:
        figures.append(_figure(
            "layers-energy", _fig_layers(est, "energy"),
            "Energy per inference of each layer, stacked by component, with the array "
            "utilization of each crossbar layer (dotted, right axis).",
            "Per-layer energy and utilization"))
        figures.append(_figure(
            "layers-latency", _fig_layers(est, "latency"),
            "Latency (pipeline stage time) of each layer, stacked by component.",
            "Per-layer latency"))
    acc = _accuracy_context(accuracy)
    if acc is not None:
        figures.append(_figure(
            "accuracy", _fig_accuracy(accuracy),
            f"Accuracy of {acc['runs']} simulated chip instances (points, box = quartiles) "
            "against the ideal floating-point model (dashed).", "Accuracy"))
    design = est.design
    config = None
    if design is not None:
        config = {"architecture": _yaml(_spec_dump(design.arch)),
                  "technology": _yaml(_spec_dump(design.tech))}
    summary = data.summary(est)
    for s in summary:
        s["json"] = json.dumps(s["value"])
        s["text"] = num(s["display"])
    components = data.component_rows(est)
    ctx = _common(f"{est.network} on {est.architecture}")
    ctx.update({
        "est": est, "summary": summary, "components": components,
        "hierarchy": data.hierarchy_rows(est.tree) if est.tree is not None else [],
        "layers": data.layer_rows(est), "figures": {f["id"]: f for f in figures},
        "figure_order": [f["id"] for f in figures], "accuracy": acc, "config": config,
        "meta": dict(est.meta),
        "estimate_json": json.dumps(est.to_json(), indent=2),
        "totals": {k: sum(c[k] for c in components)
                   for k in ("area_mm2", "energy_uj", "latency_us")},
    })
    return _env().get_template("estimate.html.j2").render(**ctx)


def write_estimate_html(est: Estimate, path: str | Path,
                        accuracy: AccuracyResult | None = None) -> Path:
    """Write the HTML report of an estimate (and accuracy, when given) to ``path``."""
    return _write(path, render_estimate_html(est, accuracy=accuracy))


# ------------------------------------------------------------------------------ sweep
def _pareto(rows: list[dict[str, Any]], objectives: Mapping[str, str]) -> list[dict[str, Any]]:
    from ppa_sim.dse.pareto import pareto_front

    return list(pareto_front(rows, dict(objectives)))


def _hover(row: Mapping[str, Any], pkeys: Sequence[str], mkeys: Sequence[str]) -> str:
    lines = [f"<b>{_t(row.get('point_id', ''))}</b>"]
    if row.get("network"):
        lines.append(f"network: {_t(row['network'])}")
    params = row.get("params") or {}
    lines += [f"{_t(k)} = {_t(params.get(k, DASH))}" for k in pkeys]
    for k in mkeys:
        m = data.metric(k)
        v = data.row_value(row, k)
        text = num(v * m.scale) if data.finite(v) else DASH
        lines.append(f"{_t(m.label)}: {text} {_t(m.unit)}")
    return "<br>".join(lines)


def _fig_pareto(ok: list[dict[str, Any]], front_ids: set[str], objectives: Mapping[str, str],
                pkeys: Sequence[str], x: str, y: str) -> Any:
    import plotly.graph_objects as go

    mx, my = data.metric(x), data.metric(y)
    mkeys = list(objectives)

    def pts(rows: list[dict[str, Any]]) -> tuple[list, list, list]:
        xs, ys, hs = [], [], []
        for r in rows:
            vx, vy = data.row_value(r, x), data.row_value(r, y)
            if data.finite(vx) and data.finite(vy):
                xs.append(vx * mx.scale)
                ys.append(vy * my.scale)
                hs.append(_hover(r, pkeys, mkeys))
        return xs, ys, hs

    rest = [r for r in ok if str(r.get("point_id")) not in front_ids]
    front = [r for r in ok if str(r.get("point_id")) in front_ids]
    fig = go.Figure()
    xs, ys, hs = pts(rest)
    fig.add_trace(go.Scatter(x=xs, y=ys, hovertext=hs, hoverinfo="text", mode="markers",
                             name="dominated", marker={"color": "#9CA3AF", "size": 8,
                                                       "opacity": 0.7}))
    two_d = len(objectives) == 2
    # the staircase bounding the dominated region: along x first when x is minimised
    shape = "hv" if objectives.get(x, mx.better) == "min" else "vh"
    networks = list(dict.fromkeys(str(r.get("network", "")) for r in front))
    fx: list[float] = []
    fy: list[float] = []
    for k, net in enumerate(networks):
        gx, gy, gh = pts([r for r in front if str(r.get("network", "")) == net])
        order = sorted(range(len(gx)), key=lambda i, gx=gx, gy=gy: (gx[i], gy[i]))
        color = PALETTE[(2 + k) % len(PALETTE)]
        name = "Pareto front" if two_d else "Pareto-optimal (all objectives)"
        if len(networks) > 1:
            name += f": {_t(net)}"
        fig.add_trace(go.Scatter(x=[gx[i] for i in order], y=[gy[i] for i in order],
                                 hovertext=[gh[i] for i in order], hoverinfo="text",
                                 mode="lines+markers" if two_d else "markers", name=name,
                                 line={"color": color, "width": 1.5, "shape": shape},
                                 marker={"color": color, "size": 11, "symbol": "star",
                                         "line": {"color": "#374151", "width": 1}}))
        fx += gx
        fy += gy
    for axis, m, vals in (("x", mx, xs + fx), ("y", my, ys + fy)):
        log = bool(vals) and min(vals) > 0 and max(vals) / min(vals) > 100
        title = f"{m.label} ({m.unit})" if m.unit else m.label
        arrow = " — lower is better" if objectives.get(m.key) == "min" else (
            " — higher is better" if objectives.get(m.key) == "max" else "")
        upd = {"title_text": _t(title + arrow), "type": "log" if log else "linear"}
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**upd)
    _layout(fig, height=440)
    return fig


def render_sweep_html(rows: Sequence[Mapping[str, Any]], objectives: Any = None,
                      spec: Mapping[str, Any] | None = None) -> str:
    """The sweep report as one HTML string (see :func:`write_sweep_html`)."""
    rows = [dict(r) for r in rows]
    objectives = data.parse_objectives(objectives, spec)
    data.check_objectives(rows, objectives)
    ok = [r for r in rows if r.get("status", "ok") == "ok"]
    failed = [r for r in rows if r.get("status", "ok") != "ok"]
    front = _pareto(ok, objectives) if ok else []
    front_ids = {str(r.get("point_id")) for r in front}
    pkeys = data.param_keys(rows)
    mkeys = data.sweep_metrics(ok, objectives)

    figures = []
    obj_keys = list(objectives)[:3] if ok else []
    for i, (x, y) in enumerate(combinations(obj_keys, 2)):
        mx, my = data.metric(x), data.metric(y)
        figures.append(_figure(
            f"pareto-{i}", _fig_pareto(ok, front_ids, objectives, pkeys, x, y),
            f"{mx.label} against {my.label} for the {len(ok)} valid design points; stars "
            f"mark the {len(front)} Pareto-optimal points over all objectives "
            f"({', '.join(f'{k} {d}' for k, d in objectives.items())}). "
            "Hover a point for its parameters.",
            f"{mx.label} vs {my.label}"))

    def table_row(r: Mapping[str, Any]) -> dict[str, Any]:
        params = r.get("params") or {}
        cells = []
        for k in pkeys:
            v = params.get(k)
            cells.append({"text": num(v) if isinstance(v, float) else
                          (DASH if v is None else str(v)),
                          "sort": json.dumps(v) if isinstance(v, (int, float)) else str(v),
                          "num": isinstance(v, (int, float)) and not isinstance(v, bool)})
        for k in mkeys:
            v = data.row_value(r, k)
            ok_v = data.finite(v)
            cells.append({"text": num(v * data.metric(k).scale) if ok_v else DASH,
                          "sort": json.dumps(v) if ok_v else "", "num": True})
        return {"id": str(r.get("point_id", "")), "status": r.get("status", "ok"),
                "network": r.get("network", ""), "pareto": str(r.get("point_id")) in front_ids,
                "feasible": r.get("feasible"), "cells": cells, "error": r.get("error") or ""}

    columns = [{"label": k, "unit": "", "num": False, "better": ""} for k in pkeys]
    for k in mkeys:
        m = data.metric(k)
        columns.append({"label": m.label, "unit": m.unit, "num": True,
                        "better": objectives.get(k, "")})
    best = []
    for k, d in objectives.items():
        vals = [(data.row_value(r, k), r) for r in ok if data.finite(data.row_value(r, k))]
        if not vals:
            continue
        v, r = (min if d == "min" else max)(vals, key=lambda t: t[0])
        m = data.metric(k)
        best.append({"key": f"best.{k}", "label": f"Best {m.label.lower()}", "value": v,
                     "json": json.dumps(v), "text": num(v * m.scale), "unit": m.unit,
                     "note": f"point {r.get('point_id')}"})
    counts = [
        {"key": "points", "label": "Design points", "value": len(rows)},
        {"key": "ok", "label": "Evaluated", "value": len(ok)},
        {"key": "infeasible", "label": "Break constraints",
         "value": sum(1 for r in ok if r.get("feasible") is False)},
        {"key": "failed", "label": "Invalid / error", "value": len(failed)},
        {"key": "pareto", "label": "Pareto-optimal", "value": len(front)},
    ]
    for c in counts:
        c.update({"json": json.dumps(c["value"]), "text": num(c["value"]), "unit": "",
                  "note": ""})
    networks = sorted({str(r.get("network", "")) for r in rows if r.get("network")})
    title = "Design-space exploration"
    if spec and spec.get("name"):
        title += f": {spec['name']}"
    ctx = _common(title)
    ctx.update({
        "cards": counts + best, "objectives": objectives,
        "objective_text": ", ".join(f"{k} ({'minimize' if d == 'min' else 'maximize'})"
                                    for k, d in objectives.items()), "networks": networks,
        "figures": {f["id"]: f for f in figures}, "figure_order": [f["id"] for f in figures],
        "columns": columns, "n_params": len(pkeys), "points": [table_row(r) for r in ok],
        "front": [table_row(r) for r in front],
        "failed": [table_row(r) for r in failed],
        "spec_yaml": _yaml(spec) if spec else None,
    })
    return _env().get_template("sweep.html.j2").render(**ctx)


def write_sweep_html(rows: Sequence[Mapping[str, Any]], path: str | Path,
                     objectives: Any = None, spec: Mapping[str, Any] | None = None) -> Path:
    """Write the HTML report of a sweep (rows of :meth:`ResultStore.rows`) to ``path``.

    ``objectives``: ``{metric: 'min'|'max'}``, a list of names or a comma-separated
    string (see :func:`ppa_sim.report.data.parse_objectives`); default the spec's
    objectives, else energy, latency and area (all minimised).
    """
    return _write(path, render_sweep_html(rows, objectives=objectives, spec=spec))
