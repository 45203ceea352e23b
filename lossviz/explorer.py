"""Numbers for the Loss Explorer page: the p and epsilon grids, the curves, the readouts, the presets.

Plain numpy; every loss and gradient comes from :mod:`lossviz.losses`.  What is
here is bookkeeping around those calls: which grid the p control offers and how
its values are written, one cached table of curves per (eps, dtype) so a p move
recomputes nothing, the readouts at one point with a one-line reason when a
value is ``inf`` or ``nan``, the lessons' example predictions, and a validated
per-sample table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from lossviz.losses import (
    bce_grad_p,
    bce_grad_z,
    bce_report,
    hinge,
    hinge_grad_score,
    logit,
    mse,
    mse_grad_p,
    mse_grad_z,
    sigmoid,
)
from lossviz.params import Param, format_count, format_number
from lossviz.validation import DTYPES, as_dtype, check_choice, check_eps, check_float

__all__ = [
    "CURVE_P",
    "EPS_GRID",
    "LOSS_NAMES",
    "MAX_ROWS",
    "PARAMS",
    "PRESETS",
    "P_GRID",
    "Curves",
    "PRESET_BY_ID",
    "Point",
    "Preset",
    "SampleTable",
    "check_table",
    "curves",
    "curves_csv",
    "format_eps",
    "format_count",
    "format_full",
    "format_p",
    "lesson_numbers",
    "not_drawn",
    "point",
    "points",
    "sample_table",
]

# ------------------------------------------------------------------ grids


def _p_grid() -> tuple[tuple[float, ...], dict[float, str]]:
    """0, 1e-16 ... 1e-4, 0.001 ... 0.009, 0.01 ... 0.99, 0.991 ... 0.999, 1 - 1e-4 ... 1 - 1e-16, 1.

    Every value is the float nearest its decimal text (``0.9999`` not ``1 - 1e-4``),
    so it prints and round-trips through a URL as that text.
    """
    labels: dict[float, str] = {0.0: "0", 1.0: "1"}
    for k in range(16, 3, -1):
        labels[float(f"1e-{k}")] = f"1e-{k}"
        labels[float("0." + "9" * k)] = f"1 − 1e-{k}"
    for i in range(1, 10):
        labels[float(f"0.00{i}")] = f"0.00{i}"
        labels[float(f"0.99{i}")] = f"0.99{i}"
    for i in range(1, 100):
        labels[float(f"0.{i:02d}")] = f"{i / 100:g}"
    grid = tuple(sorted(labels))
    return grid, labels


P_GRID, _P_LABELS = _p_grid()
EPS_GRID: tuple[float, ...] = tuple(float(f"1e-{k}") for k in range(20, 0, -1))
CURVE_P = np.linspace(0.001, 0.999, 500)
CURVE_P.flags.writeable = False


def format_p(p: float) -> str:
    """A p value as a student reads it: ``0.25``, ``1e-12``, ``1 − 1e-12``."""
    p = float(p)
    if p in _P_LABELS:
        return _P_LABELS[p]
    if 0 < 1 - p < 1e-3:
        return f"1 − {format_number(1 - p, 3)}"
    return format_number(p, 6)


def format_eps(eps: float) -> str:
    """An epsilon as ``1e-15``."""
    return format_number(eps, 3)


LOSS_NAMES = {"bce": "BCE", "mse": "MSE", "hinge": "hinge"}


def not_drawn(values: dict, *, hinge: bool = True) -> str:
    """``"hinge = inf"`` for each value ("bce", "mse", "hinge") a chart cannot mark: inf, nan or undefined."""
    return ", ".join(
        f"{LOSS_NAMES[k]} = {format_number(v)}"
        for k, v in values.items()
        if (hinge or k != "hinge") and (v is None or not math.isfinite(v))
    )


def format_full(x: float) -> str:
    """All the digits a float has (Python's shortest round-trip form), ``inf``/``nan`` spelled out."""
    x = float(x)
    if not math.isfinite(x):
        return format_number(x)
    return repr(x)


# ------------------------------------------------------------------ URL state


@dataclass(frozen=True)
class Preset:
    """One of the lessons' example predictions, with what the lesson printed."""

    id: str
    title: str
    y: tuple[int, ...]
    p: tuple[float, ...]
    lesson: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "near_perfect",
        "Near-perfect",
        (1, 0, 1),
        (0.99, 0.01, 0.99),
        "The lesson prints 0.01005033585350145.",
    ),
    Preset(
        "arrogant",
        "Arrogant and wrong",
        (1, 0, 1),
        (0.0, 1.0, 0.0),
        "The lesson prints 34.53904292738741 with eps = 1e-15 and 27.631028489916815 with eps = 1e-12.",
    ),
    Preset("good", "Good", (0, 1, 1, 0), (0.1, 0.9, 0.8, 0.2), "The lesson prints 0.164252033486018."),
    Preset("bad", "Bad", (0, 1, 1, 0), (0.9, 0.1, 0.3, 0.8), "The lesson prints 1.854645225687032."),
)
PRESET_BY_ID = {preset.id: preset for preset in PRESETS}

