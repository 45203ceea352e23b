"""The Loss Explorer's numbers (lossviz.explorer) and figures (lossviz.figures.explorer) against the core."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.utils import PlotlyJSONEncoder

import lossviz as lv
from lossviz import explorer as ex
from lossviz.figures import explorer as figs
from lossviz.params import format_number, parse, serialize

LESSON = {
    "near_perfect": 0.01005033585350145,
    "good": 0.164252033486018,
    "bad": 1.854645225687032,
    "arrogant": 34.53904292738741,
}

# ------------------------------------------------------------------ grids and URL values


def test_p_grid_is_fine_near_the_ends_and_sorted():
    g = ex.P_GRID
    assert list(g) == sorted(set(g)) and len(g) == 145
    assert g[0] == 0.0 and g[-1] == 1.0
    for k in range(4, 17):
        assert float(f"1e-{k}") in g
        assert 1 - float("0." + "9" * k) == pytest.approx(10.0**-k, rel=0.2)  # the value 1 - 1e-k, as a float can
    for v in (0.001, 0.005, 0.01, 0.25, 0.7, 0.99, 0.995, 0.999):
        assert v in g
    assert ex.format_p(0.999999999999) == "1 − 1e-12"
    assert ex.format_p(1e-15) == "1e-15"
    assert ex.format_p(0.25) == "0.25" and ex.format_p(0.0) == "0" and ex.format_p(1.0) == "1"
    assert ex.format_p(0.123456789) == "0.123457"
    assert ex.format_eps(1e-15) == "1e-15" and len(ex.EPS_GRID) == 20 and ex.EPS_GRID[0] == 1e-20


def test_every_grid_value_round_trips_through_the_url():
    for v in ex.P_GRID:
        text = serialize(ex.PARAMS, {"p": v}).get("p", "0.7")
        values, notices, _ = parse(ex.PARAMS, {"p": text})
        assert notices == [] and values["p"] == v, (v, text)
    # written with all its digits: 12 significant digits would give "1" and reopen the link at p = 1
    assert serialize(ex.PARAMS, {"p": 0.9999999999999}) == {"p": "0.9999999999999"}
    for v in ex.EPS_GRID:
        assert parse(ex.PARAMS, serialize(ex.PARAMS, {"eps": v}) or {"eps": "1e-15"})[0]["eps"] == v


def test_url_values_snap_to_the_grids():
    values, notices, _ = parse(ex.PARAMS, {"p": "0.2501", "eps": "8e-13", "y": "0", "dtype": "float16"})
    assert notices == []
    assert values["p"] == 0.25 and values["eps"] == 1e-12 and values["y"] == 0 and values["dtype"] == "float16"
    assert parse(ex.PARAMS, {"p": "1e-13"})[0]["p"] == 1e-13
    assert parse(ex.PARAMS, {"p": "0.999999999999999"})[0]["p"] == float("0.999999999999999")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"p": "abc"}, "p=abc ignored (not a number)"),
        ({"p": "7"}, "p=7 ignored (above the maximum 1)"),
        ({"y": "2"}, "y=2 ignored (must be one of 0, 1)"),
        ({"eps": "-1"}, "ignored (below the minimum 1e-20)"),
        ({"dtype": "float8"}, "must be one of float64, float32, float16"),
        ({"preset": "<b>x</b>"}, "must be one of near_perfect"),
        ({"hinge": "maybe"}, "must be 1 or 0"),
    ],
)
def test_bad_url_values_fall_back_with_a_notice(raw, reason):
    values, notices, accepted = parse(ex.PARAMS, raw)
    name = next(iter(raw))
    assert values[name] == next(p.default for p in ex.PARAMS if p.name == name)
    assert len(notices) == 1 and reason in notices[0] and not accepted


# ------------------------------------------------------------------ curves


@pytest.mark.parametrize(("eps", "dtype"), [(1e-15, "float64"), (1e-1, "float32"), (1e-8, "float16")])
def test_curves_equal_the_core(eps, dtype):
    c = ex.curves(eps, dtype)
    assert c.p.size == 500 and c.p[0] == 0.001 and c.p[-1] == 0.999
    np.testing.assert_array_equal(c.z, lv.logit(c.p))
    for label in (0, 1):
        y = np.full(500, label)
        np.testing.assert_array_equal(c.loss[label]["bce"], lv.bce(y, c.p, eps=eps, dtype=dtype, reduction="none"))
        np.testing.assert_array_equal(c.loss[label]["mse"], lv.mse(y, c.p, reduction="none"))
        np.testing.assert_array_equal(c.loss[label]["hinge"], lv.hinge(y, lv.logit(c.p), reduction="none"))
        np.testing.assert_array_equal(c.grad_z[label]["bce"], lv.bce_grad_z(y, lv.logit(c.p), eps=eps))
        np.testing.assert_array_equal(c.grad_z[label]["mse"], lv.mse_grad_z(y, lv.logit(c.p)))
        np.testing.assert_array_equal(c.grad_z[label]["hinge"], lv.hinge_grad_score(y, lv.logit(c.p)))
    assert c.margin_p == {1: pytest.approx(0.7310585786300049), 0: pytest.approx(0.2689414213699951)}


def test_curves_are_cached_and_read_only():
    a = ex.curves(1e-15, "float64")
    assert ex.curves(1e-15, "float64") is a
    with pytest.raises(ValueError):
        a.loss[1]["bce"][0] = 0.0
    with pytest.raises(ValueError):
        a.p[0] = 0.5
    with pytest.raises(TypeError):
        a.loss[1]["bce"] = np.zeros(500)
    with pytest.raises(TypeError):
        ex.lesson_numbers()["z"] = 0.0


def test_curves_show_the_lessons_shapes():
    c = ex.curves(1e-15)
    # gradient in z: BCE is p - y, MSE 2 (p - y) p (1 - p), vanishing where confidently wrong (y = 1, p -> 0)
    np.testing.assert_allclose(c.grad_z[1]["bce"], c.p - 1, atol=1e-15)
    np.testing.assert_allclose(c.grad_z[1]["mse"], 2 * (c.p - 1) * c.p * (1 - c.p), atol=1e-15)
    assert abs(c.grad_z[1]["mse"][0]) < 0.0021 < 0.99 < abs(c.grad_z[1]["bce"][0])
    # hinge is exactly 0 past its margin and positive before it
    past = c.p >= c.margin_p[1] + 1e-9
    assert (c.loss[1]["hinge"][past] == 0).all() and (c.loss[1]["hinge"][~past] > 0).all()
    assert (c.grad_z[1]["hinge"][past] == 0).all() and (c.grad_z[1]["hinge"][~past] == -1).all()
    # a big clip flattens BCE and kills its gradient below eps
    big = ex.curves(0.1)
    low = big.p < 0.1
    assert np.ptp(big.loss[1]["bce"][low]) == 0 and (big.grad_z[1]["bce"][low] == 0).all()


def test_curves_csv_has_every_curve_with_all_digits():
    text = ex.curves_csv(1e-12, "float32")
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["p", "z", "bce_y1", "mse_y1", "hinge_y1"] and len(header) == 14
    table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1)
    c = ex.curves(1e-12, "float32")
    assert table.shape == (500, 14)
    np.testing.assert_array_equal(table[:, 0], c.p)
    np.testing.assert_array_equal(table[:, header.index("bce_y0")], c.loss[0]["bce"])
    np.testing.assert_array_equal(table[:, header.index("dmse_dz_y1")], c.grad_z[1]["mse"])


# ------------------------------------------------------------------ one point


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([0, 1]),
    st.sampled_from(ex.P_GRID),
    st.sampled_from(ex.EPS_GRID),
    st.sampled_from(["float64", "float32", "float16"]),
)
def test_point_readouts_equal_the_core(y, p, eps, dtype):
    pt = ex.point(y, p, eps, dtype)
    expect = lv.bce([y], [p], eps=eps, dtype=dtype)
    assert pt.bce == expect or (math.isnan(pt.bce) and math.isnan(expect))
    assert pt.mse == lv.mse([y], [p])
    z = lv.logit([p])
    assert pt.z == z[0] and pt.hinge == lv.hinge([y], z)
    g = lv.bce_grad_p([y], [p], eps=eps)[0]
    assert pt.bce_grad_p == g or (math.isnan(pt.bce_grad_p) and math.isnan(g))
    assert pt.mse_grad_p == lv.mse_grad_p([y], [p])[0]
    assert pt.hinge_grad_z == lv.hinge_grad_score([y], z)[0]
    if 0 < p < 1:
        assert pt.bce_grad_z == lv.bce_grad_z([y], z, eps=eps)[0]
        assert pt.mse_grad_z == lv.mse_grad_z([y], z)[0]
    else:
        assert pt.bce_grad_z is None and pt.mse_grad_z is None
        assert any(k == "z-gradients" for k, _ in pt.notes)
    # every non-finite readout comes with its reason
    labels = dict(pt.notes)
    if not math.isfinite(pt.bce):
        word = "nan" if math.isnan(pt.bce) else "log 0 = −∞"
        assert word in labels["BCE"] and dtype in labels["BCE"]
    if math.isinf(pt.hinge):
        assert "hinge" in labels


def test_every_non_finite_readout_at_the_ends_has_a_reason():
    ends = (0.0, 1e-16, float("0.9999999999999999"), 1.0)
    seen = set()
    for y in (0, 1):
        for p in ends:
            for eps in ex.EPS_GRID:
                for dtype in ("float64", "float32", "float16"):
                    pt = ex.point(y, p, eps, dtype)
                    reasons = dict(pt.notes)
                    if not math.isfinite(pt.bce):
                        seen.add(format_number(pt.bce))
                        assert "BCE" in reasons and ex.format_eps(eps) in reasons["BCE"], (y, p, eps, dtype)
                    if math.isinf(pt.hinge):
                        assert "hinge" in reasons
                    if not math.isfinite(pt.bce_grad_p):
                        seen.add("grad " + format_number(pt.bce_grad_p))
                        assert "divides by 0" in reasons["∂BCE/∂p"]
    assert seen == {"inf", "nan", "grad inf", "grad nan"}


def test_the_lessons_gradient_claim_at_z_minus_10():
    pt = ex.point(1, float(lv.sigmoid(-10.0)), 1e-15)
    assert pt.bce_grad_z == pytest.approx(-0.9999546, abs=1e-6)
    assert pt.mse_grad_z == pytest.approx(-9.0787e-5, rel=1e-4)
    num = ex.lesson_numbers()
    assert num["bce_dz_at_z"] == pytest.approx(-0.9999546, abs=1e-6)
    assert num["mse_dz_at_z"] == pytest.approx(-9.0787e-5, rel=1e-4)
    assert ex.format_count(num["dz_ratio"]) == "11,014"


@pytest.mark.parametrize(
    ("y", "p", "eps", "dtype", "value", "why"),
    [
        (0, 1.0, 1e-15, "float32", "inf", "float32 rounds the clip's upper bound 1 − 1e-15 to exactly 1.0"),
        (1, 1.0, 1e-15, "float32", "nan", "0 · (−∞) = nan"),
        (0, 0.999999999999, 1e-15, "float32", "inf", "rounds both p = 1 − 1e-12 and the clip's upper bound"),
        (1, 0.0, 1e-8, "float16", "inf", "float16 rounds the clip's lower bound eps = 1e-8 to 0"),
        (0, 1.0, 1e-17, "float64", "inf", "float64 rounds the clip's upper bound 1 − 1e-17"),
    ],
)
def test_non_finite_bce_is_explained(y, p, eps, dtype, value, why):
    pt = ex.point(y, p, eps, dtype)
    assert format_number(pt.bce) == value
    assert why in dict(pt.notes)["BCE"]


def test_a_clip_that_saves_p_says_so_and_flattens_the_gradient():
    pt = ex.point(1, 0.0, 1e-15)
    assert pt.bce == pytest.approx(34.538776394910684) and pt.clipped_to == 1e-15
    note = dict(pt.notes)["BCE"]
    assert "moved p = 0 to 1e-15" in note and "gradient is 0" in note
    assert pt.bce_grad_p == 0.0 and format_number(pt.bce_grad_z) == "n/a"
    assert format_number(pt.hinge) == "inf" and "−∞" in dict(pt.notes)["hinge"]
    assert ex.point(1, 0.7, 1e-15).notes == ()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2, 0.5, 1e-15), "y must be one of 0, 1"),
        ((1, 1.5, 1e-15), "p must be between 0 and 1"),
        ((1, 0.5, None), "eps must be a number"),
        ((1, 0.5, 0.7), "eps must be in (0, 0.5)"),
        ((True, 0.5, 1e-15), "not a bool"),
    ],
)
def test_point_rejects_bad_input(args, message):
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(").replace(")", r"\)")):
        ex.point(*args)
    with pytest.raises(ValueError, match="dtype must be one of"):
        ex.point(1, 0.5, 1e-15, "int8")


# ------------------------------------------------------------------ presets and the table


@pytest.mark.parametrize("preset", ex.PRESETS, ids=lambda pr: pr.id)
def test_presets_give_the_lessons_means(preset):
    table = ex.sample_table(preset.y, preset.p, eps=1e-15, dtype="float64")
    assert table.mean_bce == LESSON[preset.id]
    assert ex.format_full(table.mean_bce) == repr(LESSON[preset.id])
    assert repr(LESSON[preset.id]) in preset.lesson
    np.testing.assert_array_equal(table.bce, lv.bce(preset.y, preset.p, reduction="none"))
    assert table.mean_mse == lv.mse(preset.y, preset.p)


def test_arrogant_preset_with_other_clips_and_dtypes():
    pr = ex.PRESET_BY_ID["arrogant"]
    assert ex.sample_table(pr.y, pr.p, eps=1e-12).mean_bce == 27.631028489916815
    assert "27.631028489916815" in pr.lesson
    assert ex.format_full(ex.sample_table(pr.y, pr.p, eps=1e-15, dtype="float32").mean_bce) == "inf"
    assert ex.sample_table(pr.y, pr.p, eps=1e-7, dtype="float32").mean_bce == pytest.approx(16.059524536132812)


@pytest.mark.parametrize(
    ("y", "p", "message"),
    [
        ([1, 0], [0.5, float("nan")], "row 2, column p is empty"),
        ([1, None], [0.5, 0.5], "row 2, column y is empty"),
        ([1, 0.5], [0.5, 0.5], "row 2, column y: the label must be 0 or 1, not 0.5"),
        ([1, 0, 1], [0.5, 0.2, 1.5], "row 3, column p: 1.5 is not a probability"),
        ([1], [-0.1], "row 1, column p: -0.1 is not a probability"),
        ([1], ["abc"], "row 1, column p: 'abc' is not a number"),
        ([1], [float("inf")], "row 1, column p: inf is not a finite number"),
        ([], [], "the table is empty"),
        ([1] * 101, [0.5] * 101, "the table has 101 rows; the limit is 100"),
        ([1, 0], [0.5], "different lengths"),
    ],
)
def test_table_errors_name_row_and_column(y, p, message):
    with pytest.raises(ValueError) as info:
        ex.sample_table(y, p, eps=1e-15)
    assert message in str(info.value)


def test_table_accepts_numpy_and_float_labels():
    table = ex.sample_table(np.array([1.0, 0.0]), np.array([0.9, 0.2]), eps=1e-15)
    assert table.y == (1, 0) and table.mean_bce == lv.bce([1, 0], [0.9, 0.2])


# ------------------------------------------------------------------ figures


def _valid(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_dict())  # plotly's full validation: raises on any invalid property
    return fig


def _markers(fig) -> list:
    """The marker shapes at the slider's p."""
    return [s for s in fig.layout.shapes if s.name and s.name.endswith(figs.MARKER_SUFFIX)]


