"""lossviz: binary cross-entropy, its numerics and its training dynamics, in numpy.

The public API, for the app and for a notebook::

    import lossviz
    lossviz.bce([1, 0, 1], [0.99, 0.01, 0.99])      # 0.01005033585350145
"""

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

__all__ = [
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
