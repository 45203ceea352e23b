"""The floor for a lesson page: the trivial page with the Loss Explorer's loss chart in place of its own.

    python -m streamlit run benchmarks/one_chart_app.py

Same slider, same readout as benchmarks/trivial_app.py; the chart is the Explorer's y = 1 panel (three
500-point curves, the p line, the hinge margin and the markers), built by lossviz and drawn by
lossviz.ui.chart exactly as on the lesson page (updated in place by lossviz.ui.plot).  This page's latency
is what one lesson chart costs per move; bench_browser.py reports its ratio to the trivial page, whose
chart is a plain st.plotly_chart.
"""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lossviz import explorer as ex  # noqa: E402
from lossviz import ui  # noqa: E402
from lossviz.figures import explorer as figs  # noqa: E402
from lossviz.params import format_number  # noqa: E402

st.title("One lesson chart")
x = st.slider("x", 0, 100, 50, key="trivial_x")
p = 0.01 + x / 102
pt = ex.point(1, p, 1e-15, "float64")
st.metric("BCE", format_number(pt.bce))
curves = ex.curves(1e-15, "float64")
fig = figs.loss_figure(
    curves.p,
    curves.loss[1],
    label=1,
    marker_p=p,
    marker_values={"bce": pt.bce, "mse": pt.mse, "hinge": pt.hinge},
    margin_p=curves.margin_p[1],
    selected=True,
)
ui.chart(fig, key="one_chart")
