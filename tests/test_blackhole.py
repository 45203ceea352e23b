"""The log(0) black hole core and its figures: the issue's numbers, closed forms, finite differences."""

from __future__ import annotations

import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossviz as lv
from lossviz import blackhole as bh
from lossviz.figures.blackhole import gradient_figure, loss_histogram
from tests.conftest import plotly_array

ARROGANT = ([1, 0, 1], [0.0, 1.0, 0.0])
PERFECT = ([1, 0, 1], [1.0, 0.0, 1.0])


# ---------------------------------------------------------------- presets


def test_presets_start_with_the_lessons_arrogant_case():
    assert list(bh.PRESETS)[0] == "arrogant"
    pre = bh.PRESETS["arrogant"]
    assert (pre.y, pre.p) == ((1.0, 0.0, 1.0), (0.0, 1.0, 0.0))
    assert pre.z == (-bh.LOGIT_CAP, bh.LOGIT_CAP, -bh.LOGIT_CAP)
    for preset in bh.PRESETS.values():
        assert len(preset.y) == len(preset.p) == len(preset.z)
        finite = np.isfinite(lv.logit(preset.p))
        np.testing.assert_array_equal(np.asarray(preset.z)[finite], lv.logit(preset.p)[finite])
        np.testing.assert_array_equal(np.abs(np.asarray(preset.z)[~finite]), bh.LOGIT_CAP)
        assert not re.search(r"\d\.\d\d", preset.note), "notes must not hard-code computed values"


def test_eps_grid():
    assert bh.EPS_GRID[0] == 1e-20 and bh.EPS_GRID[-1] == 0.1 and len(bh.EPS_GRID) == 20
    assert 1e-15 in bh.EPS_GRID and 1e-12 in bh.EPS_GRID and bh.DEFAULT_EPS == 1e-15


# ---------------------------------------------------------------- the three formulas


def test_arrogant_case_naive_clipped_logits():
    c = bh.compare(*ARROGANT, eps=1e-15)
    assert np.isinf(c.naive.values).all() and c.naive.mean == math.inf
    assert c.naive.warnings == ("divide by zero encountered in log",)
    assert c.rows_where("naive", "inf") == [1, 2, 3] and c.rows_where("naive", "nan") == []
    assert c.clipped.mean == pytest.approx(34.53904292738741, abs=1e-12)
    assert c.clipped.bounds == (1e-15, 1 - 1e-15)
    np.testing.assert_array_equal(c.clipped_p, [1e-15, 1 - 1e-15, 1e-15])
    assert c.clipped.warnings == ()
    assert c.logits_mean is None and c.no_logit_rows == [1, 2, 3] and c.no_logit_probs == [0.0, 1.0]
    assert np.isnan(c.logits_values).all()
    assert bh.compare(*ARROGANT, eps=1e-12).clipped.mean == pytest.approx(27.631028489916815, abs=1e-12)


def test_perfect_case_gives_nan_and_both_warnings():
    c = bh.compare(*PERFECT)
    assert np.isnan(c.naive.values).all()
    assert c.naive.warnings == ("divide by zero encountered in log", "invalid value encountered in multiply")
    assert c.rows_where("naive", "nan") == [1, 2, 3] and c.rows_where("naive", "inf") == []
    assert c.clipped.mean == pytest.approx(9.992007221626409e-16, rel=1e-12)


def test_float32_clip_leaves_log0_and_float16_underflows():
    c = bh.compare(*ARROGANT, eps=1e-15, dtype="float32")
    assert c.dtype == "float32" and c.clipped_p.dtype == np.float32
    assert c.clipped_p[1] == 1.0  # 1 - 1e-15 == 1 in float32: p = 1 is not moved
    assert c.rows_where("clipped", "inf") == [2] and c.rows_where("clipped", "nan") == []
    assert c.clipped.warnings == ("divide by zero encountered in log",)
    c16 = bh.compare(*ARROGANT, eps=1e-15, dtype="float16")
    assert c16.rows_where("clipped", "inf") == [1, 2, 3]


