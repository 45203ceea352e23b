"""Input checks shared by the whole public API.

Each check returns a clean float64 array (or value) or raises ``ValueError`` /
``TypeError`` with a message that names the argument, the problem, and the
first offending position and value, so a student knows what to fix.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

MAX_SAMPLES = 1_000_000
DTYPES = ("float64", "float32", "float16")
REDUCTIONS = ("mean", "sum", "none")


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_1d(values, name: str) -> np.ndarray:
    """``values`` as a 1-D float64 array; a scalar becomes one sample."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be numbers, not a string: {_show(values)}")
    if isinstance(values, dict) or values is None:
        raise TypeError(f"{name} must be a list or array of numbers; got {type(values).__name__}")
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        fast = values.astype(np.float64, copy=False)
        if fast.ndim == 0:
            fast = fast.reshape(1)
        if fast.ndim == 1 and 0 < fast.size <= MAX_SAMPLES:
            return fast
    try:
        raw = np.asarray(values, dtype=object)
    except (ValueError, TypeError) as exc:  # ragged nesting
        raise ValueError(f"{name} must be a flat list of numbers ({exc})") from None
    if raw.ndim == 0:
        raw = raw.reshape(1)
    if raw.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got an array of shape {raw.shape}")
    if raw.size == 0:
        raise ValueError(f"{name} is empty; give at least one sample")
    if raw.size > MAX_SAMPLES:
        raise ValueError(f"{name} has {raw.size} samples; the limit is {MAX_SAMPLES:,}")
    out = np.empty(raw.size, dtype=np.float64)
    for i, v in enumerate(raw):
        if isinstance(v, np.ndarray) and v.ndim == 0:
            v = v.item()
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.floating, np.integer)):
            raise ValueError(f"{name} has a non-numeric value at position {i}: {_show(v)}")
        out[i] = float(v)
    return out


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _check_finite(a: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(a)
    if bad.any():
        i = _first_bad(bad)
        what = "NaN" if np.isnan(a[i]) else "infinity"
        raise ValueError(f"{name} contains {what} at position {i}; every value must be a finite number")


def check_labels(y_true) -> np.ndarray:
    """Labels as a float64 array of 0.0 and 1.0."""
    y = as_1d(y_true, "y_true")
    _check_finite(y, "y_true")
    bad = (y != 0) & (y != 1)
    if bad.any():
        i = _first_bad(bad)
        raise ValueError(f"y_true must contain only the labels 0 and 1; found {y[i]:g} at position {i}")
    return y


def check_probabilities(y_pred, *, n: int) -> np.ndarray:
    """Probabilities in [0, 1], ``n`` of them."""
    p = as_1d(y_pred, "y_pred")
    _check_length(p, n, "y_pred")
    _check_finite(p, "y_pred")
    bad = (p < 0) | (p > 1)
    if bad.any():
        i = _first_bad(bad)
        raise ValueError(f"y_pred must be probabilities in [0, 1]; found {p[i]:g} at position {i}")
    return p


def check_scores(values, *, n: int, name: str, allow_inf: bool = False) -> np.ndarray:
    """Real-valued scores or logits, ``n`` of them (NaN never allowed)."""
    s = as_1d(values, name)
    _check_length(s, n, name)
    if allow_inf:
        if np.isnan(s).any():
            i = _first_bad(np.isnan(s))
            raise ValueError(f"{name} contains NaN at position {i}")
    else:
        _check_finite(s, name)
    return s


def _check_length(a: np.ndarray, n: int, name: str) -> None:
    if a.size != n:
        raise ValueError(f"y_true and {name} have different lengths: {n} vs {a.size}")


def check_eps(eps):
    """``None`` (no clip) or a finite float in (0, 0.5)."""
    if eps is None:
        return None
    if isinstance(eps, bool) or not isinstance(eps, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"eps must be a number or None; got {_show(eps)}")
    eps = float(eps)
    if not (math.isfinite(eps) and 0 < eps < 0.5):
        raise ValueError(f"eps must be in (0, 0.5) or None for no clip; got {eps!r}")
    return eps


def as_dtype(dtype) -> np.dtype:
    """One of float16, float32, float64, by name or numpy dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be one of {', '.join(DTYPES)}; got {_show(dtype)}") from None
    if dt.name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dt.name}")
    return dt


def check_reduction(reduction) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(REDUCTIONS)}; got {_show(reduction)}")
    return reduction


def check_choice(value, choices, name: str):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(str, choices))}; got {_show(value)}")
    return value


def check_sized(values, name: str, what: str, most: int) -> list:
    """``values`` as a list, if it is a sequence (not a string) of 1 to ``most`` items."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or not 1 <= len(values) <= most:
        raise ValueError(f"{name} must be a sequence of 1 to {most} {what}; got {values!r:.60}")
    return list(values)


def check_int(value, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be a whole number; got {_show(value)}")
    value = int(value)
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be between {lo} and {hi}; got {value}")
    return value


def check_float(value, name: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number; got {_show(value)}")
    value = float(value)
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{name} must be between {lo:g} and {hi:g}; got {value!r}")
    return value
