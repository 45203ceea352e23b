"""A main slider reruns only what it changes: the server sends nothing from the rest of the page.

Streamlit sends every element of a full run to the browser again; a fragment rerun sends only the
fragment's.  So each test records the WebSocket frames the page receives for one key press on the
slider and looks for text that only the rest of the page writes (it must be absent), and for the new
readout and link (present).  Without the fragments these tests fail: the whole page comes back.
"""

from __future__ import annotations

import pytest

import lossviz as lv
from lossviz.params import format_number
from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def frames_for_one_press(page, slider_key: str, key: str, done_js: str, arg) -> bytes:
    """Press ``key`` on the slider; wait for ``done_js(arg)`` and the run's end; the bytes received meanwhile."""
    got: list[bytes] = []

    def on_ws(ws):
        ws.on("framereceived", lambda payload: got.append(payload if isinstance(payload, bytes) else payload.encode()))

    page.on("websocket", on_ws)
    page.goto(page.url)  # reconnect so that the listener sees the app's socket
    wait_for_app(page)
    before = len(got)
    assert before > 0, "no WebSocket frames seen on page load"
    page.locator(f".st-key-{slider_key}").get_by_role("slider").first.focus()
    page.keyboard.press(key)
    page.wait_for_function(done_js, arg=arg)
    wait_for_app(page)
    return b"".join(got[before:])


def assert_rest_not_resent(page, sent: bytes, outside: tuple[str, ...]) -> None:
    """None of the texts that only the rest of the page writes came back, and nothing broke."""
    for text in outside:
        assert text.encode() not in sent, f"{text!r} was sent again: the whole page reran"
    assert_no_exception(page)


METRIC_IS = (
    "(v) => Array.from(document.querySelectorAll(\"[data-testid='stMetricValue']\"))"
    ".some(e => e.innerText.trim() === v)"
)


def test_explorer_p_reruns_only_the_point_view(server_url, page):
    page.goto(f"{server_url}/Loss_Explorer?p=0.01")
    wait_for_app(page)
    expect = format_number(lv.bce([1], [0.02]))
    sent = frames_for_one_press(page, "explorer_p", "ArrowRight", METRIC_IS, expect)
    assert expect.encode() in sent  # the readout came back...
    assert b"p=0.02" in sent  # ...and the link box
    assert "p=0.02" in page.url
    assert_rest_not_resent(
        page, sent, ("Whole predictions: the lessons", "BCE punishes arrogance", "Curves as CSV", "Try this")
    )


def test_blackhole_eps_reruns_only_the_clip_view(server_url, page):
    page.goto(f"{server_url}/Log0_Black_Hole?eps=1e-15")
    wait_for_app(page)
    # the arrogant preset [1, 0, 1] with p = [0, 1, 0]: with np.clip every row costs -log(eps)
    expect = format_number(lv.bce([1, 0, 1], [0.0, 1.0, 0.0], eps=1e-14), 5)
    sent = frames_for_one_press(page, "blackhole_eps", "ArrowRight", METRIC_IS, expect)
    assert expect.encode() in sent
    assert "eps=1e-14" in page.url
    assert_rest_not_resent(
        page, sent, ("What real frameworks do", "Bring your own predictions", "The table at a glance")
    )


def test_landscape_lr_reruns_only_the_descent_view(server_url, page):
    page.goto(f"{server_url}/Why_MSE_Fails")
    wait_for_app(page)
    before = page.locator(".st-key-landscape_lr input[type='range']").first.get_attribute("aria-valuetext")
    sent = frames_for_one_press(
        page,
        "landscape_lr",
        "ArrowRight",
        "(old) => { const s = document.querySelector(\".st-key-landscape_lr input[type='range']\");"
        " return s && s.getAttribute('aria-valuetext') !== old && location.search.includes('lr='); }",
        before,
    )
    assert b"gradient at start" in sent  # the readouts came back
    assert_rest_not_resent(page, sent, ("A line through the plane", "What to notice", "The formulas"))
