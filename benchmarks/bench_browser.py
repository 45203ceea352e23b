"""lossviz in a real browser: slider latency against a trivial page, live training frame rate, cold start.

    python benchmarks/bench_browser.py [--presses 20] [--cold 3] [--skip latency,fps,cold] [--quick]

Serves the app (and benchmarks/trivial_app.py) with ``streamlit run`` on loopback and drives the
system Chromium through Playwright, reusing tests/browser/conftest.py's start_server and launch args.

* Slider latency: each lesson's main slider is focused and moved by keyboard (ArrowRight and
  ArrowLeft in turn) ``--presses`` times.  A probe in the page (a keydown listener and a
  MutationObserver) records the keydown time and two moments.  *Shown*: the frame painted once the
  slider's value, the readouts ([data-testid='stMetricValue'] text) and a chart (.js-plotly-plot:
  a new node, new data or a new layout) have all changed, which is what the student sees; on every
  lesson that happens before the rerun is back (lossviz.ui.preview; on the XOR page, measured paused
  at the end of the lesson's run, where a move shows the next rate's run).  Where a move changes
  every chart (XOR, whose preview draws its map first and its other charts after the next paints),
  *every chart shown* is reported too: the frame painted once all of them show it.  *Done*: the script state
  has gone to notRunning after the key press and the page has drawn everything; a chart may still
  be drawn again after that (st.plotly_chart draws each chart twice per move), so the move is done
  at the page's last DOM change, once nothing has changed for QUIET_MS, and the latency ends at the
  frame painted after that change.  It is split into start (key
  to script running), run (running to notRunning, as the page saw it: server time plus the page
  drawing the deltas as they arrive) and draw (the rest).  Per press, from outside the page: server
  round trip (WebSocket request sent to the rerun's last message received, by the browser's network
  timestamps), server CPU (/proc/<pid>/stat) and the page's main-thread time (DevTools
  Performance.getMetrics), and the bytes received.  The trivial one-slider, one-chart page is
  measured the same way in the same run, before and after the lessons (once with --quick).
  Target: each lesson's shown median within 1.3x of the trivial page's shown median; done ratios
  are printed beside them.  XOR's learning rate at epoch 0, where a move changes nothing on screen,
  is a reference row reported by done.  A third page,
  benchmarks/one_chart_app.py, is the trivial page with one lesson chart (the Explorer's loss panel) in
  place of its own, drawn as the lessons draw it (lossviz.ui.plot): its ratio is what one moving lesson
  chart costs.  A fourth, benchmarks/shell_page.py, is the trivial page served as a page of a temporary
  copy of the app (the navigation, the sidebar, the shared styles): its ratio is what the app's shell
  costs before any lesson content.
* Live frame rate: Play on the XOR page (the lesson's 5000 epochs); a requestAnimationFrame loop in
  the page logs each change of what the heatmap shows (a newly decoded image while playing, the
  plotly title when paused) and the moment the Status readout says 'finished'.  Targets: at least 4
  visible frames per second; 5000 epochs within 10 s.
* Cold start: ``streamlit run app.py`` process start to the home page's title visible (a browser
  already running), and the import time of ``lossviz`` in a fresh interpreter.

A script, not a test: the numbers depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lossviz.lessons import BY_ID  # noqa: E402
from tests.browser.conftest import LAUNCH_ARGS, chromium_path, start_server, stop_server, wait_for_app  # noqa: E402

METRICS = "[data-testid='stMetricValue']"
LATENCY_RATIO_TARGET = 1.3
FPS_TARGET = 4.0
EPOCHS_SECONDS_TARGET = 10.0
VIEWPORT = {"width": 1280, "height": 900}
QUIET_MS = 150  # a move is finished at the page's last DOM change before this long without one


@dataclass(frozen=True)
class Slider:
    """A page's main slider and what a move of it visibly changes."""

    name: str
    path: str  # URL path (and query) on the server
    key: str  # the widget key: its container has the CSS class st-key-<key>
    first_readout: bool  # readout = the first metric value only (else all metric values)
    expect: tuple[str, ...]  # what must change before the page counts as updated: "readout", "chart"
    note: str = ""
    clicks: tuple[str, ...] = ()  # buttons (widget keys) pressed once the page has loaded, before the moves


