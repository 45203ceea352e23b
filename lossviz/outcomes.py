r"""What became of many training runs: outcome classes and summary statistics.

Plain numpy on the arrays :func:`lossviz.train_many` returns: a loss history
``loss`` of shape (K, epochs) (the mean loss *before* each epoch's update,
NaN after a network diverged), ``final_loss`` (K,) after the last update,
each network's training ``accuracy`` (K,) at the threshold 0.5, and
``diverged_at`` (K,) (-1 = never).

**Outcome rules** (:func:`classify`, applied in this order):

1. *diverged*: the loss or weights became NaN/inf (``diverged_at >= 0``).
2. *solved*: every training point is on its correct side of 0.5
   (``accuracy == 1``).
3. *stuck*: not solved and the loss has flattened out.  With a window of the
   last :math:`w = \lceil 0.1\,E \rceil` epochs, :math:`\Delta_w = L_{E-w} - L_E`
   the drop over the window and :math:`\Delta = L_0 - L_E` the drop over the
   whole run, a run is flat when

   .. math:: |\Delta_w| \le 0.005\,\max(\Delta, 0) \quad\text{or}\quad |\Delta_w| \le 10^{-4} L_E,

   i.e. the last tenth of the epochs brought less than 0.5 % of the run's
   progress (a run that learns at a steady pace makes 10 % of its progress
   there), or the loss barely moved at all.
4. *still learning*: everything else; more epochs might solve it.

A stuck network usually sits on a *plateau* where m of the n training points
are predicted at p = 0.5 and the others are perfect: the mean loss is then
:math:`m\,\ell(\tfrac12)/n` with :math:`\ell(\tfrac12) = \ln 2` for BCE and
0.25 for MSE.  On XOR (n = 4) the common one is m = 2: BCE
:math:`\ln(2)/2 = 0.3466`, MSE 0.125 (:func:`plateau_level`,
:func:`plateau_points`).

*Epochs to target* (:func:`epochs_to_target`): the first epoch e after which
the mean loss is below :math:`\ell(0.9)`, the loss of predicting every point's
label with probability 0.9 (BCE :math:`-\ln 0.9 = 0.1054`, MSE 0.01), so that
BCE and MSE runs are timed to the same confidence.  On four points that level
also guarantees every point is on its correct side, since
:math:`4\,\ell(0.9) < \ell(\tfrac12)` for both losses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from lossviz.losses import bce, mse
from lossviz.validation import check_choice, check_float, check_int

OUTCOMES = ("solved", "stuck", "diverged", "learning")
OUTCOME_LABELS = {
    "solved": "solved",
    "stuck": "stuck",
    "diverged": "diverged",
    "learning": "still learning",
}
WINDOW = 0.1  # the last 10 % of the epochs
SHARE_TOL = 0.005  # at most 0.5 % of the run's progress in that window
FLAT_TOL = 1e-4  # or a relative change below 1e-4
LEVEL_RTOL = 0.02  # "near a plateau level": within 2 %
TARGET_P = 0.9
LOSS_NAMES = ("bce", "mse")
MAX_POINTS = 500


# ------------------------------------------------------------------ checks


def _history(loss, name: str = "loss") -> np.ndarray:
    try:
        arr = np.asarray(loss, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a (runs, epochs) array of numbers") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty (runs, epochs) array; got shape {arr.shape}")
    return arr


def _per_run(values, k: int, name: str, dtype=np.float64) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=dtype).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, one per run") from None
    if arr.size != k:
        raise ValueError(f"{name} has {arr.size} values for {k} runs")
    return arr


# ------------------------------------------------------------------ levels


def half_loss(loss_name: str) -> float:
    r"""The per-sample loss of an undecided prediction p = 0.5: BCE :math:`\ln 2`, MSE 0.25."""
    check_choice(loss_name, LOSS_NAMES, "loss_name")
    return float(bce([1.0], [0.5]) if loss_name == "bce" else mse([1.0], [0.5]))


def plateau_level(loss_name: str, n_samples: int = 4, n_unsure: int = 2) -> float:
    r"""Mean loss with ``n_unsure`` of ``n_samples`` points at p = 0.5 and the rest perfect:
    :math:`m\,\ell(\tfrac12)/n` (XOR, BCE, m = 2: :math:`\ln(2)/2 = 0.34657`)."""
    n_samples = check_int(n_samples, "n_samples", 1, 1_000_000)
    n_unsure = check_int(n_unsure, "n_unsure", 0, n_samples)
    return n_unsure * half_loss(loss_name) / n_samples


def target_loss(loss_name: str, confidence: float = TARGET_P) -> float:
    r"""The per-sample loss of predicting the true label with probability ``confidence``:
    BCE :math:`-\ln q`, MSE :math:`(1-q)^2`."""
    check_choice(loss_name, LOSS_NAMES, "loss_name")
    q = check_float(confidence, "confidence", 0.5, 1.0 - 1e-12)
    return float(bce([1.0], [q]) if loss_name == "bce" else mse([1.0], [q]))


def plateau_points(final_loss, loss_name: str, n_samples: int = 4, rtol: float = LEVEL_RTOL) -> np.ndarray:
    """For each run, the m in 1..n whose :func:`plateau_level` is within ``rtol`` of its final
    loss (how many points sit at p = 0.5 on that plateau), else 0."""
    fin = np.asarray(final_loss, dtype=np.float64).reshape(-1)
    n_samples = check_int(n_samples, "n_samples", 1, 1_000_000)
    rtol = check_float(rtol, "rtol", 0.0, 0.5)
    half = half_loss(loss_name)
    m = np.rint(fin * n_samples / half)
    level = m * half / n_samples
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(fin) & (m >= 1) & (m <= n_samples) & (np.abs(fin - level) <= rtol * level)
    return np.where(ok, m, 0).astype(np.int64)


# ------------------------------------------------------------------ classification


def window_length(epochs: int, window: float = WINDOW) -> int:
    r"""Epochs in the final window, :math:`\lceil \text{window}\cdot E \rceil` (at least 1)."""
    epochs = check_int(epochs, "epochs", 1, 10**9)
    window = check_float(window, "window", 1e-6, 1.0)
    return max(1, min(epochs, math.ceil(window * epochs - 1e-9)))


def plateaued(
    loss, final_loss, *, window: float = WINDOW, share_tol: float = SHARE_TOL, flat_tol: float = FLAT_TOL
) -> np.ndarray:
    r"""Whether each run's loss has flattened out (rule 3 in the module docstring).

    .. math:: |L_{E-w} - L_E| \le \text{share\_tol}\cdot\max(L_0 - L_E, 0)
              \ \lor\ |L_{E-w} - L_E| \le \text{flat\_tol}\cdot L_E

    NaN (diverged) runs are never flat.
    """
    hist = _history(loss)
    k, epochs = hist.shape
    fin = _per_run(final_loss, k, "final_loss")
    share_tol = check_float(share_tol, "share_tol", 0.0, 1.0)
    flat_tol = check_float(flat_tol, "flat_tol", 0.0, 1.0)
    w = window_length(epochs, window)
    start, mid = hist[:, 0], hist[:, epochs - w]
    with np.errstate(invalid="ignore"):
        last = np.abs(mid - fin)
        total = np.maximum(start - fin, 0.0)
        flat = (last <= share_tol * total) | (last <= flat_tol * np.abs(fin))
    return flat & np.isfinite(last) & np.isfinite(total)


def classify(
    loss,
    final_loss,
    accuracy,
    diverged_at,
    *,
    window: float = WINDOW,
    share_tol: float = SHARE_TOL,
    flat_tol: float = FLAT_TOL,
) -> np.ndarray:
    """One outcome per run, from :data:`OUTCOMES`: "diverged", "solved", "stuck" or "learning".

    Rules, in order: diverged if ``diverged_at >= 0``; solved if ``accuracy == 1``;
    stuck if :func:`plateaued`; else still learning.  Returns a (K,) array of str.
    """
    hist = _history(loss)
    k = hist.shape[0]
    fin = _per_run(final_loss, k, "final_loss")
    acc = _per_run(accuracy, k, "accuracy")
    if np.isnan(acc).any() or (acc < 0).any() or (acc > 1).any():
        i = int(np.flatnonzero(np.isnan(acc) | (acc < 0) | (acc > 1))[0])
        raise ValueError(f"accuracy must be fractions in [0, 1]; found {float(acc[i])!r} at position {i}")
    div = _per_run(diverged_at, k, "diverged_at")
    if (div < -1).any() or (div != np.round(div)).any():
        i = int(np.flatnonzero((div < -1) | (div != np.round(div)))[0])
        raise ValueError(f"diverged_at must be an epoch or -1 (never); found {float(div[i])!r} at position {i}")
    flat = plateaued(hist, fin, window=window, share_tol=share_tol, flat_tol=flat_tol)
    out = np.full(k, "learning", dtype="<U8")
    out[flat] = "stuck"
    out[acc == 1.0] = "solved"
    out[div >= 0] = "diverged"
    return out


def outcome_counts(outcomes) -> dict[str, int]:
    """How many runs had each outcome, in :data:`OUTCOMES` order (zeros included)."""
    arr = np.asarray(outcomes).reshape(-1)
    bad = ~np.isin(arr, OUTCOMES)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"outcomes must be one of {', '.join(OUTCOMES)}; found {arr[i].item()!r} at position {i}")
    return {name: int(np.count_nonzero(arr == name)) for name in OUTCOMES}


# ------------------------------------------------------------------ statistics


def percentiles(values, qs: Sequence[float] = (10, 50, 90), axis: int = 0) -> np.ndarray:
    """Percentiles along ``axis`` with NaN (diverged) counted as +inf, the worst possible loss.

    Linear interpolation between order statistics, as ``np.percentile``; a
    percentile that falls on or next to an infinite value is inf.  Returns an
    array with the ``qs`` axis first.
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0 or arr.shape[axis] == 0:
        raise ValueError("values is empty; percentiles need at least one run")
    q = np.asarray(qs, dtype=np.float64).reshape(-1)
    if not np.isfinite(q).all() or (q < 0).any() or (q > 100).any():
        raise ValueError(f"qs must be percentiles between 0 and 100; got {list(q)}")
    s = np.sort(np.where(np.isnan(arr), np.inf, arr), axis=axis)
    s = np.moveaxis(s, axis, 0)
    n = s.shape[0]
    pos = q / 100.0 * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    frac = (pos - lo).reshape((-1,) + (1,) * (s.ndim - 1))
    a, b = s[lo], s[hi]
    with np.errstate(invalid="ignore"):
        out = np.where(frac == 0, a, np.where(np.isinf(b), np.inf, a + (b - a) * frac))
    return out


