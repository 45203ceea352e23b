"""Decision-boundary pictures: the probability heatmap with the data on top, hidden-unit maps, loss curve.

Built as dict specs and wrapped with :func:`fast_figure`, so the XOR page can
redraw them several times a second; tests validate every spec with plotly.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lossviz.figures.common import COLORS, FONT_SIZE, PROB_SCALE, fast_figure, layout_spec, log_ticks

LABEL_COLORS = {0: "#b35806", 1: "#2166ac"}  # the ends of PROB_SCALE
LABEL_SYMBOLS = {0: "circle", 1: "diamond"}  # shape too, not colour alone
# The map is square (x and y to the same scale), so in a narrow column it is shorter than the plot
# area, and a full-height colour bar overshot it top and bottom: 0.65 of the height, centred, stays
# within the square from a phone (220 px square in 330 px) to a wide screen.
MAP_COLORBAR = {"len": 0.65, "y": 0.5, "yanchor": "middle"}
PROB_TICKS = {"tickvals": [0, 63.75, 127.5, 191.25, 255], "ticktext": ["0", "0.25", "0.5", "0.75", "1"]}


def to_uint8(prob: np.ndarray) -> np.ndarray:
    """Probabilities in [0, 1] as 0-255 bytes: a quarter of float32's payload, 1/255 resolution."""
    return np.round(np.clip(np.nan_to_num(prob, nan=0.5), 0.0, 1.0) * 255).astype(np.uint8)


def to_float32(values: np.ndarray) -> np.ndarray:
    """float32 for a compact payload; values beyond float32's range (a diverged loss) become ±inf quietly."""
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float32)


def _points(X: np.ndarray, y: np.ndarray, size: int) -> list[dict]:
    traces = []
    for label in (0, 1):
        m = y == label
        traces.append(
            {
                "type": "scatter",
                "x": X[m, 0].astype(np.float32),
                "y": X[m, 1].astype(np.float32),
                "mode": "markers",
                "name": f"label {label}",
                "marker": {
                    "color": LABEL_COLORS[label],
                    "symbol": LABEL_SYMBOLS[label],
                    "size": size,
                    "line": {"color": "white", "width": 2},
                },
                "hovertemplate": f"x1 %{{x:.3g}}, x2 %{{y:.3g}}<br>label {label}<extra></extra>",
            }
        )
    return traces


def decision_boundary(*args, **kwargs) -> go.Figure:
    """The figure of :func:`decision_boundary_spec` (same arguments)."""
    return fast_figure(decision_boundary_spec(*args, **kwargs))


