"""The Optimizer race in a real browser: the default race draws three curves; a learning rate moves it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def _legend(page) -> list[str]:
    return page.locator(".st-key-race_curves .legendtext").all_text_contents()


def test_default_race_three_curves_then_sgd_learning_rate(server_url, page):
    page.goto(f"{server_url}/Optimizer_Race")
    wait_for_app(page)
    assert_no_exception(page)
    chart = page.locator(".st-key-race_curves .js-plotly-plot")
    chart.wait_for()
    assert chart.locator(".scatterlayer .trace").count() == 3
    assert _legend(page) == ["SGD (lr 0.01)", "Adam (lr 0.01)", "RMSprop (lr 0.01)"]
    # the plateau's label hangs just under its dotted line, where SGD's stuck run (over the line)
    # cannot cross it (on a log axis an annotation's y is log10 of the value)
    gap = page.evaluate(
        """() => {
            const box = document.querySelector('.st-key-race_curves');
            const label = box.querySelector('.annotation').getBoundingClientRect();
            const line = box.querySelector('.shapelayer path').getBoundingClientRect();
            return label.top - line.bottom;
        }"""
    )
    assert abs(gap) < 4, f"the plateau label is {gap:.0f} px off its line"
    sgd_loss = page.locator("[data-testid='stMetricValue']").first
    assert sgd_loss.inner_text() == "0.6655"  # the lesson's SGD at lr 0.01 barely moves from seed 0

    thumb = page.locator(".st-key-race_lr_sgd input[type='range']")
    thumb.focus()
    for _ in range(3):  # 0.01 -> 0.02 -> 0.05 -> 0.1
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.st-key-race_curves .legendtext')]"
        ".some(e => e.textContent === 'SGD (lr 0.1)')",
        timeout=20_000,
    )
    wait_for_app(page)
    assert_no_exception(page)
    assert sgd_loss.inner_text() != "0.6655"
    assert float(sgd_loss.inner_text()) < 0.1  # at lr 0.1 seed 0 solves XOR within 1000 epochs
    assert "lr_sgd=0.1" in page.url
    assert page.js_errors == []


def test_many_seeds_deep_link_shows_table(server_url, page):
    page.goto(f"{server_url}/Optimizer_Race?tab=Many+seeds&n=20&epochs=100&sweep_n=5")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator(".st-key-race_band .js-plotly-plot .scatterlayer .trace").count() == 9
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    assert page.get_by_role("tab", name="Many seeds").get_attribute("aria-selected") == "true"
    # switching tab runs only that section and records it in the link
    page.get_by_role("tab", name="Learning rate").click()
    page.locator(".st-key-race_sweep .js-plotly-plot").wait_for(timeout=20_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert "tab=Learning" in page.url and "n=20" in page.url
    assert page.locator(".st-key-race_band").count() == 0
