"""lossviz: binary cross-entropy, its numerics and its training dynamics, in numpy.

The public API, for the app and for a notebook::

    import lossviz
    lossviz.bce([1, 0, 1], [0.99, 0.01, 0.99])      # 0.01005033585350145
    X, y = lossviz.xor()
    result = lossviz.train(X, y, hidden=3, lr=0.1, epochs=5000, seed=0)
    result.loss[-1], result.predict_proba(X)
"""

from lossviz.datasets import DATASETS, make_dataset, plot_bounds, xor
from lossviz.frameworks import clip_bounds, keras_bce, sklearn_log_loss, smallest_safe_eps, torch_bce
from lossviz.losses import (
    BCEReport,
    bce,
    bce_grad_p,
    bce_grad_z,
    bce_logits,
    bce_report,
    hinge,
    hinge_grad_score,
    logit,
    mse,
    mse_grad_p,
    mse_grad_z,
    sigmoid,
)
from lossviz.nn import BatchResult, TrainResult, glorot_init, predict_grid, train, train_many
from lossviz.weights_io import weights_from_json, weights_to_json

__all__ = [
    "DATASETS",
    "BatchResult",
    "TrainResult",
    "glorot_init",
    "make_dataset",
    "plot_bounds",
    "predict_grid",
    "train",
    "train_many",
    "xor",
    "weights_from_json",
    "weights_to_json",
    "BCEReport",
    "bce",
    "bce_grad_p",
    "bce_grad_z",
    "bce_logits",
    "bce_report",
    "clip_bounds",
    "hinge",
    "hinge_grad_score",
    "keras_bce",
    "logit",
    "mse",
    "mse_grad_p",
    "mse_grad_z",
    "sigmoid",
    "sklearn_log_loss",
    "smallest_safe_eps",
    "torch_bce",
]