def epochs_to_target(loss, final_loss, target: float) -> np.ndarray:
    """The first epoch count e (0..E) whose loss is below ``target``, per run; -1 if never.

    ``loss[:, e]`` is the loss after e updates and ``final_loss`` after all E,
    so the answer is the number of updates it took.
    """
    hist = _history(loss)
    k, epochs = hist.shape
    fin = _per_run(final_loss, k, "final_loss")
    target = check_float(target, "target", 0.0, math.inf)
    with np.errstate(invalid="ignore"):
        below = np.concatenate([hist, fin[:, None]], axis=1) < target
    return np.where(below.any(axis=1), below.argmax(axis=1), -1).astype(np.int64)


def reached_fraction(epochs_to, epochs: int) -> np.ndarray:
    """Fraction of runs that had reached the target by each epoch 0..E (shape (E + 1,))."""
    e = np.asarray(epochs_to, dtype=np.int64).reshape(-1)
    if e.size == 0:
        raise ValueError("epochs_to is empty")
    epochs = check_int(epochs, "epochs", 1, 10**9)
    counts = np.bincount(e[e >= 0], minlength=epochs + 1)[: epochs + 1]
    return np.cumsum(counts) / e.size


def log_histogram(values, *, lo: float = 1e-6, hi: float = 10.0, per_decade: int = 4):
    """Counts of positive values in logarithmic bins from ``lo`` to ``hi``.

    Values below ``lo`` go into the first bin, above ``hi`` into the last;
    NaN/inf values are not counted (report them as diverged).  Returns
    ``(edges, counts)`` with ``len(edges) == len(counts) + 1``.
    """
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    lo = check_float(lo, "lo", 1e-300, 1e300)
    hi = check_float(hi, "hi", lo, 1e300)
    if hi <= lo:
        raise ValueError(f"hi must be larger than lo; got lo={lo!r}, hi={hi!r}")
    per_decade = check_int(per_decade, "per_decade", 1, 50)
    n_bins = max(1, round(per_decade * math.log10(hi / lo)))
    edges = np.logspace(math.log10(lo), math.log10(hi), n_bins + 1)
    finite = v[np.isfinite(v)]
    clipped = np.clip(finite, edges[0], edges[-1])
    counts, _ = np.histogram(clipped, bins=edges)
    return edges, counts


