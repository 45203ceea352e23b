"""The log(0) black hole in a real browser: a deep link, a dtype click, an epsilon key press, a real CSV upload."""

from __future__ import annotations

import pytest

from lossviz.lessons import BY_ID
from tests.browser.conftest import assert_no_exception, wait_for_app
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

URL_PATH = BY_ID["blackhole"].url_path
DATA = ROOT / "tests" / "data"


def metric(page, box: str, i: int = 0) -> str:
    return page.locator(f".st-key-{box} [data-testid='stMetricValue']").nth(i).inner_text().strip()


def gradient_traces(page) -> int:
    return page.evaluate("() => document.querySelector('.st-key-bh_gradient .js-plotly-plot').data.length")


def wait_until(page, box: str, value: str, i: int = 0) -> None:
    page.wait_for_function(
        "([sel, i, v]) => { const m = document.querySelectorAll(sel)[i]; return m && m.innerText.trim() === v; }",
        arg=[f".st-key-{box} [data-testid='stMetricValue']", i, value],
        timeout=15_000,
    )
    wait_for_app(page)


def test_deep_link_controls_and_csv_upload(server_url, page):
    page.goto(f"{server_url}/{URL_PATH}?dtype=float32")
    wait_for_app(page)
    assert_no_exception(page)
    # float32 with the lesson's 1e-15: the clip leaves log(0) in place
    assert metric(page, "bh_naive") == "inf"
    assert metric(page, "bh_clipped") == "inf"
    assert metric(page, "bh_trap", 1) == "yes"
    assert gradient_traces(page) == 2  # p = 0 or 1 has no finite logit: no rows to mark

    # click float64: the clip works, 34.539 (the lesson's number)
    page.locator(".st-key-blackhole_dtype button", has_text="float64").click()
    wait_until(page, "bh_clipped", "34.539")
    assert "dtype" not in page.url

    # one key press on the epsilon slider: 1e-15 -> 1e-14
    page.locator(".st-key-blackhole_eps input[type='range']").focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, "bh_clipped", "32.236")
    page.wait_for_function("() => window.location.search.includes('eps=1e-14')", timeout=10_000)

    # upload a real CSV file: the table, the summary and the chart follow it
    page.locator(".st-key-bh_upload input[type='file']").set_input_files(str(DATA / "predictions_good.csv"))
    wait_until(page, "bh_summary", "8")
    assert page.get_by_text("Loaded 8 rows from 'predictions_good.csv'").count() == 1
    assert metric(page, "bh_summary", 3) == "2"
    assert gradient_traces(page) == 4  # rows with label 1 and a finite logit are now marked
    assert page.locator(".st-key-bh_summary .js-plotly-plot").count() == 1

    # a bad file: a clear message naming row and column; the table stays as it was
    page.locator(".st-key-bh_upload input[type='file']").set_input_files(str(DATA / "bad" / "text_in_number.csv"))
    page.get_by_text("row 7 (line 8), column 'p': 'abc' is not a number").wait_for(timeout=15_000)
    wait_for_app(page)
    assert metric(page, "bh_summary") == "8"
    assert_no_exception(page)
    assert page.js_errors == []


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
def test_paste_box_shows_its_example_whole(browser, server_url, present):
    """The paste box is tall enough for its four-line example (y,p and three rows) at either type size."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    try:
        pg.goto(f"{server_url}/{BY_ID['blackhole'].url_path}" + ("?present=1" if present else ""))
        wait_for_app(pg)
        box = pg.locator(".st-key-_bh_paste textarea")
        example = box.get_attribute("placeholder")
        assert example.count("\n") == 3
        box.fill(example)  # the example as text: scrollHeight then measures what the placeholder needs
        assert box.evaluate("t => t.scrollHeight <= t.clientHeight"), box.evaluate(
            "t => [t.scrollHeight, t.clientHeight]"
        )
    finally:
        ctx.close()