def _at(fig) -> tuple[list, list]:
    ms = _markers(fig)
    return [s.xanchor for s in ms], [s.yanchor for s in ms]


def test_loss_figure_carries_the_cores_curves_and_the_marker():
    c = ex.curves(1e-15)
    pt = ex.point(1, 0.3, 1e-15)
    fig = _valid(
        figs.loss_figure(
            c.p,
            c.loss[1],
            label=1,
            marker_p=0.3,
            marker_values={"bce": pt.bce, "mse": pt.mse, "hinge": pt.hinge},
            margin_p=c.margin_p[1],
            selected=True,
        )
    )
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["BCE", "MSE", "hinge"]
    for t, kind in zip(lines, ("bce", "mse", "hinge"), strict=True):
        np.testing.assert_array_equal(np.asarray(t.x), c.p)
        np.testing.assert_array_equal(np.asarray(t.y), c.loss[1][kind])
    assert _at(fig) == ([0.3, 0.3, 0.3], [pt.bce, pt.mse, pt.hinge])
    assert [s.type for s in _markers(fig)] == ["circle", "rect", "path"]  # circle, square, diamond
    xs = sorted(s.x0 for s in fig.layout.shapes if s.type == "line")
    assert xs == sorted([0.3, c.margin_p[1]])
    assert "selected" in fig.layout.title.text and fig.layout.yaxis.type is None


