"""The single-neuron landscape core and its figures: closed forms, finite differences, the convexity claim."""

from __future__ import annotations

import json
import math

import numpy as np
import plotly.io as pio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.utils import PlotlyJSONEncoder

import lossviz as lv
from lossviz import landscape as ls
from lossviz.figures import landscape as figs
from lossviz.figures.common import COLORS, FONT_SIZE
from lossviz.params import format_number, parse
from tests.conftest import path_points

SEP = ls.preset("separable")
DEFAULTS = {p.name: p.default for p in ls.PARAMS}
START = (DEFAULTS["w0"], DEFAULTS["b0"])


def _loss(x, y, w, b, name):
    return float(ls.evaluate(x, y, w, b, loss=name, hessian=False).loss)


def _grad(x, y, w, b, name):
    ev = ls.evaluate(x, y, w, b, loss=name, hessian=False)
    return np.array([float(ev.grad_w), float(ev.grad_b)])


def _fd_hessian(x, y, w, b, name, h=1e-5):
    """Central differences of the analytic gradient (each column), symmetrised."""
    cols = [
        (_grad(x, y, w + h, b, name) - _grad(x, y, w - h, b, name)) / (2 * h),
        (_grad(x, y, w, b + h, name) - _grad(x, y, w, b - h, name)) / (2 * h),
    ]
    hess = np.stack(cols, axis=1)
    return 0.5 * (hess + hess.T)


# ---------------------------------------------------------------- presets and datasets


def _separable(x, y) -> bool:
    """Some threshold on x puts every 1 on one side and every 0 on the other."""
    xs = np.sort(np.unique(x))
    cuts = np.concatenate(([xs[0] - 1], (xs[:-1] + xs[1:]) / 2, [xs[-1] + 1]))
    return any(np.array_equal(x > c, y == 1) or np.array_equal(x < c, y == 1) for c in cuts)


def test_presets_are_what_they_say():
    assert _separable(*ls.preset("separable"))
    assert not _separable(*ls.preset("overlapping"))
    assert not _separable(*ls.preset("outlier"))
    for name in ls.PRESETS:
        x, y = ls.preset(name)
        assert x.shape == y.shape and set(np.unique(y)) == {0.0, 1.0}
    with pytest.raises(ValueError, match="preset must be one of"):
        ls.preset("spiral")


def test_check_dataset_accepts_and_converts():
    x, y = ls.check_dataset([1, -2.5, np.float32(3)], (0, 1, np.int64(1)))
    assert x.dtype == np.float64 and x.tolist() == [1.0, -2.5, 3.0] and y.tolist() == [0.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1, None, 3], [0, 1, 1], r"x is empty in row 2"),
        ([1, 2, 3], [0, float("nan"), 1], r"y is empty in row 2"),
        ([1, 2, math.inf], [0, 1, 1], r"x must be between -100 and 100; row 3 has inf"),
        ([1, 250, 3], [0, 1, 1], r"row 2 has 250"),
        ([1, 2, 3], [0, 0.5, 1], r"y must be a label 0 or 1; row 2 has 0.5"),
        ([1, 2, 3], [0, 1, 2], r"row 3 has 2"),
        ([1, 2], [0, 1, 1], r"different lengths: 2 vs 3"),
        ([], [], r"empty; add at least one point"),
        ([1, "a"], [0, 1], r"x must be a number; row 2 has 'a'"),
        (list(range(201)), [0] * 201, r"201 points; the limit is 200"),
        ([[1, 2]], [[0, 1]], r"must be 1-D"),
    ],
)
def test_check_dataset_names_column_row_and_value(x, y, message):
    with pytest.raises(ValueError, match=message):
        ls.check_dataset(x, y)


def test_check_dataset_types():
    with pytest.raises(TypeError, match="x must be a list or array"):
        ls.check_dataset("1,2", [0, 1])
    with pytest.raises(TypeError, match="y must be a list or array"):
        ls.check_dataset([1], None)


def test_check_dataset_skips_new_empty_rows_but_counts_them():
    x, y = ls.check_dataset([1, None, 2], [0, None, 1], skip_empty_rows=True)
    assert x.tolist() == [1.0, 2.0] and y.tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="y is empty in row 4"):
        ls.check_dataset([1, None, 2, 5], [0, None, 1, None], skip_empty_rows=True)
    with pytest.raises(ValueError, match="x is empty in row 2"):
        ls.check_dataset([1, None, 2], [0, None, 1])
    with pytest.raises(ValueError, match="empty; add at least one point"):
        ls.check_dataset([None], [None], skip_empty_rows=True)


# ---------------------------------------------------------------- values: one source of truth


