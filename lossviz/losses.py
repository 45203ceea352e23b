"""Binary classification losses and their gradients, in plain numpy.

Every function takes the true labels first (``y_true``, 0 or 1) and the
prediction second, as Keras and scikit-learn do.  Inputs are validated the way
scikit-learn's ``log_loss`` validates them: a ``ValueError`` names the problem,
the first offending position and its value.

There is exactly one binary cross-entropy on probabilities, :func:`bce`; its
options reproduce the lessons' ``np.clip`` fix (``eps``), the naive formula
(``eps=None``), PyTorch's ``BCELoss`` (``log_floor=-100``) and any float dtype.
:func:`bce_report` runs the same computation and also returns the numpy
RuntimeWarning texts it raised, as data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lossviz.validation import (
    as_dtype,
    check_eps,
    check_labels,
    check_probabilities,
    check_reduction,
    check_scores,
)

__all__ = [
    "BCEReport",
    "bce",
    "bce_grad_p",
    "bce_grad_z",
    "bce_logits",
    "bce_report",
    "hinge",
    "hinge_grad_score",
    "logit",
    "mse",
    "mse_grad_p",
    "mse_grad_z",
    "sigmoid",
]


@dataclass(frozen=True)
class BCEReport:
    """What one BCE computation did: the values and what numpy warned about.

    ``values`` are the per-sample losses, ``mean`` their mean, ``warnings`` the
    exact numpy RuntimeWarning texts in the order raised (each once), and
    ``bounds`` the clip interval actually used, in the computation's dtype
    (``None`` when no clip was applied).
    """

    values: np.ndarray
    mean: float
    warnings: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None
    dtype: str = "float64"


class _WarningLog:
    """Collect numpy floating-point errors as numpy's own warning texts.

    ``np.errstate`` is context-local, so unlike ``warnings.catch_warnings`` this
    is safe when several Streamlit sessions compute in parallel threads.
    Nothing is printed to the server log.
    """

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._op = ""

    def _handler(self, err: str, flag: int) -> None:
        text = f"{err} encountered in {self._op}"
        if text not in self.messages:
            self.messages.append(text)

    def run(self, op: str, func, *args):
        self._op = op
        with np.errstate(all="call", call=self._handler):
            return func(*args)


def _reduce(values: np.ndarray, reduction: str):
    if reduction == "none":
        return values
    if reduction == "sum":
        return float(np.sum(values, dtype=np.float64))
    return float(np.mean(values))


def _bce_terms(y, p, eps, log_floor, dtype, log: _WarningLog):
    """The per-sample BCE in ``dtype``: -[y log c + (1-y) log(1-c)], c = clip(p)."""
    dt = as_dtype(dtype)
    y = y.astype(dt)
    p = p.astype(dt)
    bounds = None
    if eps is not None:
        lo = dt.type(eps)
        hi = dt.type(1) - dt.type(eps)
        bounds = (float(lo), float(hi))
        p = np.clip(p, lo, hi)
    one = dt.type(1)
    log_p = log.run("log", np.log, p)
    one_minus_p = log.run("subtract", np.subtract, one, p)
    if log_floor is None:
        log_q = log.run("log", np.log, one_minus_p)
    else:
        # PyTorch's BCELoss: log1p(-p), each log clamped below at log_floor.
        log_q = log.run("log1p", np.log1p, -p)
        floor = dt.type(log_floor)
        log_p = np.maximum(log_p, floor)
        log_q = np.maximum(log_q, floor)
    a = log.run("multiply", np.multiply, y, log_p)
    b = log.run("multiply", np.multiply, log.run("subtract", np.subtract, one, y), log_q)
    total = log.run("add", np.add, a, b)
    return -total, bounds


def bce_report(y_true, y_pred, *, eps=1e-15, log_floor=None, dtype="float64") -> BCEReport:
    r"""Binary cross-entropy with a full account of what numpy did.

    .. math:: \mathrm{BCE} = -\frac1N \sum_i \big[y_i \log c_i + (1-y_i)\log(1-c_i)\big],
              \quad c_i = \mathrm{clip}(p_i, \varepsilon, 1-\varepsilon)

    ``eps=None`` applies no clip (the naive formula): a prediction of exactly 0
    or 1 then gives ``inf`` (log 0) or ``nan`` (0 * log 0), and the returned
    ``warnings`` hold numpy's texts such as ``"divide by zero encountered in
    log"``.  ``log_floor`` clamps each log below (PyTorch's BCELoss uses -100).
    The clip bounds are computed in ``dtype``: in float32, ``1 - 1e-15`` is
    exactly 1.0, so that clip does not protect ``log(1 - p)``.
    """
    y = check_labels(y_true)
    p = check_probabilities(y_pred, n=y.size)
    eps = check_eps(eps)
    if log_floor is not None:
        log_floor = float(log_floor)
        if not math.isfinite(log_floor) or log_floor >= 0:
            raise ValueError(f"log_floor must be a finite negative number; got {log_floor!r}")
    log = _WarningLog()
    values, bounds = _bce_terms(y, p, eps, log_floor, dtype, log)
    return BCEReport(
        values=values,
        mean=float(np.mean(values)),
        warnings=tuple(log.messages),
        bounds=bounds,
        dtype=as_dtype(dtype).name,
    )


def bce(y_true, y_pred, *, eps=1e-15, log_floor=None, dtype="float64", reduction="mean"):
    r"""Binary cross-entropy (log loss) of probabilities.

    .. math:: \mathrm{BCE}(y, p) = -\big[y \log p + (1-y)\log(1-p)\big]

    Parameters
    ----------
    y_true : array-like of 0/1 labels.
    y_pred : array-like of probabilities in [0, 1], same length.
    eps : float or None, default 1e-15
        Clip predictions to ``[eps, 1 - eps]`` first (the lessons' ``np.clip``
        fix; they use 1e-15 and 1e-12).  ``None`` applies no clip.
    log_floor : float or None
        Clamp each log below at this value (PyTorch's BCELoss: -100).
    dtype : "float16", "float32" or "float64"
        The dtype the whole computation, clip bounds included, runs in.
    reduction : "mean" (a float), "sum" (a float) or "none" (per sample).

    Examples
    --------
    >>> round(bce([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.2]), 12)
    0.164252033486
    """
    reduction = check_reduction(reduction)
    report = bce_report(y_true, y_pred, eps=eps, log_floor=log_floor, dtype=dtype)
    return _reduce(report.values, reduction)


def sigmoid(z):
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`, overflow-free."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logit(p):
    r"""The inverse of the sigmoid, :math:`z = \log\frac{p}{1-p}` (``±inf`` at 0 and 1)."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


def bce_logits(y_true, z, *, reduction="mean"):
    r"""Binary cross-entropy computed from the logit z, in the stable form.

    .. math:: \mathrm{BCE}(y, z) = \max(z, 0) - z\,y + \log\big(1 + e^{-|z|}\big)

    equal to ``bce(y, sigmoid(z))`` but finite for every finite z, with no clip
    (TensorFlow's ``sigmoid_cross_entropy_with_logits``, PyTorch's
    ``BCEWithLogitsLoss``).  Its gradient with respect to z is ``sigmoid(z) - y``.
    """
    reduction = check_reduction(reduction)
    y = check_labels(y_true)
    z = check_scores(z, n=y.size, name="z")
    return _reduce(bce_logits_kernel(y, z), reduction)


def bce_logits_kernel(y: np.ndarray, z: np.ndarray, *, with_sigmoid: bool = False):
    """The per-element stable form, unvalidated and broadcasting: for inner loops (the trainer, grids).

    With ``with_sigmoid`` also returns sigmoid(z), sharing the one exp(-|z|).
    """
    e = np.exp(-np.abs(z))
    values = np.maximum(z, 0.0) - z * y + np.log1p(e)
    if not with_sigmoid:
        return values
    return values, np.where(z >= 0, 1.0, e) / (1.0 + e)


def mse(y_true, y_pred, *, reduction="mean"):
    r"""Mean squared error of probabilities, :math:`(y - p)^2` per sample."""
    reduction = check_reduction(reduction)
    y = check_labels(y_true)
    p = check_probabilities(y_pred, n=y.size)
    return _reduce((y - p) ** 2, reduction)


def hinge(y_true, score, *, reduction="mean"):
    r"""Hinge loss :math:`\max(0, 1 - t\,s)` with :math:`t = 2y - 1 \in \{-1, +1\}`.

    Labels 0/1 are mapped to -1/+1 as Keras and scikit-learn do.  ``score`` is
    a raw, unbounded score (a margin), not a probability: lossviz uses the
    logit ``z = log(p / (1 - p))``, so p = 0.5 is the score 0 and the margin
    ``t s >= 1`` means p >= 0.731 for y = 1 (p <= 0.269 for y = 0).
    """
    reduction = check_reduction(reduction)
    y = check_labels(y_true)
    s = check_scores(score, n=y.size, name="score", allow_inf=True)
    t = 2.0 * y - 1.0
    return _reduce(np.maximum(0.0, 1.0 - t * s), reduction)


# ---------------------------------------------------------------- gradients


def bce_grad_p(y_true, y_pred, *, eps=None):
    r"""d BCE / d p per sample: :math:`(p - y) / (p (1 - p))`.

    With ``eps``, the derivative of the clipped loss: where the clip bites
    (p outside ``[eps, 1 - eps]``) it is exactly 0.  Unclipped it is ±inf at
    the ends.
    """
    y = check_labels(y_true)
    p = check_probabilities(y_pred, n=y.size)
    eps = check_eps(eps)
    c = p if eps is None else np.clip(p, eps, 1 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (c - y) / (c * (1 - c))
    if eps is not None:
        g = np.where((p >= eps) & (p <= 1 - eps), g, 0.0)
    return g


def bce_grad_z(y_true, z, *, eps=None):
    r"""d BCE / d z per sample, where p = sigmoid(z).

    From the logit form (``eps=None``) it is :math:`\sigma(z) - y`, never zero
    while the prediction is wrong.  With ``eps`` it is the gradient through the
    clipped probability formula: ``(p - y)`` inside the clip and exactly 0 where
    the clip bites, so a confidently wrong prediction stops learning.
    """
    y = check_labels(y_true)
    z = check_scores(z, n=y.size, name="z")
    eps = check_eps(eps)
    p = sigmoid(z)
    g = p - y
    if eps is not None:
        g = np.where((p >= eps) & (p <= 1 - eps), g, 0.0)
    return g


def mse_grad_p(y_true, y_pred):
    r"""d MSE / d p per sample: :math:`2 (p - y)`."""
    y = check_labels(y_true)
    p = check_probabilities(y_pred, n=y.size)
    return 2.0 * (p - y)


def mse_grad_z(y_true, z):
    r"""d MSE / d z per sample, p = sigmoid(z): :math:`2 (p - y)\,p (1 - p)`."""
    y = check_labels(y_true)
    z = check_scores(z, n=y.size, name="z")
    p = sigmoid(z)
    return 2.0 * (p - y) * p * (1.0 - p)


def hinge_grad_score(y_true, score):
    r"""Subgradient of the hinge loss in the score: :math:`-t` where :math:`t s < 1`, else 0."""
    y = check_labels(y_true)
    s = check_scores(score, n=y.size, name="score", allow_inf=True)
    t = 2.0 * y - 1.0
    return np.where(t * s < 1.0, -t, 0.0)
