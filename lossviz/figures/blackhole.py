"""Figures for the log(0) black hole page: the gradient through the clip, and a loss histogram."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from lossviz.blackhole import GradientCurves, Summary
from lossviz.figures.common import (
    COLORS,
    DASHES,
    LINE_WIDTH,
    base_layout,
    fast_figure,
    fixed_margin_spec,
    layout_spec,
    legend_below,
    vline_shape,
)
from lossviz.params import format_number

CLIP_FILL = "rgba(127,127,127,0.16)"


def _band(x0: float, x1: float) -> dict:
    return {
        "type": "rect",
        "xref": "x",
        "yref": "y domain",
        "x0": x0,
        "x1": x1,
        "y0": 0,
        "y1": 1,
        "fillcolor": CLIP_FILL,
        "line": {"width": 0},
        "layer": "below",
    }


def _line(x, y, name: str, color: str, dash: str, width: float) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": "lines",
        "line": {"color": color, "dash": dash, "width": width},
        "hovertemplate": "%{y:.4g}",
    }


def _rows(x, y, name: str, text: list[str], color: str, size: int, symbol: str) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": "markers",
        "marker": {"color": color, "size": size, "symbol": symbol, "line": {"width": 1.5}},
        "text": text,
        "hovertemplate": "%{text}: %{y:.4g}<extra></extra>",
    }


def gradient_figure(curves: GradientCurves, *, height: int = 420) -> go.Figure:
    """d loss / d z against z: through the clip (zero where it bites) and from the logits.

    Shaded bands are where the clip bites; markers are the table's rows with this label.  Built as
    one plain dict spec (:func:`~lossviz.figures.common.fast_figure`): it is rebuilt on every move
    of epsilon, and plotly's validated ``add_vrect`` and ``update_*`` calls cost about 45 ms of
    server time per move; tests/test_blackhole.py validates the spec instead.
    """
    lo, hi = curves.x_range
    layout = layout_spec(
        title=f"Gradient with label y = {curves.label}",
        x="logit z (p = σ(z))",
        y="d loss / d z",
        height=height,
        **fixed_margin_spec(left=72, bottom=110),  # redrawn on every move of epsilon
    )
    layout["xaxis"] = {**layout["xaxis"], "range": [lo, hi]}
    layout["yaxis"] = {
        **layout["yaxis"],
        "range": [-1.12, 1.12],
        "zeroline": True,
        "zerolinewidth": 1.5,
        "zerolinecolor": COLORS["grey"],
    }
    # legend under the plot: its two long names wrap into the title on a phone when it sits on top
    # shapes and annotations always set (empty where the clip never bites): a move of epsilon then
    # replaces them (lossviz.figures.frames.moving) rather than adding or removing them
    layout.update(hovermode="x", legend=legend_below(-0.3), shapes=[], annotations=[])
    for x0, x1 in ((lo, curves.z_lo), (curves.z_hi, hi)):
        if math.isfinite(x0) and math.isfinite(x1):  # 1 - eps == 1: that side is never clipped
            layout["shapes"].append(_band(x0, x1))
    # float32 on screen (7 digits; the hover shows 4): half the bytes, sent once per epsilon to the
    # browser ahead of a move (lossviz.ui.preview)
    z, clipped, logits = (a.astype(np.float32) for a in (curves.z, curves.clipped, curves.logits))
    data = [
        _line(
            z,
            clipped,
            f"through clip (eps = {format_number(curves.eps)})",
            COLORS["bce"],
            DASHES["bce"],
            LINE_WIDTH,
        ),
        _line(z, logits, "logits form: σ(z) − y", COLORS["logits"], DASHES["logits"], LINE_WIDTH + 1),
    ]
    if curves.row_z.size:
        text = [f"row {r}" for r in curves.rows]
        data.append(_rows(curves.row_z, curves.row_logits, "your rows, logits", text, COLORS["logits"], 13, "diamond"))
        data.append(_rows(curves.row_z, curves.row_clipped, "your rows, clipped", text, COLORS["bce"], 11, "circle"))
    if curves.bites:
        # beside the clip's edge, pointing into the shaded band: the band can be narrower than the text
        left = curves.label == 1  # the band is left of the edge for y = 1, right of it for y = 0
        layout["annotations"] = [
            {
                "x": curves.edge,
                "xanchor": "left" if left else "right",
                "xshift": 6 if left else -6,
                "y": 0.0,
                "yshift": 22,
                "text": "<b>← clip bites:</b><br>gradient = 0" if left else "<b>clip bites: →</b><br>gradient = 0",
                "align": "left" if left else "right",
                "showarrow": False,
                "font": {"size": 15},  # the theme's text colour, legible on light and dark
            }
        ]
        layout["shapes"].append(vline_shape(curves.edge, COLORS["grey"], "dot"))
    return fast_figure({"data": data, "layout": layout})


def loss_histogram(summary: Summary, *, height: int = 340) -> go.Figure:
    """How many rows have each per-sample loss (bars over the summary's bins)."""
    centers = (summary.edges[:-1] + summary.edges[1:]) / 2
    widths = np.diff(summary.edges)
    fig = go.Figure(
        go.Bar(
            x=centers,
            y=summary.counts,
            width=widths,
            marker={"color": COLORS["bce"], "line": {"width": 0}},
            name="rows",
            customdata=np.stack([summary.edges[:-1], summary.edges[1:]], axis=1),
            hovertemplate="loss %{customdata[0]:.3g} to %{customdata[1]:.3g}: %{y} rows<extra></extra>",
        )
    )
    base_layout(fig, title="Per-sample log loss", x="loss of one row", y="rows", height=height)
    fig.update_layout(showlegend=False, bargap=0.05, hovermode="closest")
    fig.update_xaxes(range=[0, float(summary.edges[-1])])
    if summary.counts.max(initial=0) <= 6:  # a few rows: whole numbers only (plotly would tick at 0.5)
        fig.update_yaxes(dtick=1)
    return fig
