"""Figures for the Optimizer race: loss curves, percentile bands, histograms, time to target, lr sweep.

Pure functions from the numbers :mod:`lossviz.race` computes to plotly figures.
Curves are thinned to at most :data:`lossviz.outcomes.MAX_POINTS` points
(first and last epoch kept) and sent as float32; infinite values (a
percentile that fell on a diverged run) are sent as gaps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lossviz.figures.boundary import decision_boundary_spec
from lossviz.figures.common import (
    COLORS,
    DASHES,
    LINE_WIDTH,
    apply_fixed_margins,
    base_layout,
    fast_figure,
    layout_spec,
    legend_below,
    log_ticks,
)
from lossviz.outcomes import MAX_POINTS, thin_index

NAMES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}
# line style per optimizer too, so the curves are told apart without colour (on a grey projector,
# or with colour-vision deficiency); the BCE-vs-MSE chart uses line style for the loss instead
OPT_DASHES = {"sgd": "solid", "adam": "dash", "rmsprop": "dashdot"}
LOSS_NAMES = {"bce": "BCE", "mse": "MSE"}


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _f32(values) -> np.ndarray:
    """float32 with inf/nan as NaN: a gap in the line."""
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(v), v, np.nan).astype(np.float32)


# legend under the plot: narrow columns and phones would otherwise wrap it into the title
LEGEND_BELOW = legend_below(-0.24)


def _hline(fig: go.Figure, y: float, text: str, **place) -> None:
    """:func:`_hline_spec` on a figure's first (log) y-axis."""
    shape, label = _hline_spec(y, text, log=True, **place)
    fig.add_shape(shape)
    fig.add_annotation(label)


def _hline_spec(
    y: float,
    text: str,
    *,
    log: bool,
    xref: str = "x domain",
    yref: str = "y",
    x: float = 1.0,
    above: bool = False,
) -> tuple[dict, dict]:
    """A dotted grey line across the plot at ``y`` and its label (the dict form of :func:`_hline`).

    The label sits at ``x`` (a fraction of the plot's width: 0 = its left end, 1 = its right end), just under the
    line, or just over it when ``above``: where the curves of that chart leave room.  An
    annotation's y on a log axis is in log10 units (a shape's is not), so the label is placed at
    log10(y) there.
    """
    shape = {
        "type": "line",
        "line": {"color": COLORS["grey"], "width": 1.5, "dash": "dot"},
        "xref": xref,
        "x0": 0,
        "x1": 1,
        "yref": yref,
        "y0": y,
        "y1": y,
    }
    label = {
        "text": text,
        "font": {"color": COLORS["grey"], "size": 13},
        "showarrow": False,
        "xref": xref,
        "x": x,
        "xanchor": {0.0: "left", 1.0: "right"}.get(x, "center"),
        "align": {0.0: "left", 1.0: "right"}.get(x, "center"),  # the lines of a two-line label
        "yref": yref,
        "y": float(np.log10(y)) if log else y,
        "yanchor": "bottom" if above else "top",
    }
    return shape, label


def _loss_layout(title: str, loss_name: str, height: int, plateau: float | None, values, note: str = "") -> dict:
    """The layout of a loss-per-epoch chart over ``values`` (the curves, arrays): log y-axis
    (:func:`~lossviz.figures.common.log_ticks`), legend below, the plateau line."""
    layout = layout_spec(
        title=title,
        x="epoch",
        y=f"mean {LOSS_NAMES[loss_name]} (log scale)",
        height=height,
        legend=LEGEND_BELOW,
        yaxis={"type": "log", **log_ticks(*values, [] if plateau is None else [plateau])},
    )
    if plateau is not None:
        # under the line at the right end: by then a run has either left the plateau far below, sits
        # on it, or never got down to it (plain SGD at 0.693, over the line)
        # the note on a line of its own: in one line the label outran a phone's plot in presenter view
        text = f"plateau {plateau:.4g}" + (f":<br>{note}" if note else "")
        shape, label = _hline_spec(plateau, text, log=True)
        layout["shapes"], layout["annotations"] = [shape], [label]
    return layout


