"""HTML reports, read as files: self-contained, escaped, numbers equal to the JSON.

The same reports are opened in a real browser in test_report_browser.py.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import plotly.offline
import pytest
import yaml

from ppa_sim import __version__
from ppa_sim.report.html import write_estimate_html, write_sweep_html

XSS = "<script>alert(1)</script>"
ESTIMATES = ["handmade_estimate", "real_estimate"]


class _Page(HTMLParser):
    """Collects summary cards, <script> elements and <pre> blocks of a report."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, str] = {}
        self.scripts: list[tuple[dict, str]] = []
        self.pres: dict[str, str] = {}
        self._in: tuple[str, dict] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if "data-key" in a:
            self.cards[a["data-key"]] = a["data-value"]
        if tag in ("script", "pre"):
            self._in, self._buf = (tag, a), []

    def handle_data(self, d: str) -> None:
        if self._in:
            self._buf.append(d)

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag == self._in[0]:
            text = "".join(self._buf)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            elif "id" in self._in[1]:
                self.pres[self._in[1]["id"]] = text
            self._in = None


def _parse(text: str) -> _Page:
    page = _Page()
    page.convert_charrefs = True
    page.feed(text)
    return page


def _check_self_contained(text: str, page: _Page) -> list[dict]:
    js = plotly.offline.get_plotlyjs()
    assert text.count(js[:300]) == 1, "plotly.js must be inlined exactly once"
    assert js in text
    text = text.replace(js, "")  # the rest is ours: check it
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "no network fetches"
    assert "<link" not in text
    # the only scripts: figure data (JSON, inert), plotly.js, the report's own code
    figures = [json.loads(body) for attrs, body in page.scripts
               if attrs.get("type") == "application/json"]
    code = [s for s in page.scripts if s[0].get("type") != "application/json"]
    assert len(code) == 2 and not any("src" in a for a, _ in page.scripts)
    assert text.count("<script") == len(page.scripts)
    assert XSS not in text, "a hostile name must never reach the page unescaped"
    assert f"ppa_sim {__version__}" in text
    return figures


@pytest.mark.parametrize("which", ESTIMATES)
def test_estimate_report_file(which: str, request: pytest.FixtureRequest, tmp_path: Path,
                              default_design, accuracy_result) -> None:
    import dataclasses

    est = request.getfixturevalue(which)
    if est.design is None:
        est = dataclasses.replace(est, design=default_design)
    out = write_estimate_html(est, tmp_path / "sub" / "report.html", accuracy=accuracy_result)
    text = out.read_text(encoding="utf-8")
    page = _parse(text)
    figures = _check_self_contained(text, page)
    assert {f["layout"].get("height") is not None for f in figures} == {True}
    assert len(figures) == 5  # components, hierarchy, layer energy, layer latency, accuracy

    # summary cards carry the exact JSON totals
    totals = est.to_json()["totals"]
    for key in ("area_mm2", "energy_uj", "latency_us", "fps", "tops_per_w", "tops_per_mm2",
                "utilization", "macs"):
        assert json.loads(page.cards[key]) == totals[key]
    assert json.loads(page.cards["accuracy.mean"]) == pytest.approx(accuracy_result.mean)

    # the hostile layer name is shown as text (escaped in HTML, entity-escaped in charts)
    assert html.escape(XSS, quote=False) in text
    layer_fig = next(f for f in figures if f["data"][0]["type"] == "bar"
                     and "&lt;script&gt;alert(1)&lt;/script&gt;" in f["data"][0]["x"])
    assert layer_fig["layout"]["barmode"] == "stack"

    # the component chart shows the breakdown, its bars add up to the totals
    comp = figures[0]
    assert sum(comp["data"][0]["x"]) == pytest.approx(sum(est.area_breakdown_um2.values()) * 1e-6)
    assert sum(comp["data"][1]["x"]) == pytest.approx(
        sum(est.energy_breakdown_pj.values()) * 1e-6)

    # reproducible: the architecture YAML in the page loads back into the same design
    from ppa_sim.spec.load import design_from_dict

    arch = yaml.safe_load(page.pres["architecture-yaml"])
    assert design_from_dict(arch) == est.design
    assert yaml.safe_load(page.pres["technology-yaml"]) == est.design.tech.model_dump(
        mode="json", by_alias=True)
    assert json.loads(page.pres["estimate-json"]) == json.loads(json.dumps(est.to_json()))


def test_estimate_report_without_design_or_accuracy(handmade_estimate, tmp_path: Path) -> None:
    text = write_estimate_html(handmade_estimate, tmp_path / "r.html").read_text()
    page = _parse(text)
    figures = _check_self_contained(text, page)
    assert len(figures) == 4 and "accuracy.mean" not in page.cards
    assert "configuration was not recorded" in text


def test_sweep_report_file(sweep_store: Path, tmp_path: Path) -> None:
    from ppa_sim.dse.pareto import pareto_front
    from ppa_sim.dse.store import ResultStore

    with ResultStore(sweep_store, readonly=True) as store:
        rows, spec = store.rows(), store.spec()
    invalid = {"point_id": "broken", "network": XSS, "params": {"subarray.rows": 7},
               "status": "invalid", "error": "subarray.rows: <b>not</b> a power of two",
               "totals": {}, "breakdown": {}}
    text = write_sweep_html([*rows, invalid], tmp_path / "s.html", spec=spec).read_text()
    page = _parse(text)
    figures = _check_self_contained(text, page)
    objectives = {"energy_uj": "min", "latency_us": "min", "area_mm2": "min"}  # the spec's
    assert len(figures) == 3  # one scatter per pair of objectives
    front = pareto_front(rows, objectives)
    assert json.loads(page.cards["pareto"]) == len(front)
    assert json.loads(page.cards["failed"]) == 1
    for fig in figures:
        stars = fig["data"][1]
        assert len(stars["x"]) == len(front)
        # hover text names every swept parameter of the point
        for key in rows[0]["params"]:
            assert all(key in h for h in stars["hovertext"])
    assert "&lt;b&gt;not&lt;/b&gt; a power of two" in text  # error messages are text too
    assert yaml.safe_load(html.unescape(page.pres["spec-yaml"])) == spec