def test_markers_nest_when_the_losses_are_close():
    # at the default p = 0.7 (y = 1) the three losses lie within 0.3 of each other, a few pixels apart:
    # each marker is drawn smaller than the one under it, so all three stay in sight
    pt = ex.point(1, 0.7, 1e-15)
    assert max(pt.bce, pt.mse, pt.hinge) - min(pt.bce, pt.mse, pt.hinge) < 0.3
    c = ex.curves(1e-15)
    values = {"bce": pt.bce, "mse": pt.mse, "hinge": pt.hinge}
    fig = figs.loss_figure(c.p, c.loss[1], label=1, marker_p=0.7, marker_values=values)
    widths = []
    for s in _markers(fig):
        if s.type == "path":  # "M 0 -h L h 0 ...": tip to tip
            xs = [float(v) for v in s.path.replace("M", " ").replace("L", " ").replace("Z", " ").split()[0::2]]
            widths.append(max(xs) - min(xs))
        else:
            widths.append(s.x1 - s.x0)
    assert [s.name for s in _markers(fig)] == ["BCE at p", "MSE at p", "hinge at p"]  # drawn in this order
    assert widths[0] > widths[1] + 6 and widths[1] > widths[2] - 2, widths  # circle 21, square 13, diamond 14
    assert all(s.xsizemode == "pixel" for s in _markers(fig))


