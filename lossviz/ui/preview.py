"""A select_slider's move drawn in the browser at once, before the server's rerun comes back.

On a lesson page a slider move costs a whole round trip: the browser sends the value, the script
reruns, and Streamlit's frontend draws the new elements, about twice as long as on a one-slider
page (benchmarks/RESULTS.md).  :func:`slider_preview` sends the browser, once for each setting of the other
controls, what every position of the slider shows: each readout's text and each chart's layout
patch (``lossviz.figures.frames``).  ``preview.js`` then fills the readouts and redraws the charts'
shapes as the slider moves, and the rerun that follows draws the same values.  Nothing is
computed in the browser: it only looks up what ``lossviz`` computed on the server.

The readouts are ``st.metric`` values (and labels), found by their labels; the charts are those drawn by
:func:`lossviz.ui.chart` with the given keys.  If the browser finds neither (another Streamlit
version), the page simply waits for the rerun, as it would without this.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import streamlit as st

from lossviz.figures.frames import pack

_JS = Path(__file__).with_name("preview.js").read_text(encoding="utf-8")
COMPONENT = "lossviz_preview"
_mount = st.components.v2.component(COMPONENT, js=_JS, isolate_styles=False)


def frames(
    size: int,
    *,
    readouts: Mapping[str | tuple[str, ...], Sequence[str]],
    charts: Mapping[str, Sequence[dict]],
    staggered: bool = False,
) -> dict:
    """What :func:`slider_preview` sends: every readout's text and every chart's packed patches.

    ``readouts`` maps an ``st.metric`` label to its value at each of the slider's ``size``
    positions; a label that itself changes with the slider is given as a tuple of its text at
    every position (the browser then finds the metric by any of them and sets both).  ``charts``
    maps a :func:`lossviz.ui.chart` key to its patch at each position: layout paths, and
    ``"data.<i>.<attribute>"`` for a trace (:func:`lossviz.figures.frames.moving` finds them).
    Build it once per setting of the other controls (``st.cache_data``): packing is the costly part.

    ``staggered``: the browser draws the readouts and the first chart (put first the one that
    teaches most) in one frame and the other charts once that frame is painted.  For a slider
    of few positions whose charts are slow to redraw together; charts a drag must keep in step (the
    Explorer's loss and gradient markers) are drawn in one frame, the default.
    """
    named = [
        *((f"readout {k!r}", v) for k, v in readouts.items()),
        *((f"label of readout {v!r}"[:80], k) for k, v in readouts.items() if isinstance(k, tuple)),
        *((f"chart {k!r}", v) for k, v in charts.items()),
    ]
    for what, items in named:
        if len(items) != size:
            raise ValueError(f"{what} has {len(items)} positions; the slider has {size}")
    return {
        "size": size,
        # [labels, values]: one label, or the label at every position
        "readouts": [
            [[str(t) for t in label] if isinstance(label, tuple) else [str(label)], [str(t) for t in texts]]
            for label, texts in readouts.items()
        ],
        # one string: the browser swaps the ink colour in it as lossviz.ui.plot does in a figure
        "charts": json.dumps({key: pack(patches) for key, patches in charts.items()}, separators=(",", ":")),
        "staggered": bool(staggered),
    }


def slider_preview(slider_key: str, payload: dict) -> None:
    """Let the browser show each position of the select_slider ``slider_key`` at once, from
    :func:`frames`.  Mount it after the slider, in the same fragment; it draws nothing itself."""
    _mount(key=f"lv_preview_{slider_key}", data={"slider": slider_key, **payload}, height=0)
