"""Load: 30 concurrent browser sessions against one lossviz server, on loopback.

    python benchmarks/bench_load.py [--sessions 30] [--moves 2] [--limit 60] [--parallel 2] [--quick]

One Chromium (run at a lower CPU priority than the server, ``--nice``), one browser context (= one
Streamlit session) per simulated student.  After one warm-up visit (the teacher opening the app),
every session opens the Loss Explorer at its own p (0.05, 0.08, 0.11, ...), ``--parallel`` page
loads at a time; one session in three also opens the XOR page in a second tab.  Then, all at once
and for at most ``--limit`` seconds: those XOR tabs press Play, and every session moves its p slider
by keyboard ``--moves`` times (one step right, one back), each move timed with bench_browser.py's
in-page probe (key press to updated readout and chart, painted) and by the browser's network
timestamps (WebSocket request sent to the rerun's last message received).

Reported: move latency p50/p95, server responsiveness (GET /_stcore/health from a separate process every
0.25 s during the concurrent phase), page-load p50/p95, errors (wrong readouts, session leaks,
exception boxes, page errors: must be zero), timeouts (a wait that ran out of its bound), the XOR
runs, the server process's peak memory (VmHWM) and CPU (utime + stime from /proc/<pid>/stat, in
cores) and the whole machine's CPU (/proc/stat).  The browser shares the machine with the server:
on 2 cores the 30 Chromium tabs, not the server, are the bottleneck (see RESULTS.md).

Isolation: after every move a session checks that its BCE readout, its URL's p and its slider show
its own value; at the end every value any session saw is checked against every other session's
values (all distinct by construction): a value from another session is an error.

Bounded: at most 31 sessions on 127.0.0.1; every wait has a timeout; opening stops after
``--open-limit`` s, the concurrent phase after ``--limit`` s.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_browser import FPS_JS, LESSON_SLIDERS, METRICS, PROBE_JS, VIEWPORT, proc_cpu_seconds, row  # noqa: E402

from lossviz import explorer as ex  # noqa: E402
from lossviz.lessons import BY_ID  # noqa: E402
from lossviz.params import format_number  # noqa: E402
from lossviz.playback import epochs_per_tick  # noqa: E402
from tests.browser.conftest import LAUNCH_ARGS, chromium_path, start_server, stop_server  # noqa: E402

SECTION = "Load (browser sessions on one server)"
EXPLORER = LESSON_SLIDERS[0]
assert EXPLORER.key == "explorer_p"
MAX_SESSIONS = 31  # own p values 0.05, 0.08, ... 0.95 and one step right of each: all distinct
EPS, DTYPE = 1e-15, "float64"  # the Explorer's defaults (the deep link sets only p)
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
IDLE = (
    "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
    " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
    " && !document.querySelector(\"[data-testid='stSkeleton']\"); }"
)


def own_values(i: int) -> tuple[float, float]:
    """Session i's p and the grid value one ArrowRight above it."""
    p = float(f"0.{5 + 3 * i:02d}")
    return p, ex.P_GRID[ex.P_GRID.index(p) + 1]


def readout(p: float) -> str:
    return format_number(ex.point(1, p, EPS, DTYPE).bce)


async def wait_ready(page, timeout_ms: float) -> None:
    await page.wait_for_selector(CONNECTED, timeout=timeout_ms)
    await page.wait_for_function(IDLE, timeout=timeout_ms, polling=50)


def failure(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:150]}"


# ------------------------------------------------------------------ /proc sampling (Linux) and health probe


def proc_status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def machine_busy() -> tuple[int, int]:
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle = vals[3] + vals[4]
    return sum(vals) - idle, sum(vals)


async def monitor(pid: int, samples: list, stop: asyncio.Event, every: float = 0.25) -> None:
    while not stop.is_set():
        busy, total = machine_busy()
        samples.append((time.perf_counter(), proc_cpu_seconds(pid), busy, total))
        try:
            await asyncio.wait_for(stop.wait(), every)
        except TimeoutError:
            pass