def test_loss_figure_options_hinge_log_and_unmarked_panel():
    c = ex.curves(1e-15)
    fig = _valid(figs.loss_figure(c.p, c.loss[0], label=0, marker_p=0.5, show_hinge=False, log_y=True))
    assert [t.name for t in fig.data] == ["BCE", "MSE"]
    assert fig.layout.yaxis.type == "log" and [s.x0 for s in fig.layout.shapes] == [0.5]
    assert "selected" not in fig.layout.title.text


def test_non_finite_values_get_no_marker():
    c = ex.curves(1e-15, "float32")
    pt = ex.point(0, 1.0, 1e-15, "float32")  # BCE inf, hinge inf
    values = {"bce": pt.bce, "mse": pt.mse, "hinge": pt.hinge}
    fig = _valid(figs.loss_figure(c.p, c.loss[0], label=0, marker_p=1.0, marker_values=values))
    assert _at(fig) == ([1.0], [1.0])
    assert ex.not_drawn(values) == "BCE = inf, hinge = inf"
    assert ex.not_drawn(values, hinge=False) == "BCE = inf"
    none = {"bce": float("nan"), "mse": float("inf")}
    assert not _markers(figs.loss_figure(c.p, c.loss[0], label=0, marker_p=1.0, marker_values=none, show_hinge=False))
    # on a log axis a loss of exactly 0 has no place: hinge past its margin gets no marker
    past = ex.point(1, 0.99, 1e-15)
    values = {"bce": past.bce, "mse": past.mse, "hinge": past.hinge}
    assert past.hinge == 0
    log = _valid(figs.loss_figure(c.p, c.loss[1], label=1, marker_p=0.99, marker_values=values, log_y=True))
    assert [s.name for s in _markers(log)] == ["BCE at p", "MSE at p"]


