"""Decision-boundary pictures: the probability heatmap with the data on top, and hidden-unit maps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lossviz.figures.common import COLORS, FONT_SIZE, PROB_SCALE, base_layout

LABEL_COLORS = {0: "#b35806", 1: "#2166ac"}  # the ends of PROB_SCALE
LABEL_SYMBOLS = {0: "circle", 1: "diamond"}  # shape too, not colour alone


def _points(X: np.ndarray, y: np.ndarray, size: int) -> list[go.Scatter]:
    traces = []
    for label in (0, 1):
        m = y == label
        traces.append(
            go.Scatter(
                x=X[m, 0],
                y=X[m, 1],
                mode="markers",
                name=f"label {label}",
                marker={
                    "color": LABEL_COLORS[label],
                    "symbol": LABEL_SYMBOLS[label],
                    "size": size,
                    "line": {"color": "white", "width": 2},
                },
                hovertemplate=f"x1 %{{x:.3g}}, x2 %{{y:.3g}}<br>label {label}<extra></extra>",
            )
        )
    return traces


def decision_boundary(
    prob: np.ndarray,
    x1: np.ndarray,
    x2: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    *,
    title: str = "",
    height: int = 460,
    discretize: bool = False,
) -> go.Figure:
    """Heatmap of P(y = 1) over the grid (rows along x2), the 0.5 contour, and the training points.

    ``prob`` is sent as uint8 (0-255) for a small payload; the colour bar is
    labelled in probabilities.  ``discretize`` shows only the predicted class.
    """
    z = (prob >= 0.5).astype(np.uint8) * 255 if discretize else np.round(np.asarray(prob) * 255).astype(np.uint8)
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=np.asarray(x1, dtype=np.float32),
            y=np.asarray(x2, dtype=np.float32),
            z=z,
            zmin=0,
            zmax=255,
            colorscale=PROB_SCALE,
            colorbar={
                "title": {"text": "P(y=1)", "side": "right"},
                "tickvals": [0, 63.75, 127.5, 191.25, 255],
                "ticktext": ["0", "0.25", "0.5", "0.75", "1"],
                "thickness": 14,
            },
            hovertemplate="x1 %{x:.2f}, x2 %{y:.2f}<extra></extra>",
            name="P(y=1)",
            showlegend=False,
        )
    )
    if not discretize and prob.min() < 0.5 < prob.max():
        fig.add_trace(
            go.Contour(
                x=np.asarray(x1, dtype=np.float32),
                y=np.asarray(x2, dtype=np.float32),
                z=np.asarray(prob, dtype=np.float32),
                contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                line={"color": COLORS["marker"], "width": 2, "dash": "dot"},
                showscale=False,
                hoverinfo="skip",
                name="p = 0.5",
                showlegend=False,
            )
        )
    for trace in _points(np.asarray(X), np.asarray(y), 16 if len(y) <= 10 else 8):
        fig.add_trace(trace)
    base_layout(fig, title=title, x="x1", y="x2", height=height)
    fig.update_layout(hovermode="closest", legend={"x": 0, "xanchor": "left"})
    fig.update_xaxes(range=[float(x1[0]), float(x1[-1])], constrain="domain")
    fig.update_yaxes(range=[float(x2[0]), float(x2[-1])], scaleanchor="x", scaleratio=1, constrain="domain")
    return fig


def hidden_unit_maps(units: np.ndarray, x1: np.ndarray, x2: np.ndarray, activation: str) -> go.Figure:
    """One small map per hidden unit: what that neuron computes over the input plane."""
    n = units.shape[0]
    lo, hi = (-1.0, 1.0) if activation == "tanh" else (0.0, 1.0 if activation == "sigmoid" else None)
    fig = make_subplots(rows=1, cols=n, subplot_titles=[f"h{i + 1}" for i in range(n)], horizontal_spacing=0.02)
    for i in range(n):
        fig.add_trace(
            go.Heatmap(
                x=np.asarray(x1, dtype=np.float32),
                y=np.asarray(x2, dtype=np.float32),
                z=units[i].astype(np.float32),
                zmin=lo,
                zmax=hi if hi is not None else float(max(units.max(), 1e-9)),
                colorscale=PROB_SCALE,
                showscale=False,
                hovertemplate=f"h{i + 1} = %{{z:.2f}}<extra></extra>",
            ),
            row=1,
            col=i + 1,
        )
    fig.update_xaxes(showticklabels=False, constrain="domain")
    fig.update_yaxes(showticklabels=False, constrain="domain")
    for i in range(n):
        fig.update_yaxes(scaleanchor=f"x{i + 1 if i else ''}", scaleratio=1, row=1, col=i + 1)
    fig.update_layout(height=170, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font={"size": FONT_SIZE - 2})
    return fig


def loss_curve(
    loss: np.ndarray, *, upto: int | None = None, title: str = "Training loss", log: bool = True
) -> go.Figure:
    """The loss per epoch so far (``upto`` epochs), on a log axis by default."""
    n = len(loss) if upto is None else int(upto)
    fig = go.Figure(
        go.Scatter(
            x=np.arange(n, dtype=np.int32),
            y=np.asarray(loss[:n], dtype=np.float32),
            mode="lines",
            line={"color": COLORS["bce"], "width": 3},
            name="loss",
            hovertemplate="epoch %{x}: loss %{y:.4g}<extra></extra>",
        )
    )
    base_layout(fig, title=title, x="epoch", y="mean loss", height=300)
    fig.update_layout(showlegend=False, hovermode="closest")
    if log:
        fig.update_yaxes(type="log")
    return fig
