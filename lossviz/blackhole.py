"""The log(0) black hole: what a prediction of exactly 0 or 1 does to binary cross-entropy.

The numbers behind the lesson page, all computed by the one BCE in
:mod:`lossviz.losses` and the framework re-implementations in
:mod:`lossviz.frameworks` (nothing here re-implements BCE):

* :func:`compare` runs one table of labels and predictions through the naive
  formula, the lessons' ``np.clip`` fix and the stable logits form;
* :func:`dtype_traps` shows, per float dtype, what an epsilon becomes when the
  clip bounds are stored in that dtype (``1 - 1e-15 == 1`` in float32);
* :func:`framework_results` computes what Keras, PyTorch and scikit-learn give
  for the same table, next to the lessons' two epsilons;
* :func:`gradient_curves` is d loss / d z through the clip and from the logits;
* :func:`summarize` is a per-sample overview for a user's own predictions.

Plain numpy; no Streamlit, no plotting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lossviz.frameworks import (
    KERAS_EPSILON,
    TORCH_LOG_FLOOR,
    clip_bounds,
    keras_bce,
    sklearn_log_loss,
    smallest_safe_eps,
    torch_bce,
)
from lossviz.losses import BCEReport, bce_grad_z, bce_logits, bce_report, logit, sigmoid
from lossviz.params import format_number
from lossviz.validation import (
    DTYPES,
    as_dtype,
    check_choice,
    check_eps,
    check_int,
    check_labels,
    check_probabilities,
    check_scores,
)

__all__ = [
    "DEFAULT_EPS",
    "EPS_GRID",
    "KERAS_EPSILON",
    "LESSON_EPS",
    "MAX_MARKED_ROWS",
    "PRESETS",
    "Comparison",
    "DtypeTrap",
    "FrameworkResult",
    "GradientCurves",
    "Preset",
    "Summary",
    "TORCH_LOG_FLOOR",
    "compare",
    "dtype_trap",
    "dtype_traps",
    "format_prob",
    "framework_results",
    "gradient_curves",
    "summarize",
]

EPS_GRID: tuple[float, ...] = tuple(float(f"1e{k}") for k in range(-20, 0))  # 1e-20 ... 1e-1
DEFAULT_EPS = 1e-15
LESSON_EPS = (1e-15, 1e-12)
LOGIT_CAP = 40.0  # the logit a preset uses where its probability is exactly 0 or 1
GRID_POINTS = 401  # per gradient curve, plus the clip edges: smooth at any size, light to send for every eps
MAX_PLOT_Z = 200.0
MAX_MARKED_ROWS = 50  # rows of the table marked on the gradient plot (the first ones with the label)


# ---------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    """A table to start from: labels, probabilities, and the same predictions as logits.

    ``z`` is ``logit(p)`` where that is finite; where p is exactly 0 or 1 a
    model that outputs logits would say ``∓LOGIT_CAP`` (its sigmoid rounds to
    0 or 1 in float64 only on the side of 1).
    """

    id: str
    label: str
    y: tuple[float, ...]
    p: tuple[float, ...]
    z: tuple[float, ...]
    note: str


def _preset(pid: str, label: str, y, p, note: str) -> Preset:
    p = np.asarray(p, dtype=np.float64)
    z = logit(p)
    z = np.where(np.isfinite(z), z, np.sign(z) * LOGIT_CAP)
    return Preset(pid, label, tuple(map(float, y)), tuple(map(float, p)), tuple(map(float, z)), note)


PRESETS: dict[str, Preset] = {
    p.id: p
    for p in (
        _preset(
            "arrogant",
            "Arrogant and wrong (the lesson)",
            [1, 0, 1],
            [0.0, 1.0, 0.0],
            "Certain, and wrong on every row: each row takes the log of exactly 0.",
        ),
        _preset(
            "perfect",
            "Certain and right",
            [1, 0, 1],
            [1.0, 0.0, 1.0],
            "Certain and right on every row, yet the naive formula gives nan: 0 · log(0) is undefined.",
        ),
        _preset(
            "one_bad",
            "Good model, one certain mistake",
            [1, 0, 1, 0, 1, 0],
            [0.9, 0.2, 0.0, 0.1, 0.8, 0.3],
            "Five sensible rows and one p = 0 for a positive: one row decides the mean.",
        ),
        _preset(
            "near",
            "Near perfect (the lesson)",
            [1, 0, 1],
            [0.99, 0.01, 0.99],
            "Confident and right: every formula agrees, whatever the epsilon.",
        ),
        _preset(
            "tiny",
            "Nearly certain: 1e-10 from the ends",
            [1, 0, 0],
            [1e-10, 1 - 1e-10, 0.5],
            "Not exactly 0 or 1, so float64 is fine; in float32, 1 - 1e-10 rounds to exactly 1.",
        ),
        _preset(
            "good",
            "Good model (the lesson)",
            [0, 1, 1, 0],
            [0.1, 0.9, 0.8, 0.2],
            "The lesson's good predictions: no clip ever bites.",
        ),
        _preset(
            "bad",
            "Bad model (the lesson)",
            [0, 1, 1, 0],
            [0.9, 0.1, 0.3, 0.8],
            "The lesson's bad predictions: a large loss, but finite everywhere.",
        ),
    )
}


# ---------------------------------------------------------------- the three formulas


@dataclass(frozen=True)
class Comparison:
    """One table through the naive formula, the clip and the logits form.

    ``p`` are float64 probabilities (``sigmoid(z)`` when the table held
    logits), ``z`` float64 logits (``±inf`` where p is exactly 0 or 1).
    ``naive`` and ``clipped`` are :class:`~lossviz.losses.BCEReport` s in
    ``dtype``; ``clipped_p`` is p after the clip, in ``dtype``.
    ``logits_values`` is the per-sample logits-form loss, NaN where z is
    infinite (no finite logit exists for that row).
    """

    y: np.ndarray
    p: np.ndarray
    z: np.ndarray
    naive: BCEReport
    clipped: BCEReport
    clipped_p: np.ndarray
    logits_values: np.ndarray
    eps: float
    dtype: str
    from_logits: bool

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def finite_z(self) -> np.ndarray:
        return np.isfinite(self.z)

    @property
    def logits_mean(self) -> float | None:
        """The logits-form mean, or None when some row has no finite logit."""
        if not self.finite_z.all():
            return None
        return float(np.mean(self.logits_values))

    @property
    def no_logit_rows(self) -> list[int]:
        """1-based rows whose p is exactly 0 or 1 (no finite logit)."""
        return [int(i) + 1 for i in np.flatnonzero(~self.finite_z)]

    @property
    def no_logit_probs(self) -> list[float]:
        """The distinct probabilities (0 and/or 1) that have no finite logit."""
        return sorted(set(self.p[~self.finite_z].tolist()))

    def rows_where(self, report: str, what: str) -> list[int]:
        """1-based rows of ``naive`` or ``clipped`` whose value is ``"inf"`` or ``"nan"``."""
        values = getattr(self, check_choice(report, ("naive", "clipped"), "report")).values
        test = {"inf": np.isinf, "nan": np.isnan}[check_choice(what, ("inf", "nan"), "what")]
        return [int(i) + 1 for i in np.flatnonzero(test(values))]


def compare(y_true, y_pred, *, eps=DEFAULT_EPS, dtype="float64", from_logits=False) -> Comparison:
    r"""The naive formula, the clipped formula and the logits form on one table.

    .. math:: \text{naive: } -[y\log p + (1-y)\log(1-p)], \quad
              \text{clipped: } p \to \mathrm{clip}(p, \varepsilon, 1-\varepsilon), \quad
              \text{logits: } \max(z,0) - zy + \log(1+e^{-|z|})

    With ``from_logits`` the predictions are logits z and p = sigmoid(z);
    otherwise they are probabilities and z = logit(p) (infinite at 0 and 1,
    where the logits form has no value).  ``eps`` and ``dtype`` set the clip.
    """
    y = check_labels(y_true)
    eps = check_eps(eps)
    if eps is None:
        raise ValueError("eps must be a number in (0, 0.5) for the clipped formula; got None")
    dt = as_dtype(dtype)
    if from_logits:
        z = check_scores(y_pred, n=y.size, name="z")
        p = sigmoid(z)
    else:
        p = check_probabilities(y_pred, n=y.size)
        z = logit(p)
    naive = bce_report(y, p, eps=None, dtype=dt)
    clipped = bce_report(y, p, eps=eps, dtype=dt)
    lo, hi = clip_bounds(eps, dt)
    clipped_p = np.clip(p.astype(dt), dt.type(lo), dt.type(hi))
    finite = np.isfinite(z)
    values = np.full(y.size, np.nan)
    if finite.any():
        values[finite] = bce_logits(y[finite], z[finite], reduction="none")
    return Comparison(y, p, z, naive, clipped, clipped_p, values, eps, dt.name, bool(from_logits))


# ---------------------------------------------------------------- dtype traps


@dataclass(frozen=True)
class DtypeTrap:
    """What the clip ``[eps, 1 - eps]`` becomes in one dtype.

    ``lo``/``hi`` are the bounds as stored, ``gap`` is ``1 - hi`` (exact),
    ``upper_min`` the smallest epsilon with ``1 - eps < 1`` and ``lower_min``
    the smallest positive number of the dtype.  ``worst_y1`` / ``worst_y0``
    are the largest per-sample losses the clip allows (p = 0 with y = 1, and
    p = 1 with y = 0): ``inf`` when that side of the clip failed.
    """

    dtype: str
    eps: float
    lo: float
    hi: float
    gap: float
    machine_eps: float
    upper_min: float
    lower_min: float
    worst_y1: float
    worst_y0: float

    @property
    def lower_ok(self) -> bool:
        return self.lo > 0

    @property
    def upper_ok(self) -> bool:
        return self.hi < 1

    @property
    def works(self) -> bool:
        return self.lower_ok and self.upper_ok

    @property
    def quarter_eps(self) -> float:
        """Machine epsilon / 4: ``1 - x`` rounds to exactly 1 for x at or below it."""
        return self.machine_eps / 4


def dtype_trap(eps, dtype) -> DtypeTrap:
    """The clip ``[eps, 1 - eps]`` as stored in ``dtype``, and whether each side still protects a log."""
    eps = check_eps(eps)
    if eps is None:
        raise ValueError("eps must be a number in (0, 0.5); got None")
    dt = as_dtype(dtype)
    lo, hi = clip_bounds(eps, dt)
    safe = smallest_safe_eps(dt)
    worst = bce_report([1, 0], [0.0, 1.0], eps=eps, dtype=dt).values
    return DtypeTrap(
        dtype=dt.name,
        eps=eps,
        lo=lo,
        hi=hi,
        gap=1.0 - hi,
        machine_eps=safe["machine_eps"],
        upper_min=safe["upper_min"],
        lower_min=safe["lower_min"],
        worst_y1=float(worst[0]),
        worst_y0=float(worst[1]),
    )


def dtype_traps(eps) -> list[DtypeTrap]:
    """:func:`dtype_trap` for float64, float32 and float16."""
    return [dtype_trap(eps, d) for d in DTYPES]


# ---------------------------------------------------------------- frameworks


@dataclass(frozen=True)
class FrameworkResult:
    """One framework's BCE on the table, and the most it can charge one sample.

    ``mean`` is None when the framework cannot compute the table (the logits
    form on a probability of exactly 0 or 1).  ``worst_y1`` / ``worst_y0``:
    the loss of p = 0 with y = 1, and of p = 1 with y = 0 (``inf``: unbounded).
    """

    name: str
    rule: str
    dtype: str
    mean: float | None
    worst_y1: float
    worst_y0: float
    warnings: tuple[str, ...]
    source: str

    @property
    def source_path(self) -> str:
        """The cited file's path in its repository (``""`` for the lessons' own clip)."""
        return self.source.split("/blob/", 1)[1].split("/", 1)[1] if "/blob/" in self.source else ""

    @property
    def bounded(self) -> bool:
        """Whether one sample's loss has a ceiling (False for the logits form)."""
        return math.isfinite(self.worst_y1) or math.isfinite(self.worst_y0)