def race_figure(
    curves: dict[str, np.ndarray],
    lrs: dict[str, float],
    *,
    plateau: float | None = None,
    loss_name: str = "bce",
    title: str = "",
    height: int = 420,
    axis_curves=None,
) -> go.Figure:
    """One loss curve per optimizer (``curves[opt]`` has epochs + 1 values), log y-axis,
    with the plateau level as a dotted line.  Exactly one trace per optimizer.

    The y-axis fits ``axis_curves`` (default: the curves drawn).  The page passes every learning
    rate's curve, so the axis stays put while a learning rate moves and the curves can be compared.

    Built as a dict spec (:func:`fast_figure`): it is redrawn on every move of a learning rate, and
    plotly's validated ``update_layout`` cost more than the training behind it.
    """
    data = []
    for opt, curve in curves.items():
        idx = thin_index(len(curve), MAX_POINTS)
        data.append(
            {
                "type": "scatter",
                "x": idx.astype(np.int32),
                "y": _f32(np.asarray(curve)[idx]),
                "mode": "lines",
                "name": f"{NAMES[opt]} (lr {lrs[opt]:g})",
                "line": {"color": COLORS[opt], "width": LINE_WIDTH, "dash": OPT_DASHES[opt]},
                "hovertemplate": f"{NAMES[opt]}: %{{y:.4g}}<extra></extra>",
            }
        )
    values = list(curves.values()) if axis_curves is None else list(axis_curves)
    layout = _loss_layout(title, loss_name, height, plateau, values, "two points at p = 0.5")
    return fast_figure({"data": data, "layout": apply_fixed_margins(layout, left=80, bottom=62)})


def band_figure(
    summaries: Sequence,
    *,
    plateau: float | None = None,
    loss_name: str = "bce",
    title: str = "",
    height: int = 420,
) -> go.Figure:
    """Median loss per optimizer with the 10-90th percentile band (fill between), log y-axis.

    Each summary needs ``optimizer``, ``epoch``, ``p10``, ``p50``, ``p90``.
    Three traces per optimizer: the band's upper edge, its lower edge (filled
    to the upper), and the median.
    """
    fig = go.Figure()
    for s in summaries:
        color, name = COLORS[s.optimizer], NAMES[s.optimizer]
        x = np.asarray(s.epoch, dtype=np.int32)
        edge = {"width": 1, "color": _rgba(color, 0.7)}  # thin edges: overlapping bands stay traceable
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_f32(s.p90),
                mode="lines",
                line=edge,
                showlegend=False,
                legendgroup=s.optimizer,
                name=f"{name} 90th pct",
                hovertemplate=f"{name} 90th percentile: %{{y:.3g}}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_f32(s.p10),
                mode="lines",
                line=edge,
                fill="tonexty",
                fillcolor=_rgba(color, 0.22),
                showlegend=False,
                legendgroup=s.optimizer,
                name=f"{name} 10th pct",
                hovertemplate=f"{name} 10th percentile: %{{y:.3g}}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_f32(s.p50),
                mode="lines",
                line={"color": color, "width": LINE_WIDTH, "dash": OPT_DASHES[s.optimizer]},
                legendgroup=s.optimizer,
                name=name,
                hovertemplate=f"{name} median: %{{y:.4g}}<extra></extra>",
            )
        )
    bands = [v for s in summaries for v in (s.p10, s.p90)]
    return fig.update_layout(_loss_layout(title, loss_name, height, plateau, bands))


def histogram_figure(
    edges: np.ndarray,
    counts: dict[str, np.ndarray],
    *,
    plateau: float | None = None,
    loss_name: str = "bce",
    title: str = "",
    height: int = 420,
) -> go.Figure:
    """Step histograms of final loss on a log x-axis, one outline per optimizer.

    Bin k spans ``edges[k]`` to ``edges[k + 1]``; each outline starts and ends on the axis, so the
    first and last bars are closed on both sides.
    """
    fig = go.Figure()
    e = np.asarray(edges, dtype=np.float64)
    x = np.concatenate([e[:1], e, e[-1:]]).astype(np.float32)
    for opt, c in counts.items():
        c = np.asarray(c)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.concatenate([[0], c, c[-1:], [0]]).astype(np.int32),
                mode="lines",
                line={"shape": "hv", "color": COLORS[opt], "width": LINE_WIDTH - 0.5},
                fill="tozeroy",
                fillcolor=_rgba(COLORS[opt], 0.12),
                name=NAMES[opt],
                hovertemplate=f"{NAMES[opt]}: %{{y}} runs from %{{x:.2g}}<extra></extra>",
            )
        )
    base_layout(fig, title=title, x=f"final {LOSS_NAMES[loss_name]} (log scale)", y="runs", height=height)
    fig.update_xaxes(type="log", exponentformat="power", **log_ticks(e, crowded=4))
    fig.update_layout(hovermode="closest", legend={**LEGEND_BELOW, "y": -0.3})
    if plateau is not None:
        fig.add_vline(x=plateau, line={"color": COLORS["grey"], "width": 1.5, "dash": "dot"})
    return fig


