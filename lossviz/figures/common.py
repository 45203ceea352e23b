"""Shared look for every lossviz chart: colour-blind-safe palette and layout."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

# Chosen by computation (tests/test_palette.py): every pair a student must tell apart keeps a CIE76
# difference of at least 20 under simulated protanopia, deuteranopia and tritanopia, and every line
# colour has at least 3:1 contrast on both the light and the dark theme's background.
COLORS = {
    "bce": "#0072B2",  # blue
    "mse": "#D55E00",  # vermillion
    "hinge": "#666666",  # grey (dotted)
    "logits": "#CC79A7",  # reddish purple
    "sgd": "#D55E00",  # vermillion
    "adam": "#AA4499",  # purple
    "rmsprop": "#009E73",  # bluish green
    "marker": "#000000",  # black on every theme: lines and points drawn over a map
    # the theme's text colour (black on the light theme, near white on the dark one) for points, outlines
    # and labels drawn on the page background: lossviz.ui.plot swaps this exact value for it
    "ink": "#010101",
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


def fast_figure(spec: dict) -> go.Figure:
    """A Figure from a plain dict spec without plotly's per-property validation.

    Validation costs 10-30 ms per figure (plotly 7), too much for a live view
    refreshing several times a second for a whole class; the specs built here
    are validated in the tests instead (``go.Figure(fig.to_dict())``).
    """
    return go.Figure(spec, _validate=False)


def layout_spec(*, title: str = "", x: str = "", y: str = "", height: int = 400, **extra) -> dict:
    """The dict form of :func:`base_layout`, for builders that use :func:`fast_figure`."""
    spec = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": FONT_SIZE + 3}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 70 if title else 30, "b": 55},
        "font": {"size": FONT_SIZE},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        "hovermode": "x unified",
        "xaxis": {"title": {"text": x}, "automargin": True},
        "yaxis": {"title": {"text": y}, "automargin": True},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(spec.get(key), dict):
            spec[key] = {**spec[key], **value}
        else:
            spec[key] = value
    return spec


NARROW_LOG_TICKS = 6


def step_ticks(lo: float, hi: float, most: int, *, reach: float = 0.0) -> list[float]:
    """The multiples of the finest 1-2-5 step that puts at most ``most`` of them in [lo, hi] (``hi < lo``
    not allowed).  ``reach`` lets the ticks go that fraction of the span above ``hi``."""
    top = hi + reach * (hi - lo)
    k = math.floor(math.log10(hi - lo)) - 1  # from a tenth of the span's order of magnitude up
    for step in (float(f"{m}e{e}") for e in range(k, k + 3) for m in (1, 2, 5)):
        first, last = math.ceil(lo / step - 1e-9), math.floor(top / step + 1e-9)  # 0.7 / 0.1 is 6.999...
        if last - first + 1 <= most:
            break
    return [float(f"{i * step:.12g}") for i in range(first, last + 1)]


def _linear_ticks(lo: float, hi: float) -> list[float]:
    """Ticks at multiples of a 1-2-5 step inside [lo, hi] (at most ``NARROW_LOG_TICKS``), each at least
    an eighth of the span (in log units) above the one below it: on a log axis the steps shrink
    towards the top, where 0.6 and 0.7 would otherwise be drawn over each other."""
    ticks = step_ticks(lo, hi, NARROW_LOG_TICKS)
    kept: list[float] = []
    for t in ticks:
        if not kept or math.log10(t / kept[-1]) >= math.log10(hi / lo) / 8:
            kept.append(t)
    return kept


def log_ticks(*values, crowded: int | None = None) -> dict:
    """Tick values for a log axis over ``values``, so that it always carries a few legible numbers.

    - Three to ``NARROW_LOG_TICKS`` ticks at 1, 2 and 5 times a power of ten inside the values'
      span, or else at 1 and 3 times: a loss from 0.69 to 0.019 is labelled 0.02, 0.05, 0.1, 0.2,
      0.5 (plotly's own choice there labels every digit, 0.02 to 0.09 and 0.2 to 0.8, one over
      another), one from 0.69 to 0.005 is labelled 0.01, 0.03, 0.1, 0.3.
    - Else every power of ten when two or more fall inside (every other one when more than
      ``crowded`` do).
    - Else, a narrow span (0.69 to 0.12 holds no power of ten), evenly stepped ticks thinned where
      the log scale crowds them (0.2, 0.3, 0.4, 0.5).
    """
    v = np.concatenate([np.asarray(x, dtype=float).ravel() for x in values]) if values else np.array([])
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return {}
    lo, hi = float(v.min()), float(v.max())
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    for steps in ((1, 2, 5), (1, 3)):
        nice = [float(f"{m}e{k}") for k in decades for m in steps if lo <= float(f"{m}e{k}") <= hi]
        if 3 <= len(nice) <= NARROW_LOG_TICKS:
            return {"tickvals": nice}
    powers = sum(lo <= float(f"1e{k}") <= hi for k in decades)
    if powers >= 2:
        return {"dtick": 2 if crowded is not None and powers > crowded else 1}
    if hi - lo <= 1e-9 * hi:  # one value: plotly centres it
        return {"nticks": NARROW_LOG_TICKS}
    return {"tickvals": _linear_ticks(lo, hi)}


def vline_shape(x: float, color: str, dash: str, width: float = 1.5) -> dict:
    """A vertical line at ``x`` (data units) across the whole plot, as a layout shape."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "y domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "width": width, "dash": dash},
    }


