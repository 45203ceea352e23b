"""lossviz.ui.plot: charts are updated in place, with plotly.js from Streamlit's own files."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from lossviz.ui import plot
from tests.conftest import chart_specs


def test_streamlit_serves_the_plotly_chunk_the_component_loads():
    # without it every chart falls back to st.plotly_chart, which redraws the whole chart per move
    assert plot.PLOTLY_CHUNK is not None, f"no single PlotlyChart.*.js defining window.Plotly in {plot.STREAMLIT_JS}"
    assert plot.PLOTLY_CHUNK.startswith("PlotlyChart.") and plot.PLOTLY_CHUNK.endswith(".js")
    assert (plot.STREAMLIT_JS / plot.PLOTLY_CHUNK).is_file()


def _script():
    import plotly.graph_objects as go
    import streamlit as st

    from lossviz import ui

    x = st.slider("x", 0, 10, 3, key="x")
    ui.chart(go.Figure(go.Scatter(x=[x], y=[x * x], name="point")), key="the_chart")


def _elements(at):
    return [el for el in at.get("bidi_component") if el.proto.component_name == plot.COMPONENT]


def test_a_keyed_chart_keeps_its_identity_while_its_figure_changes():
    at = AppTest.from_function(_script, default_timeout=30).run()
    assert not at.exception
    first = _elements(at)
    assert len(first) == 1
    assert chart_specs(at)[0]["data"][0]["y"] == [9]
    at.slider(key="x").set_value(7).run()
    second = _elements(at)
    assert chart_specs(at)[0]["data"][0]["y"] == [49]
    # the same id: the browser keeps the chart and hands it the new figure (Plotly.react)
    assert second[0].proto.id == first[0].proto.id
    data = json.loads(second[0].proto.json)
    assert data["chunk"] == plot.PLOTLY_CHUNK
    assert data["config"] == {"displaylogo": False, "responsive": True}


def test_the_figure_is_sent_without_streamlits_placeholder_template():
    # Streamlit's default plotly template holds placeholder colours (#000001...) that only its own
    # chart element replaces; the component styles charts from the app theme instead
    at = AppTest.from_function(_script, default_timeout=30).run()
    spec = chart_specs(at)[0]
    template = spec["layout"].get("template", {})
    assert "layout" not in template
    assert "#0000" not in json.dumps(spec)