PARAMS: list[Param] = [
    Param("p", 0.7, lo=0.0, hi=1.0, grid=P_GRID, label="predicted probability"),
    Param("y", 1, kind="choice", choices=(0, 1), label="true label"),
    Param("eps", 1e-15, lo=1e-20, hi=1e-1, grid=EPS_GRID, log=True, label="clip epsilon"),
    Param("dtype", "float64", kind="choice", choices=DTYPES, label="dtype"),
    Param("hinge", True, kind="bool", label="show hinge"),
    Param("logy", False, kind="bool", label="log y-axis"),
    Param("preset", "near_perfect", kind="choice", choices=tuple(PRESET_BY_ID), label="example"),
    Param("predict", False, kind="bool", label="predict first"),
]


def _check_clip(eps, dtype) -> tuple[float, str]:
    eps = check_eps(eps)
    if eps is None:
        raise ValueError("eps must be a number in (0, 0.5); the explorer always clips")
    return eps, as_dtype(dtype).name


def _check_point(y, p, eps, dtype) -> tuple[int, float, float, str]:
    if isinstance(y, bool):
        raise TypeError("y must be the label 0 or 1, not a bool")
    y = check_choice(y, (0, 1), "y")
    p = check_float(p, "p", 0.0, 1.0)
    return (int(y), p, *_check_clip(eps, dtype))


# ------------------------------------------------------------------ curves


@dataclass(frozen=True)
class Curves:
    """Every curve the page plots, over ``p`` (500 points in [0.001, 0.999]), for y = 0 and y = 1.

    ``loss[y]`` and ``grad_z[y]`` map "bce", "mse", "hinge" to arrays; BCE is
    computed in ``dtype`` with the clip ``eps`` (then widened to float64 to be
    plotted), MSE and hinge in float64.  Hinge's score is the logit ``z``.
    ``margin_p[y]`` is where hinge reaches its margin (t z = 1).
    """

    p: np.ndarray
    z: np.ndarray
    eps: float
    dtype: str
    loss: Mapping[int, Mapping[str, np.ndarray]]
    grad_z: Mapping[int, Mapping[str, np.ndarray]]
    margin_p: Mapping[int, float]


