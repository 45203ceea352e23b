"""Figures for "Why MSE fails with a sigmoid": loss maps, the non-convex map, profiles, descent.

Pure functions from :mod:`lossviz.landscape` results to plotly figures; no math
beyond choosing and shaping arrays.  Both loss maps use one colour scale
(:data:`LOSS_SCALE`, light = low loss) so that the coloured descent paths
(``COLORS["mse"]``, ``COLORS["bce"]``) stand out on either.

Each figure is built in one ``go.Figure(data=..., layout=...)`` call: traces as plain
dicts, the layout :func:`~lossviz.figures.common.base_layout` makes (computed once per
title, axis titles and height, then reused) merged with the figure's own settings.
Plotly's per-``add_trace`` and per-update bookkeeping, not the arrays, is what costs
time on a rerun: about 10 ms per figure for ``base_layout``'s three updates alone
(see benchmarks/bench_landscape.py).
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from lossviz.figures.common import (
    COLORS,
    DASHES,
    FONT_SIZE,
    LINE_WIDTH,
    base_layout,
    fixed_margins,
    legend_below,
    log_ticks,
    pixel_shape,
    step_ticks,
)

# One sequential scale for every loss map: near-white (low) to slate (high); CVD-safe by
# being monochrome, and neither vermillion nor blue, so both paths read on it.
LOSS_SCALE = [[0.0, "#fbfbf8"], [0.35, "#d9dcd6"], [0.7, "#9aa3a8"], [1.0, "#4a5560"]]
CLEAR = "rgba(0,0,0,0)"
NONCONVEX_COLOR = COLORS["logits"]  # reddish purple: where MSE's Hessian has a negative eigenvalue
LABELS = {"mse": "MSE", "bce": "BCE"}
LEGEND_BELOW = legend_below(-0.17)
SURFACE_COLORBAR = {
    "orientation": "h",
    "x": 0.5,
    "xanchor": "center",
    "y": 0.02,
    "yanchor": "top",
    "len": 0.7,
    "thickness": 10,
}


@lru_cache(maxsize=64)
def _base(title: str, x: str, y: str, height: int) -> dict:
    layout = base_layout(go.Figure(), title=title, x=x, y=y, height=height).layout.to_plotly_json()
    layout.pop("template", None)  # plotly's default template, filled in by to_plotly_json; the figure gets it anyway
    return layout


def _merge(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, nested dicts merged key by key (``base`` is not changed)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _figure(traces: list, *, title: str, x: str = "", y: str = "", height: int = 400, **layout) -> go.Figure:
    """``go.Figure`` of ``traces`` with :func:`base_layout`'s look plus ``layout``, in one step."""
    merged = _merge(copy.deepcopy(_base(title, x, y, height)), layout)
    return go.Figure(data=traces, layout=merged)


def _values(surface, log: bool) -> np.ndarray:
    return (surface.log10 if log else surface.loss).astype(np.float32)