def reached_figure(summaries: Sequence, *, target: dict[str, float], title: str = "", height: int = 420) -> go.Figure:
    """Fraction of runs whose loss is below the target by each epoch: colour per optimizer,
    line style per loss (BCE solid, MSE dashed).  Each summary needs ``optimizer``,
    ``loss_name``, ``epoch`` and ``reached``."""
    fig = go.Figure()
    for s in summaries:
        name = f"{NAMES[s.optimizer]} {LOSS_NAMES[s.loss_name]}"
        fig.add_trace(
            go.Scatter(
                x=np.asarray(s.epoch, dtype=np.int32),
                y=(np.asarray(s.reached, dtype=np.float32) * 100).astype(np.float32),
                mode="lines",
                line={"color": COLORS[s.optimizer], "dash": DASHES[s.loss_name], "width": LINE_WIDTH},
                name=name,
                hovertemplate=f"{name}: %{{y:.0f}}%<extra></extra>",
            )
        )
    base_layout(fig, title=title, x="epoch", y="% of runs at target loss", height=height)
    fig.update_layout(legend=LEGEND_BELOW)
    fig.update_yaxes(range=[0, 101], ticksuffix="%")
    return fig


def sweep_figure(
    sweeps: Sequence,
    *,
    guess: float,
    loss_name: str = "bce",
    title: str = "",
    height: int = 560,
) -> go.Figure:
    """Final loss (median and 10-90 band, log-log) and % solved against learning rate, per optimizer.

    Each sweep needs ``optimizer``, ``lrs``, ``p10``, ``p50``, ``p90``,
    ``fractions["solved"]`` and ``breakdown_lr``.  ``guess`` is the loss of
    answering p = 0.5 everywhere, drawn as a dotted line.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.06)
    for s in sweeps:
        color, name = COLORS[s.optimizer], NAMES[s.optimizer]
        x = np.asarray(s.lrs, dtype=np.float32)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_f32(s.p90),
                mode="lines",
                line={"width": 0, "color": color},
                showlegend=False,
                legendgroup=s.optimizer,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_f32(s.p10),
                mode="lines",
                line={"width": 0, "color": color},
                fill="tonexty",
                fillcolor=_rgba(color, 0.2),
                showlegend=False,
                legendgroup=s.optimizer,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=_f32(s.p50),
                mode="lines+markers",
                line={"color": color, "width": LINE_WIDTH},
                marker={"size": 7},
                name=name,
                legendgroup=s.optimizer,
                hovertemplate=f"{name} lr %{{x:.3g}}: median final loss %{{y:.3g}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=(np.asarray(s.fractions["solved"]) * 100).astype(np.float32),
                mode="lines+markers",
                line={"color": color, "width": LINE_WIDTH - 1},
                marker={"size": 6},
                name=f"{name} solved",
                showlegend=False,
                legendgroup=s.optimizer,
                hovertemplate=f"{name} lr %{{x:.3g}}: %{{y:.0f}}% solved<extra></extra>",
            ),
            row=2,
            col=1,
        )
    base_layout(fig, title=title, height=height)
    fig.update_layout(hovermode="closest", legend={**LEGEND_BELOW, "y": -0.14})
    fig.update_xaxes(type="log", dtick=1, exponentformat="power")
    fig.update_xaxes(title_text="learning rate (log scale)", row=2, col=1)
    finals = [v for s in sweeps for v in (s.p10, s.p90)] + [[guess]]
    fig.update_yaxes(
        type="log",
        exponentformat="power",
        title_text=f"final {LOSS_NAMES[loss_name]}",
        row=1,
        col=1,
        **log_ticks(*finals, crowded=4),
    )
    fig.update_yaxes(range=[0, 105], ticksuffix="%", title_text="solved", row=2, col=1)
    # the top panel (axes x, y), over the line at the left end: the smallest learning rates sit on
    # the line (nothing moves), and only the largest, at the right end, climb over it
    _hline(fig, guess, f"guessing p = 0.5: {guess:.3g}", x=0.0, above=True)
    return fig


def compact_boundary(prob, x1, x2, X, y, *, title: str = "", height: int = 300) -> go.Figure:
    """:func:`~lossviz.figures.boundary.decision_boundary` for a narrow column: no colour bar
    or legend (the page says once what the colours and symbols mean), tighter margins.

    Redrawn on every move of a learning rate, so changed as a dict spec, without plotly's validation.
    """
    spec = decision_boundary_spec(prob, x1, x2, X, y, title=title, height=height)
    for trace in spec["data"]:
        if trace["type"] == "heatmap":
            trace["showscale"] = False
    layout = spec["layout"]
    layout["showlegend"] = False
    layout["margin"] = {"r": 20, "t": 45 if title else 10}  # r: room for the last x tick, "1.5"
    apply_fixed_margins(layout, left=60, bottom=48)
    return fast_figure(spec)