def test_gradient_figure_carries_the_cores_gradients():
    c = ex.curves(1e-15)
    pt = ex.point(1, 0.01, 1e-15)
    values = {"bce": pt.bce_grad_z, "mse": pt.mse_grad_z, "hinge": pt.hinge_grad_z}
    fig = _valid(figs.gradient_figure(c.p, c.grad_z[1], label=1, marker_p=0.01, marker_values=values))
    for t, kind in zip(fig.data[:3], ("bce", "mse", "hinge"), strict=True):
        np.testing.assert_array_equal(np.asarray(t.y), c.grad_z[1][kind])
    assert _at(fig) == ([0.01] * 3, [pt.bce_grad_z, pt.mse_grad_z, pt.hinge_grad_z])
    at_zero = figs.gradient_figure(
        c.p, c.grad_z[1], label=1, marker_p=0.0, marker_values={"bce": None, "mse": None, "hinge": -1.0}
    )
    assert _at(_valid(at_zero))[1] == [-1.0]


def _loss_at(p: float, c, log_y: bool = False):
    pt = ex.point(1, p, 1e-15)
    values = {"bce": pt.bce, "mse": pt.mse, "hinge": pt.hinge}
    return figs.loss_figure(
        c.p, c.loss[1], label=1, marker_p=p, marker_values=values, margin_p=c.margin_p[1], log_y=log_y
    )


