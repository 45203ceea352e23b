"""lossviz.ui.preview on the lesson pages beyond the Explorer, in a real browser: a move of the main
slider shows its readouts and charts before the server has answered, and the rerun draws the same."""

from __future__ import annotations

import numpy as np
import pytest

import lossviz as lv
from lossviz import blackhole as bh
from lossviz import landscape as ls
from lossviz import race as rc
from lossviz.figures.boundary import to_uint8
from lossviz.nn import predict_grid
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


BLACKHOLE_PICK = """
  const edge = (plot.layout.shapes || []).find((s) => s.type === 'line');
  return { name: plot.data[0].name, edge: edge ? edge.x0 : null, x0: plot.data[0].x[0] };
"""


def test_a_move_of_eps_shows_the_clipped_mean_labels_and_gradient_before_any_reply(server_url, page):
    page.add_init_script(COUNT_MESSAGES)
    page.goto(f"{server_url}/Log0_Black_Hole?eps=1e-15")  # the lessons' arrogant table
    wait_for_app(page)
    page.evaluate(WATCH, ["With np.clip", ["bh_gradient_chart"], BLACKHOLE_PICK])
    page.locator(".st-key-blackhole_eps input[type='range']").focus()
    page.keyboard.press("ArrowRight")  # 1e-15 -> 1e-14
    page.wait_for_function("() => window.__lvWatch.seen !== null")
    seen = page.evaluate("() => window.__lvWatch.seen")
    preset = bh.PRESETS["arrogant"]
    cmp = bh.compare(preset.y, preset.p, eps=1e-14)
    assert seen["messages"] == 0  # drawn from what the browser already had
    assert seen["text"] == format_number(cmp.clipped.mean, 5) == "32.236"
    curves = bh.gradient_curves(1e-14, 1, row_y=cmp.y, row_z=cmp.z)
    chart = seen["charts"]["bh_gradient_chart"]
    assert chart["name"] == "through clip (eps = 1e-14)"
    assert chart["edge"] == curves.edge and chart["x0"] == float(np.float32(curves.z[0]))
    # the card's label moved with it, before the rerun too
    shown = readouts(page)
    assert shown["Mean loss (ε = 1e-14, float64)"] == "32.236"
    assert shown["ε = 1e-14 stored in float64"] == format_number(1e-14, 4)
    # the rerun that follows draws the same, and the per-row table with it
    wait_for_app(page)
    page.wait_for_timeout(300)
    assert readouts(page) == shown
    assert "1e-14" in page.locator(".st-key-bh_clipped").inner_text()
    assert_no_exception(page)
    assert not page.js_errors


RACE_PICK = """
  const D = plot.data;
  return { names: D.map((t) => t.name), row: D[0].type === 'heatmap' ? Array.from(D[0].z[40]) : null };
"""


def test_a_move_of_sgds_learning_rate_shows_its_loss_curve_and_map_before_any_reply(server_url, page):
    page.add_init_script(COUNT_MESSAGES)
    page.goto(f"{server_url}/Optimizer_Race")  # the lessons' race: every optimizer at 0.01, 1000 epochs
    wait_for_app(page)
    page.evaluate(WATCH, ["SGD final loss", ["race_curves", "race_boundary_sgd"], RACE_PICK])
    page.locator(".st-key-race_lr_sgd input[type='range']").focus()
    page.keyboard.press("ArrowRight")  # 0.01 -> 0.02
    page.wait_for_function("() => window.__lvWatch.seen !== null")
    seen = page.evaluate("() => window.__lvWatch.seen")
    run = rc.race(0, {"sgd": 0.02}, 1000, "bce", ("sgd",)).runs["sgd"]
    assert seen["messages"] == 0  # drawn from what the browser already had
    assert seen["text"] == format_number(run.final_loss)
    assert seen["charts"]["race_curves"]["names"] == ["SGD (lr 0.02)", "Adam (lr 0.01)", "RMSprop (lr 0.01)"]
    prob, _, _ = rc.boundary(run.theta)
    assert seen["charts"]["race_boundary_sgd"]["row"] == to_uint8(prob)[40].tolist()
    # the rerun that follows draws the same
    wait_for_app(page)
    page.wait_for_timeout(300)
    assert readouts(page)["SGD final loss"] == seen["text"]
    assert_no_exception(page)
    assert not page.js_errors