def test_closed_forms_at_the_origin():
    """At w = b = 0 every p is 1/2: BCE = ln 2, gradients and Hessians by hand (x = -3..3, y = x > 0)."""
    x, y = SEP
    bce = ls.evaluate(x, y, 0.0, 0.0, loss="bce")
    assert float(bce.loss) == pytest.approx(math.log(2), abs=1e-15)
    assert (float(bce.grad_w), float(bce.grad_b)) == pytest.approx((-1.0, 0.0), abs=1e-15)
    assert (float(bce.hww), float(bce.hwb), float(bce.hbb)) == pytest.approx((7 / 6, 0.0, 0.25), abs=1e-15)
    mse = ls.evaluate(x, y, 0.0, 0.0, loss="mse")
    assert float(mse.loss) == pytest.approx(0.25, abs=1e-15)
    assert (float(mse.grad_w), float(mse.grad_b)) == pytest.approx((-0.5, 0.0), abs=1e-15)
    assert (float(mse.hww), float(mse.hwb), float(mse.hbb)) == pytest.approx((7 / 12, 0.0, 0.125), abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    w=st.floats(-50, 50),
    b=st.floats(-50, 50),
    data=st.lists(st.tuples(st.floats(-100, 100), st.sampled_from([0, 1])), min_size=1, max_size=12),
)
def test_losses_equal_lossviz_losses(w, b, data):
    """The grid's values are lossviz.bce_logits and lossviz.mse(y, sigmoid(z)): the single source of truth."""
    x = np.array([d[0] for d in data])
    y = np.array([d[1] for d in data], dtype=float)
    z = w * x + b
    assert _loss(x, y, w, b, "bce") == pytest.approx(lv.bce_logits(y, z), rel=1e-12, abs=1e-300)
    assert _loss(x, y, w, b, "mse") == pytest.approx(lv.mse(y, lv.sigmoid(z)), rel=1e-12, abs=1e-300)
    # and BCE on probabilities agrees where 1 - sigmoid(z) keeps its digits (|z| < 10: relative error < 1e-11)
    if np.all(np.abs(z) < 10):
        assert _loss(x, y, w, b, "bce") == pytest.approx(lv.bce(y, lv.sigmoid(z), eps=None), rel=1e-9)


@settings(max_examples=80, deadline=None)
@given(z=st.lists(st.floats(-60, 60), min_size=1, max_size=8), label=st.sampled_from([0.0, 1.0]))
def test_dz_first_derivatives_equal_lossviz_gradients(z, label):
    z = np.array(z)
    y = np.full(z.size, label)
    p = lv.sigmoid(z)
    np.testing.assert_allclose(ls._dz("bce", y, p)[0], lv.bce_grad_z(y, z), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(ls._dz("mse", y, p)[0], lv.mse_grad_z(y, z), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", ls.LOSSES)
@pytest.mark.parametrize("label", [0.0, 1.0])
def test_dz_second_derivatives_by_finite_differences(name, label):
    z = np.linspace(-12, 12, 97)
    y = np.full(z.size, label)
    h = 1e-5
    grad_z = lv.bce_grad_z if name == "bce" else lv.mse_grad_z
    fd = (grad_z(y, z + h) - grad_z(y, z - h)) / (2 * h)
    np.testing.assert_allclose(ls._dz(name, y, lv.sigmoid(z))[1], fd, rtol=1e-6, atol=1e-10)


def test_mse_curvature_factorises_and_changes_sign_at_one_third():
    """l''(z) = 2p(1-p)^2 (3p-1) for y = 1 and 2p^2 (1-p)(2-3p) for y = 0 (the page's caption)."""
    p = np.linspace(0.001, 0.999, 999)
    one, zero = np.ones_like(p), np.zeros_like(p)
    np.testing.assert_allclose(ls._dz("mse", one, p)[1], 2 * p * (1 - p) ** 2 * (3 * p - 1), atol=1e-15)
    np.testing.assert_allclose(ls._dz("mse", zero, p)[1], 2 * p**2 * (1 - p) * (2 - 3 * p), atol=1e-15)
    assert np.array_equal(ls._dz("mse", one, p)[1] < 0, p < 1 / 3)
    assert np.array_equal(ls._dz("mse", zero, p)[1] < 0, p > 2 / 3)
    assert (ls._dz("bce", one, p)[1] > 0).all()


POINTS = [(w, b) for w in (-8.0, -3.0, -0.5, 0.7, 4.0) for b in (-6.0, -1.0, 0.0, 2.5)] + [START]


@pytest.mark.parametrize("preset", list(ls.PRESETS))
@pytest.mark.parametrize("name", ls.LOSSES)
def test_gradient_matches_finite_differences(preset, name):
    x, y = ls.preset(preset)
    h = 1e-5
    for w, b in POINTS:
        fd = [
            (_loss(x, y, w + h, b, name) - _loss(x, y, w - h, b, name)) / (2 * h),
            (_loss(x, y, w, b + h, name) - _loss(x, y, w, b - h, name)) / (2 * h),
        ]
        atol = 1e-9 * (1 + _loss(x, y, w, b, name))  # rounding of the loss itself, over 2h
        np.testing.assert_allclose(_grad(x, y, w, b, name), fd, rtol=1e-6, atol=atol, err_msg=f"{(w, b)}")


@pytest.mark.parametrize("preset", list(ls.PRESETS))
@pytest.mark.parametrize("name", ls.LOSSES)
def test_hessian_matches_finite_differences(preset, name):
    x, y = ls.preset(preset)
    for w, b in POINTS:
        ev = ls.evaluate(x, y, w, b, loss=name)
        hess = np.array([[ev.hww, ev.hwb], [ev.hwb, ev.hbb]], dtype=float)
        np.testing.assert_allclose(hess, _fd_hessian(x, y, w, b, name), rtol=1e-5, atol=1e-9, err_msg=f"{(w, b)}")


def test_evaluate_broadcasts_and_keeps_shape():
    x, y = SEP
    w = np.array([[-1.0, 0.0, 1.0]])
    b = np.array([[0.0], [2.0]])
    ev = ls.evaluate(x, y, w, b, loss="bce")
    assert ev.loss.shape == ev.hbb.shape == ev.grad_norm.shape == (2, 3)
    assert ev.loss[1, 2] == pytest.approx(_loss(x, y, 1.0, 2.0, "bce"), abs=1e-15)
    assert ls.evaluate(x, y, 1.0, 2.0, loss="mse", hessian=False).hww is None


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"loss": "hinge"}, ValueError, "loss must be one of mse, bce"),
        ({"w": 51.0}, ValueError, "w must be finite and between -50 and 50; found 51.0"),
        ({"b": np.array([0.0, np.nan])}, ValueError, "b must be finite"),
        ({"w": np.zeros(2), "b": np.zeros(3)}, ValueError, "one shape"),
        ({"w": np.zeros(ls.MAX_EVAL + 1)}, ValueError, "900,001 points; the limit is 900,000"),
    ],
)
def test_evaluate_rejects(kwargs, error, message):
    args = {"loss": "mse", "w": 0.0, "b": 0.0, **kwargs}
    with pytest.raises(error, match=message):
        ls.evaluate(*SEP, args.pop("w"), args.pop("b"), **args)