def pixel_shape(
    x: float,
    y: float,
    *,
    stroke: str,
    width: float,
    kind: str = "circle",
    size: float | None = None,
    path: str | None = None,
    fill: str | None = None,
) -> dict:
    """A marker drawn as a layout shape, a fixed size in pixels at (x, y) in data units, above the traces.

    ``kind`` "circle" or "rect", ``size`` pixels wide; or "path", ``path`` in pixels around (x, y).
    Plotly redraws a moved shape alone, where a moved scatter point redraws its whole chart
    (lossviz.ui.plot).
    """
    shape = {
        "type": kind,
        "xref": "x",
        "yref": "y",
        "xsizemode": "pixel",
        "ysizemode": "pixel",
        "xanchor": x,
        "yanchor": y,
        "layer": "above",
        "line": {"color": stroke, "width": width},
    }
    if kind == "path":
        shape["path"] = path
    else:
        h = size / 2
        shape.update(x0=-h, x1=h, y0=-h, y1=h)
    if fill is not None:
        shape["fillcolor"] = fill
    return shape


def legend_below(y: float) -> dict:
    """A horizontal legend under the plot, its top at ``y`` (plot fractions, negative): on a phone a
    legend on top wraps into the title."""
    return {"orientation": "h", "yanchor": "top", "y": y, "xanchor": "left", "x": 0}


def fixed_margin_spec(*, left: int, bottom: int) -> dict:
    """:func:`fixed_margins` as layout entries, for builders that use :func:`layout_spec`."""
    return {"margin": {"l": left, "b": bottom}, "xaxis": {"automargin": False}, "yaxis": {"automargin": False}}


def apply_fixed_margins(layout: dict, *, left: int, bottom: int) -> dict:
    """:func:`fixed_margins` on a layout dict that already has its own margin and axes (merged in place)."""
    for key, value in fixed_margin_spec(left=left, bottom=bottom).items():
        layout[key] = {**layout.get(key, {}), **value}
    return layout


def fixed_margins(fig: go.Figure, *, left: int, bottom: int) -> go.Figure:
    """Margins set once instead of plotly's automargin, for a chart redrawn on every slider move.

    Automargin draws the chart, measures its tick labels and lays it out again, about a quarter of
    each redraw in the browser (benchmarks/RESULTS.md).  Only for charts whose tick labels are short
    and known in advance; the presenter view turns automargin back on for its larger type.
    """
    spec = fixed_margin_spec(left=left, bottom=bottom)
    fig.update_xaxes(spec["xaxis"])
    fig.update_yaxes(spec["yaxis"])
    fig.update_layout(margin=spec["margin"])
    return fig