def test_a_slider_drawn_after_its_preview_is_still_drawn_at_once(server_url, page):
    """On a cold page Streamlit may draw a slider after the preview that follows it has started (seen
    on the race page: 2 loads in 3 never previewed).  The preview then has no start position; the
    key press gives it one, and the move is still drawn before the server answers."""
    page.add_init_script(COUNT_MESSAGES)
    page.goto(f"{server_url}/Optimizer_Race?lr_sgd=0.1")
    wait_for_app(page)
    page.evaluate("() => { window.__lvPreview.sliders.race_lr_sgd.shown = null; }")  # as if drawn later
    page.evaluate(WATCH, ["SGD final loss", ["race_curves"], RACE_PICK])
    page.locator(".st-key-race_lr_sgd input[type='range']").focus()
    page.keyboard.press("ArrowLeft")  # 0.1 -> 0.05
    page.wait_for_function("() => window.__lvWatch.seen !== null")
    seen = page.evaluate("() => window.__lvWatch.seen")
    assert seen["messages"] == 0
    assert seen["text"] == format_number(rc.race(0, {"sgd": 0.05}, 1000, "bce", ("sgd",)).runs["sgd"].final_loss)
    assert seen["charts"]["race_curves"]["names"][0] == "SGD (lr 0.05)"
    assert_no_exception(page)
    assert not page.js_errors


def test_after_the_xor_run_a_move_of_lr_shows_that_rates_run_at_once(server_url, page):
    """Paused at the lesson run's end, a move of the learning rate shows the run at the next rate
    at the same epoch, 5000: its loss, its map and the epoch, before the server answers."""
    page.add_init_script(COUNT_MESSAGES)
    page.goto(f"{server_url}/XOR_Training?step=1000")
    wait_for_app(page)
    for epoch in range(1000, 5001, 1000):
        page.locator(".st-key-xor_stepn button").click()
        page.wait_for_function(
            f"() => document.querySelector(\"[data-testid='stMetricValue']\").textContent === '{epoch:,} / 5,000'"
        )
        wait_for_app(page)  # and the preview for this epoch mounted, last in the run
    page.evaluate(WATCH, ["BCE loss", ["xor_chart_boundary"], RACE_PICK])
    page.locator(".st-key-xor_lr input[type='range']").focus()
    page.keyboard.press("ArrowRight")  # 0.1 -> 0.3
    page.wait_for_function("() => window.__lvWatch.seen !== null")
    seen = page.evaluate("() => window.__lvWatch.seen")
    X, y = lv.xor()
    run = lv.train(X, y, lr=0.3, epochs=5000, seed=0)
    assert seen["messages"] == 0  # drawn from what the browser already had
    assert seen["text"] == format_number(run.final_loss)
    theta = lv.nn.flatten(run.params, 2, 3)
    prob, _ = predict_grid(theta, 3, "tanh", lv.plot_bounds(X), 100)
    assert seen["charts"]["xor_chart_boundary"]["row"] == to_uint8(prob)[40].tolist()
    # the rerun that follows draws the same, at the same epoch
    wait_for_app(page)
    page.wait_for_timeout(300)
    shown = readouts(page)
    assert shown["BCE loss"] == seen["text"] and shown["Epoch"] == "5,000 / 5,000"
    assert_no_exception(page)
    assert not page.js_errors


def test_a_move_while_a_run_is_under_way_waits_for_the_server(server_url, page):
    """A Step on the XOR page reruns the live view and sends new frames at its end: a move of the
    learning rate during that run must not draw the frames of the epoch before.  Such a move is
    drawn by the server, not previewed."""
    page.add_init_script(COUNT_MESSAGES)
    page.goto(f"{server_url}/XOR_Training?step=1000")
    wait_for_app(page)
    page.locator(".st-key-xor_stepn button").click()
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMetricValue']\").textContent === '1,000 / 5,000'"
    )
    wait_for_app(page)
    page.evaluate(WATCH, ["BCE loss", [], "return null"])
    # as the page is while a run is under way (the server's next message sets it back)
    page.evaluate(
        "() => document.querySelector(\"[data-testid='stApp']\").setAttribute('data-test-script-state', 'running')"
    )
    page.locator(".st-key-xor_lr input[type='range']").focus()
    page.keyboard.press("ArrowRight")  # 0.1 -> 0.3
    page.wait_for_function("() => window.__lvWatch.seen !== null")
    seen = page.evaluate("() => window.__lvWatch.seen")
    assert seen["messages"] > 0  # drawn by the rerun
    X, y = lv.xor()
    assert seen["text"] == format_number(lv.train(X, y, lr=0.3, epochs=5000, seed=0).loss[1000])
    assert_no_exception(page)
    assert not page.js_errors
