"""Replaying a recorded training run: which epoch to show, and the loss at it (plain numpy)."""

from __future__ import annotations

import math

import numpy as np

TARGET_TICKS = 40  # a run of up to 5000 epochs plays in about this many redraws
MAX_PER_TICK = 125  # the lesson's pace (5000 epochs / 40): longer runs play longer rather than skip more
# A sweep (every learning rate of a slider recorded together) when it costs about what one run does:
# 14 rates x 5000 epochs on XOR's 4 points train in 0.15 s against 0.13 s for one (overhead-bound),
# and keep 7.3 MB of weights.  Past these it is the one run alone.
SWEEP_MAX_WORK = 6_000_000  # runs x epochs x samples x hidden units
SWEEP_MAX_BYTES = 20_000_000  # runs x (epochs + 1) x weights x 8 bytes


def epochs_per_tick(epochs: int, target_ticks: int = TARGET_TICKS) -> int:
    """Epochs to advance per redraw: ``epochs / target_ticks``, at most the lesson's 125."""
    return max(1, min(math.ceil(epochs / target_ticks), MAX_PER_TICK))


def sweepable(runs: int, epochs: int, samples: int, hidden: int, n_in: int = 2) -> bool:
    """Whether ``runs`` recorded runs (:func:`lossviz.train_many` with ``record_history``) cost
    about what one does: at most ``SWEEP_MAX_WORK`` and ``SWEEP_MAX_BYTES`` of weights kept."""
    from lossviz.nn import n_params

    kept = runs * (epochs + 1) * n_params(n_in, hidden) * 8
    return runs * epochs * samples * hidden <= SWEEP_MAX_WORK and kept <= SWEEP_MAX_BYTES


def advance(epoch: int, step: int, last: int) -> int:
    """The next epoch to show: ``epoch + step``, clamped to ``[0, last]``."""
    return int(min(max(epoch + step, 0), last))


def loss_at(loss: np.ndarray, final_loss: float, epoch: int) -> float:
    """The mean training loss of the weights after ``epoch`` updates.

    ``loss[e]`` is recorded before update e + 1 (Keras' convention), so it is
    the loss after e updates; after the last update it is ``final_loss``.
    """
    if epoch < len(loss):
        return float(loss[epoch])
    return float(final_loss)


def frame(
    history: np.ndarray,
    epoch: int,
    X: np.ndarray,
    y: np.ndarray,
    *,
    hidden: int,
    activation: str,
    bounds,
    resolution: int = 100,
) -> dict:
    """Everything the live view shows for the weights after ``epoch`` updates.

    Returns the probability grid and hidden-unit maps (from
    :func:`lossviz.nn.predict_grid`), the predictions on the training points,
    the predicted classes and the accuracy at threshold 0.5.
    """
    from lossviz.nn import predict, predict_grid

    theta = history[epoch]
    prob, units = predict_grid(theta, hidden, activation, bounds, resolution)
    p = predict(theta[None], X, hidden, activation)[0]
    classes = (p >= 0.5).astype(int)
    return {"prob": prob, "units": units, "p": p, "classes": classes, "accuracy": float(np.mean(classes == y))}