def test_logits_mode_is_honest_where_the_clip_lies():
    y, z = [1, 0, 1], [-40.0, 40.0, -40.0]
    c = bh.compare(y, z, eps=1e-15, from_logits=True)
    np.testing.assert_array_equal(c.p, lv.sigmoid(z))
    assert c.p[1] == 1.0  # sigmoid(40) rounds to exactly 1 in float64
    assert c.naive.values[0] == pytest.approx(40.0, abs=1e-12) and np.isinf(c.naive.values[1])
    np.testing.assert_allclose(c.clipped.values, [34.538776394910684, 34.53957599234088, 34.538776394910684])
    assert c.logits_mean == 40.0 and c.no_logit_rows == []
    np.testing.assert_array_equal(c.logits_values, lv.bce_logits(y, z, reduction="none"))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0, 1]), st.floats(1e-6, 1 - 1e-6)),
        min_size=1,
        max_size=20,
    )
)
def test_three_forms_agree_away_from_the_ends(rows):
    y = [r[0] for r in rows]
    p = [r[1] for r in rows]
    c = bh.compare(y, p, eps=1e-15)
    np.testing.assert_allclose(c.naive.values, c.clipped.values, rtol=1e-12)
    np.testing.assert_allclose(c.logits_values, c.naive.values, rtol=1e-7, atol=1e-12)
    assert c.naive.warnings == ()


def test_compare_validates():
    with pytest.raises(ValueError, match="eps must be a number"):
        bh.compare(*ARROGANT, eps=None)
    with pytest.raises(ValueError, match="y_pred must be probabilities in \\[0, 1\\]; found 1.5 at position 0"):
        bh.compare([1], [1.5])
    with pytest.raises(ValueError, match="z contains infinity at position 0"):
        bh.compare([1], [np.inf], from_logits=True)
    with pytest.raises(ValueError, match="dtype must be one of"):
        bh.compare(*ARROGANT, dtype="int8")
    with pytest.raises(ValueError, match="report must be one of naive, clipped"):
        bh.compare(*ARROGANT).rows_where("logits", "inf")
    with pytest.raises(ValueError, match="what must be one of inf, nan"):
        bh.compare(*ARROGANT).rows_where("naive", "zero")


# ---------------------------------------------------------------- dtype traps


def test_dtype_trap_for_the_lessons_eps():
    f64, f32, f16 = bh.dtype_traps(1e-15)
    assert (f64.dtype, f32.dtype, f16.dtype) == ("float64", "float32", "float16")
    assert f64.works and f64.gap == pytest.approx(9.992007221626409e-16, rel=1e-12)
    assert f32.lower_ok and not f32.upper_ok and f32.hi == 1.0 and f32.worst_y0 == math.inf
    assert f32.worst_y1 == pytest.approx(34.538776, rel=1e-6)
    assert not f16.lower_ok and f16.lo == 0.0 and f16.worst_y1 == math.inf
    assert f32.quarter_eps == 2.0**-25 and f32.upper_min == pytest.approx(2.980233e-08, rel=1e-6)
    assert f32.lower_min == np.finfo(np.float32).smallest_subnormal


def test_keras_epsilon_in_float32_is_uneven():
    t = bh.dtype_trap(1e-7, "float32")
    assert t.works and t.gap == 2.0**-23  # 1 - 1e-7 rounds to 1 - 2^-23
    assert t.worst_y1 == pytest.approx(16.118095, abs=1e-5)
    assert t.worst_y0 == pytest.approx(15.942385, abs=1e-5)
    assert not bh.dtype_trap(1e-7, "float16").upper_ok


@settings(max_examples=200, deadline=None)
@given(st.floats(1e-20, 0.4), st.sampled_from(["float64", "float32", "float16"]))
def test_the_rule_predicts_every_bound(eps, dtype):
    """The page's rule, checked against the bounds numpy really stores."""
    t = bh.dtype_trap(eps, dtype)
    assert t.upper_ok == (t.lo > t.quarter_eps)
    assert t.lower_ok == (t.lo > 0)
    assert t.works == (math.isfinite(t.worst_y1) and math.isfinite(t.worst_y0))


