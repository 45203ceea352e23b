"""lossviz.ui.preview on the lesson pages beyond the Explorer, in a real browser: a move of the main
slider shows its readouts and charts before the server has answered, and the rerun draws the same."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import landscape as ls
from lossviz.params import format_number
from tests.browser.conftest import assert_no_exception, wait_for_app
from tests.browser.test_preview import COUNT_MESSAGES, readouts
from tests.conftest import path_points

pytestmark = pytest.mark.browser

# on the first change of the readout labelled `label` after a key press: how many server messages
# had arrived since the key, and what each chart in `charts` showed then (`pick` reads one chart)
WATCH = """([label, charts, pick]) => {
  const find = () => [...document.querySelectorAll("[data-testid='stMetric']")]
    .find((m) => m.querySelector("[data-testid='stMetricLabel']").textContent.trim() === label)
    .querySelector("[data-testid='stMetricValue']");
  const box = find();
  const read = new Function('plot', pick);
  const W = (window.__lvWatch = { before: box.textContent, key: null, seen: null });
  document.addEventListener('keydown', () => { if (W.key === null) W.key = window.__lvIn; }, true);
  new MutationObserver((_, obs) => {
    if (box.textContent === W.before || W.key === null) return;
    W.seen = { text: box.textContent, messages: window.__lvIn - W.key, charts: {} };
    for (const key of charts) W.seen.charts[key] = read(document.querySelector(`.st-key-${key} .js-plotly-plot`));
    obs.disconnect();
  }).observe(box, { subtree: true, childList: true, characterData: true });
}"""

# a landscape chart as the watch reads it: the descent path on a map, the loss curves' y values
LANDSCAPE_PICK = """
  const L = plot._fullLayout, D = plot.data;
  const path = (L.shapes || []).find((s) => (s.name || '').endsWith(' path'));
  return path ? path.path : D.slice(0, 2).map((t) => Array.from(t.y));
"""


def runs_at(lr: float, steps: int = 200, w0: float = -6.0, b0: float = 1.0) -> dict:
    x, y = ls.preset("separable")
    return {name: ls.gradient_descent(x, y, loss=name, w0=w0, b0=b0, lr=lr, steps=steps) for name in ls.LOSSES}


def test_a_move_of_lr_shows_readouts_paths_and_curves_before_any_reply(server_url, page):
    page.add_init_script(COUNT_MESSAGES)
    page.goto(f"{server_url}/Why_MSE_Fails?lr=1")
    wait_for_app(page)
    charts = ["landscape_map_bce", "landscape_descent"]
    page.evaluate(WATCH, ["BCE after 200 steps", charts, LANDSCAPE_PICK])
    page.locator(".st-key-landscape_lr input[type='range']").focus()
    page.keyboard.press("ArrowRight")  # 1 -> 2
    page.wait_for_function("() => window.__lvWatch.seen !== null")
    seen = page.evaluate("() => window.__lvWatch.seen")
    runs = runs_at(2.0)
    assert seen["messages"] == 0  # drawn from what the browser already had
    assert seen["text"] == format_number(runs["bce"].loss[-1])
    np.testing.assert_allclose(path_points(seen["charts"]["landscape_map_bce"]), runs["bce"].path, rtol=1e-8)
    mse_curve, bce_curve = seen["charts"]["landscape_descent"]
    assert mse_curve == runs["mse"].loss.tolist() and bce_curve == runs["bce"].loss.tolist()
    # the rerun that follows draws the same
    wait_for_app(page)
    page.wait_for_timeout(300)
    shown = readouts(page)
    assert shown["BCE after 200 steps"] == seen["text"]
    assert shown["MSE after 200 steps"] == format_number(runs["mse"].loss[-1])
    assert_no_exception(page)
    assert not page.js_errors


def test_a_burst_of_lr_moves_ends_on_the_last_learning_rate_everywhere(server_url, page):
    page.goto(f"{server_url}/Why_MSE_Fails?lr=10&steps=50")
    wait_for_app(page)
    page.locator(".st-key-landscape_lr input[type='range']").focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")  # 10 -> 5 -> 2 -> 1 -> 0.5 -> 0.2
        page.wait_for_timeout(15)
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert page.locator(".st-key-landscape_lr input[type='range']").get_attribute("aria-valuetext") == "0.2"
    runs = runs_at(0.2, steps=50)
    shown = readouts(page)
    assert shown["MSE after 50 steps"] == format_number(runs["mse"].loss[-1])
    assert shown["BCE after 50 steps"] == format_number(runs["bce"].loss[-1])
    drawn = page.evaluate(
        "([a, b]) => [new Function('plot', b)(document.querySelector(`.st-key-${a} .js-plotly-plot`)),"
        " new Function('plot', b)(document.querySelector('.st-key-landscape_descent .js-plotly-plot'))]",
        ["landscape_map_mse", LANDSCAPE_PICK],
    )
    np.testing.assert_allclose(path_points(drawn[0]), runs["mse"].path, rtol=1e-8)
    assert drawn[1] == [runs["mse"].loss.tolist(), runs["bce"].loss.tolist()]
    assert_no_exception(page)
    assert not page.js_errors
