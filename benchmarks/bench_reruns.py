"""Server time per rerun of every page, through Streamlit's AppTest (no browser, no network).

    python benchmarks/bench_reruns.py [--reruns 50] [--changes 20] [--quick]

For each page: the first run of a fresh session (a deep link on this process: caches may already
be warm from an earlier page), the median of ``--reruns`` plain reruns (``at.run()``), and the
median and p95 of ``--changes`` reruns after moving the page's main slider one step on its grid
(alternately forward and back, as bench_browser.py does by keyboard).  The trivial one-slider page
(benchmarks/trivial_app.py) is measured the same way first, as the in-process yardstick.
"""

from __future__ import annotations

import argparse
import ast
import logging
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from lossviz import blackhole as bh  # noqa: E402
from lossviz import explorer as ex  # noqa: E402
from lossviz import landscape as ls  # noqa: E402
from lossviz import race as rc  # noqa: E402
from tests.conftest import app_test  # noqa: E402

SECTION = "Server time per rerun (AppTest, ms)"


def _page_constant(file: str, name: str):
    """A literal constant defined in a page file (the XOR page keeps its learning-rate grid there)."""
    for node in ast.parse((ROOT / file).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{name} not found in {file}")


XOR_LRS = _page_constant("pages/4_XOR_Training.py", "LRS")


def _grid_step(params, name: str) -> tuple[float, float]:
    """A param's default and the next value on its grid (one ArrowRight)."""
    prm = next(p for p in params if p.name == name)
    i = list(prm.grid).index(prm.default)
    return prm.default, prm.grid[i + 1]


def _next(grid, value) -> tuple[float, float]:
    return value, grid[list(grid).index(value) + 1]


@dataclass(frozen=True)
class Page:
    name: str
    file: str
    widget: str | None  # "slider" / "select_slider"
    key: str | None
    values: tuple = ()


SEL = "select_slider"
PAGES = (
    Page("trivial page (baseline)", "benchmarks/trivial_app.py", "slider", "trivial_x", (50, 51)),
    Page("Home", "app.py", None, None),
    Page("Loss Explorer", "pages/1_Loss_Explorer.py", SEL, "explorer_p", _grid_step(ex.PARAMS, "p")),
    Page("Log(0) black hole", "pages/2_Log0_Black_Hole.py", SEL, "blackhole_eps", _next(bh.EPS_GRID, 1e-15)),
    Page("Why MSE fails", "pages/3_Why_MSE_Fails.py", SEL, "landscape_lr", _grid_step(ls.PARAMS, "lr")),
    Page("XOR training", "pages/4_XOR_Training.py", SEL, "xor_lr", _next(XOR_LRS, 0.1)),
    Page("Optimizer race", "pages/5_Optimizer_Race.py", SEL, "race_lr_sgd", _grid_step(rc.PARAMS, "lr_sgd")),
)


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _open(page: Page) -> AppTest:
    if page.file.startswith("benchmarks/"):
        return AppTest.from_file(str(ROOT / page.file), default_timeout=60).run()
    return app_test(page.file, timeout=60)


def measure(page: Page, reruns: int, changes: int) -> dict:
    box = {}
    first = _timed(lambda: box.setdefault("at", _open(page)))
    at = box["at"]
    plain = [_timed(at.run) for _ in range(reruns)]
    moved = []
    if page.key:
        a, b = page.values
        for i in range(changes):
            widget = getattr(at, page.widget)(key=page.key).set_value(b if i % 2 == 0 else a)
            moved.append(_timed(widget.run))
    failures = [str(e.value)[:120] for e in at.exception]
    return {"page": page, "first": first, "plain": plain, "moved": moved, "failures": failures}


def rows_for(results: list[dict]) -> list[dict]:
    base = statistics.median(results[0]["plain"])
    rows = []
    for r in results:
        page: Page = r["page"]
        med = statistics.median(r["plain"])
        value = f"rerun median {med:.0f} ({med / base:.1f}x trivial, n={len(r['plain'])})"
        if r["moved"]:
            mv = r["moved"]
            value += (
                f"; slider {page.key} {page.values[0]:g}<->{page.values[1]:g}: median {statistics.median(mv):.0f}, "
                f"p95 {np.percentile(mv, 95):.0f}, 1st {mv[0]:.0f}"
            )
        value += f"; first run {r['first']:.0f}"
        verdict = f"EXCEPTION: {r['failures'][0]}" if r["failures"] else ""
        rows.append({"section": SECTION, "what": page.name, "value": value, "target": "", "verdict": verdict})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reruns", type=int, default=50)
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="10 reruns, 6 slider changes")
    args = ap.parse_args(argv)
    reruns, changes = (10, 6) if args.quick else (args.reruns, args.changes)
    # AppTest's bare-mode warning ("missing ScriptRunContext") is noise here
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    return rows_for([measure(page, reruns, changes) for page in PAGES])


if __name__ == "__main__":
    from run_all import print_table

    print_table(main())
