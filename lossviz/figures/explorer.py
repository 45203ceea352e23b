"""Figures for the Loss Explorer: loss vs p for one label, and d loss / d z vs p.

Pure functions from numbers (computed by :mod:`lossviz.explorer`) to plotly
figures; the only logic here is which traces to draw and where to put labels.

Speed: a slider move rebuilds three figures, so each is one plain dict spec on
the shared look (:func:`~lossviz.figures.common.layout_spec`) turned into a
figure by :func:`~lossviz.figures.common.fast_figure`, without plotly's
per-property validation; tests/test_explorer.py validates every spec instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from lossviz.figures.common import COLORS, DASHES, LINE_WIDTH, fast_figure, fixed_margin_spec, layout_spec

NAMES = {"bce": "BCE", "mse": "MSE", "hinge": "hinge"}
SYMBOLS = {"bce": "circle", "mse": "square", "hinge": "diamond"}
X_RANGE = (-0.02, 1.02)
MARKER_NAME = "at the slider's p"


def _layout(title: str, x: str, y: str, height: int) -> dict:
    """The shared look as a fresh dict, with room for shapes and annotations.

    Fixed margins (:func:`~lossviz.figures.common.fixed_margins`): these charts are redrawn on every
    move of p, and their ticks are short ("0.5", "10⁻³", "−1").
    """
    layout = layout_spec(title=title, x=x, y=y, height=height, **fixed_margin_spec(left=72, bottom=62))
    layout["xaxis"] = {**layout["xaxis"], "range": list(X_RANGE)}
    layout["yaxis"] = dict(layout["yaxis"])
    layout["shapes"] = []
    layout["annotations"] = []
    return layout


def _kinds(show_hinge: bool) -> tuple[str, ...]:
    return ("bce", "mse", "hinge") if show_hinge else ("bce", "mse")


def _curve(x: np.ndarray, y: np.ndarray, kind: str) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": NAMES[kind],
        "line": {"color": COLORS[kind], "dash": DASHES[kind], "width": LINE_WIDTH},
        "hovertemplate": f"{NAMES[kind]}: %{{y:.4g}}<extra></extra>",
    }


def _vline(x: float, color: str, dash: str, width: float = 1.5) -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "width": width, "dash": dash},
    }


def _markers(p: float, values: Mapping[str, float | None], kinds) -> list[dict]:
    """One trace of markers at the slider's p, one per loss whose value can be drawn.

    An infinite, nan or undefined value gets no marker; the page says so in words.
    """
    shown = [k for k in kinds if values.get(k) is not None and math.isfinite(values[k])]
    if not shown:
        return []
    return [
        {
            "type": "scatter",
            "x": [p] * len(shown),
            "y": [values[k] for k in shown],
            "mode": "markers",
            "name": MARKER_NAME,
            "showlegend": False,
            "cliponaxis": False,  # whole markers at p = 0 or 1 and at the top of the range, not halves
            "text": [f"{NAMES[k]} at p" for k in shown],
            "marker": {
                "color": [COLORS[k] for k in shown],
                "symbol": [SYMBOLS[k] for k in shown],
                "size": 15,
                "line": {"color": COLORS["ink"], "width": 2},
            },
            "hovertemplate": "%{text}: %{y:.4g}<extra></extra>",
        }
    ]


def loss_figure(
    p: np.ndarray,
    losses: Mapping[str, np.ndarray],
    *,
    label: int,
    marker_p: float,
    marker_values: Mapping[str, float] | None = None,
    margin_p: float | None = None,
    show_hinge: bool = True,
    log_y: bool = False,
    selected: bool = False,
    height: int = 380,
) -> go.Figure:
    """Loss against the predicted probability for one true label.

    ``losses`` maps "bce", "mse", "hinge" to arrays over ``p``.  With
    ``marker_values`` (the losses at ``marker_p``) the panel carries a marker
    per loss; without, only a dotted line at ``marker_p``.  ``margin_p`` marks
    where hinge reaches its margin.
    """
    kinds = _kinds(show_hinge)
    title = f"True label y = {label}" + ("  (selected)" if selected else "")
    layout = _layout(title, "predicted probability p", "loss (log scale)" if log_y else "loss", height)
    if log_y:
        layout["yaxis"].update(type="log", exponentformat="power")
    else:
        layout["yaxis"]["rangemode"] = "tozero"
    data = [_curve(p, losses[k], k) for k in kinds]
    layout["shapes"].append(_vline(marker_p, COLORS["grey"], "dot"))
    if show_hinge and margin_p is not None:
        layout["shapes"].append(_vline(margin_p, COLORS["hinge"], "dash"))
        layout["annotations"].append(
            {
                "x": margin_p,
                "xref": "x",
                "y": 0.98,
                "yref": "paper",
                "xanchor": "left" if label == 1 else "right",
                "yanchor": "top",
                "text": " hinge margin ",
                "showarrow": False,
                "font": {"size": 14, "color": COLORS["hinge"]},
            }
        )
    if marker_values is not None:
        data.extend(_markers(marker_p, marker_values, kinds))
    return fast_figure({"data": data, "layout": layout})


def gradient_figure(
    p: np.ndarray,
    grads: Mapping[str, np.ndarray],
    *,
    label: int,
    marker_p: float,
    marker_values: Mapping[str, float | None] | None = None,
    show_hinge: bool = True,
    height: int = 400,
) -> go.Figure:
    """d loss / d z against p for one label: BCE's p - y, MSE's 2(p - y) p (1 - p), hinge's step."""
    kinds = _kinds(show_hinge)
    title = f"How hard each loss pulls on the logit z (y = {label})"
    layout = _layout(title, "predicted probability p", "d loss / d z", height)
    data = [_curve(p, grads[k], k) for k in kinds]
    layout["shapes"].append(
        {
            "type": "line",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": 0,
            "y1": 0,
            "line": {"color": COLORS["grey"], "width": 1},
        }
    )
    layout["shapes"].append(_vline(marker_p, COLORS["grey"], "dot"))
    if marker_values is not None:
        data.extend(_markers(marker_p, marker_values, kinds))
    return fast_figure({"data": data, "layout": layout})