KERAS_SOURCE = "https://github.com/keras-team/keras/blob/master/keras/src/backend/numpy/nn.py"
TORCH_SOURCE = "https://github.com/pytorch/pytorch/blob/main/aten/src/ATen/native/Loss.cpp"
SKLEARN_SOURCE = "https://github.com/scikit-learn/scikit-learn/blob/main/sklearn/metrics/_classification.py"
TF_LOGITS_SOURCE = "https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/ops/nn_impl.py"


def framework_results(y_true, y_pred, *, from_logits=False) -> list[FrameworkResult]:
    """Keras 3, PyTorch ``BCELoss``, scikit-learn ``log_loss``, the logits form and the lessons' clips.

    Each on the table (labels and probabilities, or logits with
    ``from_logits``) in the framework's default dtype.  Probability-based
    frameworks see ``sigmoid(z)`` when given logits.
    """
    y = check_labels(y_true)
    if from_logits:
        z = check_scores(y_pred, n=y.size, name="z")
        p = sigmoid(z)
    else:
        p = check_probabilities(y_pred, n=y.size)
        z = logit(p)
    ends = ([1, 0], [0.0, 1.0])
    out = []
    for name, rule, fn, source in (
        (
            "Keras 3 binary_crossentropy",
            f"clip to [{format_number(KERAS_EPSILON)}, 1 − {format_number(KERAS_EPSILON)}] in float32",
            keras_bce,
            KERAS_SOURCE,
        ),
        (
            "PyTorch nn.BCELoss",
            f"no epsilon; each log clamped at {format_number(TORCH_LOG_FLOOR)}",
            torch_bce,
            TORCH_SOURCE,
        ),
        (
            "scikit-learn log_loss",
            f"clip at finfo(float64).eps = {format_number(np.finfo(np.float64).eps)}",
            sklearn_log_loss,
            SKLEARN_SOURCE,
        ),
    ):
        rep = fn(y, p)
        worst = fn(*ends).values
        out.append(
            FrameworkResult(name, rule, rep.dtype, rep.mean, float(worst[0]), float(worst[1]), rep.warnings, source)
        )
    finite = np.isfinite(z)
    out.append(
        FrameworkResult(
            "Logits form (TF, PyTorch BCEWithLogitsLoss)",
            "max(z, 0) − z·y + log(1 + e^−|z|): no clip, no bound needed",
            "float64",
            float(bce_logits(y, z)) if finite.all() else None,
            math.inf,
            math.inf,
            (),
            TF_LOGITS_SOURCE,
        )
    )
    for eps in LESSON_EPS:
        rep = bce_report(y, p, eps=eps, dtype="float64")
        worst = bce_report(*ends, eps=eps, dtype="float64").values
        out.append(
            FrameworkResult(
                f"The lesson: np.clip, eps = {format_number(eps)}",
                f"clip to [{format_number(eps)}, 1 − {format_number(eps)}] in float64",
                "float64",
                rep.mean,
                float(worst[0]),
                float(worst[1]),
                rep.warnings,
                "",
            )
        )
    return out


