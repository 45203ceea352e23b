"""The trivial page as a page of lossviz: what the app's shell costs a slider move before any lesson content.

bench_browser.py serves a temporary copy of the app (app.py, pages/, .streamlit/, and lossviz linked)
with this file added to its pages/ and benchmarks/trivial_app.py next to app.py, and moves this slider
exactly as it moves the trivial page's.  The page is what every lesson page has (lossviz.ui.setup_page:
page config, shared styles, the sidebar with its navigation links), then the trivial page itself,
run from its own file.  Its ratio to the trivial page is the part of the 1.3x target
that the shell itself uses up.
"""

import runpy
from pathlib import Path

from lossviz import ui

ui.setup_page("explorer")  # the sidebar and styles of a lesson page (the shell needs a lesson's id)
runpy.run_path(str(Path(__file__).resolve().parents[1] / "trivial_app.py"))
