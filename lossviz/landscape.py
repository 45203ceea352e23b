"""The loss landscape of one sigmoid neuron, :math:`p = \\sigma(w x + b)`, on a 1-D dataset.

Plain numpy.  For each of the two losses (means over the dataset)

.. math:: \\mathrm{MSE}(w, b) = \\frac1N \\sum_i (p_i - y_i)^2, \\qquad
          \\mathrm{BCE}(w, b) = \\frac1N \\sum_i \\big[\\max(z_i, 0) - z_i y_i + \\log(1 + e^{-|z_i|})\\big],
          \\quad z_i = w x_i + b,

this module gives the value, the analytic gradient and the analytic 2x2 Hessian at any
number of points of the (w, b) plane at once (vectorised, in bounded chunks), the
Hessian's eigenvalues in closed form, 1-D profiles along a segment, and plain
full-batch gradient descent.

The per-sample losses come from :mod:`lossviz.losses` (``bce_logits``, and ``mse`` of
``sigmoid(z)``), and gradient descent steps with its ``bce_grad_z`` / ``mse_grad_z``.
On a grid the derivatives in z are written out from p = sigmoid(z), so the sigmoid is
computed once per point (the tests check the first derivatives equal ``bce_grad_z`` /
``mse_grad_z``); the second derivatives, which :mod:`lossviz.losses` does not have, are

.. math:: \\frac{\\partial^2 \\mathrm{BCE}}{\\partial z^2} = p(1-p), \\qquad
          \\frac{\\partial^2 \\mathrm{MSE}}{\\partial z^2} = 2p(1-p)\\big[p(1-p) + (p-y)(1-2p)\\big].

By the chain rule with :math:`\\partial z / \\partial (w, b) = (x, 1)`, each loss has
gradient :math:`\\frac1N\\sum_i \\ell'(z_i)\\,(x_i, 1)` and Hessian
:math:`\\frac1N\\sum_i \\ell''(z_i)\\,(x_i, 1)(x_i, 1)^\\top`.  For BCE every
:math:`\\ell'' = p(1-p) \\ge 0`, so its Hessian is positive semidefinite everywhere
(convex); for MSE :math:`\\ell''` turns negative where a prediction is confidently
wrong, and the Hessian gets a negative eigenvalue (not convex).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from lossviz.losses import bce_grad_z, bce_logits, mse, mse_grad_z, sigmoid
from lossviz.params import Param, format_number
from lossviz.validation import check_choice, check_float, check_int, check_sized

__all__ = [
    "LOSSES",
    "LR_GRID",
    "PARAMS",
    "RES_GRID",
    "STEPS_GRID",
    "VIEWS",
    "MAX_ABS_X",
    "MAX_EVAL",
    "MAX_GRID",
    "MAX_LR",
    "MAX_PARAM",
    "MAX_POINTS",
    "MAX_STEPS",
    "PRESETS",
    "Descent",
    "Landscape",
    "LossSurface",
    "PointEval",
    "Profile",
    "check_dataset",
    "convexity_sentence",
    "eig2x2",
    "evaluate",
    "fit_curves",
    "gradient_descent",
    "gradient_descents",
    "line_profile",
    "log10_loss",
    "loss_grid",
    "neuron",
    "plateau_sentence",
    "preset",
    "profile_sentence",
]

LOSSES = ("mse", "bce")
MAX_POINTS = 200  # points in a dataset
MAX_ABS_X = 100.0  # |x| of a data point
MAX_GRID = 300  # grid points per axis
MAX_PARAM = 50.0  # |w| and |b| of ranges, starts and line ends
MAX_STEPS = 2000  # gradient-descent steps
MAX_LR = 100.0  # learning rate
MAX_EVAL = 10 * MAX_GRID * MAX_GRID  # (w, b) points one evaluate() call takes
NEG_RTOL = 1e-9  # an eigenvalue counts as negative below -NEG_RTOL * (largest |eigenvalue|)
LOG_FLOOR = 1e-16  # log10 of a loss is taken of max(loss, LOG_FLOOR)
_CHUNK = 1 << 14  # samples x points per chunk: 128 KiB arrays stay in cache (and memory stays bounded)

LR_GRID = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
STEPS_GRID = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
RES_GRID = (50, 100, 150, 200, 250, 300)
VIEWS = ("contour", "3d")

# name -> (x, y, one-line description)
PRESETS: dict[str, tuple[tuple[float, ...], tuple[int, ...], str]] = {
    "separable": (
        (-3.0, -2.0, -1.0, 1.0, 2.0, 3.0),
        (0, 0, 0, 1, 1, 1),
        "six points, label 1 exactly where x > 0: linearly separable",
    ),
    "overlapping": (
        (-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0),
        (0, 0, 1, 0, 1, 0, 1, 0, 1, 1),
        "ten points whose labels mix in the middle: not separable",
    ),
    "outlier": (
        (-3.0, -2.0, -1.0, 1.0, 2.0, 3.0, 4.0),
        (0, 0, 0, 1, 1, 1, 0),
        "the separable set plus one far point with the 'wrong' label",
    ),
}


def _plane(name: str, default: float, label: str) -> Param:
    return Param(name, default, "float", lo=-MAX_PARAM, hi=MAX_PARAM, label=label)


# The page's URL-bound settings (lossviz.params.Param): defaults start gradient descent on
# MSE's plateau (w0 = -6 has the wrong sign for the separable preset).
PARAMS = [
    Param("preset", "separable", "choice", choices=tuple(PRESETS), label="Dataset"),
    Param("view", "contour", "choice", choices=VIEWS, label="View"),
    Param("logc", True, "bool", label="Log colour scale"),
    Param("res", 200, "int", lo=RES_GRID[0], hi=RES_GRID[-1], grid=RES_GRID, label="Grid points per axis"),
    _plane("wmin", -10.0, "w from"),
    _plane("wmax", 10.0, "w to"),
    _plane("bmin", -10.0, "b from"),
    _plane("bmax", 10.0, "b to"),
    _plane("w0", -6.0, "start w0"),
    _plane("b0", 1.0, "start b0"),
    Param("lr", 1.0, "float", lo=LR_GRID[0], hi=LR_GRID[-1], grid=LR_GRID, log=True, label="Learning rate"),
    Param("steps", 200, "int", lo=1, hi=MAX_STEPS, grid=STEPS_GRID, log=True, label="Steps"),
    _plane("w1", -10.0, "A: w"),
    _plane("b1", 0.0, "A: b"),
    _plane("w2", 10.0, "B: w"),
    _plane("b2", 0.0, "B: b"),
]


def preset(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The preset dataset ``name`` (one of :data:`PRESETS`) as float arrays ``(x, y)``."""
    check_choice(name, PRESETS, "preset")
    x, y, _ = PRESETS[name]
    return np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)