# ---------------------------------------------------------------- gradients


@dataclass(frozen=True)
class GradientCurves:
    """d loss / d z against z for one label: through the clip and from the logits.

    ``z_lo`` / ``z_hi`` are the logits where the clip starts to bite
    (sigmoid(z) = eps and 1 - eps); outside them ``clipped`` is exactly 0.
    ``z_hi`` is ``inf`` when ``1 - eps`` rounds to 1 in float64 (eps below
    2^-54): that side of the clip never bites.
    ``row_*`` are the table's first rows (at most ``MAX_MARKED_ROWS``) with this
    label and a finite logit; ``rows_total`` counts all of them, ``rows_no_logit`` the rows
    with this label whose logit is infinite (p of exactly 0 or 1), which no chart can mark.
    """

    label: int
    eps: float
    z: np.ndarray
    clipped: np.ndarray
    logits: np.ndarray
    z_lo: float
    z_hi: float
    rows: np.ndarray
    row_z: np.ndarray
    row_clipped: np.ndarray
    row_logits: np.ndarray
    rows_total: int = 0
    rows_no_logit: int = 0

    @property
    def edge(self) -> float:
        """Where the clip starts to bite on this label's wrong side (``±inf``: never)."""
        return self.z_lo if self.label == 1 else self.z_hi

    @property
    def bites(self) -> bool:
        """Whether the clip zeroes the gradient of this label's confidently wrong predictions."""
        return math.isfinite(self.edge)

    @property
    def x_range(self) -> tuple[float, float]:
        return float(self.z[0]), float(self.z[-1])

    @property
    def rows_off_plot(self) -> int:
        return int(np.sum(np.abs(self.row_z) > self.z[-1]))

    def marked_sentence(self) -> str:
        """Which of the table's rows with this label the chart marks, and why the others cannot be."""
        label, unmarkable, shown = self.label, self.rows_no_logit, self.rows.size
        no_place = "p of exactly 0 or 1 has no finite logit z, so no place on this chart"
        total = self.rows_total + unmarkable  # the table's rows with this label
        if not total:
            return f"Your table has no rows with y = {label} to mark."
        if not shown:
            if total == 1:
                return f"Your row with y = {label} is not marked: {no_place}."
            return f"None of your {total:,} rows with y = {label} is marked: {no_place}."
        first = "the first " if shown < self.rows_total else ""
        which = (
            f"your rows with y = {label}"
            if shown == total
            else f"{first}{shown:,} of your {total:,} rows with y = {label}"
        )
        text = f"Diamonds and dots mark {which}."
        return text + (f" {unmarkable:,} of them cannot be marked: {no_place}." if unmarkable else "")


