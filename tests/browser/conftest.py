"""Real-browser tests: one `streamlit run app.py` on a loopback port, Chromium via Playwright.

Chromium is the system one (Debian's `chromium`, /usr/bin/chromium, or $CHROMIUM), else
Playwright's own download if the user has one; with neither the tests are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: str = "app.py", cwd: Path = ROOT) -> tuple[subprocess.Popen, str, object]:
    """Start `streamlit run script` headless on a free loopback port; wait for health."""
    port = _free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
            "--server.runOnSave=false",
        ],
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return proc, url, log
        except OSError:
            time.sleep(0.3)
    proc.kill()
    log.seek(0)
    raise RuntimeError("streamlit did not start:\n" + log.read().decode(errors="replace")[-3000:])


def stop_server(proc: subprocess.Popen, log) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def chromium_path() -> str | None:
    """The system Chromium, if any."""
    for cand in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if cand and Path(cand).exists():
            return cand
    return None


@pytest.fixture(scope="session")
def server_url():
    proc, url, log = start_server()
    yield url
    stop_server(proc, log)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -r requirements-dev.txt)")
    pw = sync_playwright().start()
    exe = chromium_path()
    try:
        if exe:
            b = pw.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
        else:
            try:
                b = pw.chromium.launch(args=LAUNCH_ARGS)
            except Exception as exc:  # noqa: BLE001 - any launch failure means no browser
                pw.stop()
                pytest.skip(f"no Chromium: install Debian's `chromium` or run `playwright install chromium` ({exc})")
        yield b
        b.close()
    finally:
        pw.stop()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.js_errors = errors
    yield pg
    ctx.close()


def wait_for_app(pg, timeout: float = 30_000) -> None:
    """Wait until Streamlit is connected and the script has finished running."""
    pg.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    pg.wait_for_function(
        "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector(\"[data-testid='stSkeleton']\")"
        # lossviz.ui.plot's charts are drawn after the run, once the component and plotly.js have loaded
        " && [...document.querySelectorAll('.stBidiComponent')]"
        ".every(c => c.querySelector('.lossviz-preview, .lossviz-plot .main-svg')); }",
        timeout=timeout,
    )
    pg.wait_for_timeout(150)


def assert_no_exception(pg) -> None:
    boxes = pg.locator("[data-testid='stException']")
    assert boxes.count() == 0, boxes.first.inner_text()


OVERLAPPING_TICKS_JS = r"""() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const title = (plot.querySelector('.gtitle') || {}).textContent || '(untitled)';
    for (const layer of plot.querySelectorAll('g.xaxislayer-above, g.yaxislayer-above, g.cbaxis')) {
      const labels = [...layer.querySelectorAll('text')]
        .filter((t) => t.textContent.trim() && t.getClientRects().length)
        .map((t) => [t.textContent, t.getBoundingClientRect()]);
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          const [a, ra] = labels[i], [b, rb] = labels[j];
          const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
          const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
          if (w > 1 && h > 1) out.push(`${title}: "${a}" over "${b}"`);
        }
      }
    }
  }
  return out;
}"""


def overlapping_ticks(pg) -> list[str]:
    """Pairs of tick labels drawn one over another on the same axis, in every plotly chart on the page."""
    return pg.evaluate(OVERLAPPING_TICKS_JS)