LESSON_SLIDERS = (
    Slider("Loss Explorer: p", BY_ID["explorer"].url_path, "explorer_p", True, ("readout", "chart")),
    Slider("Log(0) black hole: eps", BY_ID["blackhole"].url_path, "blackhole_eps", False, ("readout", "chart")),
    Slider("Why MSE fails: learning rate", BY_ID["landscape"].url_path, "landscape_lr", False, ("readout", "chart")),
    Slider(
        "XOR training: learning rate, after the run",
        BY_ID["xor"].url_path + "?step=1000",
        "xor_lr",
        False,
        ("readout", "chart"),
        "paused at epoch 5000 (Step +1000 five times): each move shows the next rate's run at epoch 5000",
        clicks=("xor_stepn",) * 5,
    ),
    Slider("Optimizer race: SGD learning rate", BY_ID["race"].url_path, "race_lr_sgd", False, ("readout", "chart")),
)
TRIVIAL = Slider("trivial page: x", "", "trivial_x", True, ("readout", "chart"))
XOR_AT_START = Slider(
    "XOR training: learning rate at epoch 0",
    BY_ID["xor"].url_path,
    "xor_lr",
    False,
    (),
    "at epoch 0 every rate shows the same initial weights, so a move changes no readout or chart and "
    "there is nothing to preview: done = rerun finished (a reference, not the page's target)",
)
FLOOR = Slider(
    "one lesson chart",
    "",
    "trivial_x",
    True,
    ("readout", "chart"),
    "the trivial page with the Explorer's loss chart instead of its own (benchmarks/one_chart_app.py): "
    "what one moving lesson chart costs",
)
SHELL = Slider(
    "trivial page in the lossviz shell",
    "Trivial_in_the_shell",
    "trivial_x",
    True,
    ("readout", "chart"),
    "the trivial page as a page of this app (benchmarks/shell_page.py: the multipage navigation, the "
    "sidebar and the shared styles of lossviz.ui.setup_page): what the shell costs before any lesson content",
)
SHELL_PAGE = "9_Trivial_in_the_shell.py"


@contextlib.contextmanager
def shell_app():
    """A temporary copy of the app with benchmarks/shell_page.py among its pages (the app folder is not written)."""
    with tempfile.TemporaryDirectory(prefix="lossviz-shell-") as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "app.py", root / "app.py")
        shutil.copytree(ROOT / "pages", root / "pages", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / ".streamlit", root / ".streamlit")
        (root / "lossviz").symlink_to(ROOT / "lossviz", target_is_directory=True)
        shutil.copy(ROOT / "benchmarks" / "shell_page.py", root / "pages" / SHELL_PAGE)
        shutil.copy(ROOT / "benchmarks" / "trivial_app.py", root / "trivial_app.py")  # run by the shell page
        yield root


