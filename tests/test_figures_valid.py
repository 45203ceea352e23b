"""Figures built without runtime validation (fast_figure) are valid plotly, checked here instead."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import lossviz as lv
from lossviz.figures.boundary import decision_boundary, downsample, hidden_unit_maps, loss_curve, to_uint8
from lossviz.figures.common import NARROW_LOG_TICKS, log_ticks
from lossviz.nn import flatten, grid_axes


def _valid(fig):
    go.Figure(fig.to_dict())  # raises on any invalid property
    return fig


def test_boundary_figures_validate_and_carry_the_data():
    X, y = lv.xor()
    r = lv.train(X, y, epochs=500, seed=0)
    x1, x2 = grid_axes((-0.5, 1.5, -0.5, 1.5), 30)
    prob, units = lv.predict_grid(flatten(r.params, 2, 3), 3, "tanh", (-0.5, 1.5, -0.5, 1.5), 30)
    fig = _valid(decision_boundary(prob, x1, x2, X, y, title="t"))
    heat = fig.data[0]
    assert heat.type == "heatmap" and np.asarray(heat.z).dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(heat.z), to_uint8(prob))
    assert [t.name for t in fig.data[-2:]] == ["label 0", "label 1"]
    np.testing.assert_array_equal(np.asarray(fig.data[-1].x), X[y == 1, 0].astype(np.float32))
    assert _valid(decision_boundary(prob, x1, x2, X, y, discretize=True)).data[0].z.max() == 255
    # the map is square; its colour bar is centred and at most 0.65 of the plot's height, so it does
    # not overshoot the square in a narrow column
    bar = heat.colorbar
    assert bar.len == 0.65 and (bar.y, bar.yanchor) == (0.5, "middle")
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.constrain == "domain"
    maps = _valid(hidden_unit_maps(units, x1, x2, "tanh"))
    assert len(maps.data) == 3 and maps.data[2].xaxis == "x3"
    curve = _valid(loss_curve(r.loss, upto=100, total=500))
    assert len(curve.data[0].x) == 100 and curve.layout.xaxis.range == (0, 500)
    head = curve.data[1]  # a dot at the epoch on show: at epoch 0 the chart's only mark
    assert head.mode == "markers" and list(head.x) == [99] and head.y[0] == np.float32(r.loss[99])
    assert len(_valid(loss_curve(r.loss, upto=0)).data) == 1  # nothing shown yet: no dot


def test_downsample_keeps_ends_and_bounds_size():
    idx = downsample(5000, 600)
    assert idx[0] == 0 and idx[-1] == 4999 and len(idx) <= 600
    assert downsample(10).tolist() == list(range(10))
    assert to_uint8(np.array([np.nan, 0.0, 1.0, 2.0])).tolist() == [128, 0, 255, 255]


def test_log_axes_show_numbers_however_narrow_the_range():
    # a few ticks at 1, 2, 5 (or 1, 3) times a power of ten; powers of ten alone over a wide span; even
    # steps over a narrow one, so an axis is never left without a number (0.69 to 0.35 spans no power
    # of ten) nor crowded with one label per digit (plotly's choice for 0.69 to 0.019)
    assert log_ticks([0.3, 0.7]) == {"tickvals": [0.3, 0.4, 0.5, 0.6, 0.7]}  # 0.7 / 0.1 is 6.999...: kept
    assert log_ticks([0.12, 0.69]) == {"tickvals": [0.2, 0.3, 0.4, 0.5]}  # 0.6 would crowd 0.5 on a log scale
    assert log_ticks([0.6945, 0.6948]) == {"tickvals": [0.6945, 0.6946, 0.6947, 0.6948]}
    assert log_ticks([0.69, 0.69]) == {"nticks": NARROW_LOG_TICKS}  # one value: plotly centres it
    assert log_ticks([0.05, 0.3]) == {"tickvals": [0.05, 0.1, 0.2]}
    assert log_ticks(np.array([0.69, 0.35]), [0.0187]) == {"tickvals": [0.02, 0.05, 0.1, 0.2, 0.5]}  # several arrays
    assert log_ticks([0.005, 0.69]) == {"tickvals": [0.01, 0.03, 0.1, 0.3]}  # 1-2-5 would be 7 ticks
    assert log_ticks([0.001, 0.7]) == {"tickvals": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3]}
    assert log_ticks([3e-4, 0.7]) == {"dtick": 1}  # 1-3 would be 7 ticks: powers of ten
    assert log_ticks([0.0, -1.0, np.nan, np.inf]) == {} and log_ticks() == {}  # nothing to place
    assert log_ticks([1e-6, 1.0], crowded=4) == {"dtick": 2} and log_ticks([1e-3, 1.0], crowded=4) == {"dtick": 1}
    for lo in np.geomspace(1e-9, 0.94, 400):  # 2 to NARROW_LOG_TICKS values inside, none crowding the next
        ticks = log_ticks([lo, 0.95]).get("tickvals")
        if ticks is not None:
            assert 2 <= len(ticks) <= NARROW_LOG_TICKS and all(lo <= v <= 0.95 for v in ticks)
            assert np.diff(np.log10(ticks)).min() >= np.log10(0.95 / lo) / 8 - 1e-12
    stuck = np.linspace(0.69, 0.36, 1001)
    assert _valid(loss_curve(stuck, upto=300)).layout.yaxis.tickvals == (0.6, 0.62, 0.64, 0.66, 0.68)
    assert _valid(loss_curve(np.geomspace(0.69, 1e-4, 1001))).layout.yaxis.dtick == 1
    # the curve so far decides, not the whole run: early on a falling loss spans less than a decade
    assert _valid(loss_curve(np.geomspace(0.69, 1e-4, 1001), upto=10)).layout.yaxis.dtick is None
