"""What real frameworks compute for BCE on probabilities, re-implemented in numpy.

Each is the one :func:`lossviz.losses.bce` with the framework's options
(sources: Keras 3 ``keras/src/backend/*/nn.py`` and ``config.py``; PyTorch
``aten/src/ATen/native/Loss.cpp``; scikit-learn ``sklearn/metrics/_classification.py``).
"""

from __future__ import annotations

import numpy as np

from lossviz.losses import BCEReport, bce_report
from lossviz.validation import as_dtype

KERAS_EPSILON = 1e-7
TORCH_LOG_FLOOR = -100.0


def keras_bce(y_true, y_pred, *, dtype="float32") -> BCEReport:
    """Keras 3 ``binary_crossentropy``: clip to [1e-7, 1 - 1e-7] in floatx (float32)."""
    return bce_report(y_true, y_pred, eps=KERAS_EPSILON, dtype=dtype)


def torch_bce(y_true, y_pred, *, dtype="float32") -> BCEReport:
    """PyTorch ``BCELoss``: no epsilon, each log clamped at -100 (at most 100 per sample)."""
    return bce_report(y_true, y_pred, eps=None, log_floor=TORCH_LOG_FLOOR, dtype=dtype)


def sklearn_log_loss(y_true, y_pred, *, dtype="float64") -> BCEReport:
    """scikit-learn ``log_loss`` (1.5+): clip at the dtype's machine epsilon."""
    return bce_report(y_true, y_pred, eps=float(np.finfo(as_dtype(dtype)).eps), dtype=dtype)


def clip_bounds(eps: float, dtype) -> tuple[float, float]:
    """The clip interval ``(eps, 1 - eps)`` as it really is in ``dtype``."""
    dt = as_dtype(dtype)
    return float(dt.type(eps)), float(dt.type(1) - dt.type(eps))


def smallest_safe_eps(dtype) -> dict:
    """The smallest epsilons that keep each side of the clip away from 0 and 1.

    Rule, with e = finfo(dtype).eps: ``1 - x`` rounds to exactly 1 when
    x <= e/4, so the upper bound needs x > e/4 (2^-25 in float32); the lower
    bound needs x to be representable at all: x >= the smallest subnormal.
    """
    fi = np.finfo(as_dtype(dtype))
    dt = as_dtype(dtype)
    upper = np.nextafter(dt.type(fi.eps / 4), dt.type(1))
    return {
        "machine_eps": float(fi.eps),
        "upper_min": float(upper),
        "lower_min": float(fi.smallest_subnormal),
        "largest_below_one": float(np.nextafter(dt.type(1), dt.type(0))),
    }