# ---------------------------------------------------------------- validation


def _column(values, name: str) -> np.ndarray:
    """A 1-D float array from a table column; ``None`` becomes NaN (an empty cell)."""
    if isinstance(values, (str, bytes)) or values is None or isinstance(values, dict):
        raise TypeError(f"{name} must be a list or array of numbers; got {type(values).__name__}")
    raw = np.asarray(values, dtype=object)
    if raw.ndim == 0:
        raw = raw.reshape(1)
    if raw.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got an array of shape {raw.shape}")
    if raw.size > MAX_POINTS:
        raise ValueError(f"the dataset has {raw.size} points; the limit is {MAX_POINTS}")
    out = np.empty(raw.size, dtype=np.float64)
    for i, v in enumerate(raw):
        if v is None:
            out[i] = math.nan
            continue
        if isinstance(v, np.ndarray) and v.ndim == 0:
            v = v.item()
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.floating, np.integer)):
            raise ValueError(f"{name} must be a number; row {i + 1} has {str(v)[:20]!r}")
        out[i] = float(v)
    return out


def check_dataset(x, y, *, skip_empty_rows: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A dataset ``(x, y)`` checked for the landscape: finite inputs, labels 0/1.

    Rows are counted from 1, as in the page's table.  Raises ``ValueError``
    naming the column (``x`` or ``y``), the first bad row and its value, for an
    empty cell (``None``/NaN), an infinite or too large ``x`` (the limit is
    ``MAX_ABS_X``), a label other than 0 or 1, different lengths, no points, or
    more than ``MAX_POINTS`` points.  With ``skip_empty_rows``, rows where both
    cells are empty (a row just added in a table) are dropped first; row numbers
    in messages still count them.
    """
    xs = _column(x, "x")
    ys = _column(y, "y")
    if xs.size != ys.size:
        raise ValueError(f"x and y have different lengths: {xs.size} vs {ys.size}")
    rows = np.arange(1, xs.size + 1)
    if skip_empty_rows:
        keep = ~(np.isnan(xs) & np.isnan(ys))
        xs, ys, rows = xs[keep], ys[keep], rows[keep]
    if xs.size == 0:
        raise ValueError("the dataset is empty; add at least one point")
    for name, col, need in (("x", xs, "a number x"), ("y", ys, "a label y, 0 or 1")):
        nan = np.isnan(col)
        if nan.any():
            i = int(np.flatnonzero(nan)[0])
            raise ValueError(f"{name} is empty in row {rows[i]}; every point needs {need}")
    bad = ~np.isfinite(xs) | (np.abs(xs) > MAX_ABS_X)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"x must be between {-MAX_ABS_X:g} and {MAX_ABS_X:g}; row {rows[i]} has {xs[i]:g}")
    bad = (ys != 0) & (ys != 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"y must be a label 0 or 1; row {rows[i]} has {ys[i]:g}")
    return xs, ys


def _param(value, name: str) -> float:
    return check_float(value, name, -MAX_PARAM, MAX_PARAM)


def _points(w, b) -> tuple[np.ndarray, np.ndarray]:
    """``w`` and ``b`` broadcast to one shape, finite and within ``MAX_PARAM`` of 0."""
    try:
        w, b = np.broadcast_arrays(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"w and b must be numbers or arrays of one shape ({exc})") from None
    if w.size > MAX_EVAL:
        raise ValueError(f"w and b give {w.size:,} points; the limit is {MAX_EVAL:,}")
    for name, a in (("w", w), ("b", b)):
        bad = ~np.isfinite(a) | (np.abs(a) > MAX_PARAM)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            value = float(a.ravel()[i])
            raise ValueError(f"{name} must be finite and between {-MAX_PARAM:g} and {MAX_PARAM:g}; found {value!r}")
    return w, b


# ---------------------------------------------------------------- derivatives in z, from p


def _dz(name: str, y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and second derivatives of the per-sample loss in z, from p = sigmoid(z).

    BCE: ``p - y`` and ``p (1 - p)``.  MSE: ``2 (p - y) p (1 - p)`` and
    ``2 p (1 - p) [p (1 - p) + (p - y)(1 - 2p)]``.  The first derivatives equal
    :func:`lossviz.losses.bce_grad_z` / :func:`~lossviz.losses.mse_grad_z` (a test
    checks it); they are written out here so that a grid computes the sigmoid once.
    """
    return _dz_all(y, p)[name]


def _dz_all(y: np.ndarray, p: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """:func:`_dz` for both losses at once, sharing p - y and p (1 - p), arithmetic in place."""
    r = p - y  # BCE's first derivative
    s = 1.0 - p
    s *= p  # p (1 - p): BCE's second derivative
    d1 = r * s
    d1 *= 2.0  # 2 (p - y) p (1 - p)
    d2 = p * -2.0
    d2 += 1.0
    d2 *= r
    d2 += s
    d2 *= s
    d2 *= 2.0  # 2 p (1 - p) [p (1 - p) + (p - y)(1 - 2p)]
    return {"bce": (r, s), "mse": (d1, d2)}


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class PointEval:
    """One loss at many (w, b) points: value, gradient, Hessian entries (all of the points' shape).

    The Hessian is ``[[hww, hwb], [hwb, hbb]]``; ``None`` when not asked for.
    """

    loss: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    hww: np.ndarray | None = None
    hwb: np.ndarray | None = None
    hbb: np.ndarray | None = None

    @property
    def grad_norm(self) -> np.ndarray:
        """Euclidean norm of the gradient, :math:`\\sqrt{L_w^2 + L_b^2}`."""
        return np.hypot(self.grad_w, self.grad_b)


def _evaluate_flat(x, y, w, b, losses, hessian) -> dict[str, PointEval]:
    """The losses at flat arrays of points, in chunks of at most ``_CHUNK`` samples x points."""
    n = x.size
    g = w.size
    x2 = x * x
    ones = np.ones(n)
    out = {name: {k: np.empty(g) for k in ("loss", "gw", "gb", "hww", "hwb", "hbb")} for name in losses}
    step = max(1, _CHUNK // n)
    for lo in range(0, g, step):
        hi = min(g, lo + step)
        z2 = w[lo:hi, None] * x[None, :] + b[lo:hi, None]
        zf = z2.ravel()
        yf = np.broadcast_to(y, z2.shape).ravel()
        pf = sigmoid(zf)
        dz = _dz_all(yf, pf)
        for name in losses:
            # per-sample losses from the one implementation in lossviz.losses
            per = bce_logits(yf, zf, reduction="none") if name == "bce" else mse(yf, pf, reduction="none")
            d1, d2 = dz[name]
            o = out[name]
            shape = z2.shape
            o["loss"][lo:hi] = per.reshape(shape) @ ones / n
            d1 = d1.reshape(shape)
            o["gw"][lo:hi] = d1 @ x / n
            o["gb"][lo:hi] = d1 @ ones / n
            if hessian:
                d2 = d2.reshape(shape)
                o["hww"][lo:hi] = d2 @ x2 / n
                o["hwb"][lo:hi] = d2 @ x / n
                o["hbb"][lo:hi] = d2 @ ones / n
    result = {}
    for name, o in out.items():
        result[name] = PointEval(
            loss=o["loss"],
            grad_w=o["gw"],
            grad_b=o["gb"],
            hww=o["hww"] if hessian else None,
            hwb=o["hwb"] if hessian else None,
            hbb=o["hbb"] if hessian else None,
        )
    return result


def evaluate(x, y, w, b, *, loss: str, hessian: bool = True) -> PointEval:
    """Mean loss, gradient and Hessian of one sigmoid neuron at the points (w, b).

    .. math:: L(w, b) = \\frac1N \\sum_i \\ell(y_i, z_i),\\quad z_i = w x_i + b,\\qquad
              \\nabla L = \\frac1N \\sum_i \\ell'(z_i) \\begin{pmatrix} x_i \\\\ 1 \\end{pmatrix},\\qquad
              \\nabla^2 L = \\frac1N \\sum_i \\ell''(z_i) \\begin{pmatrix} x_i^2 & x_i \\\\ x_i & 1 \\end{pmatrix}

    with ℓ the BCE in logit form (``loss="bce"``) or the squared error of
    :math:`\\sigma(z)` (``loss="mse"``).  ``w`` and ``b`` are numbers or arrays
    that broadcast together; every returned array has their broadcast shape.
    """
    check_choice(loss, LOSSES, "loss")
    xs, ys = check_dataset(x, y)
    w, b = _points(w, b)
    shape = w.shape
    res = _evaluate_flat(xs, ys, w.ravel(), b.ravel(), (loss,), bool(hessian))[loss]
    fields = {k: (None if v is None else v.reshape(shape)) for k, v in res.__dict__.items()}
    return PointEval(**fields)


def eig2x2(a, c, d) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (smallest, largest) of the symmetric matrices ``[[a, c], [c, d]]``, elementwise.

    .. math:: \\lambda_\\pm = \\frac{a + d}{2} \\pm \\sqrt{\\Big(\\frac{a - d}{2}\\Big)^2 + c^2}
    """
    a, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, c, d)))
    for name, v in (("a", a), ("c", c), ("d", d)):
        if not np.isfinite(v).all():
            i = int(np.flatnonzero(~np.isfinite(v).ravel())[0])
            raise ValueError(f"{name} must be finite; found {float(v.ravel()[i])!r} at position {i}")
    m = 0.5 * (a + d)
    r = np.hypot(0.5 * (a - d), c)
    return m - r, m + r


def _negative(lam_min: np.ndarray, lam_max: np.ndarray) -> np.ndarray:
    """Where the smallest eigenvalue is truly negative (beyond rounding, relative to the largest)."""
    scale = np.maximum(np.abs(lam_min), np.abs(lam_max))
    return lam_min < -NEG_RTOL * scale


def log10_loss(values) -> np.ndarray:
    """:math:`\\log_{10}\\max(L, 10^{-16})`: a loss on a log scale, finite where it is exactly 0."""
    return np.log10(np.maximum(np.asarray(values, dtype=np.float64), LOG_FLOOR))


def neuron(x, w: float, b: float) -> np.ndarray:
    """The neuron's prediction :math:`p = \\sigma(w x + b)` at the inputs ``x``."""
    x = np.asarray(x, dtype=np.float64)
    return sigmoid(w * x + b)


def fit_curves(x, descents: dict, *, n: int = 200) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Inputs ``xs`` spanning the data (plus a margin of 1) and, for each descent, the end
    neuron's predictions there: ``sigmoid(w_end xs + b_end)``."""
    x = np.asarray(x, dtype=np.float64)
    n = check_int(n, "n", 2, 10 * MAX_GRID)
    xs = np.linspace(float(x.min()) - 1.0, float(x.max()) + 1.0, n)
    return xs, {name: neuron(xs, *d.path[-1]) for name, d in descents.items()}


# ---------------------------------------------------------------- the grid


@dataclass(frozen=True)
class LossSurface:
    """One loss on the grid; arrays are ``(len(b), len(w))``: rows are b, columns w.

    ``log10`` is :math:`\\log_{10}\\max(L, 10^{-16})`; ``nonconvex`` marks points
    whose Hessian has a negative eigenvalue.
    """

    name: str
    loss: np.ndarray
    log10: np.ndarray
    grad_norm: np.ndarray
    lam_min: np.ndarray
    lam_max: np.ndarray
    nonconvex: np.ndarray

    @property
    def nonconvex_share(self) -> float:
        """Fraction of grid points where the Hessian has a negative eigenvalue."""
        return float(np.mean(self.nonconvex))


@dataclass(frozen=True)
class Landscape:
    """Both losses on one (w, b) grid."""

    w: np.ndarray
    b: np.ndarray
    surfaces: dict[str, LossSurface]

    def __getitem__(self, name: str) -> LossSurface:
        return self.surfaces[name]

    def contains(self, w, b) -> np.ndarray:
        """Whether each point (w, b) lies in the grid's window (edges included)."""
        w = np.asarray(w, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        return (w >= self.w[0]) & (w <= self.w[-1]) & (b >= self.b[0]) & (b <= self.b[-1])


def _range(value, name: str) -> tuple[float, float]:
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (low, high); got {value!r}") from None
    lo = _param(lo, f"{name}[0]")
    hi = _param(hi, f"{name}[1]")
    if not lo < hi:
        raise ValueError(f"{name} must go from low to high; got {lo:g} to {hi:g}")
    return lo, hi


def loss_grid(x, y, *, w_range=(-10.0, 10.0), b_range=(-10.0, 10.0), n: int = 200) -> Landscape:
    """MSE and BCE with gradient norms and Hessian eigenvalues on an ``n`` x ``n`` grid.

    ``w_range`` and ``b_range`` are ``(low, high)`` within ±``MAX_PARAM``;
    ``n`` is 2 to ``MAX_GRID`` points per axis, evenly spaced, ends included.
    Computed vectorised (see :func:`evaluate` for the formulas).
    """
    xs, ys = check_dataset(x, y)
    w_lo, w_hi = _range(w_range, "w_range")
    b_lo, b_hi = _range(b_range, "b_range")
    n = check_int(n, "n", 2, MAX_GRID)
    w = np.linspace(w_lo, w_hi, n)
    b = np.linspace(b_lo, b_hi, n)
    ww = np.broadcast_to(w[None, :], (n, n)).ravel()
    bb = np.broadcast_to(b[:, None], (n, n)).ravel()
    evals = _evaluate_flat(xs, ys, ww, bb, LOSSES, True)
    surfaces = {}
    for name in LOSSES:
        ev = evals[name]
        lam_min, lam_max = eig2x2(ev.hww, ev.hwb, ev.hbb)
        loss = ev.loss.reshape(n, n)
        surfaces[name] = LossSurface(
            name=name,
            loss=loss,
            log10=log10_loss(loss),
            grad_norm=ev.grad_norm.reshape(n, n),
            lam_min=lam_min.reshape(n, n),
            lam_max=lam_max.reshape(n, n),
            nonconvex=_negative(lam_min, lam_max).reshape(n, n),
        )
    return Landscape(w=w, b=b, surfaces=surfaces)


# ---------------------------------------------------------------- a line through the plane


@dataclass(frozen=True)
class Profile:
    """Both losses along the segment (w1, b1) -> (w2, b2), at ``t`` in [0, 1].

    ``loss[name]`` is the loss, ``curvature[name]`` its second derivative in t,
    :math:`d^\\top H d` with :math:`d = (w_2 - w_1, b_2 - b_1)`; negative curvature
    anywhere on the segment proves the loss is not convex.
    """

    t: np.ndarray
    w: np.ndarray
    b: np.ndarray
    loss: dict[str, np.ndarray]
    curvature: dict[str, np.ndarray]
    nonconvex: dict[str, np.ndarray]

    def nonconvex_share(self, name: str) -> float:
        """Fraction of the segment where the profile of ``name`` curves downwards."""
        return float(np.mean(self.nonconvex[name]))

    def nonconvex_runs(self, name: str) -> list[tuple[float, float]]:
        """The stretches ``(t_start, t_end)`` of the segment where ``name`` curves downwards."""
        neg = self.nonconvex[name].astype(np.int8)
        edges = np.diff(np.concatenate(([0], neg, [0])))
        starts = np.flatnonzero(edges == 1)
        stops = np.flatnonzero(edges == -1) - 1
        return [(float(self.t[i]), float(self.t[j])) for i, j in zip(starts, stops, strict=True)]


def line_profile(x, y, start, end, *, n: int = 201) -> Profile:
    """MSE and BCE along the segment from ``start`` = (w1, b1) to ``end`` = (w2, b2).

    .. math:: f(t) = L\\big((1-t)\\,s + t\\,e\\big),\\qquad f''(t) = d^\\top \\nabla^2 L\\, d,\\quad d = e - s
    """
    xs, ys = check_dataset(x, y)
    w1, b1 = (_param(v, f"start[{i}]") for i, v in enumerate(_pair(start, "start")))
    w2, b2 = (_param(v, f"end[{i}]") for i, v in enumerate(_pair(end, "end")))
    if (w1, b1) == (w2, b2):
        raise ValueError(f"start and end are the same point ({w1:g}, {b1:g}); a line needs two different points")
    n = check_int(n, "n", 2, 10 * MAX_GRID)
    t = np.linspace(0.0, 1.0, n)
    dw, db = w2 - w1, b2 - b1
    w = w1 + t * dw
    b = b1 + t * db
    evals = _evaluate_flat(xs, ys, w, b, LOSSES, True)
    loss, curv, neg = {}, {}, {}
    for name in LOSSES:
        ev = evals[name]
        loss[name] = ev.loss
        curv[name] = dw * dw * ev.hww + 2 * dw * db * ev.hwb + db * db * ev.hbb
        # rounding scale of d^T H d: the same sum of absolute terms
        scale = dw * dw * np.abs(ev.hww) + 2 * abs(dw * db) * np.abs(ev.hwb) + db * db * np.abs(ev.hbb)
        neg[name] = curv[name] < -NEG_RTOL * scale
    return Profile(t=t, w=w, b=b, loss=loss, curvature=curv, nonconvex=neg)


def _pair(value, name: str) -> tuple:
    try:
        a, b = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (w, b); got {value!r}") from None
    return a, b


# ---------------------------------------------------------------- gradient descent


@dataclass(frozen=True)
class Descent:
    """A gradient-descent run: ``path`` (steps + 1, 2) of (w, b), and the loss and
    gradient norm at each of those points (the start included)."""

    loss_name: str
    path: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    lr: float

    @property
    def log10(self) -> np.ndarray:
        """The loss at each step on a log scale (see :func:`log10_loss`)."""
        return log10_loss(self.loss)

    @property
    def change(self) -> float:
        """Loss at the end minus loss at the start (negative when descent helped)."""
        return float(self.loss[-1] - self.loss[0])

    @property
    def distance(self) -> float:
        """Straight-line distance from the start to the end point."""
        return float(np.hypot(*(self.path[-1] - self.path[0])))


def gradient_descent(x, y, *, loss: str, w0: float, b0: float, lr: float, steps: int) -> Descent:
    """Plain full-batch gradient descent on the mean loss from (w0, b0).

    .. math:: (w, b)_{k+1} = (w, b)_k - \\eta\\, \\nabla L\\big((w, b)_k\\big),\\quad k = 0, \\dots, \\text{steps} - 1

    ``lr`` (η) in (0, ``MAX_LR``], ``steps`` 1 to ``MAX_STEPS``.  Since every
    per-sample gradient is bounded (\\|ℓ'\\| <= 1) the path stays finite for any
    allowed learning rate, though it may leave the plotted range.
    """
    (run,) = gradient_descents(x, y, loss=loss, w0=w0, b0=b0, lrs=(lr,), steps=steps)
    return run


def gradient_descents(x, y, *, loss: str, w0: float, b0: float, lrs, steps: int) -> list[Descent]:
    """:func:`gradient_descent` from the same start at each learning rate in ``lrs``, side by side.

    One run per learning rate, all stepped together: each is exactly (bit for bit) the run
    :func:`gradient_descent` makes alone, since every sum is taken over one run's samples only.
    The page computes every position of its learning-rate slider at once this way.
    """
    check_choice(loss, LOSSES, "loss")
    xs, ys = check_dataset(x, y)
    w0, b0 = _param(w0, "w0"), _param(b0, "b0")
    lrs = check_sized(lrs, "lrs", "learning rates", 4 * len(LR_GRID))
    rates = np.array([check_float(lr, "lr", 0.0, MAX_LR) for lr in lrs])
    if np.any(rates == 0):
        raise ValueError("lr must be greater than 0; got 0.0")
    steps = check_int(steps, "steps", 1, MAX_STEPS)
    grad_z = bce_grad_z if loss == "bce" else mse_grad_z
    n, runs = xs.size, rates.size
    w, b = np.full(runs, w0), np.full(runs, b0)
    y_all = np.tile(ys, runs)
    paths = np.empty((runs, steps + 1, 2))
    paths[:, 0, 0], paths[:, 0, 1] = w, b
    for k in range(steps):
        d1 = grad_z(y_all, (w[:, None] * xs + b[:, None]).ravel()).reshape(runs, n)
        # a sum along each row: the same additions, in the same order, as one run's alone
        w = w - rates * (d1 * xs).sum(axis=1) / n
        b = b - rates * d1.sum(axis=1) / n
        paths[:, k + 1, 0], paths[:, k + 1, 1] = w, b
    out = []
    for path, lr in zip(paths, rates.tolist(), strict=True):
        # losses and gradient norms along the whole path in one vectorised pass (the path may
        # leave the ±MAX_PARAM box, so this skips the range check that is for user input)
        ev = _evaluate_flat(xs, ys, path[:, 0].copy(), path[:, 1].copy(), (loss,), False)[loss]
        out.append(Descent(loss_name=loss, path=path, loss=ev.loss, grad_norm=ev.grad_norm, lr=lr))
    return out


# ---------------------------------------------------------------- sentences for the page


def _pct(share: float) -> str:
    pct = 100.0 * share
    if pct == 0 or pct == 100:
        return f"{pct:.0f}%"
    if pct < 0.1:
        return "under 0.1%"
    if pct > 99.9:
        return "over 99.9%"
    return f"{pct:.1f}%"


def convexity_sentence(land: Landscape) -> str:
    """Where each loss's Hessian has a negative eigenvalue on this grid, in one sentence."""
    n_mse = int(land["mse"].nonconvex.sum())
    n_bce = int(land["bce"].nonconvex.sum())
    total = land["mse"].nonconvex.size
    if n_mse:
        share = _pct(n_mse / total)
        first = f"MSE's Hessian has a negative eigenvalue at {n_mse:,} of the {total:,} grid points ({share})"
    else:
        first = f"MSE's Hessian has no negative eigenvalue at any of the {total:,} grid points in this window"
    if n_bce:
        second = f"BCE's at {n_bce:,} ({_pct(n_bce / total)})"
    else:
        second = "BCE's at none of them"
    return f"{first}; {second}."


def profile_sentence(profile: Profile) -> str:
    """Where each loss curves downwards along the line, in one sentence."""
    parts = []
    for name in LOSSES:
        share = profile.nonconvex_share(name)
        label = name.upper()
        if share:
            parts.append(f"{label} curves downwards on {_pct(share)} of it (not convex)")
        else:
            parts.append(f"{label} never curves downwards")
    return "Along this line " + "; ".join(parts) + "."


def plateau_sentence(mse_norm: float, bce_norm: float) -> str:
    """How much flatter MSE is than BCE at the start point, in words."""
    if mse_norm == 0 and bce_norm == 0:
        return "Both gradients are exactly 0 at the start: neither loss can move."
    if mse_norm == 0:
        return "MSE's gradient is exactly 0 at the start: gradient descent on MSE cannot move at all."
    if bce_norm == 0:
        return "BCE's gradient is exactly 0 at the start: gradient descent on BCE cannot move at all."
    ratio = bce_norm / mse_norm
    if ratio >= 10:
        return f"At the start BCE's gradient is {format_number(ratio)} times as steep as MSE's."
    if ratio <= 0.1:
        return f"At the start MSE's gradient is {format_number(1 / ratio)} times as steep as BCE's."
    return f"At the start the two gradients have a similar size (BCE / MSE = {format_number(ratio)})."