def _frozen(a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    a.flags.writeable = False
    return a


@lru_cache(maxsize=64)
def _curves(eps: float, dtype: str) -> Curves:
    p = CURVE_P
    z = _frozen(logit(p))
    loss, grad = {}, {}
    for label in (0, 1):
        y = np.full(p.shape, label)
        loss[label] = {
            "bce": _frozen(bce_report(y, p, eps=eps, dtype=dtype).values),
            "mse": _frozen(mse(y, p, reduction="none")),
            "hinge": _frozen(hinge(y, z, reduction="none")),
        }
        grad[label] = {
            "bce": _frozen(bce_grad_z(y, z, eps=eps)),
            "mse": _frozen(mse_grad_z(y, z)),
            "hinge": _frozen(hinge_grad_score(y, z)),
        }
    margin = {1: float(sigmoid(1.0)), 0: float(sigmoid(-1.0))}
    return Curves(
        p=p,
        z=z,
        eps=eps,
        dtype=dtype,
        loss=MappingProxyType({k: MappingProxyType(v) for k, v in loss.items()}),
        grad_z=MappingProxyType({k: MappingProxyType(v) for k, v in grad.items()}),
        margin_p=MappingProxyType(margin),
    )


def curves(eps: float, dtype: str = "float64") -> Curves:
    """The plotted curves for this clip and dtype (computed once per pair, read-only arrays)."""
    eps, dtype = _check_clip(eps, dtype)
    return _curves(eps, dtype)


@lru_cache(maxsize=16)
def _curves_csv(eps: float, dtype: str) -> str:
    c = _curves(eps, dtype)
    names, cols = ["p", "z"], [c.p, c.z]
    for label in (1, 0):
        for loss in ("bce", "mse", "hinge"):
            names.append(f"{loss}_y{label}")
            cols.append(c.loss[label][loss])
        for loss in ("bce", "mse", "hinge"):
            names.append(f"d{loss}_dz_y{label}")
            cols.append(c.grad_z[label][loss])
    rows = np.column_stack(cols).tolist()  # Python floats: repr is the shortest exact text
    lines = [",".join(names)] + [",".join(map(repr, row)) for row in rows]
    return "\n".join(lines) + "\n"


def curves_csv(eps: float, dtype: str = "float64") -> str:
    """The curves as CSV: p, z, then loss and d loss/dz for y = 1 and y = 0 (all digits)."""
    eps, dtype = _check_clip(eps, dtype)
    return _curves_csv(eps, dtype)


# ------------------------------------------------------------------ one point


@dataclass(frozen=True)
class Point:
    """The readouts at one (y, p): losses, gradients, and why any of them is not a number.

    ``bce`` is computed in ``dtype`` with the clip; everything else in float64.
    ``z`` is the logit (``±inf`` at p = 0 or 1), and the z-gradients are
    ``None`` there.  ``notes`` are one-line reasons keyed by the readout they explain:
    ``("BCE", text)``, ``("hinge", text)``, ``("∂BCE/∂p", text)``, ``("z-gradients", text)``.
    """

    y: int
    p: float
    eps: float
    dtype: str
    z: float
    bce: float
    mse: float
    hinge: float
    bce_grad_p: float
    mse_grad_p: float
    bce_grad_z: float | None
    mse_grad_z: float | None
    hinge_grad_z: float
    p_stored: float
    clipped_to: float
    bounds: tuple[float, float]
    warnings: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]


def _bce_reason(y: int, p: float, eps: float, dtype: str, stored: float, clipped: float, value: float) -> str:
    """Why BCE at one point is inf or nan, in one line."""
    end = 0.0 if clipped == 0.0 else 1.0
    if end == 0.0:
        bound, to = f"the clip's lower bound eps = {format_eps(eps)}", "0"
        log, term = "log(p) = log 0 = −∞", "y·log(p)"
    else:
        bound, to = f"the clip's upper bound 1 − {format_eps(eps)}", "exactly 1.0"
        log, term = "log(1 − p) = log 0 = −∞", "(1 − y)·log(1 − p)"
    if stored == end and p != end:
        cause = f"{dtype} rounds both p = {format_p(p)} and {bound} to {to}"
    else:
        cause = f"p = {end:g} and {dtype} rounds {bound} to {to}"
    if math.isnan(value):
        return f"{cause}; the unused term {term} is then 0 · (−∞) = nan."
    return f"{cause}: {log}."


def _inf_text(x: float) -> str:
    return "−∞" if x < 0 else "+∞"