def surface_ticks(z: np.ndarray, *, most: int = 3, clear: float = 0.15) -> list[float]:
    """Ticks for an axis of a 3-D surface: multiples of a 1-2-5 step, at most ``most`` of them, none in
    the bottom ``clear`` of the range.  With the camera in front of the (w, b) corner at the low ends,
    the loss axis's lowest tick is drawn on the b axis's highest ("-4" on "10") and w's lowest on b's
    lowest ("-10-10")."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return []
    lo, hi = float(finite.min()), float(finite.max())
    if not hi > lo:
        return [lo]
    # a loss that gets within 1% of a tick (log₁₀ MSE tops out at -0.00001) is drawn up to it
    ticks = step_ticks(lo, hi, most, reach=0.01)
    return [t for t in ticks if t >= lo + clear * (hi - lo)] or ticks[-1:]


def _colorbar_title(name: str, log: bool) -> str:
    return f"log₁₀ {LABELS[name]}" if log else LABELS[name]


def _colorbar(name: str, log: bool) -> dict:
    return {"title": {"text": _colorbar_title(name, log), "side": "top"}, "thickness": 12, "len": 0.9}


def _legend_entry(name: str, **style) -> dict:
    """A legend-only entry (an empty trace) for what has none of its own: heatmaps and shapes."""
    return {"type": "scatter", "x": [None], "y": [None], "name": name, **style}


def _legend_swatch(name: str, color: str, opacity: float) -> dict:
    """A legend entry for a filled area."""
    return _legend_entry(
        name, mode="markers", marker={"symbol": "square", "size": 14, "color": color, "opacity": opacity}
    )


def _legend_marker(name: str, symbol: str, color: str) -> dict:
    """A legend entry for a marker drawn as a shape."""
    return _legend_entry(
        name,
        mode="markers",
        marker={"symbol": symbol, "size": 13, "color": color, "line": {"width": 2, "color": "white"}},
    )


def _overlay_2d(*, start=None, line=None, color: str = COLORS["marker"]) -> list[dict]:
    """Traces for the profile line A→B and the start point (the non-convex map's overlay).

    ``color`` is black over a loss map; over the non-convex map, whose convex cells let the page
    show through, it is ink (the theme's text colour), so the line stays visible on a dark page.
    """
    traces = []

    def dotted(c: str) -> dict:  # the line's look, on the map and in the legend
        return {"line": {"color": c, "width": 2, "dash": "dot"}, "marker": {"size": 8, "color": c}}

    if line is not None:
        (w1, b1), (w2, b2) = line
        traces.append(
            {
                "type": "scatter",
                "x": [w1, w2],
                "y": [b1, b2],
                "mode": "lines+markers+text",
                "text": ["A", "B"],
                "textposition": "top center",
                "cliponaxis": False,
                # a contrasting halo: the letters sit on dark and on light parts of a map
                "textfont": {"size": FONT_SIZE, "color": COLORS["ink"], "shadow": "auto"},
                **dotted(color),
                "name": "line A→B",
                "hoverinfo": "skip",
                "legendgroup": "line",
            }
        )
        if color != COLORS["ink"]:  # black on the map; in the legend, on the page, the theme's text colour
            traces[-1]["showlegend"] = False
            traces.append(_legend_entry("line A→B", mode="lines+markers", **dotted(COLORS["ink"]), legendgroup="line"))
    if start is not None:
        traces.append(
            {
                "type": "scatter",
                "x": [start[0]],
                "y": [start[1]],
                "mode": "markers",
                "marker": {"size": 13, "color": color, "line": {"width": 2, "color": "white"}},
                "name": "start",
                "hovertemplate": "start: w=%{x:.4g}, b=%{y:.4g}<extra></extra>",
            }
        )
    return traces


def _svg_path(xs: np.ndarray, ys: np.ndarray) -> str:
    """An SVG path through the points in data units; a non-finite point breaks the line, as in a scatter."""
    parts, pen_down = [], False
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        if not (np.isfinite(x) and np.isfinite(y)):
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{x:.9g},{y:.9g}")
        pen_down = True
    return "".join(parts)


def _descent_shapes(*, descent, start, name: str) -> tuple[list[dict], list[dict]]:
    """The descent path, its end and the start as layout shapes, and legend entries for them.

    Shapes, not scatter traces: a new learning rate or step count then changes only shapes, and
    plotly redraws just those over the unchanged contour map (about 10 ms in Chromium) instead
    of recomputing and redrawing the whole map (70 to 110 ms; benchmarks/RESULTS.md).  Shapes
    have no hover text and no legend entry of their own; each gets a legend-only entry.
    """
    shapes, legend = [], []
    if descent is not None:
        path = _svg_path(descent.path[:, 0], descent.path[:, 1])
        line = {"type": "path", "xref": "x", "yref": "y", "layer": "above", "path": path}
        shapes.append({**line, "name": "casing", "line": {"color": "white", "width": LINE_WIDTH + 4}})
        shapes.append(
            {**line, "name": f"{LABELS[name]} path", "line": {"color": COLORS[name], "width": LINE_WIDTH + 1}}
        )
        legend.append(
            _legend_entry(f"{LABELS[name]} path", mode="lines", line={"color": COLORS[name], "width": LINE_WIDTH + 1})
        )
        (w_end, b_end) = descent.path[-1]
        if np.isfinite(w_end) and np.isfinite(b_end):
            h = 14 / 2
            cross = f"M{-h},{-h}L{h},{h}M{-h},{h}L{h},{-h}"  # an x: two crossed bars, 14 pixels wide
            for stroke, width, what in (("white", 7, "end casing"), (COLORS[name], 3, "end")):
                at = pixel_shape(float(w_end), float(b_end), stroke=stroke, width=width, kind="path", path=cross)
                shapes.append({**at, "name": what})
        legend.append(_legend_marker("end", "x", COLORS[name]))
    if start is not None:
        at = pixel_shape(float(start[0]), float(start[1]), stroke="white", width=2, size=13, fill=COLORS["marker"])
        shapes.append({**at, "name": "start"})
        legend.append(_legend_marker("start", "circle", COLORS["marker"]))
    return shapes, legend


def map_moving(*, descent, start, name: str) -> dict:
    """What a new learning rate changes on :func:`loss_map`, as a layout patch: the descent's shapes."""
    return {"shapes": _descent_shapes(descent=descent, start=start, name=name)[0]}


def _plane_figure(land, traces: list, *, title: str, height: int, shapes: list | None = None) -> go.Figure:
    """A (w, b)-plane figure over the grid's window, legend below."""
    return _figure(
        traces,
        title=title,
        x="w",
        y="b",
        height=height,
        hovermode="closest",
        legend={**LEGEND_BELOW, "font": {"size": FONT_SIZE - 2}},
        margin={"l": 55, "r": 10, "t": 45, "b": 40},
        xaxis={"range": [float(land.w[0]), float(land.w[-1])]},
        yaxis={"range": [float(land.b[0]), float(land.b[-1])]},
        shapes=shapes or [],
    )


def loss_map(land, name: str, *, log: bool = True, descent=None, start=None, line=None, height: int = 470):
    """A contour map of one loss over the (w, b) grid with the descent path, start and profile line."""
    contour = {
        "type": "contour",
        "x": land.w.astype(np.float32),
        "y": land.b.astype(np.float32),
        "z": _values(land[name], log),
        "colorscale": LOSS_SCALE,
        "ncontours": 18,
        "contours": {"coloring": "heatmap", "showlabels": False},
        "line": {"width": 0.6, "color": "rgba(40,40,40,0.45)"},
        "colorbar": _colorbar(name, log),
        "name": LABELS[name],
        "hovertemplate": "w=%{x:.3g}<br>b=%{y:.3g}<br>" + _colorbar_title(name, log) + "=%{z:.4g}<extra></extra>",
    }
    shapes, legend = _descent_shapes(descent=descent, start=start, name=name)
    traces = [contour, *_overlay_2d(line=line), *legend]
    fig = _plane_figure(land, traces, title=f"{LABELS[name]} loss over (w, b)", height=height, shapes=shapes)
    return fixed_margins(fig, left=55, bottom=50)  # redrawn on every move of the learning rate


def loss_surface(land, name: str, *, log: bool = True, descent=None, height: int = 420):
    """The same loss as a 3-D surface, with the descent path (the part over the window) drawn on it."""
    z = _values(land[name], log)
    traces = [
        {
            "type": "surface",
            "x": land.w.astype(np.float32),
            "y": land.b.astype(np.float32),
            "z": z,
            "colorscale": LOSS_SCALE,
            # under the scene, not beside it: a scene in half a page (or on a phone) needs all its width
            "colorbar": {**_colorbar(name, log), **SURFACE_COLORBAR},
            "name": LABELS[name],
            "hovertemplate": "w=%{x:.3g}<br>b=%{y:.3g}<br>" + _colorbar_title(name, log) + "=%{z:.4g}<extra></extra>",
        }
    ]
    if descent is not None:
        inside = land.contains(descent.path[:, 0], descent.path[:, 1])
        heights = descent.log10 if log else descent.loss
        traces.append(
            {
                "type": "scatter3d",
                "x": descent.path[inside, 0],
                "y": descent.path[inside, 1],
                "z": heights[inside],
                "mode": "lines",
                "line": {"color": COLORS[name], "width": 7},
                "name": f"{LABELS[name]} path",
            }
        )
        traces.append(
            {
                "type": "scatter3d",
                "x": descent.path[:1, 0],
                "y": descent.path[:1, 1],
                "z": heights[:1],
                "mode": "markers",
                "marker": {"size": 6, "color": COLORS["ink"]},
                "name": "start",
            }
        )
    return _figure(
        traces,
        title=f"{LABELS[name]} loss surface",
        height=height,
        hovermode="closest",
        legend={**LEGEND_BELOW, "y": -0.21},  # clear of the colour bar's numbers
        margin={"l": 0, "r": 0, "t": 45, "b": 10},
        scene={
            # few ticks (at most 3 on w and the loss, 4 on b): more crowd the near corner, and
            # surface_ticks keeps w's and the loss's lowest out of it ("-10-10", "-4" on "10")
            "xaxis": {"title": {"text": "w"}, "tickvals": surface_ticks(land.w)},
            "yaxis": {"title": {"text": "b"}, "nticks": 4},
            "zaxis": {"title": {"text": _colorbar_title(name, log)}, "tickvals": surface_ticks(z)},
            # close enough to fill the figure, far enough that the axis titles and ticks stay inside it
            # at 355 px wide (a phone) as at 420 px (half of a 1280 px page); looking a little below
            # the box's middle puts the box under the title, with no band of blank page between them
            "camera": {"eye": {"x": -1.34, "y": -1.34, "z": 0.76}, "center": {"x": -0.1, "y": 0.1, "z": -0.2}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.7},
            "domain": {"x": [0, 1], "y": [0.1, 1]},
        },
    )


def nonconvex_map(land, *, start=None, line=None, height: int = 470):
    """Where MSE's Hessian has a negative eigenvalue (shaded), under MSE's contour lines."""
    w = land.w.astype(np.float32)
    b = land.b.astype(np.float32)
    traces = [
        {
            "type": "heatmap",
            "x": w,
            "y": b,
            "z": land["mse"].nonconvex.astype(np.uint8),
            "zmin": 0,
            "zmax": 1,
            # convex cells transparent (the page shows through, light or dark), the rest shaded
            "colorscale": [[0.0, CLEAR], [0.5, CLEAR], [0.5, NONCONVEX_COLOR], [1.0, NONCONVEX_COLOR]],
            "opacity": 0.55,
            "showscale": False,
            "name": "negative eigenvalue",
            "hovertemplate": "w=%{x:.3g}<br>b=%{y:.3g}<br>not convex: %{z}<extra></extra>",
        },
        {
            "type": "contour",
            "x": w,
            "y": b,
            "z": land["mse"].loss.astype(np.float32),
            "ncontours": 12,
            "contours": {"coloring": "none"},
            "line": {"width": 1, "color": COLORS["ink"]},  # the theme's text colour, half seen
            "opacity": 0.5,
            "showscale": False,
            "hoverinfo": "skip",
            "name": "MSE contours",
        },
        _legend_swatch("not convex", NONCONVEX_COLOR, 0.55),
        *_overlay_2d(start=start, line=line, color=COLORS["ink"]),
    ]
    return _plane_figure(land, traces, title="Where MSE is not convex", height=height)


def profile_figure(profile, *, height: int = 420):
    """Both losses along the line A→B, one panel each (MSE on top); non-convex stretches shaded."""
    custom = np.stack([profile.w, profile.b], axis=1).astype(np.float32)
    traces, shapes = [], []
    for axis, name in (("", "mse"), ("2", "bce")):
        traces.append(
            {
                "type": "scatter",
                "x": profile.t,
                "y": profile.loss[name],
                "xaxis": "x" + axis,
                "yaxis": "y" + axis,
                "customdata": custom,
                "mode": "lines",
                "line": {"color": COLORS[name], "width": LINE_WIDTH, "dash": DASHES[name]},
                "name": LABELS[name],
                "hovertemplate": "w=%{customdata[0]:.3g}, b=%{customdata[1]:.3g}<br>"
                + LABELS[name]
                + "=%{y:.4g}<extra></extra>",
            }
        )
        for t0, t1 in profile.nonconvex_runs(name):
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x" + axis,
                    "yref": f"y{axis} domain",
                    "x0": t0,
                    "x1": t1,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": NONCONVEX_COLOR,
                    "opacity": 0.2,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    if shapes:
        traces.append(_legend_swatch("curves downward", NONCONVEX_COLOR, 0.35))
    return _figure(
        traces,
        title="Loss along the line A→B",
        height=height,
        hovermode="closest",
        legend={**LEGEND_BELOW, "y": -0.22},  # on top, its three entries ran into the title in presenter view
        shapes=shapes,
        xaxis={"domain": [0, 1], "anchor": "y", "matches": "x2", "showticklabels": False},
        xaxis2={"domain": [0, 1], "anchor": "y2", "title": {"text": "position on the line (A = 0, B = 1)"}},
        yaxis={"domain": [0.55, 1.0], "anchor": "x", "title": {"text": "MSE"}},
        yaxis2={"domain": [0.0, 0.45], "anchor": "x2", "title": {"text": "BCE"}},
    )


def descent_figure(descents: dict, *, height: int = 380):
    """The loss at every gradient-descent step, both losses, on a log axis."""
    traces = [
        {
            "type": "scatter",
            "x": np.arange(descents[name].loss.size),
            "y": descents[name].loss,
            "mode": "lines",
            "line": {"color": COLORS[name], "width": LINE_WIDTH, "dash": DASHES[name]},
            "name": f"{LABELS[name]} (descent on {LABELS[name]})",
            "hovertemplate": "step %{x}<br>" + LABELS[name] + "=%{y:.4g}<extra></extra>",
        }
        for name in ("mse", "bce")
    ]
    return _figure(
        traces,
        title="Loss at each step",
        x="step",
        y="loss (log scale)",
        height=height,
        legend={**LEGEND_BELOW, "y": -0.32},  # below the x-axis title: on a phone, one on top wrapped into the title
        yaxis={
            "type": "log",
            "exponentformat": "power",
            **log_ticks(descents["mse"].loss, descents["bce"].loss, crowded=4),
        },
    )


def fit_figure(x, y, curves: dict, *, xs, height: int = 380):
    """The data and the neuron each descent ends with: p = sigmoid(w x + b) against x.

    ``curves`` maps a loss name to the predictions at ``xs``.
    """
    traces = [
        {
            "type": "scatter",
            "x": xs,
            "y": curves[name],
            "mode": "lines",
            "line": {"color": COLORS[name], "width": LINE_WIDTH, "dash": DASHES[name]},
            "name": f"after descent on {LABELS[name]}",
            "hovertemplate": "x=%{x:.3g}<br>p=%{y:.3f}<extra>" + LABELS[name] + "</extra>",
        }
        for name in ("mse", "bce")
    ]
    traces.append(
        {
            "type": "scatter",
            "x": x,
            "y": y,
            "mode": "markers",
            "marker": {"size": 12, "color": COLORS["ink"], "symbol": "circle-open", "line": {"width": 2.5}},
            "name": "data (label)",
            "hovertemplate": "x=%{x:.3g}<br>y=%{y:.0f}<extra></extra>",
        }
    )
    return _figure(
        traces,
        title="What each neuron predicts",
        x="x",
        y="p = σ(wx + b)",
        height=height,
        hovermode="closest",
        legend={**LEGEND_BELOW, "y": -0.32},  # below the x-axis title
        yaxis={"range": [-0.08, 1.08]},
    )
