"""The trivial page as a page of lossviz: what the app's shell costs a slider move before any lesson content.

bench_browser.py serves a temporary copy of the app (app.py, pages/, .streamlit/, and lossviz linked)
with this file added to its pages/, and moves this slider exactly as it moves the trivial page's.  The
page is benchmarks/trivial_app.py plus what every lesson page has: the multipage navigation and
lossviz.ui.setup_page (page config, shared styles, the sidebar).  Its ratio to the trivial page is the
part of the 1.3x target that the shell itself uses up.
"""

import plotly.graph_objects as go
import streamlit as st

from lossviz import ui

ui.setup_page("explorer")  # the sidebar and styles of a lesson page (the shell needs a lesson's id)
st.title("Trivial page")
x = st.slider("x", 0, 100, 50, key="trivial_x")
st.metric("x squared", f"{x * x:,}")
fig = go.Figure(go.Scatter(x=list(range(101)), y=[v * v for v in range(101)], mode="lines", name="x²"))
fig.add_trace(go.Scatter(x=[x], y=[x * x], mode="markers", marker={"size": 14}, name="slider"))
fig.update_layout(height=400, margin={"l": 40, "r": 20, "t": 30, "b": 40})
st.plotly_chart(fig, key="trivial_chart")