# ---------------------------------------------------------------- eigenvalues and the convexity claim


@settings(max_examples=100, deadline=None)
@given(a=st.floats(-1e3, 1e3), c=st.floats(-1e3, 1e3), d=st.floats(-1e3, 1e3))
def test_eig2x2_equals_numpy(a, c, d):
    lo, hi = ls.eig2x2(a, c, d)
    expect = np.linalg.eigvalsh(np.array([[a, c], [c, d]]))
    scale = max(1.0, abs(a), abs(c), abs(d))
    assert float(lo) == pytest.approx(expect[0], abs=1e-12 * scale)
    assert float(hi) == pytest.approx(expect[1], abs=1e-12 * scale)


def test_eig2x2_vectorised_and_checked():
    lo, hi = ls.eig2x2([2.0, 1.0], [0.0, 2.0], [3.0, 1.0])
    np.testing.assert_allclose(lo, [2.0, -1.0])
    np.testing.assert_allclose(hi, [3.0, 3.0])
    with pytest.raises(ValueError, match="c must be finite; found nan at position 1"):
        ls.eig2x2([1.0, 1.0], [0.0, np.nan], [1.0, 1.0])


@pytest.mark.parametrize("preset", list(ls.PRESETS))
def test_bce_hessian_is_psd_on_a_wide_grid(preset):
    land = ls.loss_grid(*ls.preset(preset), w_range=(-50, 50), b_range=(-50, 50), n=61)
    bce = land["bce"]
    assert not bce.nonconvex.any()
    assert (bce.lam_min >= -1e-12 * np.maximum(bce.lam_max, 1e-300)).all()
    assert bce.nonconvex_share == 0.0


@settings(max_examples=25, deadline=None)
@given(
    data=st.lists(st.tuples(st.floats(-20, 20), st.sampled_from([0, 1])), min_size=1, max_size=15),
    w=st.floats(-50, 50),
    b=st.floats(-50, 50),
)
def test_bce_hessian_is_psd_for_any_dataset(data, w, b):
    x = [d[0] for d in data]
    y = [d[1] for d in data]
    ev = ls.evaluate(x, y, w, b, loss="bce")
    lo, hi = ls.eig2x2(ev.hww, ev.hwb, ev.hbb)
    assert float(lo) >= -1e-12 * max(float(hi), 1e-300)


@pytest.mark.parametrize("preset", list(ls.PRESETS))
def test_mse_has_negative_eigenvalue_regions(preset):
    x, y = ls.preset(preset)
    land = ls.loss_grid(x, y, n=81)
    mse = land["mse"]
    assert mse.nonconvex.any() and 0.1 < mse.nonconvex_share < 1.0
    assert mse.lam_min.min() < -0.01  # clearly negative, not rounding
    # independent of the analytic Hessian: finite differences at the most negative grid point
    i, j = np.unravel_index(np.argmin(mse.lam_min), mse.lam_min.shape)
    fd = _fd_hessian(x, y, land.w[j], land.b[i], "mse")
    assert np.linalg.eigvalsh(fd)[0] == pytest.approx(mse.lam_min[i, j], rel=1e-4)


def test_default_start_is_on_a_nonconvex_plateau():
    x, y = SEP
    ev = ls.evaluate(x, y, *START, loss="mse")
    assert float(ls.eig2x2(ev.hww, ev.hwb, ev.hbb)[0]) < 0
    assert float(ev.grad_norm) < 0.01


# ---------------------------------------------------------------- the grid


def test_landscape_grid_orientation_and_values():
    x, y = SEP
    land = ls.loss_grid(x, y, w_range=(-4, 6), b_range=(-2, 3), n=11)
    assert land.w.tolist() == pytest.approx(np.linspace(-4, 6, 11).tolist())
    assert land.b.tolist() == pytest.approx(np.linspace(-2, 3, 11).tolist())
    for name in ls.LOSSES:
        s = land[name]
        assert s.loss.shape == (11, 11)
        i, j = 3, 7  # row = b, column = w
        ev = ls.evaluate(x, y, land.w[j], land.b[i], loss=name)
        assert s.loss[i, j] == pytest.approx(float(ev.loss), rel=1e-14)
        assert s.grad_norm[i, j] == pytest.approx(float(ev.grad_norm), rel=1e-12)
        lo, hi = ls.eig2x2(ev.hww, ev.hwb, ev.hbb)
        assert (s.lam_min[i, j], s.lam_max[i, j]) == pytest.approx((float(lo), float(hi)), rel=1e-12, abs=1e-15)
        np.testing.assert_array_equal(s.log10, np.log10(np.maximum(s.loss, 1e-16)))