def point(y, p, eps, dtype="float64") -> Point:
    """Every readout at the label ``y`` and prediction ``p``, for this clip and dtype."""
    y, p, eps, dtype = _check_point(y, p, eps, dtype)
    ys, ps = [y], [p]
    report = bce_report(ys, ps, eps=eps, dtype=dtype)
    value = float(report.values[0])
    z = float(logit(ps)[0])
    inside = 0.0 < p < 1.0
    dt = as_dtype(dtype)
    stored = float(dt.type(p))
    clipped = float(np.clip(dt.type(p), dt.type(report.bounds[0]), dt.type(report.bounds[1])))
    g_p = float(bce_grad_p(ys, ps, eps=eps)[0])
    notes: list[tuple[str, str]] = []
    if not math.isfinite(value):
        notes.append(("BCE", _bce_reason(y, p, eps, dtype, stored, clipped, value)))
    elif clipped != stored:
        first = (
            f"{dtype} stores p = {format_p(p)} as exactly {stored:g}; the clip then moved it"
            if (stored != p and stored in (0.0, 1.0))
            else f"The clip moved p = {format_p(p)}"
        )
        text = f"{first} to {format_p(clipped)} before taking logs (BCE = {format_number(value)})."
        if g_p == 0.0 and abs(p - y) > 0.5:
            text += " The clipped loss is flat out here, so its gradient is 0: this mistake would not be corrected."
        notes.append(("BCE", text))
    if not math.isfinite(g_p):
        what = "0 / 0 = nan" if math.isnan(g_p) else _inf_text(g_p)
        notes.append(
            (
                "∂BCE/∂p",
                f"The gradient is taken in float64, where the clip's upper bound 1 − {format_eps(eps)} is exactly 1.0, "
                f"so (p − y) / (p (1 − p)) at p = {format_p(p)} divides by 0: {what}.",
            )
        )
    hinge_value = float(hinge(ys, [z]))
    if math.isinf(hinge_value):
        notes.append(
            ("hinge", f"The score z = log(p / (1 − p)) is {_inf_text(z)} at p = {format_p(p)}, so 1 − t·z = +∞.")
        )
    if not inside:
        notes.append(
            (
                "z-gradients",
                f"p = {p:g} has no finite logit (z = {_inf_text(z)}): BCE's and MSE's gradients in z need "
                "0 < p < 1. Hinge is a straight line in z away from its margin, so its slope (−t, or 0 past "
                "the margin) is the same at every z on that side, infinity included.",
            )
        )
    return Point(
        y=y,
        p=p,
        eps=eps,
        dtype=dtype,
        z=z,
        bce=value,
        mse=float(mse(ys, ps)),
        hinge=hinge_value,
        bce_grad_p=g_p,
        mse_grad_p=float(mse_grad_p(ys, ps)[0]),
        bce_grad_z=float(bce_grad_z(ys, [z], eps=eps)[0]) if inside else None,
        mse_grad_z=float(mse_grad_z(ys, [z])[0]) if inside else None,
        hinge_grad_z=float(hinge_grad_score(ys, [z])[0]),
        p_stored=stored,
        clipped_to=clipped,
        bounds=report.bounds,
        warnings=report.warnings,
        notes=tuple(notes),
    )


# ------------------------------------------------------------------ per-sample table

MAX_ROWS = 100


def points(y, eps, dtype="float64") -> tuple[Point, ...]:
    """:func:`point` at every position of the p slider (``P_GRID``): what the page shows at each."""
    return tuple(point(y, p, eps, dtype) for p in P_GRID)


@dataclass(frozen=True)
class SampleTable:
    """A validated set of samples with per-sample BCE (in ``dtype``, clipped) and MSE, and their means."""

    y: tuple[int, ...]
    p: tuple[float, ...]
    bce: np.ndarray
    mse: np.ndarray
    mean_bce: float
    mean_mse: float
    warnings: tuple[str, ...]


