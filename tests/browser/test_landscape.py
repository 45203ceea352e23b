"""Real browser: "Why MSE fails" shows both contour maps with their descent paths, and a typed start moves them."""

from __future__ import annotations

import pytest

from lossviz import landscape as ls
from lossviz.lessons import BY_ID
from lossviz.params import format_number
from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser

PATH = BY_ID["landscape"].url_path

# The plotly figures the browser actually holds: title, traces (type, name, x), and drawn SVG paths.
CHARTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
    title: el.layout && el.layout.title ? el.layout.title.text.replace(/<[^>]+>/g, '') : '',
    traces: (el.data || []).map(t => ({type: t.type, name: t.name || '', x: Array.from(t.x || []).slice(0, 3)})),
    contours: el.querySelectorAll('.contourlayer .contour').length,
    lines: el.querySelectorAll('.scatterlayer .trace path.js-line').length,
    // the descent path, its end and the start are layout shapes: their names, anchors and drawn SVG
    shapes: ((el._fullLayout || {}).shapes || []).map((s, i) => ({
        name: s.name || '', xanchor: s.xanchor === undefined ? null : s.xanchor,
        drawn: ((el.querySelector(`.shapelayer path[data-index="${i}"]`) || {}).attributes || {d: {}}).d.value || '',
    })),
}))"""


def maps(page) -> dict:
    return {c["title"]: c for c in page.evaluate(CHARTS_JS) if c["title"].endswith("loss over (w, b)")}


def start_norms(w0: float, steps: int) -> list[str]:
    x, y = ls.preset("separable")
    return [
        format_number(ls.gradient_descent(x, y, loss=n, w0=w0, b0=1.0, lr=1.0, steps=steps).grad_norm[0])
        for n in ls.LOSSES
    ]


def test_both_contour_maps_with_paths_and_a_typed_start(server_url, page):
    page.goto(f"{server_url}/{PATH}?steps=100")
    wait_for_app(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .contourlayer .contour').length >= 2")
    assert_no_exception(page)

    seen = maps(page)
    assert set(seen) == {"MSE loss over (w, b)", "BCE loss over (w, b)"}
    for name in ("MSE", "BCE"):
        chart = seen[f"{name} loss over (w, b)"]
        kinds = {(t["type"], t["name"]) for t in chart["traces"]}
        assert ("contour", name) in kinds and ("scatter", "line A→B") in kinds
        assert chart["contours"] >= 1 and chart["lines"] >= 1  # the map is drawn, and so is the line A→B
        shapes = {s["name"]: s for s in chart["shapes"]}
        assert {f"{name} path", "casing", "end", "start"} <= set(shapes)
        assert shapes[f"{name} path"]["drawn"].count("L") >= 50  # 100 steps: the whole path is on screen
        assert shapes["start"]["drawn"] and shapes["start"]["xanchor"] == -6
    values = page.locator("[data-testid='stMetricValue']")
    assert [values.nth(i).inner_text() for i in range(2)] == start_norms(-6.0, 100)

    # type a new start w0 (right sign: BCE and MSE are both steep there) and press Enter
    box = page.get_by_label("start w0")
    box.fill("2")
    box.press("Enter")
    want = start_norms(2.0, 100)
    page.wait_for_function(
        "want => document.querySelector(\"[data-testid='stMetricValue']\").innerText === want", arg=want[0]
    )
    wait_for_app(page)
    assert_no_exception(page)
    assert [values.nth(i).inner_text() for i in range(2)] == want
    for name in ("MSE", "BCE"):
        start = next(s for s in maps(page)[f"{name} loss over (w, b)"]["shapes"] if s["name"] == "start")
        assert start["xanchor"] == 2
    w0 = next(p for p in ls.PARAMS if p.name == "w0")
    assert f"w0={w0.to_str(2.0)}" in page.url
    assert not page.js_errors, page.js_errors