def test_the_rule_on_the_grid():
    for eps in bh.EPS_GRID:
        assert bh.dtype_trap(eps, "float64").works == (eps > 2.0**-54)
        assert bh.dtype_trap(eps, "float32").upper_ok == (eps >= 1e-7)
        assert bh.dtype_trap(eps, "float16").works == (eps >= 1e-3)


# ---------------------------------------------------------------- frameworks


def test_framework_values_from_the_issue():
    res = {r.name: r for r in bh.framework_results(*ARROGANT)}
    keras = res["Keras 3 binary_crossentropy"]
    assert keras.mean == 16.059524536132812 and keras.mean == pytest.approx(16.0595245, abs=1e-7)
    assert keras.dtype == "float32"
    assert keras.worst_y1 == pytest.approx(16.118, abs=5e-4) and keras.worst_y0 == pytest.approx(15.942, abs=5e-4)
    assert res["PyTorch nn.BCELoss"].mean == 100.0
    assert res["PyTorch nn.BCELoss"].worst_y1 == res["PyTorch nn.BCELoss"].worst_y0 == 100.0
    sk = res["scikit-learn log_loss"]
    assert sk.mean == 36.04365338911715 and sk.worst_y1 == sk.worst_y0 == 36.04365338911715
    logits = res["Logits form (TF, PyTorch BCEWithLogitsLoss)"]
    assert logits.mean is None and not logits.bounded
    assert res["The lesson: np.clip, eps = 1e-15"].mean == 34.53904292738741
    assert res["The lesson: np.clip, eps = 1e-12"].mean == 27.631028489916815
    assert all(r.bounded for r in res.values() if r is not logits)
    assert [r.source.startswith("https://github.com/") for r in res.values()] == [True] * 4 + [False] * 2
    assert keras.source_path == "keras/src/backend/numpy/nn.py"
    assert res["PyTorch nn.BCELoss"].source_path == "aten/src/ATen/native/Loss.cpp"
    assert sk.source_path == "sklearn/metrics/_classification.py"
    assert res["The lesson: np.clip, eps = 1e-15"].source_path == ""


def test_frameworks_agree_on_a_sensible_table_and_from_logits():
    res = bh.framework_results([1, 0, 1], [0.99, 0.01, 0.99])
    for r in res:
        assert r.mean == pytest.approx(0.01005033585350145, rel=2e-6), r.name  # Keras and PyTorch: float32
    z = bh.framework_results([1, 0, 1], [-40.0, 40.0, -40.0], from_logits=True)
    assert z[3].mean == 40.0 and z[2].mean == pytest.approx(36.04365338911715)


# ---------------------------------------------------------------- gradients


def _fd_clipped(label, z, eps, h=1e-5):
    y = np.full(z.shape, float(label))
    f = lambda q: lv.bce(y, lv.sigmoid(q), eps=eps, reduction="none")  # noqa: E731
    return (f(z + h) - f(z - h)) / (2 * h)


@pytest.mark.parametrize("label", [1, 0])
@pytest.mark.parametrize("eps", [1e-15, 1e-7, 1e-3])
def test_gradient_through_the_clip_matches_finite_differences(label, eps):
    g = bh.gradient_curves(eps, label)
    # inside the clip stay within |z| <= 15: beyond, 1 - sigmoid(z) has too few digits for a finite difference
    probe = np.array([g.z_lo - 5, max(g.z_lo + 5, -15), -1.0, 0.5, 3.0, min(g.z_hi - 5, 15), g.z_hi + 5])
    expect = _fd_clipped(label, probe, eps)
    got = lv.bce_grad_z(np.full(probe.shape, float(label)), probe, eps=eps)
    np.testing.assert_allclose(got, expect, atol=2e-5)
    # where the clip bites the clipped gradient is exactly 0, the logits form keeps p - y
    bite = (g.z < g.z_lo) | (g.z > g.z_hi)
    assert (g.clipped[bite] == 0).all()
    np.testing.assert_array_equal(g.logits, lv.sigmoid(g.z) - label)
    np.testing.assert_array_equal(g.clipped[~bite], g.logits[~bite])
    wrong_side = g.z < g.z_lo if label == 1 else g.z > g.z_hi
    assert np.abs(g.logits[wrong_side]).min() > 0.99


