"""The losses core against the lessons' printed numbers, closed forms and finite differences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossviz as lv

GOOD = ([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.2])
BAD = ([0, 1, 1, 0], [0.9, 0.1, 0.3, 0.8])
NEAR_PERFECT = ([1, 0, 1], [0.99, 0.01, 0.99])
ARROGANT = ([1, 0, 1], [0.0, 1.0, 0.0])


def test_lesson_good_and_bad_predictions():
    np.testing.assert_allclose(
        lv.bce(*GOOD, reduction="none"), [0.10536052, 0.10536052, 0.22314355, 0.22314355], atol=5e-9
    )
    assert lv.bce(*GOOD) == pytest.approx(0.164252033486018, abs=1e-12)
    np.testing.assert_allclose(
        lv.bce(*BAD, reduction="none"), [2.30258509, 2.30258509, 1.2039728, 1.60943791], atol=5e-9
    )
    assert lv.bce(*BAD) == pytest.approx(1.854645225687032, abs=1e-12)


def test_lesson_near_perfect_and_arrogant():
    assert lv.bce(*NEAR_PERFECT) == pytest.approx(0.01005033585350145, abs=1e-15)
    assert lv.bce(*ARROGANT, eps=1e-15) == pytest.approx(34.53904292738741, abs=1e-12)
    assert lv.bce(*ARROGANT, eps=1e-12) == pytest.approx(27.631028489916815, abs=1e-12)


def test_closed_form_per_sample():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.3, 0.3, 0.95, 0.05])
    expect = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(lv.bce(y, p, reduction="none"), expect, rtol=1e-15)
    assert lv.bce(y, p, reduction="sum") == pytest.approx(expect.sum(), rel=1e-15)


def test_naive_formula_reports_numpy_warnings_exactly():
    rep = lv.bce_report(*ARROGANT, eps=None)
    assert np.isinf(rep.values).all() and rep.mean == np.inf
    # The same texts numpy itself emits, captured by an independent path.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y, p = np.array(ARROGANT[0], float), np.array(ARROGANT[1], float)
        -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert rep.warnings == tuple(dict.fromkeys(str(w.message) for w in caught))
    assert rep.warnings == ("divide by zero encountered in log",)

    perfect = lv.bce_report([1, 0, 1], [1.0, 0.0, 1.0], eps=None)
    assert np.isnan(perfect.values).all()
    assert perfect.warnings == ("divide by zero encountered in log", "invalid value encountered in multiply")


def test_naive_formula_prints_nothing(capfd, recwarn):
    lv.bce_report(*ARROGANT, eps=None)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert len(recwarn) == 0


def test_float32_clip_fails_and_float16_underflows():
    rep = lv.bce_report(*ARROGANT, eps=1e-15, dtype="float32")
    assert rep.bounds[1] == 1.0  # 1 - 1e-15 == 1 in float32
    assert np.isinf(rep.values[1]) and np.isfinite(rep.values[0])
    rep16 = lv.bce_report(*ARROGANT, eps=1e-15, dtype="float16")
    assert rep16.bounds == (0.0, 1.0)
    assert np.isinf(rep16.values).all()
    assert lv.clip_bounds(1e-15, "float64")[1] < 1.0


def test_frameworks():
    keras = lv.keras_bce(*ARROGANT)
    assert keras.mean == pytest.approx(16.0595245, abs=1e-6)
    assert keras.mean == pytest.approx(16.059524536132812, abs=1e-12)
    np.testing.assert_allclose(keras.values, [16.118095, 15.942385, 16.118095], atol=1e-5)
    assert lv.torch_bce(*ARROGANT).mean == 100.0
    assert lv.torch_bce(*ARROGANT, dtype="float64").mean == 100.0
    assert lv.sklearn_log_loss(*ARROGANT).mean == pytest.approx(36.04365338911715, abs=1e-12)
    assert lv.torch_bce(*BAD, dtype="float64").mean == pytest.approx(1.854645225687032, abs=1e-12)


def test_smallest_safe_eps_rule():
    for dtype in ("float16", "float32", "float64"):
        dt = np.dtype(dtype).type
        info = lv.smallest_safe_eps(dtype)
        e = np.finfo(dtype).eps
        assert dt(1) - dt(info["upper_min"]) < 1  # works
        assert dt(1) - dt(e / 4) == 1  # e/4 itself ties to 1
        assert dt(info["lower_min"]) > 0
        assert info["largest_below_one"] == 1 - e / 2
    assert lv.smallest_safe_eps("float32")["upper_min"] == pytest.approx(2.980233e-08, rel=1e-6)


def test_logits_form_matches_clipped_form_where_clip_does_not_bite():
    z = np.linspace(-15, 15, 61)  # beyond, 1 - sigmoid(z) loses digits in probability space
    for label in (0, 1):
        y = np.full(z.shape, label)
        np.testing.assert_allclose(
            lv.bce_logits(y, z, reduction="none"),
            lv.bce(y, lv.sigmoid(z), eps=1e-300, reduction="none"),
            rtol=1e-9,
            atol=1e-12,
        )
    assert lv.bce_logits([1], [-1000.0]) == 1000.0
    assert lv.bce_logits([0], [20.0]) == pytest.approx(20.0, abs=1e-8)


def _fd(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("label", [0, 1])
def test_gradients_against_finite_differences(label):
    ps = np.array([0.02, 0.2, 0.5, 0.77, 0.98])
    zs = lv.logit(ps)
    y = np.full(ps.shape, label)
    np.testing.assert_allclose(lv.bce_grad_p(y, ps), _fd(lambda q: lv.bce(y, q, reduction="none"), ps), rtol=1e-5)
    np.testing.assert_allclose(lv.mse_grad_p(y, ps), _fd(lambda q: lv.mse(y, q, reduction="none"), ps), rtol=1e-6)
    np.testing.assert_allclose(
        lv.bce_grad_z(y, zs), _fd(lambda z: lv.bce_logits(y, z, reduction="none"), zs), rtol=1e-6, atol=1e-10
    )
    np.testing.assert_allclose(
        lv.mse_grad_z(y, zs), _fd(lambda z: lv.mse(y, lv.sigmoid(z), reduction="none"), zs), rtol=1e-5, atol=1e-10
    )
    s = np.array([-2.0, -0.3, 0.4, 2.5])
    ys = np.full(s.shape, label)
    np.testing.assert_allclose(
        lv.hinge_grad_score(ys, s), _fd(lambda q: lv.hinge(ys, q, reduction="none"), s), atol=1e-6
    )


def test_lesson_gradient_claim_at_z_minus_10():
    assert lv.bce_grad_z([1], [-10.0])[0] == pytest.approx(-0.9999546, abs=1e-6)
    assert lv.mse_grad_z([1], [-10.0])[0] == pytest.approx(-9.0799e-5, rel=1e-3)
    assert lv.bce_grad_p([1], [lv.sigmoid(-10.0)])[0] == pytest.approx(-22027.47, rel=1e-5)


def test_clip_zeroes_the_gradient():
    z = np.array([-30.0, -20.0, -16.0, 0.0])
    g = lv.bce_grad_z(np.ones(4), z, eps=1e-7)
    assert g[0] == 0.0 and g[1] == 0.0
    assert g[2] == pytest.approx(-1.0, abs=1e-6)
    np.testing.assert_allclose(lv.bce_grad_z(np.ones(4), z), lv.sigmoid(z) - 1)
    assert lv.bce_grad_p([1], [0.0], eps=1e-7)[0] == 0.0


def test_hinge_keras_example_and_margin():
    z = [-0.5, 0.3, 2.0, -2.0]
    assert lv.hinge([0, 1, 1, 0], z) == pytest.approx(0.3)
    # past the margin z >= 1, i.e. p >= sigmoid(1) = 0.731, hinge is exactly 0 for y = 1
    assert lv.sigmoid(1.0) == pytest.approx(0.7310586)
    assert lv.hinge([1, 1], lv.logit([0.75, 0.999999]), reduction="none").tolist() == [0.0, 0.0]
    assert lv.hinge([1], lv.logit([0.7])) > 0


def test_mse_closed_form():
    assert lv.mse(*BAD) == pytest.approx(np.mean((np.array(BAD[0]) - np.array(BAD[1])) ** 2))


probs = st.floats(min_value=1e-6, max_value=1 - 1e-6)
labels = st.sampled_from([0, 1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(labels, probs), min_size=1, max_size=20))
def test_bce_properties(pairs):
    y = np.array([a for a, _ in pairs], float)
    p = np.array([b for _, b in pairs], float)
    v = lv.bce(y, p, reduction="none")
    assert (v >= 0).all()
    np.testing.assert_allclose(v, lv.bce(1 - y, 1 - p, reduction="none"), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(v, lv.bce_logits(y, lv.logit(p), reduction="none"), rtol=1e-7, atol=1e-12)
    assert lv.mse(y, p) >= 0 and lv.hinge(y, lv.logit(p)) >= 0


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("y", "p", "exc", "message"),
    [
        ([0, 1], [0.5], ValueError, "different lengths: 2 vs 1"),
        ([], [], ValueError, "y_true is empty"),
        ([0, 2], [0.5, 0.5], ValueError, "only the labels 0 and 1; found 2 at position 1"),
        ([0, 1], [0.5, 1.5], ValueError, "probabilities in [0, 1]; found 1.5 at position 1"),
        ([0, 1], [-0.1, 0.5], ValueError, "found -0.1 at position 0"),
        ([0, 1], [0.5, float("nan")], ValueError, "y_pred contains NaN at position 1"),
        ([0, 1], [float("inf"), 0.5], ValueError, "y_pred contains infinity at position 0"),
        ([0, float("nan")], [0.5, 0.5], ValueError, "y_true contains NaN at position 1"),
        ([0, 1], [0.5, "abc"], ValueError, "non-numeric value at position 1: 'abc'"),
        (["a", 1], [0.5, 0.5], ValueError, "y_true has a non-numeric value at position 0"),
        ([[0, 1]], [[0.5, 0.5]], ValueError, "must be 1-D"),
        ("01", [0.5, 0.5], TypeError, "not a string"),
        (None, [0.5], TypeError, "list or array of numbers"),
    ],
)
def test_bad_input_messages(y, p, exc, message):
    with pytest.raises(exc) as info:
        lv.bce(y, p)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"eps": -1}, ValueError, "eps must be in (0, 0.5)"),
        ({"eps": 0.7}, ValueError, "eps must be in (0, 0.5)"),
        ({"eps": float("nan")}, ValueError, "eps must be in (0, 0.5)"),
        ({"eps": "small"}, TypeError, "eps must be a number"),
        ({"dtype": "int32"}, ValueError, "dtype must be one of float64, float32, float16"),
        ({"dtype": "banana"}, TypeError, "dtype must be one of"),
        ({"reduction": "avg"}, ValueError, "reduction must be one of mean, sum, none"),
        ({"log_floor": 5}, ValueError, "log_floor must be a finite negative number"),
    ],
)
def test_bad_options(kwargs, exc, message):
    with pytest.raises(exc) as info:
        lv.bce([0, 1], [0.2, 0.8], **kwargs)
    assert message in str(info.value)


def test_logits_reject_nan_and_hinge_accepts_inf_scores():
    with pytest.raises(ValueError, match="z contains NaN at position 0"):
        lv.bce_logits([1], [float("nan")])
    assert lv.hinge([1, 0], [np.inf, -np.inf]) == 0.0