def test_landscape_chunks_give_the_same_numbers(monkeypatch):
    x = np.linspace(-3, 3, 13)
    y = (x > 0.2).astype(float)
    whole = ls.loss_grid(x, y, n=17)
    monkeypatch.setattr(ls, "_CHUNK", 20)  # one grid point per chunk and a remainder
    pieces = ls.loss_grid(x, y, n=17)
    for name in ls.LOSSES:  # equal up to the summation order of the matrix products
        np.testing.assert_allclose(whole[name].loss, pieces[name].loss, rtol=1e-14)
        np.testing.assert_allclose(whole[name].lam_min, pieces[name].lam_min, rtol=1e-12, atol=1e-15)


def test_landscape_contains():
    land = ls.loss_grid(*SEP, w_range=(-1, 1), b_range=(0, 2), n=3)
    assert land.contains([-1, 1, 1.01, 0], [0, 2, 1, -0.1]).tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 301}, ValueError, "n must be between 2 and 300; got 301"),
        ({"n": 1}, ValueError, "n must be between 2 and 300"),
        ({"n": 20.0}, TypeError, "n must be a whole number"),
        ({"n": True}, TypeError, "n must be a whole number"),
        ({"w_range": (5, 3)}, ValueError, "w_range must go from low to high; got 5 to 3"),
        ({"b_range": (0, 0)}, ValueError, "b_range must go from low to high; got 0 to 0"),
        ({"w_range": (-60, 0)}, ValueError, r"w_range\[0\] must be between -50 and 50"),
        ({"b_range": (0, math.inf)}, ValueError, r"b_range\[1\] must be between"),
        ({"w_range": 5}, TypeError, "w_range must be a pair"),
        ({"b_range": ("a", 1)}, TypeError, r"b_range\[0\] must be a number"),
    ],
)
def test_landscape_limits(kwargs, error, message):
    with pytest.raises(error, match=message):
        ls.loss_grid(*SEP, **{"n": 10, **kwargs})


def test_landscape_with_the_largest_dataset_and_grid_stays_finite():
    x = np.linspace(-100, 100, ls.MAX_POINTS)
    y = (np.arange(ls.MAX_POINTS) % 3 == 0).astype(float)
    land = ls.loss_grid(x, y, w_range=(-50, 50), b_range=(-50, 50), n=40)
    for name in ls.LOSSES:
        for arr in (land[name].loss, land[name].log10, land[name].lam_min, land[name].lam_max):
            assert np.isfinite(arr).all()


# ---------------------------------------------------------------- line profiles


def test_profile_endpoints_and_curvature_by_finite_differences():
    x, y = ls.preset("overlapping")
    start, end = (-9.0, 4.0), (7.0, -3.0)
    prof = ls.line_profile(x, y, start, end, n=41)
    assert (prof.w[0], prof.b[0], prof.w[-1], prof.b[-1]) == (-9.0, 4.0, 7.0, -3.0)
    h = 1e-4
    for name in ls.LOSSES:
        assert prof.loss[name][0] == pytest.approx(_loss(x, y, *start, name), rel=1e-14)
        assert prof.loss[name][-1] == pytest.approx(_loss(x, y, *end, name), rel=1e-14)

        def f(t, name=name):
            return _loss(x, y, -9.0 + 16.0 * t, 4.0 - 7.0 * t, name)

        for k in (5, 17, 30):
            t = prof.t[k]
            fd = (f(t + h) - 2 * f(t) + f(t - h)) / h**2
            assert prof.curvature[name][k] == pytest.approx(fd, rel=2e-4, abs=1e-5)


def test_default_profile_shows_mse_nonconvex_and_bce_not():
    prof = ls.line_profile(*SEP, (DEFAULTS["w1"], DEFAULTS["b1"]), (DEFAULTS["w2"], DEFAULTS["b2"]))
    runs = prof.nonconvex_runs("mse")
    assert len(runs) == 1 and runs[0][0] == 0.0 and 0.3 < runs[0][1] < 0.6
    assert prof.nonconvex_runs("bce") == [] and prof.nonconvex_share("bce") == 0.0
    assert (prof.curvature["bce"] >= 0).all()
    assert prof.curvature["mse"].min() < 0
    text = ls.profile_sentence(prof)
    assert f"MSE curves downwards on {prof.nonconvex_share('mse') * 100:.1f}% of it" in text
    assert "BCE never curves downwards" in text


def test_profile_runs_split_into_stretches():
    prof = ls.Profile(
        t=np.linspace(0, 1, 6),
        w=np.zeros(6),
        b=np.zeros(6),
        loss={},
        curvature={},
        nonconvex={"mse": np.array([True, False, True, True, False, True])},
    )
    assert prof.nonconvex_runs("mse") == [(0.0, 0.0), (0.4, 0.6000000000000001), (1.0, 1.0)]