def gradient_curves(eps, label, *, row_y=None, row_z=None, points: int = GRID_POINTS) -> GradientCurves:
    r"""d BCE / d z for p = sigmoid(z), clipped and from the logits (float64).

    .. math:: \frac{\partial L}{\partial z} = \sigma(z) - y \text{ (logits)}, \qquad
              0 \text{ where } \sigma(z) \notin [\varepsilon, 1-\varepsilon] \text{ (clipped)}

    The z range covers both clip edges with a margin, and the table's rows
    (``row_y``, ``row_z``; the first ``MAX_MARKED_ROWS`` finite logits with this
    label) up to |z| = 200.
    """
    eps = check_eps(eps)
    if eps is None:
        raise ValueError("eps must be a number in (0, 0.5); got None")
    label = check_int(label, "label", 0, 1)
    points = check_int(points, "points", 11, 100_001)
    z_lo = float(logit(eps))
    z_hi = float(logit(1 - eps))
    half = max(abs(z) for z in (z_lo, z_hi) if math.isfinite(z)) + 12.0
    rows = np.zeros(0, dtype=np.int64)
    rz = np.zeros(0)
    rows_total = rows_no_logit = 0
    if row_y is not None and row_z is not None:
        ry = check_labels(row_y)
        rz_all = np.asarray(row_z, dtype=np.float64)
        if rz_all.shape != ry.shape:
            raise ValueError(f"row_y and row_z have different lengths: {ry.size} vs {rz_all.size}")
        keep = np.flatnonzero((ry == label) & np.isfinite(rz_all))
        rows_total = int(keep.size)
        rows_no_logit = int(np.count_nonzero(ry == label)) - rows_total
        keep = keep[:MAX_MARKED_ROWS]
        rows = keep + 1
        rz = rz_all[keep]
        if rz.size:
            half = max(half, min(float(np.max(np.abs(rz))) + 5.0, MAX_PLOT_Z))
    half = 5.0 * math.ceil(half / 5.0)
    edges = np.array([e + d for e in (z_lo, z_hi) if math.isfinite(e) for d in (-1e-9, 1e-9)])
    z = np.union1d(np.linspace(-half, half, points), edges)
    y = np.full(z.shape, float(label))
    ry = np.full(rz.shape, float(label))
    return GradientCurves(
        label=label,
        eps=eps,
        z=z,
        clipped=bce_grad_z(y, z, eps=eps),
        logits=bce_grad_z(y, z),
        z_lo=z_lo,
        z_hi=z_hi,
        rows=rows,
        row_z=rz,
        row_clipped=bce_grad_z(ry, rz, eps=eps) if rz.size else np.zeros(0),
        row_logits=bce_grad_z(ry, rz) if rz.size else np.zeros(0),
        rows_total=rows_total,
        rows_no_logit=rows_no_logit,
    )