# Installed in the page after it has loaded; (re)arms on every call.  Times are performance.now() ms.
PROBE_JS = r"""(cfg) => {
  const P = (window.__lvProbe = window.__lvProbe || {});
  const all = (sel) => Array.from(document.querySelectorAll(sel));
  P.cfg = cfg;
  P.readout = () => {
    const els = all(cfg.readout);
    return (cfg.first ? els.slice(0, 1) : els).map((e) => e.textContent.trim()).join(' | ');
  };
  P.charts = () => all('.js-plotly-plot');
  // plotly replaced the chart's data or layout since the key press (Plotly.react, or a preview's patch)
  P.newFigure = (c, i) => c.data !== P.base.data[i] || c.layout !== P.base.layout[i];
  P.slider = () => {
    const box = document.querySelector('.st-key-' + cfg.key);
    const s = box && box.querySelector("[role='slider'], input[type='range']");
    return s ? s.getAttribute('aria-valuetext') || s.getAttribute('aria-valuenow') || s.value : null;
  };
  P.state = () => {
    const app = document.querySelector("[data-testid='stApp']");
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  P.check = () => {
    const m = P.m;
    if (!P.armed || m.key === null) return;
    const now = performance.now();
    const state = P.state();
    if (state === 'running' && m.running === null) m.running = now;
    if (state === 'notRunning' && m.running !== null && m.idle === null) m.idle = now;
    if (!m.slider && P.slider() !== P.base.slider) m.slider = now;
    if (!m.readout && P.readout() !== P.base.readout) m.readout = now;
    if (!m.chart) {
      const cs = P.charts();
      // every chart there before is back (a remount removes the old node before the new one is
      // drawn: counting that gap as "updated" would stop the clock too early), one of them is new,
      // and all are drawn
      const moved = cs.length >= P.base.charts.length && cs.length > 0
        && cs.some((c, i) => c !== P.base.charts[i] || P.newFigure(c, i));
      if (moved && cs.every((c) => c.querySelector('.main-svg'))) m.chart = now;
    }
    if (!m.all) {
      // every chart shows the move (where a move changes them all: XOR's charts, drawn staggered)
      const cs = P.charts();
      const all = cs.length === P.base.charts.length && cs.length > 0
        && cs.every((c, i) => (c !== P.base.charts[i] || P.newFigure(c, i)) && c.querySelector('.main-svg'));
      if (all) {
        m.all = now;
        requestAnimationFrame(() => { m.allPaint = performance.now(); });
      }
    }
    const seen = cfg.expect.every((what) => m[what]) && (m.running !== null || cfg.expect.length > 0);
    if (m.shown === null && m.slider && cfg.expect.length > 0 && seen) {
      // what the student sees: the readout and the chart both show the move (the rerun may not be over)
      m.shown = now;
      requestAnimationFrame(() => { m.shownPaint = performance.now(); });
    }
    if (state === 'notRunning' && m.slider && seen && m.updated === null) {
      m.updated = now;
      P.settle();
    }
  };
  // Updated is not yet finished: a chart can be drawn again after the first change (st.plotly_chart
  // draws each chart twice per move).  The page is done at its last DOM change once nothing has
  // changed for QUIET ms, and the latency ends at the frame painted after that change.
  P.mutated = () => {
    const m = P.m;
    if (m.key === null || m.paint !== null) return;
    const now = performance.now();
    m.last = now;
    requestAnimationFrame(() => { if (m.last === now) m.lastPaint = performance.now(); });
  };
  P.settle = () => {
    const m = P.m;
    if (performance.now() - m.last < cfg.quiet || m.lastPaint === null) { setTimeout(P.settle, 20); return; }
    P.armed = false;
    m.done = m.last;
    const cs = P.charts();
    m.charts = cs.length;
    m.redrawn = cs.filter((c, i) => !P.base.charts.includes(c) || P.newFigure(c, i)).length;
    m.paint = m.lastPaint;
  };
  if (!P.installed) {
    P.installed = true;
    document.addEventListener('keydown', () => { if (P.armed && P.m.key === null) P.m.key = performance.now(); }, true);
    new MutationObserver(() => { P.mutated(); P.check(); }).observe(document.body,
      { subtree: true, childList: true, attributes: true, characterData: true });
  }
  const charts = P.charts();
  P.base = { readout: P.readout(), charts, data: charts.map((c) => c.data), layout: charts.map((c) => c.layout),
    slider: P.slider() };
  P.m = { key: null, running: null, idle: null, slider: null, readout: null, chart: null, updated: null,
    shown: null, shownPaint: null, all: null, allPaint: null,
    last: null, lastPaint: null, done: null, paint: null };
  P.armed = true;
  return P.base.slider;
}"""

