"""Outcome classes on constructed loss histories, plateau levels, percentiles, epochs to target."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lossviz as lv
from lossviz import outcomes as oc

E = 1000
T = np.arange(E, dtype=np.float64)
LN2 = math.log(2)


def _final(curve_fn):
    """A history of E epochs and the loss after the last update, from a function of the epoch."""
    return curve_fn(T), float(curve_fn(np.array([E]))[0])


# ------------------------------------------------------------- levels


def test_plateau_and_target_levels():
    assert oc.half_loss("bce") == pytest.approx(LN2, rel=1e-15)
    assert oc.half_loss("mse") == 0.25
    assert oc.plateau_level("bce") == pytest.approx(LN2 / 2, rel=1e-15)
    assert oc.plateau_level("bce") == pytest.approx(0.3466, abs=5e-5)  # the number
    assert oc.plateau_level("mse") == 0.125
    assert oc.plateau_level("bce", 4, 4) == pytest.approx(LN2)
    assert oc.target_loss("bce") == pytest.approx(-math.log(0.9), rel=1e-15)
    assert oc.target_loss("mse") == pytest.approx(0.01, rel=1e-12)
    # four points at the target cannot hide a wrong one: 4 l(0.9) < l(1/2)
    for name in ("bce", "mse"):
        assert 4 * oc.target_loss(name) < oc.half_loss(name)
    with pytest.raises(ValueError, match="loss_name must be one of bce, mse"):
        oc.plateau_level("hinge")
    with pytest.raises(ValueError, match="n_unsure must be between 0 and 4"):
        oc.plateau_level("bce", 4, 5)


def test_plateau_points_names_the_level():
    fin = [LN2 / 2, LN2 / 2 * 1.015, LN2 / 2 * 1.03, LN2, LN2 / 4, 0.005, np.nan, 0.52]
    assert oc.plateau_points(fin, "bce").tolist() == [2, 2, 0, 4, 1, 0, 0, 3]
    assert oc.plateau_points([0.125, 0.2], "mse").tolist() == [2, 0]


# ------------------------------------------------------------- classification on constructed histories


def test_each_outcome_from_a_constructed_history():
    stuck, stuck_f = _final(lambda t: LN2 / 2 + 0.35 * np.exp(-t / 50))  # settles on the plateau
    learning, learning_f = _final(lambda t: 0.7 - 0.0003 * t)  # steady: 10 % of its progress in the last 10 %
    solved, solved_f = _final(lambda t: 0.7 * np.exp(-t / 100))
    diverged = np.where(T < 40, 0.7, np.nan)
    loss = np.vstack([stuck, learning, solved, diverged])
    final = [stuck_f, learning_f, solved_f, np.nan]
    out = oc.classify(loss, final, [0.75, 0.5, 1.0, 0.0], [-1, -1, -1, 40])
    assert out.tolist() == ["stuck", "learning", "solved", "diverged"]
    assert oc.plateau_points(final, "bce").tolist() == [2, 0, 0, 0]
    assert oc.outcome_counts(out) == {"solved": 1, "stuck": 1, "diverged": 1, "learning": 1}


def test_precedence_diverged_then_solved_then_stuck():
    flat = np.full((3, 50), 0.3)
    # a flat history that is also solved counts as solved; a diverged one as diverged whatever its accuracy
    assert oc.classify(flat, [0.3] * 3, [1.0, 1.0, 0.5], [-1, 10, -1]).tolist() == ["solved", "diverged", "stuck"]


def test_plateau_threshold_is_half_a_percent_of_the_progress():
    # start 1.0, final 0.5: total drop 0.5; the last 100 epochs may bring at most 0.0025
    def hist(last_drop):
        h = np.linspace(1.0, 0.5 + last_drop, E)
        h[E - 100 :] = np.linspace(0.5 + last_drop, 0.5, 101)[:-1]
        return h

    below, above = hist(0.0025 * (1 - 1e-6)), hist(0.0025 * (1 + 1e-6))
    assert oc.plateaued(np.vstack([below, above]), [0.5, 0.5]).tolist() == [True, False]
    assert oc.classify(np.vstack([below, above]), [0.5, 0.5], [0.5, 0.5], [-1, -1]).tolist() == ["stuck", "learning"]


def test_a_run_that_never_moved_is_stuck_and_one_that_climbs_is_not():
    never = np.full(E, LN2)
    climbing = np.linspace(0.6, 0.9, E)  # no progress at all, still changing
    out = oc.classify(np.vstack([never, climbing]), [LN2, 0.9003], [0.5, 0.5], [-1, -1])
    assert out.tolist() == ["stuck", "learning"]
    assert oc.plateau_points([LN2], "bce").tolist() == [4]


def test_window_length():
    assert oc.window_length(1000) == 100
    assert oc.window_length(1001) == 101
    assert oc.window_length(10) == 1
    assert oc.window_length(1) == 1
    assert oc.window_length(5, window=1.0) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([[0.5, 0.4]], [0.3], [1.2], [-1]), "accuracy must be fractions in [0, 1]; found 1.2 at position 0"),
        (([[0.5, 0.4]], [0.3], [1.0], [-2]), "diverged_at must be an epoch or -1"),
        (([[0.5, 0.4]], [0.3, 0.2], [1.0], [-1]), "final_loss has 2 values for 1 runs"),
        (([], [], [], []), "loss must be a non-empty"),
        (([[[0.5]]], [0.3], [1.0], [-1]), "loss must be a non-empty (runs, epochs) array; got shape (1, 1, 1)"),
    ],
)
def test_classify_rejects_bad_input(args, message):
    with pytest.raises(ValueError) as info:
        oc.classify(*args)
    assert message in str(info.value)


def test_outcome_counts_rejects_unknown_names():
    with pytest.raises(ValueError, match="found 'lost' at position 1"):
        oc.outcome_counts(["solved", "lost"])


# ------------------------------------------------------------- real runs


def test_real_runs_agree_with_the_measured_sweep():
    """100 seeds, lesson settings (bce-numerics.md section 7): Adam mostly solves, SGD at lr 0.01 barely moves,
    and every stuck run sits on the two-points-at-0.5 plateau."""
    X, y = lv.xor()
    adam = lv.train_many(X, y, seeds=range(100), optimizer="adam", lr=0.01, epochs=1000)
    out = oc.classify(adam.loss, adam.final_loss, adam.accuracy(X, y), adam.diverged_at)
    counts = oc.outcome_counts(out)
    assert 75 <= counts["solved"] <= 97 and counts["stuck"] >= 3 and counts["diverged"] == 0
    stuck = out == "stuck"
    assert (oc.plateau_points(adam.final_loss[stuck], "bce") == 2).all()
    assert np.all(np.abs(adam.final_loss[stuck] - LN2 / 2) < 0.01)
    sgd = lv.train_many(X, y, seeds=range(100), optimizer="sgd", lr=0.01, epochs=1000)
    out = oc.classify(sgd.loss, sgd.final_loss, sgd.accuracy(X, y), sgd.diverged_at)
    counts = oc.outcome_counts(out)
    assert counts["solved"] < 20 and counts["learning"] > 60


def test_epochs_to_target_really_is_all_correct():
    """The first epoch below l(0.9): retrain to exactly that epoch and every point is on its side."""
    X, y = lv.xor()
    target = oc.target_loss("bce")
    b = lv.train_many(X, y, seeds=[0, 1], optimizer="adam", lr=0.01, epochs=600)
    e = oc.epochs_to_target(b.loss, b.final_loss, target)
    assert (e > 0).all()
    for k, seed in enumerate([0, 1]):
        at = lv.train(X, y, seed=seed, optimizer="adam", lr=0.01, epochs=int(e[k]))
        assert at.final_loss < target <= at.loss[-1]
        assert at.accuracy(X, y) == 1.0


# ------------------------------------------------------------- statistics


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 5)), elements=st.floats(-1e6, 1e6)))
def test_percentiles_equal_numpy_on_finite_data(a):
    got = oc.percentiles(a, (0, 10, 50, 90, 100), axis=0)
    np.testing.assert_allclose(got, np.percentile(a, (0, 10, 50, 90, 100), axis=0), rtol=1e-12, atol=1e-9)


def test_percentiles_count_diverged_as_worst():
    v = np.array([1.0, 2.0, np.nan])
    p = oc.percentiles(v, (0, 50, 75, 100))
    assert p[0] == 1.0 and p[1] == 2.0 and np.isinf(p[2]) and np.isinf(p[3])
    assert np.isinf(oc.percentiles([np.nan, np.nan], (50,))).all()
    # per epoch, along the runs axis
    hist = np.array([[3.0, 1.0], [1.0, np.nan], [2.0, 2.0]])
    np.testing.assert_array_equal(oc.percentiles(hist, (50,), axis=0)[0], [2.0, 2.0])
    with pytest.raises(ValueError, match="qs must be percentiles between 0 and 100"):
        oc.percentiles(v, (101,))


def test_epochs_to_target_and_reached_fraction():
    loss = np.array([[0.5, 0.3, 0.09, 0.05], [0.5, 0.4, 0.3, 0.2], [0.5, 0.4, 0.3, 0.2], [0.05, 0.05, 0.05, 0.05]])
    final = [0.01, 0.15, 0.08, 0.05]
    e = oc.epochs_to_target(loss, final, 0.1)
    assert e.tolist() == [2, -1, 4, 0]
    np.testing.assert_allclose(oc.reached_fraction(e, 4), [0.25, 0.25, 0.5, 0.5, 0.75])


def test_log_histogram_counts_and_edges():
    edges, counts = oc.log_histogram([1e-9, 0.003, 0.3, 0.35, 50.0, np.nan, np.inf], lo=1e-6, hi=10, per_decade=2)
    assert len(edges) == 15 and edges[0] == pytest.approx(1e-6) and edges[-1] == pytest.approx(10)
    assert counts.sum() == 5 and counts[0] == 1 and counts[-1] == 1  # clipped into the end bins
    e2, groups = oc.log_histograms({"a": [2e-5, 0.3], "b": [0.5, np.nan]})
    assert e2[0] == pytest.approx(1e-5) and e2[-1] == pytest.approx(1.0)
    assert groups["a"].sum() == 2 and groups["b"].sum() == 1 and len(e2) == len(groups["a"]) + 1


def test_thin_index_keeps_first_and_last():
    np.testing.assert_array_equal(oc.thin_index(7, 10), np.arange(7))
    idx = oc.thin_index(5001, 500)
    assert idx[0] == 0 and idx[-1] == 5000 and len(idx) <= 500 and np.all(np.diff(idx) > 0)