def test_profile_rejects():
    with pytest.raises(ValueError, match=r"start and end are the same point \(1, 2\)"):
        ls.line_profile(*SEP, (1, 2), (1.0, 2.0))
    with pytest.raises(ValueError, match=r"end\[1\] must be between -50 and 50"):
        ls.line_profile(*SEP, (1, 2), (1, 99))
    with pytest.raises(TypeError, match="start must be a pair"):
        ls.line_profile(*SEP, 1, (1, 2))


# ---------------------------------------------------------------- gradient descent


@pytest.mark.parametrize("name", ls.LOSSES)
def test_descent_first_step_and_recorded_losses(name):
    x, y = ls.preset("outlier")
    run = ls.gradient_descent(x, y, loss=name, w0=-2.0, b0=1.5, lr=0.5, steps=30)
    assert run.path.shape == (31, 2) and run.loss.shape == run.grad_norm.shape == (31,)
    assert run.path[0].tolist() == [-2.0, 1.5]
    g = _grad(x, y, -2.0, 1.5, name)
    np.testing.assert_allclose(run.path[1], [-2.0 - 0.5 * g[0], 1.5 - 0.5 * g[1]], rtol=1e-14)
    for k in (0, 7, 30):
        assert run.loss[k] == pytest.approx(_loss(x, y, *run.path[k], name), rel=1e-14)
    assert run.change == pytest.approx(run.loss[-1] - run.loss[0])
    assert run.distance == pytest.approx(float(np.hypot(*(run.path[-1] - run.path[0]))))


def _plain_descent(x, y, name, w, b, lr, steps):
    """The textbook loop, one learning rate, written out here (no lossviz code but the gradient)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    path = [(w, b)]
    for _ in range(steps):
        with np.errstate(over="ignore"):  # exp(large) = inf gives p = 0, as it should
            p = 1 / (1 + np.exp(-(w * x + b)))
        d1 = p - y if name == "bce" else 2 * (p - y) * p * (1 - p)
        w, b = w - lr * np.mean(d1 * x), b - lr * np.mean(d1)
        path.append((w, b))
    return np.array(path)


@pytest.mark.parametrize("name", ls.LOSSES)
def test_descents_side_by_side_are_each_the_single_run_bit_for_bit(name):
    """The page computes every learning rate of its slider at once; each must be exactly what
    gradient_descent gives alone (the browser shows one, the rerun the other), and the textbook loop."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-ls.MAX_ABS_X, ls.MAX_ABS_X, ls.MAX_POINTS)
    y = (rng.uniform(size=x.size) < 1 / (1 + np.exp(-x / 20))).astype(float)
    many = ls.gradient_descents(x, y, loss=name, w0=0.3, b0=-2.0, lrs=ls.LR_GRID, steps=120)
    assert [r.lr for r in many] == list(ls.LR_GRID)
    for lr, run in zip(ls.LR_GRID, many, strict=True):
        one = ls.gradient_descent(x, y, loss=name, w0=0.3, b0=-2.0, lr=lr, steps=120)
        assert np.array_equal(one.path, run.path) and np.array_equal(one.loss, run.loss), lr
        assert np.array_equal(one.grad_norm, run.grad_norm), lr
    for i in (0, 6):  # the small rates, whose paths stay where the loss is smooth enough to compare
        np.testing.assert_allclose(many[i].path, _plain_descent(x, y, name, 0.3, -2.0, ls.LR_GRID[i], 120), rtol=1e-9)


def test_descents_refuse_bad_learning_rates_by_name():
    x, y = SEP
    with pytest.raises(ValueError, match="lr must be greater than 0"):
        ls.gradient_descents(x, y, loss="bce", w0=0, b0=0, lrs=(1.0, 0.0), steps=3)
    with pytest.raises(ValueError, match="lr must be between"):
        ls.gradient_descents(x, y, loss="bce", w0=0, b0=0, lrs=(1.0, 1e9), steps=3)
    with pytest.raises(ValueError, match="lrs must be a sequence of 1 to"):
        ls.gradient_descents(x, y, loss="bce", w0=0, b0=0, lrs=(), steps=3)
    with pytest.raises(ValueError, match="lrs must be a sequence of 1 to"):
        ls.gradient_descents(x, y, loss="bce", w0=0, b0=0, lrs=0.5, steps=3)


def test_from_the_plateau_mse_barely_moves_and_bce_walks_out():
    x, y = SEP
    kw = {"w0": START[0], "b0": START[1], "lr": DEFAULTS["lr"], "steps": DEFAULTS["steps"]}
    mse = ls.gradient_descent(x, y, loss="mse", **kw)
    bce = ls.gradient_descent(x, y, loss="bce", **kw)
    assert mse.grad_norm[0] < 0.01 < 1.9 < bce.grad_norm[0]
    assert bce.grad_norm[0] / mse.grad_norm[0] > 100
    assert mse.distance < 2 and mse.loss[-1] > 0.9 and mse.path[-1, 0] < 0  # still the wrong sign
    assert bce.path[-1, 0] > 2 and bce.loss[-1] < 0.01  # walked out, right sign
    ratio = format_number(bce.grad_norm[0] / mse.grad_norm[0])
    text = ls.plateau_sentence(mse.grad_norm[0], bce.grad_norm[0])
    assert text == f"At the start BCE's gradient is {ratio} times as steep as MSE's."