# Play on the XOR page: per animation frame, what the heatmap shows: the decoded image while playing
# (st.image, a new src per frame) or the plotly chart's title (paused; the title names the epoch).
# Each change is a frame the student saw.  Ends when the Status readout says 'finished'.
FPS_JS = r"""() => {
  const P = (window.__lvFps = { click: null, finished: null, frames: [], last: null });
  document.addEventListener('click', (e) => {
    if (P.click === null && e.target.closest('.st-key-xor_play')) P.click = performance.now();
  }, true);
  const shown = () => {
    const box = document.querySelector('.st-key-xor_live') || document;
    const img = box.querySelector("[data-testid='stImage'] img");
    if (img) return img.complete && img.naturalWidth > 0 ? 'img ' + img.currentSrc : P.last;
    const t = box.querySelector('.js-plotly-plot .gtitle');
    return t ? 'plot ' + t.textContent : P.last;
  };
  const tick = () => {
    const now = performance.now();
    const text = shown();
    if (text !== P.last) {
      if (P.click !== null) P.frames.push([now, text]);
      P.last = text;
    }
    const m = document.querySelectorAll("[data-testid='stMetricValue']");
    if (P.click !== null && m.length > 3 && m[3].textContent.trim() === 'finished') P.finished = now;
    if (P.finished === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def row(section: str, what: str, value: str, target: str = "", verdict: str = "") -> dict:
    return {"section": section, "what": what, "value": value, "target": target, "verdict": verdict}


def pct(xs, q: float) -> float:
    return float(np.percentile(np.asarray(xs, dtype=float), q))


def exceptions_on(page) -> int:
    return page.locator("[data-testid='stException']").count()


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Cost:
    """Server CPU (/proc) and the page's main-thread time (Chrome DevTools Performance metrics) over a stretch."""

    def __init__(self, ctx, page, pid: int):
        self.cdp = ctx.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.cdp.send("Network.enable")
        self.received = 0  # WebSocket bytes from the server (binary frames arrive base64-encoded)
        self.sent_at: list[float] = []  # network-service timestamps (s) of WebSocket frames
        self.received_at: list[float] = []
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.on("Network.webSocketFrameSent", lambda e: self.sent_at.append(e["timestamp"]))
        self.pid = pid
        self.start = self._now()

    def _frame(self, event) -> None:
        r = event["response"]
        n = len(r.get("payloadData", ""))
        self.received += n * 3 // 4 if r.get("opcode") == 2 else n
        self.received_at.append(event["timestamp"])

    def mark(self) -> tuple[int, int]:
        return len(self.sent_at), len(self.received_at)

    def round_trip(self, mark: tuple[int, int]) -> float | None:
        """ms from the first frame sent after ``mark`` (the rerun request) to the last frame received since
        (the script-finished message), as the browser's network service saw them: no page rendering in it."""
        sent, got = self.sent_at[mark[0] :], self.received_at[mark[1] :]
        return (got[-1] - sent[0]) * 1000 if sent and got and got[-1] > sent[0] else None

    def _now(self) -> dict:
        got = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        got["server"] = proc_cpu_seconds(self.pid)
        got["bytes"] = self.received
        return got

    def since(self) -> dict:
        """Since construction: server CPU and browser main thread (all tasks; script; layout) in s; WebSocket bytes."""
        now = self._now()
        keys = ("server", "TaskDuration", "ScriptDuration", "LayoutDuration", "bytes")
        return {k: now[k] - self.start[k] for k in keys}