def test_gradient_range_and_rows():
    g = bh.gradient_curves(1e-15, 1, row_y=[1, 0, 1, 1], row_z=[-40.0, 40.0, np.inf, 2.0])
    assert g.z_lo == pytest.approx(lv.logit(1e-15)) and g.z_hi == pytest.approx(-g.z_lo, rel=1e-4)
    assert g.x_range == (-50.0, 50.0) and g.z.size == bh.GRID_POINTS + 4 == 405
    np.testing.assert_array_equal(g.rows, [1, 4])
    np.testing.assert_array_equal(g.row_clipped, [0.0, lv.sigmoid(2.0) - 1])
    np.testing.assert_array_equal(g.row_logits, lv.sigmoid([-40.0, 2.0]) - 1)
    assert g.rows_total == 2 and g.rows_no_logit == 1  # row 3: z = inf, p = 1 exactly
    no_place = "p of exactly 0 or 1 has no finite logit z, so no place on this chart."
    assert (
        g.marked_sentence()
        == f"Diamonds and dots mark 2 of your 3 rows with y = 1. 1 of them cannot be marked: {no_place}"
    )
    assert bh.gradient_curves(1e-15, 0, row_y=[1, 0], row_z=[1.0, -np.inf]).marked_sentence() == (
        f"Your row with y = 0 is not marked: {no_place}"
    )
    assert bh.gradient_curves(1e-15, 0, row_y=[1], row_z=[1.0]).marked_sentence() == (
        "Your table has no rows with y = 0 to mark."
    )
    assert bh.gradient_curves(1e-15, 0, row_y=[0, 1], row_z=[1.0, 2.0]).marked_sentence() == (
        "Diamonds and dots mark your rows with y = 0."
    )
    many = bh.gradient_curves(1e-3, 0, row_y=np.zeros(500), row_z=np.linspace(-3, 3, 500))
    assert many.rows_total == 500 and many.rows.size == bh.MAX_MARKED_ROWS
    assert (
        many.marked_sentence() == f"Diamonds and dots mark the first {bh.MAX_MARKED_ROWS} of your 500 rows with y = 0."
    )
    np.testing.assert_array_equal(many.rows, np.arange(1, bh.MAX_MARKED_ROWS + 1))
    far = bh.gradient_curves(0.1, 0, row_y=[0], row_z=[900.0])
    assert far.x_range == (-200.0, 200.0) and far.rows_off_plot == 1
    with pytest.raises(ValueError, match="label must be between 0 and 1; got 2"):
        bh.gradient_curves(1e-15, 2)
    with pytest.raises(ValueError, match="different lengths"):
        bh.gradient_curves(1e-15, 1, row_y=[1, 0], row_z=[1.0])


def test_gradient_figure():
    g = bh.gradient_curves(1e-15, 1, row_y=[1, 0, 1], row_z=[-40.0, 40.0, -40.0])
    fig = gradient_figure(g)
    go.Figure(fig.to_dict())  # built without validation (fast_figure): plotly's full validation here
    names = [t.name for t in fig.data]
    assert names == ["through clip (eps = 1e-15)", "logits form: σ(z) − y", "your rows, logits", "your rows, clipped"]
    np.testing.assert_array_equal(plotly_array(fig.data[0].y), g.clipped.astype(np.float32))  # drawn in float32
    np.testing.assert_array_equal(plotly_array(fig.data[1].y), g.logits.astype(np.float32))
    np.testing.assert_array_equal(plotly_array(fig.data[0].x), g.z.astype(np.float32))
    np.testing.assert_array_equal(plotly_array(fig.data[2].x), [-40.0, -40.0])
    np.testing.assert_array_equal(plotly_array(fig.data[3].y), [0.0, 0.0])
    np.testing.assert_array_equal(plotly_array(fig.data[2].y), lv.sigmoid([-40.0, -40.0]) - 1)
    shapes = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(s.x0, s.x1) for s in shapes] == [(-50.0, g.z_lo), (g.z_hi, 50.0)]
    assert len(gradient_figure(bh.gradient_curves(1e-15, 0)).data) == 2  # no rows: no markers


