"""Screenshot lossviz pages in headless Chromium at projector and phone widths.

    python scripts/screenshots.py                      # every page, into artifacts/screenshots/
    python scripts/screenshots.py Loss_Explorer "XOR_Training?seed=2" --out /tmp/shots
    python scripts/screenshots.py --scheme dark --out /tmp/shots   # the dark theme

Starts its own `streamlit run app.py` on a free loopback port, waits for each page to finish
running, and writes <name>-1280.png and <name>-390.png (full page).  Also reports a horizontal
scrollbar at 390 px and any exception box.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lossviz.lessons import LESSONS  # noqa: E402
from tests.browser.conftest import LAUNCH_ARGS, chromium_path, start_server, stop_server, wait_for_app  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", help="URL paths (with query), default: home and every lesson")
    ap.add_argument("--out", default="artifacts/screenshots")
    ap.add_argument("--widths", default="1280,390")
    ap.add_argument("--wait", type=float, default=0.5, help="extra seconds after the run ends")
    ap.add_argument("--scheme", default="light", choices=("light", "dark"), help="the viewer's colour scheme")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pages = args.pages or ["", *(lesson.url_path for lesson in LESSONS)]
    proc, url, log = start_server()
    problems = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
            for width in (int(w) for w in args.widths.split(",")):
                ctx = browser.new_context(
                    viewport={"width": width, "height": 720 if width > 800 else 844}, color_scheme=args.scheme
                )
                pg = ctx.new_page()
                for path in pages:
                    pg.goto(f"{url}/{path}")
                    wait_for_app(pg)
                    pg.wait_for_timeout(int(args.wait * 1000))
                    name = re.sub(r"[^A-Za-z0-9_]+", "_", path).strip("_") or "home"
                    name += "-dark" if args.scheme == "dark" else ""
                    if width > 800:  # what a projector shows before anyone scrolls
                        pg.screenshot(path=str(out / f"{name}-{width}-fold.png"))
                    scroll = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                    # Streamlit scrolls inside its main container: grow the viewport to show everything
                    height = pg.evaluate(
                        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
                        " return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight); }"
                    )
                    pg.set_viewport_size({"width": width, "height": min(int(height) + 40, 12000)})
                    pg.wait_for_timeout(600)
                    file = out / f"{name}-{width}.png"
                    pg.screenshot(path=str(file), full_page=True)
                    pg.set_viewport_size({"width": width, "height": 720 if width > 800 else 844})
                    exc = pg.locator("[data-testid='stException']").count()
                    flag = ""
                    if scroll > 0 or exc:
                        problems += 1
                        flag = f"  <-- horizontal overflow {scroll}px, exceptions {exc}"
                    print(f"{file}{flag}")
                ctx.close()
            browser.close()
    finally:
        stop_server(proc, log)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