# Run in its own process (this one is busy relaying the browser's events): GET /_stcore/health every
# 0.25 s until stdin closes; one line per request: milliseconds, or "none" after 10 s without an answer.
HEALTH_PROBE = """
import sys, threading, time, urllib.request
url, stop = sys.argv[1], threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
while not stop.is_set():
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as r:
            r.read()
        print(f"{(time.perf_counter() - t) * 1000:.1f}", flush=True)
    except OSError:
        print("none", flush=True)
    stop.wait(0.25)
"""


def start_health_probe(url: str) -> subprocess.Popen:
    """The server's own responsiveness: its event loop answering a trivial request, from a separate process."""
    return subprocess.Popen(
        [sys.executable, "-c", HEALTH_PROBE, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def stop_health_probe(probe: subprocess.Popen) -> list[float | None]:
    out, _ = probe.communicate(input="", timeout=30)
    return [None if line == "none" else float(line) for line in out.split()]


def niced_chromium(folder: str, niceness: int) -> str | None:
    """A wrapper that starts the system Chromium at a lower CPU priority than the server it loads."""
    exe = chromium_path()
    if not niceness or exe is None:
        return exe
    wrapper = Path(folder) / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(niceness)} {shlex.quote(exe)} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


# ------------------------------------------------------------------ one simulated student


class Student:
    """One simulated student: a browser context (its own Streamlit session) with the Explorer, maybe XOR too."""

    def __init__(self, i: int, xor: bool):
        self.i, self.xor = i, xor
        self.p_own, self.p_next = own_values(i)
        self.lat: list[float] = []
        self.rtt: list[float] = []
        self.errors: list[str] = []  # wrong values, leaks, exceptions, page errors
        self.timeouts: list[str] = []  # a wait ran out of its bound
        self.seen: set[tuple[str, str]] = set()
        self.load: float | None = None
        self.xor_result: tuple | None = None
        self.ctx = self.page = self.xpage = None
        self.ready = False  # opened completely (an open cut off by the time bound leaves this False)
        self.sent_at: list[float] = []  # WebSocket frame timestamps from the browser's network service (s)
        self.received_at: list[float] = []

    def _fail(self, where: str, exc: Exception) -> None:
        bucket = self.timeouts if type(exc).__name__ == "TimeoutError" else self.errors
        bucket.append(f"session {self.i} {where}: {failure(exc)}")

    async def check_own(self, p: float) -> None:
        """The session's BCE readout, URL and slider all show its own p."""
        page, want = self.page, ex.format_p(p)
        try:
            await page.wait_for_function(
                "(v) => new URLSearchParams(location.search).get('p') === v", arg=want, timeout=10_000, polling=50
            )
        except Exception:  # noqa: BLE001 - a wrong URL is reported below
            pass
        text = (await page.locator(METRICS).first.inner_text()).strip()
        url_p = parse_qs(urlparse(page.url).query).get("p", [""])[0]
        slider = (
            await page.locator(f".st-key-{EXPLORER.key}").get_by_role("slider").first.get_attribute("aria-valuetext")
        )
        self.seen |= {("readout", text), ("url", url_p), ("slider", slider)}
        if (text, url_p, slider) != (readout(p), want, want):
            self.errors.append(
                f"session {self.i}: expected p={want} (BCE {readout(p)}), shows BCE {text}, URL p={url_p}, "
                f"slider {slider}"
            )

    async def open(self, browser, url: str, timeout_ms: float) -> None:
        """Open the Explorer at this student's p (and the XOR page); check the page shows that p."""
        try:
            self.ctx = await browser.new_context(viewport=VIEWPORT)
            self.page = await self.ctx.new_page()
            self.page.on("pageerror", lambda e: self.errors.append(f"session {self.i} page error: {str(e)[:120]}"))
            t0 = time.perf_counter()
            await self.page.goto(f"{url}/{EXPLORER.path}?p={ex.format_p(self.p_own)}", timeout=timeout_ms)
            await wait_ready(self.page, timeout_ms)
            self.load = time.perf_counter() - t0
            await self.check_own(self.p_own)
            cdp = await self.ctx.new_cdp_session(self.page)
            await cdp.send("Network.enable")
            cdp.on("Network.webSocketFrameSent", lambda e: self.sent_at.append(e["timestamp"]))
            cdp.on("Network.webSocketFrameReceived", lambda e: self.received_at.append(e["timestamp"]))
            if self.xor:
                self.xpage = await self.ctx.new_page()
                self.xpage.on("pageerror", lambda e: self.errors.append(f"session {self.i} XOR error: {str(e)[:120]}"))
                await self.xpage.goto(f"{url}/{BY_ID['xor'].url_path}", timeout=timeout_ms)
                await wait_ready(self.xpage, timeout_ms)
                await self.xpage.evaluate(FPS_JS)
            self.ready = True
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            self._fail("opening", exc)

    async def act(self, moves: int, deadline: float) -> None:
        """Press Play on XOR (one in three), move p ``moves`` times checking every readout, wait for XOR to end."""
        if not self.ready:
            return
        remaining = lambda: max(1.0, deadline - time.perf_counter()) * 1000  # noqa: E731
        page, xpage = self.page, self.xpage
        try:
            if xpage is not None:
                await xpage.locator(".st-key-xor_play button").click(timeout=remaining())
            cfg = {"key": EXPLORER.key, "readout": METRICS, "first": True, "expect": list(EXPLORER.expect)}
            thumb = page.locator(f".st-key-{EXPLORER.key}").get_by_role("slider").first
            for k in range(moves):
                mark = len(self.sent_at), len(self.received_at)
                await page.evaluate(PROBE_JS, cfg)
                await thumb.focus(timeout=remaining())
                await page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
                await page.wait_for_function("() => window.__lvProbe.m.paint !== null", timeout=remaining(), polling=20)
                m = await page.evaluate("() => window.__lvProbe.m")
                self.lat.append(m["paint"] - m["key"])
                await self.check_own(self.p_next if k % 2 == 0 else self.p_own)
                sent, got = self.sent_at[mark[0] :], self.received_at[mark[1] :]
                if sent and got and got[-1] > sent[0]:  # request sent -> last message received: no rendering in it
                    self.rtt.append((got[-1] - sent[0]) * 1000)
            await self.check_own(self.p_own if moves % 2 == 0 else self.p_next)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            self._fail("moving p", exc)
        if xpage is not None:  # not finishing within the bound is reported with the XOR row
            try:
                finished = "() => !!window.__lvFps && window.__lvFps.finished !== null"
                await xpage.wait_for_function(finished, timeout=remaining(), polling=100)
            except Exception:  # noqa: BLE001
                pass
            try:
                r = await xpage.evaluate("() => window.__lvFps")
                epoch = (await xpage.locator(METRICS).first.inner_text(timeout=5_000)).strip()
                took = None if r["finished"] is None or r["click"] is None else (r["finished"] - r["click"]) / 1000
                self.xor_result = (took, len(r["frames"]), epoch)
            except Exception as exc:  # noqa: BLE001
                self._fail("XOR readout", exc)
        for pg in (page, xpage):
            try:
                if pg is not None and await pg.locator("[data-testid='stException']").count():
                    self.errors.append(f"session {self.i}: exception box on {pg.url}")
            except Exception as exc:  # noqa: BLE001
                self._fail("exception check", exc)

    async def close(self) -> None:
        if self.ctx is not None:
            await self.ctx.close()


# ------------------------------------------------------------------ the run


async def run(sessions: int, moves: int, limit: float, parallel: int, open_limit: float, niceness: int) -> list[dict]:
    from playwright.async_api import async_playwright

    texts = {readout(p) for i in range(sessions) for p in own_values(i)}
    assert len(texts) == 2 * sessions, "the sessions' readouts must be distinct for the isolation check"
    students = [Student(i, xor=i % 3 == 0) for i in range(sessions)]
    timeouts: list[str] = []
    proc, url, log = start_server()
    samples: list = []
    health: list[float | None] = []
    stop = asyncio.Event()
    tmp = tempfile.TemporaryDirectory()
    probe = None
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=niced_chromium(tmp.name, niceness), args=LAUNCH_ARGS)
            try:
                # one visit to each page first (a teacher opening the app): imports and the XOR run's cache
                ctx = await browser.new_context(viewport=VIEWPORT)
                page = await ctx.new_page()
                for path in (EXPLORER.path, BY_ID["xor"].url_path):
                    await page.goto(f"{url}/{path}")
                    await wait_ready(page, 60_000)
                await ctx.close()
                rss_idle = proc_status_kib(proc.pid, "VmRSS")
                mon = asyncio.create_task(monitor(proc.pid, samples, stop))

                # phase 1: everybody opens the app, `parallel` page loads at a time
                gate = asyncio.Semaphore(parallel)

                async def open_one(s: Student) -> None:
                    async with gate:
                        await s.open(browser, url, 60_000)

                t_open = time.perf_counter()
                _, late = await asyncio.wait([asyncio.create_task(open_one(s)) for s in students], timeout=open_limit)
                for job in late:
                    job.cancel()
                if late:
                    timeouts.append(f"{len(late)} sessions not open within {open_limit:g} s")
                    await asyncio.sleep(0.5)
                open_wall = time.perf_counter() - t_open
                rss_open = proc_status_kib(proc.pid, "VmRSS")

                # phase 2: all at once: Play on XOR, slider moves, checks; bounded by `limit`
                probe = start_health_probe(url)
                t1 = time.perf_counter()
                jobs = [asyncio.create_task(s.act(moves, t1 + limit)) for s in students]
                _, late = await asyncio.wait(jobs, timeout=limit + 15)
                for job in late:
                    job.cancel()
                if late:
                    timeouts.append(f"{len(late)} sessions still busy {limit + 15:g} s into the concurrent phase")
                t2 = time.perf_counter()
                stop.set()
                await mon
                health = stop_health_probe(probe)
                for s in students:
                    try:
                        await s.close()
                    except Exception:  # noqa: BLE001 - closing a cancelled session
                        pass
            finally:
                await browser.close()
        peak_rss = proc_status_kib(proc.pid, "VmHWM")
    finally:
        if probe is not None and probe.poll() is None:
            probe.kill()
        stop_server(proc, log)
        tmp.cleanup()

    errors = [e for s in students for e in s.errors]
    timeouts = [e for s in students for e in s.timeouts] + timeouts
    # isolation: nothing one session saw belongs to another
    owner = {}
    for i in range(sessions):
        for p in own_values(i):
            owner |= {("readout", readout(p)): i, ("url", ex.format_p(p)): i, ("slider", ex.format_p(p)): i}
    leaks = [(s.i, what, owner[what]) for s in students for what in s.seen if owner.get(what, s.i) != s.i]
    errors += [f"session {i} showed {what[0]} {what[1]!r} of session {j}" for i, what, j in leaks]
    checked = sum(1 for s in students if s.ready)

    lat = [x for s in students for x in s.lat]
    rtt = [x for s in students for x in s.rtt]
    loads = [s.load for s in students if s.load is not None]
    opened = sum(1 for s in students if s.ready)
    xors = [s.xor_result for s in students if s.xor_result is not None]
    took = [x[0] for x in xors if x[0] is not None]
    n_xor = sum(1 for s in students if s.xor)
    xor_open = sum(1 for s in students if s.xor and s.ready)
    ticks = math.ceil(5000 / epochs_per_tick(5000))
    answered = [h for h in health if h is not None]
    t, cpu, busy, total = (np.array(col, dtype=float) for col in zip(*samples, strict=True))
    act = (t >= t1) & (t <= t2 + 0.3)  # the concurrent phase
    ta, ca, ba, sa = t[act], cpu[act], busy[act], total[act]
    cores = (ca[-1] - ca[0]) / (ta[-1] - ta[0])
    win = 4  # samples every 0.25 s: about one second
    peak_cores = max(((ca[k + win] - ca[k]) / (ta[k + win] - ta[k]) for k in range(len(ta) - win)), default=cores)
    ncpu = os.cpu_count() or 1
    machine = (ba[-1] - ba[0]) / (sa[-1] - sa[0]) * ncpu
    pcts = lambda xs, unit="ms", f=".0f": (  # noqa: E731
        f"p50 {np.percentile(xs, 50):{f}} {unit}, p95 {np.percentile(xs, 95):{f}} {unit}" if xs else "none"
    )

    for e in errors + timeouts:
        print(f"load: {e}", file=sys.stderr)
    return [
        row(
            SECTION,
            f"slider moves, {sessions} sessions x {moves} (+ XOR Play in {n_xor})",
            f"on screen {pcts(lat)}, max {max(lat, default=float('nan')):.0f} ms; server round trip (WebSocket "
            f"request -> last reply, browser network timestamps) {pcts(rtt)}; {len(lat)} of {sessions * moves} "
            f"moves done within the {limit:g} s bound",
        ),
        row(
            SECTION,
            "server responsiveness during the concurrent phase",
            f"GET /_stcore/health every 0.25 s: {pcts(answered)}, max {max(answered, default=float('nan')):.0f} ms "
            f"({len(health) - len(answered)} of {len(health)} unanswered in 10 s)",
        ),
        row(
            SECTION,
            f"Explorer page load, {parallel} at a time",
            f"{pcts(loads, 's', '.1f')}; {opened} of {sessions} sessions ready ({xor_open} of {n_xor} with an "
            f"XOR tab) after {open_wall:.0f} s",
        ),
        row(
            SECTION,
            f"XOR Play, {n_xor} tabs at once (5000 epochs)",
            f"{len(took)} of {n_xor} finished within the bound"
            + (f" (median {statistics.median(took):.1f} s, max {max(took):.1f} s)" if took else "")
            + (
                f"; heatmap frames seen per tab median {statistics.median(x[1] for x in xors):.0f} "
                f"(of {ticks} ticks); "
                f"epoch readouts at the end: {', '.join(sorted({x[2] for x in xors}))}"
                if xors
                else ""
            ),
            f"all {n_xor} finish",
            "met" if n_xor and len(took) == n_xor else "MISSED",
        ),
        row(
            SECTION,
            "errors: wrong readout/URL/slider, session leaks, exceptions, page errors",
            f"{len(errors)}: " + "; ".join(errors[:3]) if errors else f"0 (isolation checked in {checked} sessions)",
            "0",
            "met" if not errors else "MISSED",
        ),
        row(
            SECTION,
            "timeouts (a bounded wait ran out)",
            f"{len(timeouts)}" + (": " + "; ".join(timeouts[:3]) if timeouts else ""),
            "0",
            "met" if not timeouts else "MISSED",
        ),
        row(
            SECTION,
            "server memory",
            f"peak RSS (VmHWM) {peak_rss / 1024:.0f} MiB; after warm-up {rss_idle / 1024:.0f} MiB, "
            f"with the sessions open {rss_open / 1024:.0f} MiB",
        ),
        row(
            SECTION,
            "server CPU, concurrent phase",
            f"mean {cores:.2f} cores, peak {peak_cores:.2f} (1 s window) over {t2 - t1:.0f} s; whole machine "
            f"(server + Chromium at nice {niceness}) {machine:.2f} of {ncpu} cores",
        ),
    ]


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--moves", type=int, default=2, help="slider moves per session (even: ends on its own p)")
    ap.add_argument("--limit", type=float, default=60, help="seconds for the concurrent phase (default 60)")
    ap.add_argument("--parallel", type=int, default=2, help="page loads at a time while opening (default 2)")
    ap.add_argument("--open-limit", type=float, default=240, help="seconds for opening all sessions (default 240)")
    ap.add_argument("--nice", type=int, default=10, help="run Chromium at this niceness (0: same as the server)")
    ap.add_argument("--quick", action="store_true", help="6 sessions, 30 s bound")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        ap.error(f"--sessions must be 1..{MAX_SESSIONS}")
    sessions, limit = (6, 30.0) if args.quick else (args.sessions, args.limit)
    return asyncio.run(run(sessions, args.moves, limit, args.parallel, args.open_limit, args.nice))


if __name__ == "__main__":
    from run_all import print_table

    print_table(main())