# ---------------------------------------------------------------- a user's predictions


def test_summarize():
    y, p = [1, 0, 1, 0, 1], [0.0, 0.2, 0.9, 1.0, 0.4]
    s = bh.summarize(y, p, top=2, bins=10)
    ref = lv.sklearn_log_loss(y, p)
    np.testing.assert_array_equal(s.values, ref.values)
    assert s.mean == ref.mean and s.total == pytest.approx(float(np.sum(ref.values)))
    assert s.wrong == 3 and list(s.worst) == [0, 3]  # ties keep table order; row 5 (p = 0.4) is third
    assert s.counts.sum() == 5 and s.edges[0] == 0 and s.edges[-1] == pytest.approx(36.04365338911715)
    assert s.eps == np.finfo(float).eps
    fine = bh.summarize([1, 0], [0.9, 0.1])
    assert fine.wrong == 0 and fine.worst.size == 0 and fine.edges[-1] == 1.0


def test_loss_histogram():
    s = bh.summarize([1, 0, 1, 0, 1], [0.0, 0.2, 0.9, 1.0, 0.4], bins=10)
    fig = loss_histogram(s)
    assert len(fig.data) == 1
    np.testing.assert_array_equal(plotly_array(fig.data[0].y), s.counts)
    np.testing.assert_allclose(plotly_array(fig.data[0].x), (s.edges[:-1] + s.edges[1:]) / 2)
    assert fig.layout.xaxis.range == (0, s.edges[-1])
    assert fig.layout.yaxis.dtick == 1  # five rows: counted in whole rows, no tick at 1.5
    many = bh.summarize(np.ones(500), np.linspace(0.01, 0.99, 500), bins=10)
    assert loss_histogram(many).layout.yaxis.dtick is None  # plotly picks whole steps itself


def test_format_prob():
    assert bh.format_prob(1 - 1e-15) == "1 − 9.992e-16"
    assert bh.format_prob(np.float32(1 - 1e-7)) == "1 − 1.192e-7"
    assert bh.format_prob(1.0) == "1" and bh.format_prob(0.0) == "0" and bh.format_prob(0.99) == "0.99"
    assert bh.format_prob(4.248354255291589e-18) == "4.248354e-18"


def test_every_setting_computes_quietly(recwarn):
    """Every epsilon, dtype, label and preset: no exception, no warning, a figure."""
    for preset in bh.PRESETS.values():
        for from_logits, pred in ((False, preset.p), (True, preset.z)):
            for dtype in ("float64", "float32", "float16"):
                for eps in bh.EPS_GRID:
                    c = bh.compare(preset.y, pred, eps=eps, dtype=dtype, from_logits=from_logits)
                    assert c.clipped.values.shape == (len(preset.y),)
            bh.framework_results(preset.y, pred, from_logits=from_logits)
    for eps in bh.EPS_GRID:
        bh.dtype_traps(eps)
        for label in (0, 1):
            g = bh.gradient_curves(eps, label, row_y=[1, 0], row_z=[-40.0, 40.0])
            assert np.isfinite(g.z).all() and np.isfinite(g.clipped).all()
            assert g.bites == (label == 1 or eps > 2.0**-54)
            if eps in (1e-20, 1e-15, 0.1):
                go.Figure(gradient_figure(g).to_dict())  # a valid plotly figure in every case
    assert len(recwarn) == 0


def test_clip_that_never_bites_in_float64():
    g = bh.gradient_curves(1e-20, 0)
    assert g.z_hi == math.inf and not g.bites and math.isfinite(g.z_lo)
    np.testing.assert_array_equal(g.clipped[g.z > 0], g.logits[g.z > 0])  # never zeroed on the upper side
    fig = gradient_figure(g)
    assert [(s.x0, s.x1) for s in fig.layout.shapes if s.type == "rect"] == [(g.x_range[0], g.z_lo)]
    assert not fig.layout.annotations