def _cell(value, row: int, column: str) -> float:
    where = f"row {row}, column {column}"
    if value is None or str(value) in ("", "nan", "NaN", "<NA>", "None", "NaT"):
        raise ValueError(f"{where} is empty; type a number")
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise ValueError(f"{where}: {str(value)[:20]!r} is not a number")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {str(value)[:20]!r} is not a number") from None
    if not math.isfinite(x):
        raise ValueError(f"{where}: {x} is not a finite number")
    return x


def check_table(y_column, p_column) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The labels and probabilities of an edited table, or a ``ValueError`` naming the first bad cell.

    Rows are counted from 1, as a student sees them.
    """
    ys, ps = list(y_column), list(p_column)
    if len(ys) != len(ps):
        raise ValueError(f"columns y and p have different lengths: {len(ys)} vs {len(ps)}")
    if not ys:
        raise ValueError("the table is empty; add at least one row")
    if len(ys) > MAX_ROWS:
        raise ValueError(f"the table has {len(ys)} rows; the limit is {MAX_ROWS}")
    out_y, out_p = [], []
    for row, (yv, pv) in enumerate(zip(ys, ps, strict=True), start=1):
        y = _cell(yv, row, "y")
        if y not in (0.0, 1.0):
            raise ValueError(f"row {row}, column y: the label must be 0 or 1, not {y:g}")
        p = _cell(pv, row, "p")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"row {row}, column p: {p:g} is not a probability (it must be between 0 and 1)")
        out_y.append(int(y))
        out_p.append(p)
    return tuple(out_y), tuple(out_p)


def sample_table(y_column, p_column, *, eps, dtype="float64") -> SampleTable:
    """Per-sample BCE and MSE of an edited table (validated by :func:`check_table`), and the means.

    .. math:: \\overline{\\mathrm{BCE}} = \\frac1N \\sum_i \\mathrm{BCE}(y_i, p_i), \\quad
              \\overline{\\mathrm{MSE}} = \\frac1N \\sum_i (y_i - p_i)^2
    """
    y, p = check_table(y_column, p_column)
    eps, dtype = _check_clip(eps, dtype)
    report = bce_report(y, p, eps=eps, dtype=dtype)
    sq = mse(y, p, reduction="none")
    return SampleTable(
        y=y,
        p=p,
        bce=_frozen(report.values),
        mse=_frozen(sq),
        mean_bce=report.mean,
        mean_mse=float(mse(y, p)),
        warnings=report.warnings,
    )


# ------------------------------------------------------------------ numbers quoted in the text


def lesson_numbers() -> MappingProxyType:
    """The values the page's text quotes, each from the core (float64, eps 1e-15); read-only."""
    return _lesson_numbers()


@lru_cache(maxsize=1)
def _lesson_numbers() -> MappingProxyType:
    z = -10.0
    bce_miss = bce_report([1, 1, 1], [0.4, 0.001, 0.5], eps=1e-15).values
    mse_miss = mse([1, 1, 1], [0.4, 0.001, 0.5], reduction="none")
    return MappingProxyType(
        {
            "bce_hesitant": float(bce_miss[0]),
            "bce_confident": float(bce_miss[1]),
            "bce_coin": float(bce_miss[2]),
            "mse_hesitant": float(mse_miss[0]),
            "mse_confident": float(mse_miss[1]),
            "mse_coin": float(mse_miss[2]),
            "z": z,
            "p_at_z": float(sigmoid(z)),
            "bce_dz_at_z": float(bce_grad_z([1], [z])[0]),
            "mse_dz_at_z": float(mse_grad_z([1], [z])[0]),
            "dz_ratio": float(bce_grad_z([1], [z])[0] / mse_grad_z([1], [z])[0]),
            "margin_p1": float(sigmoid(1.0)),
            "margin_p0": float(sigmoid(-1.0)),
            "hinge_051": float(hinge([1], logit([0.51]))),
            "hinge_075": float(hinge([1], logit([0.75]))),
            "hinge_099": float(hinge([1], logit([0.99]))),
            "bce_075": float(bce_report([1], [0.75]).values[0]),
            "bce_099": float(bce_report([1], [0.99]).values[0]),
        }
    )
