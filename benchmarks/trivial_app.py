"""The yardstick for the browser benchmarks: one slider, one readout, one chart, nothing else.

    python -m streamlit run benchmarks/trivial_app.py

bench_browser.py moves this slider by keyboard exactly as it moves each lesson's main slider,
in the same run, so the lessons' latency is reported as a ratio to this page's.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("Trivial page")
x = st.slider("x", 0, 100, 50, key="trivial_x")
st.metric("x squared", f"{x * x:,}")
fig = go.Figure(go.Scatter(x=list(range(101)), y=[v * v for v in range(101)], mode="lines", name="x²"))
fig.add_trace(go.Scatter(x=[x], y=[x * x], mode="markers", marker={"size": 14}, name="slider"))
fig.update_layout(height=400, margin={"l": 40, "r": 20, "t": 30, "b": 40})
st.plotly_chart(fig, key="trivial_chart")
