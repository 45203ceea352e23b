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


def _messages(frames: list) -> list[tuple[str, str]]:
    """The page's WebSocket traffic as (direction, kind): the BackMsg's or ForwardMsg's type, and for
    the end of a run how it ended (FINISHED_FRAGMENT_RUN_SUCCESSFULLY, FINISHED_EARLY_FOR_RERUN, ...)."""
    import base64

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = []
    for direction, payload in frames:
        data = base64.b64decode(payload)
        if direction == "sent":
            msg = BackMsg()
            msg.ParseFromString(data)
            out.append(("sent", msg.WhichOneof("type")))
        else:
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "script_finished":  # how the run ended, by its enum name
                kind = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            out.append(("got", kind))
    return out


def test_play_asks_for_one_frame_at_a_time(page, server_url):
    """With the CPU slowed 4 times a frame takes longer than the 0.18 s tick.  The browser still asks
    for the next frame only once the last one has come back (ui.ticker; run_every asked on a fixed
    clock and queued reruns), and the run still ends at its last epoch, drawn paused."""
    page.goto(f"{server_url}/XOR_Training?epochs=500")
    wait_for_app(page)
    cdp = page.context.new_cdp_session(page)
    frames: list = []
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameSent", lambda e: frames.append(("sent", e["response"]["payloadData"])))
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append(("got", e["response"]["payloadData"])))
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stMetricValue']\")[3].innerText === 'finished'",
        timeout=120_000,
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.wait_for_timeout(1000)  # a request sent after the last frame would show up here
    assert _epoch(page) == "500 / 500"
    assert page.get_by_role("button", name="▶ Play").is_disabled()
    messages = _messages(frames)
    ends = [k for _, k in messages if k.startswith("FINISHED_")]
    sent = finished = 0
    for _, kind in messages:
        if kind == "rerun_script":
            assert sent == finished, f"request {sent + 1} sent before run {sent} had finished"
            sent += 1
        elif kind.startswith("FINISHED_"):
            finished += 1
    assert sent >= 3 and sent == finished  # the Play press, then one request per frame
    # every run was the live view's own, run to its end: no run abandoned for the next, and no full
    # rerun to end the play
    assert set(ends) == {"FINISHED_FRAGMENT_RUN_SUCCESSFULLY"}, ends
    assert "auto_rerun" not in [k for _, k in messages]  # no run_every clock
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


def test_keyboard_plays_pauses_and_steps(page, server_url):
    """A presenter scrolled down to the map: P plays and pauses, S steps one epoch, no click needed."""
    page.goto(f"{server_url}/XOR_Training?epochs=20000")
    wait_for_app(page)
    page.locator(".st-key-xor_chart_boundary").scroll_into_view_if_needed()
    page.mouse.click(5, 5)  # focus on the page, not on a control
    page.keyboard.press("s")
    page.wait_for_function("() => document.querySelector(\"[data-testid='stMetricValue']\").innerText === '1 / 20,000'")
    page.keyboard.press("p")
    page.get_by_role("button", name="⏸ Pause").wait_for()
    page.wait_for_function(
        "() => !['0 / 20,000', '1 / 20,000'].includes("
        "document.querySelector(\"[data-testid='stMetricValue']\").innerText)"
    )
    page.keyboard.press("p")
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stMetricValue']\")[3].innerText === 'paused'", timeout=60_000
    )
    frozen = _epoch(page)
    page.wait_for_timeout(1000)
    assert _epoch(page) == frozen
    assert_no_exception(page)
