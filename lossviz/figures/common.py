"""Shared look for every lossviz chart: colour-blind-safe palette and layout."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito colours: distinguishable under red-green colour blindness.
COLORS = {
    "bce": "#0072B2",  # blue
    "mse": "#D55E00",  # vermillion
    "hinge": "#009E73",  # bluish green
    "logits": "#CC79A7",  # reddish purple
    "sgd": "#E69F00",  # orange
    "adam": "#0072B2",
    "rmsprop": "#009E73",
    "marker": "#000000",
    "grey": "#7f7f7f",
}
DASHES = {"bce": "solid", "mse": "dash", "hinge": "dot", "logits": "dashdot"}
# Diverging map for probabilities (0 -> orange, 0.5 -> light, 1 -> blue), CVD-safe.
PROB_SCALE = [[0.0, "#b35806"], [0.25, "#f1a340"], [0.5, "#f7f7f7"], [0.75, "#67a9cf"], [1.0, "#2166ac"]]
FONT_SIZE = 15
LINE_WIDTH = 3


def base_layout(fig: go.Figure, *, title: str = "", x: str = "", y: str = "", height: int = 400) -> go.Figure:
    """Projector-legible defaults: big type, thick lines, legend on top, tight margins."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": FONT_SIZE + 3}},
        height=height,
        margin={"l": 60, "r": 20, "t": 70 if title else 30, "b": 55},
        font={"size": FONT_SIZE},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=x, automargin=True)
    fig.update_yaxes(title_text=y, automargin=True)
    return fig