def test_bce_has_one_minimum_mse_does_not():
    """Convexity's consequence on non-separable data: every BCE descent ends at the same point."""
    x, y = ls.preset("overlapping")
    starts = [(-8.0, 3.0), (6.0, -5.0), (0.0, 8.0)]
    ends = [ls.gradient_descent(x, y, loss="bce", w0=w, b0=b, lr=2.0, steps=2000).path[-1] for w, b in starts]
    for e in ends[1:]:
        np.testing.assert_allclose(e, ends[0], atol=1e-6)
    mse_ends = [ls.gradient_descent(x, y, loss="mse", w0=w, b0=b, lr=2.0, steps=2000).path[-1] for w, b in starts]
    assert max(np.hypot(*(e - mse_ends[0])) for e in mse_ends[1:]) > 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"steps": 0}, ValueError, "steps must be between 1 and 2000; got 0"),
        ({"steps": 2001}, ValueError, "steps must be between 1 and 2000"),
        ({"steps": 10.0}, TypeError, "steps must be a whole number"),
        ({"lr": 0.0}, ValueError, "lr must be greater than 0"),
        ({"lr": -1.0}, ValueError, "lr must be between 0 and 100"),
        ({"lr": 101.0}, ValueError, "lr must be between 0 and 100"),
        ({"lr": math.nan}, ValueError, "lr must be between"),
        ({"w0": 50.5}, ValueError, "w0 must be between -50 and 50"),
        ({"b0": "1"}, TypeError, "b0 must be a number"),
        ({"loss": "hinge"}, ValueError, "loss must be one of"),
    ],
)
def test_descent_limits(kwargs, error, message):
    args = {"loss": "bce", "w0": 0.0, "b0": 0.0, "lr": 1.0, "steps": 5, **kwargs}
    with pytest.raises(error, match=message):
        ls.gradient_descent(*SEP, **args)


def test_descent_with_the_largest_step_stays_finite():
    x = np.array([-100.0, 100.0])
    run = ls.gradient_descent(x, [1, 0], loss="bce", w0=50.0, b0=-50.0, lr=ls.MAX_LR, steps=ls.MAX_STEPS)
    assert np.isfinite(run.path).all() and np.isfinite(run.loss).all()


def test_fit_curves_are_the_end_neurons():
    x, y = SEP
    runs = {name: ls.gradient_descent(x, y, loss=name, w0=-6.0, b0=1.0, lr=1.0, steps=20) for name in ls.LOSSES}
    xs, curves = ls.fit_curves(x, runs, n=9)
    assert xs[0] == -4.0 and xs[-1] == 4.0 and xs.size == 9
    for name, run in runs.items():
        w, b = run.path[-1]
        np.testing.assert_allclose(curves[name], lv.sigmoid(w * xs + b), rtol=1e-15)


# ---------------------------------------------------------------- sentences and URL params


def test_convexity_sentence():
    land = ls.loss_grid(*SEP, n=50)
    n_mse = int(land["mse"].nonconvex.sum())
    text = ls.convexity_sentence(land)
    assert text.startswith(f"MSE's Hessian has a negative eigenvalue at {n_mse:,} of the 2,500 grid points (")
    assert text.endswith("BCE's at none of them.")
    # near MSE's minimum on the overlapping data, MSE is convex too: the sentence says so
    x, y = ls.preset("overlapping")
    w_end, b_end = ls.gradient_descent(x, y, loss="mse", w0=0.5, b0=0.0, lr=2.0, steps=2000).path[-1]
    small = ls.loss_grid(x, y, w_range=(w_end - 0.05, w_end + 0.05), b_range=(b_end - 0.05, b_end + 0.05), n=5)
    assert "no negative eigenvalue at any of the 25 grid points" in ls.convexity_sentence(small)


@pytest.mark.parametrize(
    ("mse", "bce", "expect"),
    [
        (0.0, 0.0, "Both gradients are exactly 0"),
        (0.0, 1.0, "MSE's gradient is exactly 0"),
        (1.0, 0.0, "BCE's gradient is exactly 0"),
        (0.002, 2.0, "BCE's gradient is 1000 times as steep as MSE's"),
        (2.0, 0.002, "MSE's gradient is 1000 times as steep as BCE's"),
        (1.0, 1.5, "similar size (BCE / MSE = 1.5)"),
    ],
)
def test_plateau_sentence(mse, bce, expect):
    assert expect in ls.plateau_sentence(mse, bce)


def test_params_defaults_and_bounds():
    names = [p.name for p in ls.PARAMS]
    assert len(names) == len(set(names))
    values, notices, _ = parse(ls.PARAMS, {})
    assert notices == [] and values == DEFAULTS
    assert DEFAULTS["lr"] in ls.LR_GRID and DEFAULTS["steps"] in ls.STEPS_GRID and DEFAULTS["res"] in ls.RES_GRID
    for p in ls.PARAMS:
        if p.kind in ("float", "int"):
            assert p.lo is not None and p.hi is not None, p.name
    values, notices, _ = parse(ls.PARAMS, {"res": "1000", "lr": "0.3", "steps": "150", "wmin": "-80"})
    assert values["lr"] == 0.2 and values["steps"] == 200 and values["res"] == 200 and values["wmin"] == -10.0
    assert len(notices) == 2  # res above 300, wmin below -50