def log_histograms(groups: dict, *, per_decade: int = 4, floor: float = 1e-12, ceiling: float = 1e4):
    """:func:`log_histogram` of several groups on shared bins whose range is whole decades
    around all their finite positive values (clamped to [floor, ceiling]).

    Returns ``(edges, {name: counts})``.
    """
    arrays = {name: np.asarray(v, dtype=np.float64).reshape(-1) for name, v in groups.items()}
    if not arrays:
        raise ValueError("groups is empty")
    allv = np.concatenate(list(arrays.values()))
    ok = allv[np.isfinite(allv) & (allv > 0)]
    lo_exp = math.floor(math.log10(max(ok.min(), floor))) if ok.size else -3
    hi_exp = math.ceil(math.log10(min(ok.max(), ceiling))) if ok.size else 0
    hi_exp = max(hi_exp, lo_exp + 1)
    out = {
        name: log_histogram(v, lo=10.0**lo_exp, hi=10.0**hi_exp, per_decade=per_decade) for name, v in arrays.items()
    }
    edges = next(iter(out.values()))[0]
    return edges, {name: counts for name, (_, counts) in out.items()}


def thin_index(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most ``max_points`` evenly spaced indices into ``range(n)``, first and last included."""
    n = check_int(n, "n", 1, 10**9)
    max_points = check_int(max_points, "max_points", 2, 10**7)
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, max_points)).astype(np.int64))
