"""The Loss Explorer in a real browser: a deep link opens with its values; the keyboard moves p."""

from __future__ import annotations

import pytest

import lossviz as lv
from lossviz.params import format_number
from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser

MARKER_X = """() => {
    const plot = document.querySelector('.st-key-explorer_loss_y1 .js-plotly-plot');
    const shapes = plot && plot._fullLayout && plot._fullLayout.shapes.filter(s => (s.name || '').endsWith(' at p'));
    return shapes && shapes.length ? shapes.map(s => s.xanchor) : null;
}"""
# where the BCE marker is drawn on screen, against where p is on the x axis (pixels in the chart)
MARKER_DRAWN = """() => {
    const plot = document.querySelector('.st-key-explorer_loss_y1 .js-plotly-plot');
    const full = plot._fullLayout;
    const i = full.shapes.findIndex(s => s.name === 'BCE at p');
    const path = plot.querySelector(`.shapelayer path[data-index="${i}"]`);
    const box = path.getBoundingClientRect(), svg = plot.querySelector('.main-svg').getBoundingClientRect();
    const ya = full.yaxis;
    return {
        drawn_x: box.left + box.width / 2 - svg.left, p_x: full.xaxis._offset + full.xaxis.l2p(full.shapes[i].xanchor),
        drawn_y: box.top + box.height / 2 - svg.top, v_y: ya._offset + ya.l2p(full.shapes[i].yanchor),
    };
}"""
MARKER_AT = f"(p) => {{ const x = ({MARKER_X})(); return !!x && x[0] === p; }}"


def readout(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True)).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_deep_link_then_keyboard_moves_p(server_url, page):
    page.goto(f"{server_url}/Loss_Explorer?p=0.01&y=1&eps=1e-12")
    wait_for_app(page)
    assert_no_exception(page)
    assert readout(page, "BCE") == format_number(lv.bce([1], [0.01], eps=1e-12)) == "4.605"
    assert readout(page, "∂BCE/∂z") == format_number(lv.bce_grad_z([1], lv.logit([0.01]))[0])
    thumb = page.locator(".st-key-explorer_p input[type='range']")
    assert thumb.get_attribute("aria-valuetext") == "0.01"
    assert page.locator(".st-key-explorer_eps input[type='range']").get_attribute("aria-valuetext") == "1e-12"
    page.wait_for_function(MARKER_AT, arg=0.01)

    thumb.focus()
    page.keyboard.press("ArrowRight")  # one step on the grid: 0.01 -> 0.02
    expect = format_number(lv.bce([1], [0.02], eps=1e-12))
    page.wait_for_function(
        "(v) => Array.from(document.querySelectorAll(\"[data-testid='stMetricValue']\"))"
        ".some(e => e.innerText.trim() === v)",
        arg=expect,
    )
    wait_for_app(page)
    assert readout(page, "BCE") == expect == "3.912"
    page.wait_for_function(MARKER_AT, arg=0.02)  # the chart's marker followed
    assert page.evaluate(MARKER_X) == [0.02, 0.02, 0.02]
    at = page.evaluate(MARKER_DRAWN)  # the shape itself moved on screen, not only the figure's numbers
    assert at["drawn_x"] == pytest.approx(at["p_x"], abs=1.5)
    assert at["drawn_y"] == pytest.approx(at["v_y"], abs=1.5)
    assert "p=0.02" in page.url and "eps=1e-12" in page.url
    link = page.locator(".st-key-lv_code_explorer_link code").inner_text()
    assert link.endswith(page.url.split("/")[-1]) and "p=0.02" in link  # the link shown is the page's own
    # shown as text, not st.code: the page never loads Streamlit's syntax highlighter
    assert page.locator("[data-testid='stCode']").count() == 0
    assert not page.evaluate(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('StreamlitSyntaxHighlighter'))"
    )
    assert_no_exception(page)
    assert page.js_errors == []


THEME_JS = """() => {
    const box = document.querySelector('.st-key-explorer_loss_y1');
    const plot = box.querySelector('.js-plotly-plot');
    return {
        tick: getComputedStyle(box.querySelector('.xtick text')).fill,
        paper: getComputedStyle(box.querySelector('.main-svg')).backgroundColor,
        // figures.common.COLORS["ink"]: the markers' outline takes the theme's text colour
        ink: plot._fullLayout.shapes.find(s => s.name === 'BCE at p').line.color,
    };
}"""


@pytest.mark.parametrize(
    ("scheme", "text", "background", "ink"),
    # Streamlit's chart greys for tick labels, on .streamlit/config.toml's theme.light / theme.dark background
    # and .streamlit/config.toml's text colour for ink
    [
        ("light", "rgb(128, 132, 149)", "rgb(255, 255, 255)", "#1A1A1A"),
        ("dark", "rgb(230, 234, 241)", "rgb(14, 17, 23)", "#F5F5F5"),
    ],
)
def test_a_move_updates_the_same_chart_in_the_apps_theme(server_url, browser, scheme, text, background, ink):
    """lossviz.ui.plot: the chart on screen is updated (Plotly.react), not replaced, and follows the theme."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server_url}/Loss_Explorer?p=0.01&y=1")
        wait_for_app(page)
        page.wait_for_function(MARKER_AT, arg=0.01)
        assert page.evaluate(THEME_JS) == {"tick": text, "paper": background, "ink": ink}
        page.evaluate("() => { document.querySelector('.st-key-explorer_loss_y1 .js-plotly-plot').__lvSeen = 1; }")
        page.locator(".st-key-explorer_p input[type='range']").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(MARKER_AT, arg=0.02)
        wait_for_app(page)
        kept = "() => document.querySelector('.st-key-explorer_loss_y1 .js-plotly-plot').__lvSeen === 1"
        assert page.evaluate(kept), "the chart was replaced by a new one instead of updated in place"
        assert page.evaluate(THEME_JS) == {"tick": text, "paper": background, "ink": ink}
        assert_no_exception(page)
        assert errors == []
    finally:
        ctx.close()
