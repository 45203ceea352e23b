"""A clock for live views that asks for the next frame only once the last one has arrived.

``st.fragment(run_every=...)`` asks the server for a rerun on a fixed clock.  When a frame takes
longer than the interval (a class on two cores), the requests queue up: the server starts and
abandons one fragment run after another, and queued fragment runs can follow the full rerun that
ends a play before its output has left the server.  In a stress test of 8 XOR tabs that blanked a
tab with Streamlit's "Cannot set a node at a delta path" (benchmarks/RESULTS.md).

:func:`ticker` is a tiny custom component (``st.components.v2``, no iframe, nothing drawn): put it
last in a fragment while playing, with a frame number that changes every run.  When that run's
output reaches the browser it triggers the next fragment run, ``every`` seconds after its last
request, or ``gap`` seconds after the frame arrived if that is later.  Leave it out and the clock
stops.  :func:`ticks_due` says how many intervals that request stands for: 1 while frames keep
pace, more when they come late, so a page can keep its pace in time with fewer, larger steps.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

import streamlit as st

_JS = Path(__file__).with_name("ticker.js").read_text(encoding="utf-8")
COMPONENT = "lossviz_ticker"
_mount = st.components.v2.component(COMPONENT, js=_JS)


def ticker(key: str, *, frame: int, every: float, gap: float = 0.03) -> None:
    """Rerun the enclosing fragment once this run's output is in the browser, at most every ``every`` s.

    ``frame`` must differ from the last run's: the browser acts on new data only.
    """
    data = {"frame": int(frame), "every": every * 1000, "gap": gap * 1000}
    _mount(key=key, data=data, on_tick_change=partial(_arrived, key))


def _arrived(key: str) -> None:
    try:
        st.session_state[_due_key(key)] = st.session_state[key]["tick"]
    except (KeyError, TypeError):  # a late request from a ticker the page no longer draws (paused)
        pass


def ticks_due(key: str, most: int) -> int:
    """Intervals since the ticker ``key`` last asked, if its request caused this run; else 1.

    At least 1 and at most ``most`` (a tab left in the background should not jump to the end).
    """
    due = st.session_state.pop(_due_key(key), 1)  # the browser's number: anything a client sends
    if isinstance(due, bool) or not isinstance(due, int | float) or not math.isfinite(due):
        return 1
    return min(max(int(due), 1), most)


def _due_key(key: str) -> str:
    return f"_lv_due_{key}"