def decision_boundary_spec(
    prob: np.ndarray,
    x1: np.ndarray,
    x2: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    *,
    title: str = "",
    height: int = 460,
    discretize: bool = False,
    contour: bool = True,
) -> dict:
    """Heatmap of P(y = 1) over the grid (rows along x2), the 0.5 contour, and the training points.

    ``prob`` is sent as uint8 (0-255) for a small payload; the colour bar is
    labelled in probabilities.  ``discretize`` shows only the predicted class;
    ``contour=False`` leaves out the p = 0.5 line, which browsers redraw slowly
    (the live view draws it only when paused).
    """
    prob = np.asarray(prob)
    z = (prob >= 0.5).astype(np.uint8) * 255 if discretize else to_uint8(prob)
    gx, gy = np.asarray(x1, dtype=np.float32), np.asarray(x2, dtype=np.float32)
    data = [
        {
            "type": "heatmap",
            "x": gx,
            "y": gy,
            "z": z,
            "zmin": 0,
            "zmax": 255,
            "colorscale": PROB_SCALE,
            "colorbar": {"title": {"text": "P(y=1)", "side": "right"}, "thickness": 14, **PROB_TICKS, **MAP_COLORBAR},
            "hovertemplate": "x1 %{x:.2f}, x2 %{y:.2f}<extra></extra>",
            "name": "P(y=1)",
            "showlegend": False,
        }
    ]
    if contour and not discretize:
        data.append(
            {
                "type": "contour",
                # hidden, not left out, where no point is at p = 0.5: the same traces at every moment,
                # so a slider's preview can patch this map at each position (lossviz.ui.preview)
                "visible": bool(np.nanmin(prob) < 0.5 < np.nanmax(prob)),
                "x": gx,
                "y": gy,
                "z": z,
                "contours": {"start": 127.5, "end": 127.5, "size": 1, "coloring": "none"},
                "line": {"color": COLORS["marker"], "width": 2, "dash": "dot"},
                "showscale": False,
                "hoverinfo": "skip",
                "name": "p = 0.5",
                "showlegend": False,
            }
        )
    data += _points(np.asarray(X), np.asarray(y), 16 if len(y) <= 10 else 8)
    layout = layout_spec(
        title=title,
        x="x1",
        y="x2",
        height=height,
        hovermode="closest",
        legend={"x": 0, "xanchor": "left", "y": 1.03},  # clear of the top tick label
        margin={"t": 90 if title else 30},  # the title, then the legend under it
        xaxis={"range": [float(gx[0]), float(gx[-1])], "constrain": "domain"},
        yaxis={"range": [float(gy[0]), float(gy[-1])], "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
    )
    return {"data": data, "layout": layout}


def hidden_unit_maps(units: np.ndarray, x1: np.ndarray, x2: np.ndarray, activation: str) -> go.Figure:
    """One small map per hidden unit: what that neuron computes over the input plane."""
    n = units.shape[0]
    if activation == "tanh":
        lo, hi = -1.0, 1.0
    elif activation == "sigmoid":
        lo, hi = 0.0, 1.0
    else:
        lo, hi = 0.0, float(max(np.nanmax(np.where(np.isfinite(units), units, 0.0)), 1e-9))
    gap = 0.02
    width = (1 - gap * (n - 1)) / n
    data, layout = (
        [],
        {
            "height": 150,
            "margin": {"l": 10, "r": 10, "t": 28, "b": 6},
            "font": {"size": FONT_SIZE - 2},
            "annotations": [],
            "showlegend": False,
        },
    )
    for i in range(n):
        sx = "" if i == 0 else str(i + 1)
        start = i * (width + gap)
        layout[f"xaxis{sx}"] = {"domain": [start, start + width], "showticklabels": False, "constrain": "domain"}
        layout[f"yaxis{sx}"] = {
            "showticklabels": False,
            "scaleanchor": f"x{sx}",
            "scaleratio": 1,
            "constrain": "domain",
        }
        layout["annotations"].append(
            {
                "text": f"h{i + 1}",
                "x": start + width / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
        data.append(
            {
                "type": "heatmap",
                "x": np.asarray(x1, dtype=np.float32),
                "y": np.asarray(x2, dtype=np.float32),
                "z": np.nan_to_num(units[i], nan=0.0, posinf=hi, neginf=lo).astype(np.float32),
                "zmin": lo,
                "zmax": hi,
                "colorscale": PROB_SCALE,
                "showscale": False,
                "xaxis": f"x{sx}",
                "yaxis": f"y{sx}",
                "hovertemplate": f"h{i + 1} = %{{z:.2f}}<extra></extra>",
            }
        )
    return fast_figure({"data": data, "layout": layout})


def downsample(n: int, max_points: int = 600) -> np.ndarray:
    """Indices 0..n-1 thinned to at most ``max_points``, keeping the first and last."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))


def loss_curve(
    loss: np.ndarray,
    *,
    upto: int | None = None,
    title: str = "Training loss",
    log: bool = True,
    total: int | None = None,
) -> go.Figure:
    """The loss per epoch so far (the first ``upto`` values), thinned to at most 300 points.

    ``total`` fixes the x-axis to the whole run, so the curve grows into a
    stable frame while training plays.
    """
    n = len(loss) if upto is None else max(0, min(int(upto), len(loss)))
    idx = downsample(n, 300)
    layout = layout_spec(title=title, x="epoch", y="mean loss", height=300, showlegend=False, hovermode="closest")
    if log:
        layout["yaxis"].update(type="log", tickformat="~g", **log_ticks(np.asarray(loss)[:n]))
    if total:
        layout["xaxis"]["range"] = [0, int(total)]
    data = [
        {
            "type": "scatter",
            "x": idx.astype(np.int32),
            "y": to_float32(np.asarray(loss)[idx]),
            "mode": "lines",
            "line": {"color": COLORS["bce"], "width": 3},
            "name": "loss",
            "hovertemplate": "epoch %{x}: loss %{y:.4g}<extra></extra>",
        }
    ]
    if n:  # a dot at the epoch on show: at epoch 0 the only thing to see, the line's head after that
        data.append(
            {
                "type": "scatter",
                "x": np.array([n - 1], dtype=np.int32),
                "y": to_float32(np.asarray(loss)[n - 1 : n]),
                "mode": "markers",
                "marker": {"color": COLORS["bce"], "size": 10},
                "name": "now",
                "cliponaxis": False,  # whole at epoch 0, on the axis
                "hovertemplate": "epoch %{x}: loss %{y:.4g}<extra></extra>",
            }
        )
    return fast_figure({"data": data, "layout": layout})
