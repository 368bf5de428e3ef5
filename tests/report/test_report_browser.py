"""The HTML reports opened in a real headless browser (Debian chromium + Playwright).

One browser for the module. Each report is checked for: no console errors or
page errors, every chart drawn with a non-zero size, summary numbers equal to
the JSON totals, hostile names (``<script>alert(1)</script>``) shown as text
and never executed (no dialog opens), working hover and table sorting. A
screenshot of each report is written under the test's ``tmp_path``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ppa_sim.report import data
from ppa_sim.report.html import write_estimate_html, write_sweep_html

pytestmark = pytest.mark.browser

XSS = "<script>alert(1)</script>"
# the chromium `make test` installs (Debian's package: /usr/bin/chromium), found on PATH
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Opened:
    """A report open in a fresh page, with everything the page reported."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.chart'))"
            ".every(el => el.querySelector('.main-svg'))", timeout=20_000)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check_clean(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"a script ran: dialogs {self.dialogs}"
        assert all(u.startswith(("file:", "data:", "blob:", "about:")) for u in self.requests), \
            [u for u in self.requests if not u.startswith("file:")]

    def check_charts(self, expected: int) -> None:
        charts = self.page.query_selector_all(".chart")
        assert len(charts) == expected
        for el in charts:
            box = el.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, box
            svg = el.query_selector(".main-svg").bounding_box()
            assert svg and svg["width"] > 100 and svg["height"] > 100
            # something was drawn: bars, points or sectors
            marks = el.query_selector_all(".point, path.surface, path.box")
            assert marks, f"chart {el.get_attribute('data-figure')} has no marks"

    def cards(self) -> dict[str, tuple[float, str]]:
        out = {}
        for el in self.page.query_selector_all(".card[data-key]"):
            out[el.get_attribute("data-key")] = (json.loads(el.get_attribute("data-value")),
                                                 el.query_selector(".number").inner_text())
        return out


def _shown(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").strip())


def test_estimate_report_in_browser(browser: Any, real_estimate: Any, accuracy_result: Any,
                                    tmp_path: Path) -> None:
    est = real_estimate
    path = write_estimate_html(est, tmp_path / "estimate.html", accuracy=accuracy_result)
    view = Opened(browser, path)
    view.page.screenshot(path=str(tmp_path / "estimate.png"), full_page=True)
    view.check_clean()
    view.check_charts(expected=5)

    totals = json.loads(json.dumps(est.to_json()))["totals"]
    cards = view.cards()
    for key in data.SUMMARY_KEYS:
        value, shown = cards[key]
        assert value == totals[key], key  # exactly the JSON totals
        assert _shown(shown) == pytest.approx(value * data.METRICS[key].scale, rel=5.01e-4), key
    assert cards["accuracy.mean"][0] == pytest.approx(accuracy_result.mean)

    # the hostile layer name: in the table as text, in the chart's tick labels as text
    names = view.page.locator("#layer-table td.layer-name").all_inner_texts()
    assert names == [L.name for L in est.layers]
    assert XSS in names
    ticks = view.page.locator("#figure-layers-energy .xtick text").all_text_contents()
    assert XSS in ticks
    assert view.page.evaluate("() => document.querySelectorAll('script').length") == 2 + 5
    # ... and the design's name, in the page title and headings
    assert view.page.title().startswith(f"{est.network} on {XSS}")
    assert view.page.locator("h1").inner_text() == f"{est.network} on {XSS}"
    assert view.page.locator("strong.architecture-name").inner_text() == XSS

    # the sortable layer table sorts by energy
    view.page.click("#layer-table thead th:nth-child(9)")
    energies = view.page.locator("#layer-table tbody td:nth-child(9)").all_inner_texts()
    assert [_shown(e) for e in energies] == sorted(_shown(e) for e in energies)
    view.check_clean()
    view.page.close()
    assert (tmp_path / "estimate.png").stat().st_size > 10_000


def test_sweep_report_in_browser(browser: Any, sweep_store: Path, tmp_path: Path) -> None:
    from ppa_sim.dse.pareto import pareto_front
    from ppa_sim.dse.store import ResultStore

    with ResultStore(sweep_store, readonly=True) as store:
        rows, spec = store.rows(), store.spec()
    objectives = {"energy_uj": "min", "latency_us": "min"}
    path = write_sweep_html(rows, tmp_path / "sweep.html", objectives=objectives, spec=spec)
    view = Opened(browser, path)
    view.page.screenshot(path=str(tmp_path / "sweep.png"), full_page=True)
    view.check_clean()
    view.check_charts(expected=1)  # two objectives: one Pareto plot

    front = pareto_front(rows, objectives)
    cards = view.cards()
    assert cards["points"][0] == len(rows) and cards["pareto"][0] == len(front)
    best = min(r["totals"]["energy_uj"] for r in rows if r["status"] == "ok")
    assert cards["best.energy_uj"][0] == best
    assert _shown(cards["best.energy_uj"][1]) == pytest.approx(best, rel=5.01e-4)
    ids = view.page.locator("#front-table td.point-id").all_inner_texts()
    assert sorted(ids) == sorted(r["point_id"] for r in front)
    # the hostile network name is shown as text in the header
    assert XSS in view.page.locator("header.page p").inner_text()

    # hovering a Pareto point shows its swept parameters
    chart = "#figure-pareto-0 .chart"
    view.page.evaluate(f"""() => {{ const el = document.querySelector('{chart}');
        Plotly.Fx.hover(el, [{{curveNumber: 1, pointNumber: 0}}]); }}""")
    hover = view.page.locator(f"{chart} .hoverlayer").text_content()
    for key in rows[0]["params"]:
        assert key in hover

    # click-to-sort on a numeric column, both directions
    col = 1 + view.page.locator("#points-table thead th").all_inner_texts().index(
        next(t for t in view.page.locator("#points-table thead th").all_inner_texts()
             if t.startswith("Energy")))
    view.page.click(f"#points-table thead th:nth-child({col})")
    asc = [_shown(t) for t in
           view.page.locator(f"#points-table tbody td:nth-child({col})").all_inner_texts()]
    assert asc == sorted(asc)
    view.page.click(f"#points-table thead th:nth-child({col})")
    desc = [_shown(t) for t in
            view.page.locator(f"#points-table tbody td:nth-child({col})").all_inner_texts()]
    assert desc == sorted(asc, reverse=True)
    view.check_clean()
    view.page.close()
    assert (tmp_path / "sweep.png").stat().st_size > 10_000
