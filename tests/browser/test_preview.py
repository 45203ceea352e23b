"""lossviz.ui.preview in a real browser: a move of p is drawn before the server has answered it."""

from __future__ import annotations

import pytest

import lossviz as lv
from lossviz import explorer as ex
from lossviz.params import format_number
from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser

# counts the messages the page has received from the server over its WebSocket
COUNT_MESSAGES = """(() => {
  window.__lvIn = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener('message', () => { window.__lvIn += 1; }); }
  };
})();"""

# on the first change of the BCE readout after a key press: how many server messages had arrived
# since the key, and where the charts' BCE markers were
WATCH = """() => {
  const box = [...document.querySelectorAll("[data-testid='stMetric']")]
    .find((m) => m.querySelector("[data-testid='stMetricLabel']").textContent.trim() === 'BCE')
    .querySelector("[data-testid='stMetricValue']");
  const W = (window.__lvWatch = { before: box.textContent, key: null, seen: null });
  document.addEventListener('keydown', () => { if (W.key === null) W.key = window.__lvIn; }, true);
  new MutationObserver((_, obs) => {
    if (box.textContent === W.before || W.key === null) return;
    const marker = (key) => {
      const plot = document.querySelector(`.st-key-${key} .js-plotly-plot`);
      const s = plot._fullLayout.shapes.find((s) => s.name === 'BCE at p');
      return s ? [s.xanchor, s.yanchor] : null;
    };
    W.seen = { text: box.textContent, messages: window.__lvIn - W.key,
               loss: marker('explorer_loss_y1'), grad: marker('explorer_grad') };
    obs.disconnect();
  }).observe(box, { subtree: true, childList: true, characterData: true });
}"""


def readouts(page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("[data-testid='stMetric']")].map((m) => [
             m.querySelector("[data-testid='stMetricLabel']").textContent.trim(),
             m.querySelector("[data-testid='stMetricValue']").textContent.trim()]))"""
    )


def test_a_move_of_p_shows_its_readouts_and_markers_before_any_reply_from_the_server(server_url, page):
    page.add_init_script(COUNT_MESSAGES)
    page.goto(f"{server_url}/Loss_Explorer?p=0.3")
    wait_for_app(page)
    page.evaluate(WATCH)
    page.locator(".st-key-explorer_p input[type='range']").focus()
    page.keyboard.press("ArrowRight")  # 0.3 -> 0.31
    page.wait_for_function("() => window.__lvWatch.seen !== null")
    seen = page.evaluate("() => window.__lvWatch.seen")
    p = 0.31
    bce = lv.bce([1], [p])
    assert seen["text"] == format_number(bce) == "1.171"
    assert seen["messages"] == 0  # drawn from what the browser already had
    assert seen["loss"] == [p, bce]
    assert seen["grad"] == [p, float(lv.bce_grad_z([1], lv.logit([p]))[0])]
    # the rerun that follows draws the same
    wait_for_app(page)
    page.wait_for_timeout(300)
    after = readouts(page)
    assert after["BCE"] == seen["text"]
    pt = ex.point(1, p, 1e-15)
    assert after["∂MSE/∂z"] == format_number(pt.mse_grad_z) and after["logit z"] == format_number(pt.z)
    assert_no_exception(page)
    assert not page.js_errors


def test_a_burst_of_moves_ends_on_the_last_position_everywhere(server_url, page):
    """Six presses without waiting: reruns for earlier positions arrive after later previews, and the
    page must end showing the last position, in the readouts and the charts."""
    page.goto(f"{server_url}/Loss_Explorer?p=0.5&y=0")
    wait_for_app(page)
    page.locator(".st-key-explorer_p input[type='range']").focus()
    for _ in range(6):
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(15)
    wait_for_app(page)
    page.wait_for_timeout(400)
    p = 0.44
    assert page.locator(".st-key-explorer_p input[type='range']").get_attribute("aria-valuetext") == "0.44"
    pt = ex.point(0, p, 1e-15)
    shown = readouts(page)
    assert shown["BCE"] == format_number(pt.bce) and shown["hinge"] == format_number(pt.hinge)
    assert shown["∂BCE/∂z"] == format_number(pt.bce_grad_z)
    xs = page.evaluate(
        """() => ['explorer_loss_y0', 'explorer_grad'].map((k) => document
             .querySelector(`.st-key-${k} .js-plotly-plot`)._fullLayout.shapes
             .filter((s) => (s.name || '').endsWith(' at p')).map((s) => s.xanchor))"""
    )
    assert xs == [[p] * 3, [p] * 3]
    assert_no_exception(page)
    assert not page.js_errors


def test_other_controls_are_drawn_as_the_server_sends_them_after_a_move(server_url, page):
    """The preview acts only while a move of p is under way: a new y, or "Predict first" hiding the
    readouts, must not be overwritten with the frames the browser holds."""
    page.goto(f"{server_url}/Loss_Explorer?p=0.2")
    wait_for_app(page)
    page.locator(".st-key-explorer_p input[type='range']").focus()
    page.keyboard.press("ArrowRight")  # 0.2 -> 0.21
    wait_for_app(page)
    page.locator(".st-key-explorer_y").get_by_role("radio", name="0").click()
    wait_for_app(page)
    page.wait_for_timeout(300)
    assert readouts(page)["BCE"] == format_number(lv.bce([0], [0.21]))
    names = page.evaluate(
        """() => ['explorer_loss_y1', 'explorer_loss_y0'].map((k) => document
             .querySelector(`.st-key-${k} .js-plotly-plot`)._fullLayout.shapes
             .filter((s) => (s.name || '').endsWith(' at p')).length)"""
    )
    assert names == [0, 3]  # the markers moved to the y = 0 panel
    page.locator(".st-key-explorer_predict label").first.click()
    wait_for_app(page)
    page.wait_for_timeout(300)
    shown = readouts(page)
    assert shown["BCE"] == shown["MSE"] == shown["hinge"] == "?"
    assert_no_exception(page)
    assert not page.js_errors