# ---------------------------------------------------------------- a user's predictions


@dataclass(frozen=True)
class Summary:
    """Log loss of a table as scikit-learn computes it, its worst rows and a histogram.

    ``worst`` are 0-based indices of the rows on the wrong side of 0.5,
    highest loss first (at most ``top``); ``edges``/``counts`` a histogram of
    the per-sample losses.
    """

    n: int
    mean: float
    total: float
    values: np.ndarray
    wrong: int
    worst: np.ndarray
    edges: np.ndarray
    counts: np.ndarray
    eps: float


def summarize(y_true, y_pred, *, top: int = 5, bins: int = 40) -> Summary:
    r"""Per-sample log loss (scikit-learn's: clip at float64 machine epsilon), worst rows, histogram.

    .. math:: \ell_i = -[y_i \log c_i + (1-y_i)\log(1-c_i)],\quad c_i = \mathrm{clip}(p_i, \epsilon, 1-\epsilon)

    A row is *wrong* when its prediction is on the wrong side of 0.5
    (p < 0.5 with y = 1, or p > 0.5 with y = 0).
    """
    y = check_labels(y_true)
    p = check_probabilities(y_pred, n=y.size)
    top = check_int(top, "top", 0, 1000)
    bins = check_int(bins, "bins", 1, 1000)
    rep = sklearn_log_loss(y, p)
    values = rep.values
    wrong = ((y == 1) & (p < 0.5)) | ((y == 0) & (p > 0.5))
    idx = np.flatnonzero(wrong)
    order = idx[np.argsort(-values[idx], kind="stable")][:top]
    hi = max(float(np.max(values)), 1.0)
    counts, edges = np.histogram(values, bins=bins, range=(0.0, hi))
    return Summary(
        n=int(y.size),
        mean=rep.mean,
        total=float(np.sum(values)),
        values=values,
        wrong=int(wrong.sum()),
        worst=order,
        edges=edges,
        counts=counts,
        eps=float(np.finfo(np.float64).eps),
    )


# ---------------------------------------------------------------- display helpers


def format_prob(x: float, digits: int = 7) -> str:
    """A probability for display; near 1 as ``1 − gap`` so 0.999999999999999 is not shown as 1."""
    x = float(x)
    if math.isfinite(x) and 0.999 < x < 1:
        return f"1 − {format_number(1.0 - x, 4)}"
    return format_number(x, digits)
