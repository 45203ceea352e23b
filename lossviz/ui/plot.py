"""Plotly charts that are updated in place in the browser, for charts a slider redraws.

``st.plotly_chart`` (Streamlit 1.67) gives a chart a new identity whenever its figure changes
(streamlit#8782), so on every slider move the browser discards the chart and draws a new one, and
draws it twice (benchmarks/RESULTS.md).  :func:`plotly_chart` mounts a small custom component
(``st.components.v2``, no iframe) that keeps one graph per key and hands each new figure to
``Plotly.react``, which redraws only what changed.

plotly.js is the copy Streamlit already serves for its own plotly charts: its ``PlotlyChart`` chunk
sets ``window.Plotly`` when loaded, so nothing is downloaded from elsewhere and nothing is written.
If the installed Streamlit has no such chunk, charts fall back to ``st.plotly_chart`` (the same
figures, slower); ``tests/test_ui_plot.py`` fails in that case, so an upgrade cannot slow the app
silently.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

_JS = Path(__file__).with_name("plot.js").read_text(encoding="utf-8")
STREAMLIT_JS = Path(st.__file__).resolve().parent / "static" / "static" / "js"


def _plotly_chunk() -> str | None:
    """The file name of Streamlit's plotly chunk, if it is there, unique, and defines window.Plotly."""
    found = sorted(STREAMLIT_JS.glob("PlotlyChart.*.js"))
    if len(found) != 1 or b"window.Plotly=" not in found[0].read_bytes():  # bytes: no 4.7 MB decode at import
        return None
    return found[0].name


PLOTLY_CHUNK = _plotly_chunk()
COMPONENT = "lossviz_plot"
_mount = st.components.v2.component(COMPONENT, js=_JS, isolate_styles=False)


def plotly_chart(fig: go.Figure, *, key: str | None, config: dict) -> None:
    """Draw ``fig`` full width; with a ``key``, later runs update the same chart in place.

    The figure is sent without its template: the component styles it from the app's theme
    (light or dark), as Streamlit's own theme does for ``st.plotly_chart``.
    """
    if PLOTLY_CHUNK is None:
        st.plotly_chart(fig, width="stretch", key=key, config=config)
        return
    fig.layout.template = go.layout.Template()  # Streamlit's placeholder template means nothing here
    spec = pio.to_json(fig, validate=False)
    _mount(key=key, data={"spec": spec, "config": config, "chunk": PLOTLY_CHUNK}, width="stretch")
