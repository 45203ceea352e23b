"""Stress the XOR page's Play: several tabs play short runs again and again on a busy machine.

    python benchmarks/bench_xor_stress.py [--tabs 8] [--rounds 4] [--busy 2] [--epochs 500]

One server on 127.0.0.1, one Chromium with one context (one Streamlit session) per tab, and
``--busy`` processes that keep the CPU busy the whole time, standing in for the rest of a class.
Every tab opens the XOR page at ``--epochs`` epochs, then ``--rounds`` times: Play, wait for
"finished", Reset, wait for "ready".  Reported: plays finished, the time from Play to "finished"
(median, max), frame pictures the browser could not fetch (gone from the server: a broken image
until the next frame), and errors, which must be zero: page errors (uncaught in the page), a play
that did not finish within 90 s, a tab whose page went blank, Streamlit exception boxes.

This is how the end of a Play was tested under load: with ``st.fragment(run_every=...)`` about one
play in 30 blanked its tab ("Cannot set a node at a delta path"), and every tab threw a plotly
resize error (benchmarks/RESULTS.md).  Bounded: every wait has a timeout; about 2 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lossviz.lessons import BY_ID  # noqa: E402
from tests.browser.conftest import LAUNCH_ARGS, chromium_path, start_server, stop_server  # noqa: E402

STATUS = ".st-key-xor_live [data-testid='stMetricValue']"
STATUS_IS = (
    "([s, v]) => { const m = document.querySelectorAll(s); return m.length > 3 && m[3].innerText.trim() === v; }"
)


async def tab(browser, url: str, i: int, rounds: int, epochs: int, times: list, errors: list, broken: list) -> None:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        pg = await ctx.new_page()
        pg.on("pageerror", lambda e: errors.append(f"tab {i} page error: {str(e)[:160]}"))
        # a frame's picture that was gone from the server before the browser fetched it
        pg.on("console", lambda m: "Image source error" in m.text and broken.append(i))
        await pg.goto(f"{url}/{BY_ID['xor'].url_path}?epochs={epochs}", timeout=180_000)
        await pg.wait_for_function(STATUS_IS, arg=[STATUS, "ready"], timeout=180_000, polling=100)
        for r in range(rounds):
            t0 = time.perf_counter()
            await pg.locator(".st-key-xor_play button").first.click(timeout=60_000)
            try:
                await pg.wait_for_function(STATUS_IS, arg=[STATUS, "finished"], timeout=90_000, polling=100)
                times.append(time.perf_counter() - t0)
            except Exception:  # noqa: BLE001 - reported, and this tab stops
                blank = not (await pg.evaluate("() => document.body.innerText.trim()"))
                errors.append(f"tab {i} play {r + 1}: not finished within 90 s" + (" (page blank)" if blank else ""))
                return
            await pg.locator(".st-key-xor_reset button").first.click(timeout=60_000)
            await pg.wait_for_function(STATUS_IS, arg=[STATUS, "ready"], timeout=60_000, polling=100)
        if await pg.locator("[data-testid='stException']").count():
            errors.append(f"tab {i}: exception box")
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        errors.append(f"tab {i}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await ctx.close()


async def run(tabs: int, rounds: int, busy: int, epochs: int) -> dict:
    from playwright.async_api import async_playwright

    proc, url, log = start_server()
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
    times: list[float] = []
    errors: list[str] = []
    broken: list[int] = []
    t0 = time.perf_counter()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
            try:
                await asyncio.gather(
                    *(tab(browser, url, i, rounds, epochs, times, errors, broken) for i in range(tabs))
                )
            finally:
                await browser.close()
    finally:
        for h in hogs:
            h.kill()
        stop_server(proc, log)
    return {
        "plays": tabs * rounds,
        "times": times,
        "errors": errors,
        "broken": broken,
        "took": time.perf_counter() - t0,
    }


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tabs", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=4, help="plays per tab")
    ap.add_argument("--busy", type=int, default=2, help="busy-loop processes beside the server and browser")
    ap.add_argument("--epochs", type=int, default=500, choices=(100, 200, 500, 1000))
    args = ap.parse_args(argv)
    r = asyncio.run(run(min(args.tabs, 12), min(args.rounds, 10), min(args.busy, 4), args.epochs))
    t = r["times"]
    print(
        f"| XOR Play stress ({args.tabs} tabs x {args.rounds} plays of {args.epochs} epochs, {args.busy} busy "
        f"processes, {r['took']:.0f} s) | value |"
    )
    print("| --- | --- |")
    print(f"| plays finished | {len(t)} of {r['plays']} |")
    if t:
        print(f"| Play to 'finished' | median {statistics.median(t):.1f} s, max {max(t):.1f} s |")
    print(f"| frame pictures gone before the browser fetched them (404) | {len(r['broken'])} |")
    print(f"| errors | {len(r['errors'])} |")
    for e in r["errors"]:
        print(f"|  | {e} |")
    return r


if __name__ == "__main__":
    main()
