"""The XOR page in a real browser: Play moves the epoch counter and the heatmap; Pause stops them."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, overlapping_ticks, wait_for_app

pytestmark = pytest.mark.browser


def _epoch(page) -> str:
    return page.locator("[data-testid='stMetricValue']").first.inner_text()


def _heatmap(page) -> str:
    """What the map shows: while playing an image (a new src per frame), when paused a plotly chart."""
    img = page.locator(".st-key-xor_live [data-testid='stImage'] img")
    if img.count():
        return img.first.get_attribute("src") or ""
    return page.locator(".js-plotly-plot .gtitle").first.text_content() or ""


LOSS_CHART = ".st-key-xor_chart_loss .js-plotly-plot"


def _loss_drawn(page) -> float:
    """The last epoch on the drawn loss curve, if the chart is the very node tagged before Play (else -1)."""
    return page.evaluate(
        "(sel) => { const d = document.querySelector(sel);"
        " return d && d.__lvTag ? d._fullData[0].x[d._fullData[0].x.length - 1] : -1; }",
        LOSS_CHART,
    )


def test_play_then_pause(page, server_url):
    page.goto(f"{server_url}/XOR_Training?epochs=20000")  # a long run: Pause lands mid-run even on a slow machine
    wait_for_app(page)
    assert _epoch(page) == "0 / 20,000"
    page.evaluate("(sel) => { document.querySelector(sel).__lvTag = true; }", LOSS_CHART)
    page.evaluate("() => { window.__lvMap = document.querySelector('.st-key-xor_chart_boundary .js-plotly-plot'); }")
    assert _loss_drawn(page) == 0
    page.get_by_role("button", name="▶ Play").click()
    seen, titles, drawn = set(), set(), set()
    for _ in range(100):
        page.wait_for_timeout(100)
        seen.add(_epoch(page))
        titles.add(_heatmap(page))
        drawn.add(_loss_drawn(page))
        if len(seen) >= 4 and len(titles) >= 3 and len(drawn) >= 3:
            break
    assert len(seen) >= 4, seen  # the counter moved several times
    assert len(titles) >= 3, titles  # and the heatmap with it
    assert -1 not in drawn and len(drawn) >= 3, drawn  # and the loss curve grew, on the same chart node
    # the interactive map made way for a picture: removed, and purged once its last draw had ended
    assert page.evaluate("() => !window.__lvMap.isConnected && window.__lvMap._fullLayout === undefined")
    page.get_by_role("button", name="⏸ Pause").click()
    # the status readout says "paused" once the browser has drawn every frame sent before the click
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stMetricValue']\")[3].innerText === 'paused'", timeout=60_000
    )
    page.get_by_role("button", name="▶ Play").wait_for()
    frozen = _epoch(page)
    page.wait_for_timeout(1500)
    assert _epoch(page) == frozen
    assert frozen != "0 / 20,000"
    assert f"{_loss_drawn(page):,.0f} / 20,000" == frozen  # paused: still the same chart, ending at the epoch shown
    assert overlapping_ticks(page) == []  # the loss axis now spans over a decade: 1-2-5 ticks, not every digit
    assert_no_exception(page)
    assert page.js_errors == []


def test_deep_link_settings_show(page, server_url):
    page.goto(f"{server_url}/XOR_Training?optimizer=adam&lr=0.01&epochs=1000&seed=2")
    wait_for_app(page)
    assert _epoch(page) == "0 / 1,000"
    assert page.get_by_role("combobox", name="Optimizer").input_value() == "Adam"
    page.get_by_role("button", name="Step +100").click()
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMetricValue']\").innerText === '100 / 1,000'"
    )
    assert_no_exception(page)
