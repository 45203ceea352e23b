"""Replay helpers: tick size, clamping, the loss shown at an epoch, and a frame equal to the trainer's maths."""

from __future__ import annotations

import numpy as np

import lossviz as lv
from lossviz.nn import flatten
from lossviz.playback import advance, epochs_per_tick, frame, loss_at


def test_a_run_plays_in_about_forty_ticks():
    assert epochs_per_tick(5000) == 125 and epochs_per_tick(100) == 3 and epochs_per_tick(10) == 1
    assert epochs_per_tick(20000) == 125  # longer runs keep the lesson's pace
    assert advance(4990, 125, 5000) == 5000 and advance(3, -10, 50) == 0


def test_loss_at_follows_keras_convention():
    X, y = lv.xor()
    r = lv.train(X, y, epochs=10, seed=0, record_history=True)
    after3 = lv.train(X, y, epochs=3, seed=0)
    assert loss_at(r.loss, r.final_loss, 3) == after3.final_loss == r.loss[3]
    assert loss_at(r.loss, r.final_loss, 10) == r.final_loss


def test_frame_equals_predict_proba():
    X, y = lv.xor()
    r = lv.train(X, y, epochs=300, seed=1, record_history=True)
    f = frame(r.history, 300, X, y, hidden=3, activation="tanh", bounds=(-0.5, 1.5, -0.5, 1.5), resolution=20)
    np.testing.assert_allclose(f["p"], r.predict_proba(X))
    assert f["accuracy"] == r.accuracy(X, y)
    np.testing.assert_array_equal(r.history[300], flatten(r.params, 2, 3))
    assert f["prob"].shape == (20, 20) and f["units"].shape == (3, 20, 20)


def test_a_sweep_of_every_learning_rate_when_it_costs_about_one_run():
    """14 rates x 5000 epochs on XOR's 4 points with 3 hidden units: 840,000 units of work and
    14 x 5001 x 13 x 8 = 7,281,456 bytes of weights, within both bounds; the lesson's other
    datasets (200 points) are not swept, and neither is a 20,000-epoch run."""
    from lossviz.playback import SWEEP_MAX_BYTES, SWEEP_MAX_WORK, sweepable

    assert sweepable(14, 5000, 4, 3)
    assert 14 * 5000 * 4 * 3 <= SWEEP_MAX_WORK and 14 * 5001 * 13 * 8 <= SWEEP_MAX_BYTES
    assert not sweepable(14, 5000, 200, 3)  # work
    assert not sweepable(14, 20000, 4, 3)  # bytes: 29 MB
    assert sweepable(1, 20000, 4, 8)
    assert not sweepable(14, 20000, 4, 8)