# ---------------------------------------------------------------- figures


@pytest.fixture(scope="module")
def scene():
    x, y = SEP
    land = ls.loss_grid(x, y, n=40)
    runs = {name: ls.gradient_descent(x, y, loss=name, w0=-6.0, b0=1.0, lr=1.0, steps=50) for name in ls.LOSSES}
    line = ((-10.0, 0.0), (10.0, 0.0))
    return x, y, land, runs, line


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def _shape(fig, name):
    found = [s for s in fig.layout.shapes if s.name == name]
    assert len(found) == 1, [s.name for s in fig.layout.shapes]
    return found[0]


@pytest.mark.parametrize("name", ls.LOSSES)
@pytest.mark.parametrize("log", [True, False])
def test_loss_map(scene, name, log):
    x, y, land, runs, line = scene
    fig = figs.loss_map(land, name, log=log, descent=runs[name], start=(-6.0, 1.0), line=line)
    contour = fig.data[0]
    assert contour.type == "contour" and contour.colorscale == tuple(tuple(s) for s in figs.LOSS_SCALE)
    want = land[name].log10 if log else land[name].loss
    np.testing.assert_array_equal(contour.z, want.astype(np.float32))
    np.testing.assert_array_equal(contour.x, land.w.astype(np.float32))
    np.testing.assert_array_equal(contour.y, land.b.astype(np.float32))
    # the descent is drawn in layout shapes (a move of the learning rate then redraws only those)
    path = _shape(fig, f"{name.upper()} path")
    np.testing.assert_allclose(path_points(path.path), runs[name].path, rtol=1e-8)
    assert path.line.color == COLORS[name] and path.xref == "x" and path.yref == "y"
    assert _shape(fig, "casing").path == path.path
    end = _shape(fig, "end")
    assert (end.xanchor, end.yanchor) == tuple(runs[name].path[-1]) and end.xsizemode == "pixel"
    start = _shape(fig, "start")
    assert (start.xanchor, start.yanchor) == (-6.0, 1.0)
    # each has a legend entry, in the order the map used to list them
    assert [t.name for t in fig.data if t.showlegend is not False and t.type == "scatter"] == [
        "line A→B",
        f"{name.upper()} path",
        "end",
        "start",
    ]
    # the line is drawn black on the map; its legend entry, on the page, in the theme's text colour
    ab, key = (t for t in fig.data if t.name == "line A→B")
    assert ab.showlegend is False and ab.line.color == COLORS["marker"]
    assert key.line.color == key.marker.color == COLORS["ink"] and key.legendgroup == ab.legendgroup
    assert list(ab.x) == [-10.0, 10.0] and list(ab.y) == [0.0, 0.0] and list(ab.text) == ["A", "B"]
    assert list(fig.layout.xaxis.range) == [-10.0, 10.0] and list(fig.layout.yaxis.range) == [-10.0, 10.0]
    assert fig.layout.font.size == FONT_SIZE  # base_layout's projector fonts kept
    assert fig.layout.title.text == f"{name.upper()} loss over (w, b)"
    assert fig.data[0].colorbar.title.text == (f"log₁₀ {name.upper()}" if log else name.upper())


def test_a_new_descent_changes_only_the_maps_shapes(scene):
    # what keeps a move of the learning rate cheap in the browser: the traces stay exactly as they were
    x, y, land, _, line = scene
    a, b = (
        figs.loss_map(
            land,
            "bce",
            descent=ls.gradient_descent(x, y, loss="bce", w0=-6.0, b0=1.0, lr=lr, steps=50),
            start=(-6.0, 1.0),
            line=line,
        ).to_plotly_json()
        for lr in (1.0, 2.0)
    )
    assert json.dumps(a["data"], cls=PlotlyJSONEncoder) == json.dumps(b["data"], cls=PlotlyJSONEncoder)
    assert a["layout"]["shapes"] != b["layout"]["shapes"]


def test_svg_path_breaks_at_non_finite_points():
    xs, ys = np.array([0.0, 1.0, np.nan, 2.0, 3.0]), np.array([0.0, 1.0, 5.0, np.inf, 3.0])
    assert figs._svg_path(xs, ys) == "M0,0L1,1M3,3"
    assert figs._svg_path(np.array([0.1]), np.array([1 / 3])) == "M0.1,0.333333333"


def test_both_maps_share_the_colour_scale(scene):
    _, _, land, runs, _ = scene
    a, b = (figs.loss_map(land, n, descent=runs[n]) for n in ls.LOSSES)
    assert a.data[0].colorscale == b.data[0].colorscale


def test_loss_map_json_sends_float32_arrays(scene):
    _, _, land, runs, _ = scene
    spec = json.loads(pio.to_json(figs.loss_map(land, "mse", descent=runs["mse"]), validate=False))
    z = spec["data"][0]["z"]
    assert z["dtype"] == "f4" and z["shape"] in ("40, 40", [40, 40])


