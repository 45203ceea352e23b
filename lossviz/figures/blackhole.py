"""Figures for the log(0) black hole page: the gradient through the clip, and a loss histogram."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from lossviz.blackhole import GradientCurves, Summary
from lossviz.figures.common import COLORS, DASHES, LINE_WIDTH, base_layout, fixed_margins, legend_below
from lossviz.params import format_number

CLIP_FILL = "rgba(127,127,127,0.16)"


def gradient_figure(curves: GradientCurves, *, height: int = 420) -> go.Figure:
    """d loss / d z against z: through the clip (zero where it bites) and from the logits.

    Shaded bands are where the clip bites; markers are the table's rows with this label.
    """
    fig = go.Figure()
    lo, hi = curves.x_range
    for x0, x1 in ((lo, curves.z_lo), (curves.z_hi, hi)):
        if math.isfinite(x0) and math.isfinite(x1):  # 1 - eps == 1: that side is never clipped
            fig.add_vrect(x0=x0, x1=x1, fillcolor=CLIP_FILL, line_width=0, layer="below")
    fig.add_trace(
        go.Scatter(
            x=curves.z,
            y=curves.clipped,
            name=f"through clip (eps = {format_number(curves.eps)})",
            mode="lines",
            line={"color": COLORS["bce"], "dash": DASHES["bce"], "width": LINE_WIDTH},
            hovertemplate="%{y:.4g}",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=curves.z,
            y=curves.logits,
            name="logits form: σ(z) − y",
            mode="lines",
            line={"color": COLORS["logits"], "dash": DASHES["logits"], "width": LINE_WIDTH + 1},
            hovertemplate="%{y:.4g}",
        )
    )
    if curves.row_z.size:
        text = [f"row {r}" for r in curves.rows]
        fig.add_trace(
            go.Scatter(
                x=curves.row_z,
                y=curves.row_logits,
                name="your rows, logits",
                mode="markers",
                marker={"color": COLORS["logits"], "size": 13, "symbol": "diamond", "line": {"width": 1.5}},
                text=text,
                hovertemplate="%{text}: %{y:.4g}<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=curves.row_z,
                y=curves.row_clipped,
                name="your rows, clipped",
                mode="markers",
                marker={"color": COLORS["bce"], "size": 11, "symbol": "circle", "line": {"width": 1.5}},
                text=text,
                hovertemplate="%{text}: %{y:.4g}<extra></extra>",
            )
        )
    if curves.bites:
        # beside the clip's edge, pointing into the shaded band: the band can be narrower than the text
        left = curves.label == 1  # the band is left of the edge for y = 1, right of it for y = 0
        fig.add_annotation(
            x=curves.edge,
            xanchor="left" if left else "right",
            xshift=6 if left else -6,
            y=0.0,
            yshift=22,
            text="<b>← clip bites:</b><br>gradient = 0" if left else "<b>clip bites: →</b><br>gradient = 0",
            align="left" if left else "right",
            showarrow=False,
            font={"size": 15},  # the theme's text colour, legible on light and dark
        )
        fig.add_vline(x=curves.edge, line={"color": COLORS["grey"], "width": 1.5, "dash": "dot"})
    base_layout(
        fig,
        title=f"Gradient with label y = {curves.label}",
        x="logit z (p = σ(z))",
        y="d loss / d z",
        height=height,
    )
    fig.update_yaxes(range=[-1.12, 1.12], zeroline=True, zerolinewidth=1.5, zerolinecolor=COLORS["grey"])
    fig.update_xaxes(range=[lo, hi])
    # legend under the plot: its two long names wrap into the title on a phone when it sits on top
    fig.update_layout(hovermode="x", legend=legend_below(-0.3))
    return fixed_margins(fig, left=72, bottom=110)  # redrawn on every move of epsilon


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
    return fig