def new_page(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return ctx, page, errors


# ------------------------------------------------------------------ slider latency


def move_slider(page, slider: Slider, key: str, timeout_ms: float = 30_000) -> dict:
    """Press ``key`` on the slider's thumb; the probe's timings (ms, page clock) once the page has updated."""
    page.evaluate(
        PROBE_JS,
        {
            "key": slider.key,
            "readout": METRICS,
            "first": slider.first_readout,
            "expect": list(slider.expect),
            "quiet": QUIET_MS,
        },
    )
    page.locator(f".st-key-{slider.key}").get_by_role("slider").first.focus()
    page.keyboard.press(key)
    page.wait_for_function("() => window.__lvProbe.m.paint !== null", timeout=timeout_ms, polling=20)
    return page.evaluate("() => window.__lvProbe.m")


def measure_slider(browser, url: str, pid: int, slider: Slider, presses: int, settle_ms: int = 100) -> dict:
    ctx, page, errors = new_page(browser)
    try:
        t0 = time.perf_counter()
        page.goto(f"{url}/{slider.path}")
        wait_for_app(page)
        load = time.perf_counter() - t0 - 0.15  # wait_for_app ends with a 150 ms pause
        for key in slider.clicks:  # each press: its rerun has started and finished
            before = page.locator(METRICS).first.inner_text()
            page.locator(f".st-key-{key} button").click()
            page.wait_for_function(
                "([sel, text]) => document.querySelector(sel).textContent !== text", arg=[METRICS, before]
            )
            wait_for_app(page)
        cost = Cost(ctx, page, pid)
        lat, shown, every, phases, rtts, redrawn, failures = [], [], [], [], [], [], []
        for i in range(presses):
            mark = cost.mark()
            try:
                m = move_slider(page, slider, "ArrowRight" if i % 2 == 0 else "ArrowLeft")
            except Exception as exc:  # noqa: BLE001 - a timeout is a result, reported as a failure
                failures.append(f"press {i + 1}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
                wait_for_app(page)
                continue
            lat.append(m["paint"] - m["key"])
            if m["shownPaint"] is not None:
                shown.append(m["shownPaint"] - m["key"])
            if m["allPaint"] is not None and m["allPaint"] <= m["paint"]:
                every.append(m["allPaint"] - m["key"])
            redrawn.append((m["redrawn"], m["charts"]))
            if m["running"] is not None and m["idle"] is not None:  # key -> script start -> script end -> paint
                phases.append((m["running"] - m["key"], m["idle"] - m["running"], m["paint"] - m["idle"]))
            page.wait_for_timeout(settle_ms)
            if (rtt := cost.round_trip(mark)) is not None:
                rtts.append(rtt)
        used = {k: v / presses * 1000 for k, v in cost.since().items()}  # ms per press
        exc_boxes = exceptions_on(page)
        if exc_boxes:
            failures.append(f"{exc_boxes} exception box(es) on the page")
        failures += [f"page error: {e[:120]}" for e in errors]
        return {
            "slider": slider,
            "load": load,
            "lat": lat,
            "shown": shown,
            "every": every,
            "phases": phases,
            "rtt": rtts,
            "redrawn": redrawn,
            "used": used,
            "failures": failures,
        }
    finally:
        ctx.close()


def latency_rows(results: list[dict], trivial: list[dict]) -> list[dict]:
    """One row per page.  The verdict compares *shown* medians (key press to the first frame in which
    the readout and the chart both show the move: what the student sees); *done* (the rerun over and
    the page quiet) is reported beside it.  A slider whose move changes nothing on screen (XOR's lr
    at epoch 0, a reference row) is reported by done."""
    sec = "Slider latency (browser, ms)"
    base_lat = [x for r in trivial for x in r["lat"]]
    base_shown = [x for r in trivial for x in r["shown"]]
    base = statistics.median(base_lat) if base_lat else float("nan")
    base_s = statistics.median(base_shown) if base_shown else float("nan")
    rows = []
    for r in [*trivial, *results]:
        s: Slider = r["slider"]
        if not r["lat"]:
            rows.append(row(sec, s.name, "no update measured; " + "; ".join(r["failures"][:2]), "", "FAILED"))
            continue
        med, p95 = statistics.median(r["lat"]), pct(r["lat"], 95)
        split = ""
        if r["phases"]:
            start, run, draw = np.median(np.array(r["phases"]), axis=0)
            split = f" ≈ start {start:.0f} + run {run:.0f} + draw {draw:.0f}"
        u = r["used"]
        rtt = f"; server round trip median {statistics.median(r['rtt']):.0f}" if r["rtt"] else ""
        redraw = np.median(np.array(r["redrawn"]), axis=0)
        rtt += f"; plotly charts redrawn {redraw[0]:.0f} of {redraw[1]:.0f}"
        shown = ""
        if r["shown"]:
            sm = statistics.median(r["shown"])
            shown = f"shown median {sm:.0f}, p95 {pct(r['shown'], 95):.0f}; "
            if len(r["every"]) == len(r["lat"]):  # every chart changed on every move
                shown += f"every chart shown median {statistics.median(r['every']):.0f}; "
        value = (
            f"{shown}done median {med:.0f}{split}, p95 {p95:.0f}, 1st {r['lat'][0]:.0f} (n={len(r['lat'])}){rtt}; "
            f"per press: server CPU {u['server']:.0f}, browser main thread {u['TaskDuration']:.0f} "
            f"(JS {u['ScriptDuration']:.0f}, layout {u['LayoutDuration']:.0f}), "
            f"{u['bytes'] / 1.024e6:.0f} KiB received; "
            f"page load {r['load']:.1f} s"
        )
        if s is TRIVIAL:
            rows.append(row(sec, s.name + " (baseline)", value))
            continue
        ratio_done = med / base
        ratio = statistics.median(r["shown"]) / base_s if r["shown"] else ratio_done
        ratios = f"ratio {ratio:.2f}x" + (f" (done {ratio_done:.2f}x)" if r["shown"] else " (done)")
        if s is FLOOR or s is SHELL or s is XOR_AT_START:  # a reference, not a lesson's target: no verdict
            rows.append(row(sec, s.name, f"{value}; {ratios}; {s.note}"))
            continue
        verdict = "met" if ratio <= LATENCY_RATIO_TARGET else "MISSED"
        if r["failures"]:
            verdict += f" ({len(r['failures'])} failures: {r['failures'][0]})"
        note = f"; {s.note}" if s.note else ""
        target = f"<= {LATENCY_RATIO_TARGET}x trivial median"
        rows.append(row(sec, s.name, f"{value}; {ratios}{note}", target, verdict))
    return rows


# ------------------------------------------------------------------ live training frame rate


def measure_fps(browser, url: str, pid: int, timeout_s: float = 60) -> list[dict]:
    sec = "Live training (browser, XOR)"
    ctx, page, errors = new_page(browser)
    try:
        page.goto(f"{url}/{BY_ID['xor'].url_path}")
        wait_for_app(page)
        epochs_text = page.locator(METRICS).first.inner_text().strip()  # "0 / 5,000"
        total = int(epochs_text.split("/")[1].replace(",", ""))
        page.evaluate(FPS_JS)
        cost = Cost(ctx, page, pid)
        page.locator(".st-key-xor_play button").click()
        page.wait_for_function("() => window.__lvFps.finished !== null", timeout=timeout_s * 1000, polling=50)
        used = cost.since()
        r = page.evaluate("() => window.__lvFps")
        final = page.locator(METRICS).first.inner_text().strip()
        failures = [f"page error: {e[:120]}" for e in errors]
        if exceptions_on(page):
            failures.append("exception box on the page")
    finally:
        ctx.close()
    dur = (r["finished"] - r["click"]) / 1000
    times = [t for t, _ in r["frames"]]
    frames = len(times)
    gaps = np.diff([r["click"], *times]) if times else np.array([])
    fps = frames / dur
    eps = total / dur
    first = (times[0] - r["click"]) if times else float("nan")
    bad = "; ".join(failures)
    per = {k: v / max(frames, 1) * 1000 for k, v in used.items()}
    busy = (
        f"per frame: server CPU {per['server']:.0f} ms, browser main thread {per['TaskDuration']:.0f} ms "
        f"(JS {per['ScriptDuration']:.0f}, layout {per['LayoutDuration']:.0f}), {per['bytes'] / 1.024e6:.0f} KiB; "
        f"busy over the run: server "
        f"{used['server'] / dur:.0%}, browser main thread {used['TaskDuration'] / dur:.0%} of a core"
    )
    return [
        row(
            sec,
            "visible heatmap frames per second during Play",
            f"{fps:.1f} fps ({frames} frames in {dur:.1f} s; frame gap median {np.median(gaps):.0f} ms, "
            f"p95 {pct(gaps, 95):.0f} ms; first frame {first:.0f} ms after the click); {busy}"
            + (f"; {bad}" if bad else ""),
            f">= {FPS_TARGET:g} fps",
            "met" if fps >= FPS_TARGET and not failures else "MISSED",
        ),
        row(
            sec,
            f"{total} epochs played (click Play -> Status 'finished')",
            f"{dur:.1f} s, {eps:.0f} epochs/s (final readout {final!r})",
            f"<= {EPOCHS_SECONDS_TARGET:g} s",
            "met" if dur <= EPOCHS_SECONDS_TARGET else "MISSED",
        ),
    ]


# ------------------------------------------------------------------ cold start


def import_seconds(module: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = [
        float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
        for _ in range(repeats)
    ]
    return statistics.median(out)


def importtime_top(module: str, names: tuple[str, ...]) -> dict[str, float]:
    """Cumulative import time (s) of top-level packages, from ``python -X importtime``."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True
    ).stderr
    out = {}
    for line in err.splitlines():  # "import time:  self | cumulative | <indent>package"; each package once
        m = re.match(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|\s*(\S+)$", line)
        if m and m.group(2) in names:
            out.setdefault(m.group(2), int(m.group(1)) / 1e6)
    return out


def measure_cold_start(browser, repeats: int) -> list[dict]:
    sec = "Cold start"
    health, title = [], []
    for _ in range(repeats):
        ctx, page, _ = new_page(browser)
        t0 = time.perf_counter()
        proc, url, log = start_server()  # polls /_stcore/health every 0.3 s
        health.append(time.perf_counter() - t0)
        try:
            page.goto(f"{url}/")
            page.locator("h1", has_text="lossviz").first.wait_for(state="visible", timeout=60_000)
            title.append(time.perf_counter() - t0)
        finally:
            ctx.close()
            stop_server(proc, log)
    reps = 5 if repeats > 1 else 3
    t_lv = import_seconds("lossviz", reps)
    t_ui = import_seconds("lossviz.ui", reps)
    top = importtime_top("lossviz.ui", ("numpy", "streamlit", "plotly", "pandas", "lossviz"))
    parts = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(top.items(), key=lambda kv: -kv[1]))
    return [
        row(
            sec,
            "`streamlit run app.py` start -> home title visible",
            f"median {statistics.median(title):.2f} s (server healthy at {statistics.median(health):.2f} s; "
            f"n={repeats}; health polled every 0.3 s)",
        ),
        row(sec, "`import lossviz` (fresh interpreter)", f"{t_lv * 1000:.0f} ms (median of {reps})"),
        row(
            sec,
            "`import lossviz.ui` (what a page imports: + streamlit)",
            f"{t_ui * 1000:.0f} ms (median of {reps}); -X importtime cumulative: {parts}",
        ),
    ]


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=20, help="key presses per slider (default 20)")
    ap.add_argument("--cold", type=int, default=3, help="cold starts (default 3)")
    ap.add_argument("--quick", action="store_true", help="6 presses, trivial page once, 1 cold start")
    ap.add_argument("--skip", default="", help="comma list of parts to skip: latency,fps,cold")
    args = ap.parse_args(argv)
    presses = 6 if args.quick else args.presses
    cold = 1 if args.quick else args.cold
    skip = set(filter(None, args.skip.split(",")))
    from playwright.sync_api import sync_playwright

    rows: list[dict] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        try:
            if "cold" not in skip:
                rows += measure_cold_start(browser, cold)
            if "latency" not in skip or "fps" not in skip:
                proc, url, log = start_server()
                tproc, turl, tlog = start_server("benchmarks/trivial_app.py")
                try:
                    if "latency" not in skip:
                        trivial = [measure_slider(browser, turl, tproc.pid, TRIVIAL, presses)]
                        lessons = [measure_slider(browser, url, proc.pid, s, presses) for s in LESSON_SLIDERS]
                        lessons.append(measure_slider(browser, url, proc.pid, XOR_AT_START, presses))
                        fproc, furl, flog = start_server("benchmarks/one_chart_app.py")
                        try:
                            lessons.insert(0, measure_slider(browser, furl, fproc.pid, FLOOR, presses))
                        finally:
                            stop_server(fproc, flog)
                        with shell_app() as shell_root:
                            sproc, surl, slog = start_server("app.py", cwd=shell_root)
                            try:
                                lessons.insert(0, measure_slider(browser, surl, sproc.pid, SHELL, presses))
                            finally:
                                stop_server(sproc, slog)
                        if not args.quick:  # again after the lessons: drift on the machine shows up as a spread
                            trivial.append(measure_slider(browser, turl, tproc.pid, TRIVIAL, presses))
                        merged = {
                            "slider": TRIVIAL,
                            "load": statistics.median(r["load"] for r in trivial),
                            "lat": [x for r in trivial for x in r["lat"]],
                            "shown": [x for r in trivial for x in r["shown"]],
                            "every": [x for r in trivial for x in r["every"]],
                            "phases": [x for r in trivial for x in r["phases"]],
                            "rtt": [x for r in trivial for x in r["rtt"]],
                            "redrawn": [x for r in trivial for x in r["redrawn"]],
                            "used": {k: statistics.mean(r["used"][k] for r in trivial) for k in trivial[0]["used"]},
                            "failures": [f for r in trivial for f in r["failures"]],
                        }
                        rows += latency_rows(lessons, [merged])
                    if "fps" not in skip:
                        rows += measure_fps(browser, url, proc.pid)
                finally:
                    stop_server(tproc, tlog)
                    stop_server(proc, log)
        finally:
            browser.close()
    return rows


if __name__ == "__main__":
    from run_all import print_table

    print_table(main())
