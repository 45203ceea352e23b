"""Figures for the Loss Explorer: loss vs p for one label, and d loss / d z vs p.

Pure functions from numbers (computed by :mod:`lossviz.explorer`) to plotly
figures; the only logic here is which traces to draw and where to put labels.

Speed: a slider move rebuilds three figures, so each is one plain dict spec on
the shared look (:func:`~lossviz.figures.common.layout_spec`) turned into a
figure by :func:`~lossviz.figures.common.fast_figure`, without plotly's
per-property validation; tests/test_explorer.py validates every spec instead.

The markers at the slider's p are layout shapes, not a scatter trace, and the y-axis range is set
here rather than left to plotly's autorange.  When a move of p changes only shapes, plotly redraws
only those shapes (about 8 ms a chart in Chromium); a changed trace makes it recompute and redraw
the whole chart (about 25 ms), and three charts follow p (benchmarks/RESULTS.md).  That cheap
redraw does not autorange, hence the explicit range, which also covers the markers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from lossviz.figures.common import (
    COLORS,
    DASHES,
    LINE_WIDTH,
    fast_figure,
    fixed_margin_spec,
    layout_spec,
    pixel_shape,
    vline_shape,
)

NAMES = {"bce": "BCE", "mse": "MSE", "hinge": "hinge"}
X_RANGE = (-0.03, 1.03)  # whole markers at p = 0 and p = 1
MARKER_SUFFIX = " at p"  # a marker shape's name: "BCE at p", "MSE at p", "hinge at p"
# each loss's marker as a plotly shape, a fixed size in pixels: BCE a circle, MSE a square, hinge a
# diamond.  Drawn in that order, each smaller than the one before: where the losses are close (at the
# default p = 0.7 all three lie within 0.3 of each other) they nest, each still in sight.
DIAMOND_PATH = "M 0 -7 L 7 0 L 0 7 L -7 0 Z"  # 14 px from tip to tip
MARKER_SHAPES = {
    "bce": {"kind": "circle", "size": 21},
    "mse": {"kind": "rect", "size": 13},
    "hinge": {"kind": "path", "path": DIAMOND_PATH},
}
Y_PAD = 0.05  # of the y span, below and above the data: room for whole markers at the ends


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


def _drawable(value: float | None, log_y: bool) -> bool:
    return value is not None and math.isfinite(value) and (value > 0 or not log_y)


def _markers(p: float, values: Mapping[str, float | None], kinds, log_y: bool = False) -> list[dict]:
    """Layout shapes at (p, value), one per loss whose value can be drawn, a fixed size in pixels.

    An infinite, nan or undefined value gets no marker (nor does 0 on a log axis); the page says
    so in words.
    """
    shapes = []
    for kind in kinds:
        if not _drawable(values.get(kind), log_y):
            continue
        shape = pixel_shape(p, values[kind], stroke=COLORS["ink"], width=2, fill=COLORS[kind], **MARKER_SHAPES[kind])
        shapes.append({**shape, "name": NAMES[kind] + MARKER_SUFFIX})
    return shapes


def _y_range(curves, markers: Mapping[str, float | None], *, log_y: bool, tozero: bool) -> list[float]:
    """The y-axis range: every finite curve value and marker, with ``Y_PAD`` of the span either side.

    On a log axis the range is in powers of ten (plotly's convention) over the positive values.
    ``tozero`` keeps 0 in a linear range, as plotly's ``rangemode="tozero"`` does.
    """
    values = [np.asarray(c, dtype=float).ravel() for c in curves]
    values.append(np.array([v for v in markers.values() if v is not None], dtype=float))
    v = np.concatenate(values)
    v = v[np.isfinite(v)]
    if log_y:
        v = np.log10(v[v > 0])
    elif tozero:
        v = np.append(v, 0.0)
    if v.size == 0:
        return [0.0, 1.0]
    lo, hi = float(v.min()), float(v.max())
    pad = Y_PAD * (hi - lo) if hi > lo else 0.5
    return [lo - pad, hi + pad]


def loss_moving(
    losses: Mapping[str, np.ndarray],
    *,
    marker_p: float,
    marker_values: Mapping[str, float | None] | None = None,
    margin_p: float | None = None,
    show_hinge: bool = True,
    log_y: bool = False,
) -> dict:
    """What a move of p changes in :func:`loss_figure`, as layout paths: its shapes and y range.

    The same patch for every position of the p slider is what the browser draws at once on a move
    (``lossviz.ui.preview``); :func:`loss_figure` is built from it, so the two cannot differ.
    """
    kinds = _kinds(show_hinge)
    shown = {k: v for k, v in (marker_values or {}).items() if k in kinds}
    shapes = [vline_shape(marker_p, COLORS["grey"], "dot")]
    if show_hinge and margin_p is not None:
        shapes.append(vline_shape(margin_p, COLORS["hinge"], "dash"))
    if marker_values is not None:
        shapes.extend(_markers(marker_p, marker_values, kinds, log_y))
    y_range = _y_range([losses[k] for k in kinds], shown, log_y=log_y, tozero=True)
    return {"shapes": shapes, "yaxis.range": y_range}


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
    moving = loss_moving(
        losses, marker_p=marker_p, marker_values=marker_values, margin_p=margin_p, show_hinge=show_hinge, log_y=log_y
    )
    layout["yaxis"]["range"] = moving["yaxis.range"]
    layout["shapes"] = moving["shapes"]
    data = [_curve(p, losses[k], k) for k in kinds]
    if show_hinge and margin_p is not None:
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
                "font": {"size": 14, "color": COLORS["ink"]},  # text: the theme's own colour, AA on both
            }
        )
    return fast_figure({"data": data, "layout": layout})


def gradient_moving(
    grads: Mapping[str, np.ndarray],
    *,
    marker_p: float,
    marker_values: Mapping[str, float | None] | None = None,
    show_hinge: bool = True,
) -> dict:
    """What a move of p changes in :func:`gradient_figure`: its shapes and y range (see :func:`loss_moving`)."""
    kinds = _kinds(show_hinge)
    shown = {k: v for k, v in (marker_values or {}).items() if k in kinds}
    zero_line = {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": 0,
        "y1": 0,
        "line": {"color": COLORS["grey"], "width": 1},
    }
    shapes = [zero_line, vline_shape(marker_p, COLORS["grey"], "dot")]
    if marker_values is not None:
        shapes.extend(_markers(marker_p, marker_values, kinds))
    y_range = _y_range([grads[k] for k in kinds], shown, log_y=False, tozero=False)
    return {"shapes": shapes, "yaxis.range": y_range}


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
    moving = gradient_moving(grads, marker_p=marker_p, marker_values=marker_values, show_hinge=show_hinge)
    layout["yaxis"]["range"] = moving["yaxis.range"]
    layout["shapes"] = moving["shapes"]
    return fast_figure({"data": data, "layout": layout})