def test_the_y_range_holds_every_curve_value_and_marker_with_room_for_whole_markers():
    c = ex.curves(1e-15)
    fig = _loss_at(0.3, c)
    lo, hi = fig.layout.yaxis.range
    top = max(float(np.max(c.loss[1][k])) for k in ("bce", "mse", "hinge"))  # hinge at p = 0.001
    span = top - 0.0  # a linear loss axis keeps 0 in range (plotly's rangemode "tozero")
    assert (lo, hi) == pytest.approx((-figs.Y_PAD * span, top + figs.Y_PAD * span))
    # a marker beyond the curves' grid (p < 0.001) widens the range to hold it
    far = _loss_at(1e-9, c)
    assert far.layout.yaxis.range[1] == pytest.approx(ex.point(1, 1e-9, 1e-15).hinge * (1 + figs.Y_PAD), rel=0.01)
    # log axis: powers of ten over the positive values
    lo, hi = _loss_at(0.3, c, log_y=True).layout.yaxis.range
    positive = np.concatenate([c.loss[1][k][c.loss[1][k] > 0] for k in ("bce", "mse", "hinge")])
    low, high = np.log10(positive.min()), np.log10(positive.max())
    span = high - low
    assert (lo, hi) == pytest.approx((low - figs.Y_PAD * span, high + figs.Y_PAD * span))
    g = figs.gradient_figure(c.p, c.grad_z[0], label=0, marker_p=0.5, marker_values={"bce": 0.5})
    vals = np.concatenate([c.grad_z[0][k] for k in ("bce", "mse", "hinge")])
    span = vals.max() - vals.min()
    assert list(g.layout.yaxis.range) == pytest.approx([vals.min() - figs.Y_PAD * span, vals.max() + figs.Y_PAD * span])


def test_a_move_of_p_inside_the_grid_changes_only_shapes():
    # what keeps a move of p cheap in the browser: the traces and the axis range stay exactly as
    # they were, so plotly redraws only the shapes (the markers and the dotted line at p)
    c = ex.curves(1e-15)
    for log_y in (False, True):
        a, b = _loss_at(0.3, c, log_y).to_plotly_json(), _loss_at(0.31, c, log_y).to_plotly_json()
        assert json.dumps(a["data"], cls=PlotlyJSONEncoder) == json.dumps(b["data"], cls=PlotlyJSONEncoder)
        assert {k: v for k, v in a["layout"].items() if k != "shapes"} == {
            k: v for k, v in b["layout"].items() if k != "shapes"
        }
        assert a["layout"]["shapes"] != b["layout"]["shapes"]