def test_loss_surface_draws_only_the_path_over_the_window(scene):
    x, y, land, _, _ = scene
    run = ls.gradient_descent(x, y, loss="bce", w0=-6.0, b0=1.0, lr=20.0, steps=200)  # leaves w <= 10
    fig = figs.loss_surface(land, "bce", log=True, descent=run)
    assert fig.data[0].type == "surface"
    np.testing.assert_array_equal(fig.data[0].z, land["bce"].log10.astype(np.float32))
    path = _trace(fig, "BCE path")
    inside = land.contains(run.path[:, 0], run.path[:, 1])
    assert 0 < inside.sum() < run.path.shape[0]
    np.testing.assert_array_equal(path.x, run.path[inside, 0])
    np.testing.assert_array_equal(path.z, run.log10[inside])
    assert _trace(fig, "start").z[0] == run.log10[0]


def test_loss_surface_keeps_its_colour_bar_below_the_scene(scene):
    # beside the scene, the colour bar took a quarter of a phone's width and pushed the loss axis's
    # title off the figure's left edge: under it, the scene has the figure's full width
    _, _, land, runs, _ = scene
    fig = figs.loss_surface(land, "mse", log=True, descent=runs["mse"])
    bar, scene_ = fig.data[0].colorbar, fig.layout.scene
    assert bar.orientation == "h" and bar.yanchor == "top"
    assert bar.y < scene_.domain.y[0]  # the bar hangs from below the scene's bottom edge
    assert list(scene_.domain.x) == [0, 1]
    assert bar.title.text == "log₁₀ MSE" == scene_.zaxis.title.text


def test_nonconvex_map(scene):
    _, _, land, _, line = scene
    fig = figs.nonconvex_map(land, start=(-6.0, 1.0), line=line)
    heat = fig.data[0]
    assert heat.type == "heatmap"
    np.testing.assert_array_equal(heat.z, land["mse"].nonconvex.astype(np.uint8))
    np.testing.assert_array_equal(_trace(fig, "MSE contours").z, land["mse"].loss.astype(np.float32))
    assert _trace(fig, "not convex").marker.color == figs.NONCONVEX_COLOR
    # the convex cells are transparent, so what is drawn over them takes the theme's text colour
    # (lossviz.ui.plot swaps ink for it): black on the light page, near white on the dark one
    ink = COLORS["ink"]
    assert _trace(fig, "MSE contours").line.color == ink
    assert _trace(fig, "line A→B").line.color == _trace(fig, "line A→B").marker.color == ink
    assert _trace(fig, "start").marker.color == ink


def test_profile_figure(scene):
    x, y, _, _, line = scene
    prof = ls.line_profile(x, y, *line)
    fig = figs.profile_figure(prof)
    for name, axis in (("mse", "y"), ("bce", "y2")):
        tr = _trace(fig, name.upper())
        np.testing.assert_array_equal(tr.y, prof.loss[name])
        assert tr.yaxis == axis
    rects = [(s.x0, s.x1, s.xref) for s in fig.layout.shapes]
    assert rects == [(t0, t1, "x") for t0, t1 in prof.nonconvex_runs("mse")]
    _trace(fig, "curves downward")
    # a line where neither loss curves downwards: no shading, no legend entry for it
    flat = figs.profile_figure(ls.line_profile(x, y, (5.0, 0.0), (9.0, 0.0)))
    assert len(flat.layout.shapes) == 0 and "curves downward" not in [t.name for t in flat.data]


def test_descent_and_fit_figures(scene):
    x, y, _, runs, _ = scene
    fig = figs.descent_figure(runs)
    assert fig.layout.yaxis.type == "log"
    for name in ls.LOSSES:
        tr = _trace(fig, f"{name.upper()} (descent on {name.upper()})")
        np.testing.assert_array_equal(tr.y, runs[name].loss)
        assert tr.line.color == COLORS[name]
    xs, curves = ls.fit_curves(x, runs)
    fit = figs.fit_figure(x, y, curves, xs=xs)
    for name in ls.LOSSES:
        np.testing.assert_array_equal(_trace(fit, f"after descent on {name.upper()}").y, curves[name])
    np.testing.assert_array_equal(_trace(fit, "data (label)").x, x)


def test_surface_ticks_leave_the_near_corner_clear(scene):
    # the camera looks at the (w, b) corner at the low ends: there the loss axis's lowest tick met
    # the b axis's "10" ("-4" on "10") and w's "-10" met b's "-10"
    _, _, land, _, _ = scene
    bce = land["bce"].log10.astype(np.float32)
    lo, hi = float(bce.min()), float(bce.max())
    assert lo < -4 < lo + 0.15 * (hi - lo)  # auto ticks would put -4 in the corner
    assert figs.surface_ticks(bce) == [-2.0, 0.0]
    assert figs.surface_ticks(land["mse"].log10.astype(np.float32)) == [-5.0, 0.0]  # 0: the loss tops out at -1e-5
    assert figs.surface_ticks(land.w) == [0.0, 10.0]  # the window is -10..10
    assert figs.surface_ticks(np.array([0.0, 20.1])) == [10.0, 20.0]
    assert figs.surface_ticks(np.array([3.0, 3.0])) == [3.0]  # a flat loss: one tick, not an error
    assert figs.surface_ticks(np.array([-np.inf, -2.0, 0.0, np.nan])) == [-1.0, 0.0]  # only finite values count
    assert figs.surface_ticks(np.array([np.nan])) == []
    fig = figs.loss_surface(land, "bce", log=True)
    assert list(fig.layout.scene.zaxis.tickvals) == [-2.0, 0.0]
    assert list(fig.layout.scene.xaxis.tickvals) == [0.0, 10.0]
