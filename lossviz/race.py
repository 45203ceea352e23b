"""The optimizer race on XOR: one start, many starts, BCE vs MSE, and a learning-rate sweep.

Page-level numerics for the "Optimizer race" lesson, all trained by
:func:`lossviz.train_many` (K networks in one set of array operations) on the
lessons' 2-3-1 tanh network and XOR's four points, and summarised with
:mod:`lossviz.outcomes`.  Every result is small (curves thinned to at most
:data:`~lossviz.outcomes.MAX_POINTS` points, float32) so a page can cache it.

    >>> from lossviz import race
    >>> r = race.race(seed=0, lrs={"sgd": 0.01, "adam": 0.01, "rmsprop": 0.01}, epochs=1000)
    >>> {k: run.outcome for k, run in r.runs.items()}          # doctest: +SKIP
    {'sgd': 'learning', 'adam': 'solved', 'rmsprop': 'solved'}
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lossviz import outcomes as oc
from lossviz.datasets import plot_bounds, xor
from lossviz.nn import MAX_NETWORKS, grid_axes, predict_grid, train_many
from lossviz.optimizers import OPTIMIZERS
from lossviz.params import Param, format_number
from lossviz.validation import check_choice, check_float, check_int, check_sized

HIDDEN = 3
ACTIVATION = "tanh"
OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}
LOSS_NAMES = {"bce": "BCE", "mse": "MSE"}
LR_GRID = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
EPOCH_CHOICES = (100, 200, 300, 500, 1000, 2000, 3000, 5000)
N_CHOICES = (10, 20, 50, 100, 200, 300, 500)
SWEEP_N_CHOICES = (5, 10, 20, 50)
SWEEP_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
TABS = ("Race", "Many seeds", "BCE vs MSE", "Learning rate")
MAX_SEED = 1_000_000
BUDGET = 3_000_000  # network-epochs per request: about 3 s on one core
LESSON_LR = 0.01
BOUNDARY_RES = 80

PARAMS = [
    *(Param(opt, True, "bool", label=f"race {OPTIMIZER_NAMES[opt]}") for opt in OPTIMIZERS),
    *(
        Param(f"lr_{opt}", LESSON_LR, "float", lo=LR_GRID[0], hi=LR_GRID[-1], grid=LR_GRID, log=True)
        for opt in OPTIMIZERS
    ),
    Param("epochs", 1000, "int", lo=EPOCH_CHOICES[0], hi=EPOCH_CHOICES[-1], grid=EPOCH_CHOICES),
    Param("loss", "bce", "choice", choices=tuple(LOSS_NAMES)),
    Param("seed", 0, "int", lo=0, hi=MAX_SEED),
    Param("n", 100, "int", lo=N_CHOICES[0], hi=N_CHOICES[-1], grid=N_CHOICES),
    Param("run", 0, "int", lo=0, hi=N_CHOICES[-1] - 1),
    Param("sweep_n", 20, "int", lo=SWEEP_N_CHOICES[0], hi=SWEEP_N_CHOICES[-1], grid=SWEEP_N_CHOICES),
    Param("tab", TABS[0], "choice", choices=TABS),
]


# ------------------------------------------------------------------ checks


def _check_optimizer(optimizer: str) -> str:
    return check_choice(optimizer, OPTIMIZERS, "optimizer")


def _check_loss(loss: str) -> str:
    return check_choice(loss, tuple(LOSS_NAMES), "loss")


def _check_lr(lr, name: str = "lr") -> float:
    return check_float(lr, name, 1e-8, 1e4)


def _check_epochs(epochs) -> int:
    return check_int(epochs, "epochs", 1, EPOCH_CHOICES[-1])


def _check_seeds(start, count) -> tuple[int, int]:
    start = check_int(start, "start", 0, MAX_SEED)
    count = check_int(count, "count", 1, MAX_NETWORKS)
    return start, count


def affordable(count: int, epochs: int, runs: int, *, choices: Sequence[int] = N_CHOICES, budget: int | None = None):
    """How many seeds fit in the budget (default :data:`BUDGET` network-epochs): ``count`` if
    count x epochs x runs <= budget, else the largest of ``choices`` (or the largest whole
    number) that fits; and a message when cut."""
    budget = check_int(BUDGET if budget is None else budget, "budget", 1, 10**12)
    count = check_int(count, "count", 1, MAX_NETWORKS)
    epochs = _check_epochs(epochs)
    runs = check_int(runs, "runs", 1, 1000)
    work = count * epochs * runs
    if work <= budget:
        return count, ""
    limit = max(1, budget // (epochs * runs))
    fits = [c for c in choices if c <= limit]
    used = fits[-1] if fits else limit
    message = (
        f"{count} seeds × {epochs} epochs × {runs} training runs is {format_number(work / 1e6)} million "
        f"network-epochs, more than this page computes for one request ({format_number(budget / 1e6)} million, "
        f"a few seconds). Showing the first {used} seeds; use fewer epochs or optimizers for more."
    )
    return used, message


# ------------------------------------------------------------------ one start


@dataclass
class RaceRun:
    """One optimizer's run in the race: its full curve (epochs + 1 losses, the last after
    the final update), outcome, and weights."""

    optimizer: str
    lr: float
    curve: np.ndarray
    final_loss: float
    accuracy: float
    outcome: str
    epochs_to_target: int
    plateau_m: int
    theta0: np.ndarray
    theta: np.ndarray


@dataclass
class RaceResult:
    seed: int
    epochs: int
    loss_name: str
    runs: dict[str, RaceRun]


def race(
    seed: int,
    lrs: Mapping[str, float],
    epochs: int = 1000,
    loss: str = "bce",
    optimizers: Sequence[str] = OPTIMIZERS,
) -> RaceResult:
    """Train one network per optimizer from the *same* Glorot initial weights (``seed``).

    ``lrs`` maps each optimizer to its learning rate.  Each run equals
    ``lossviz.train(X, y, seed=seed, optimizer=..., lr=...)``.
    """
    seed = check_int(seed, "seed", 0, MAX_SEED)
    epochs = _check_epochs(epochs)
    loss = _check_loss(loss)
    optimizers = [_check_optimizer(o) for o in optimizers]
    if not optimizers:
        raise ValueError("optimizers is empty; pick at least one of sgd, adam, rmsprop")
    if not isinstance(lrs, Mapping):
        raise TypeError(f"lrs must map optimizer names to learning rates; got {type(lrs).__name__}")
    runs = {}
    for opt in optimizers:
        if opt not in lrs:
            raise ValueError(f"lrs has no learning rate for {opt}")
        (runs[opt],) = _runs(seed, opt, (_check_lr(lrs[opt], f"lrs[{opt!r}]"),), epochs, loss)
    return RaceResult(seed, epochs, loss, runs)


def race_lrs(seed: int, optimizer: str, epochs: int = 1000, loss: str = "bce", lrs=LR_GRID) -> tuple[RaceRun, ...]:
    """One optimizer's race run at each learning rate in ``lrs`` (by default every position of the
    page's slider), from the same start, trained side by side in one batch.  Each is exactly (bit
    for bit) the run :func:`race` makes at that learning rate."""
    seed = check_int(seed, "seed", 0, MAX_SEED)
    epochs = _check_epochs(epochs)
    loss = _check_loss(loss)
    optimizer = _check_optimizer(optimizer)
    rates = tuple(_check_lr(lr) for lr in check_sized(lrs, "lrs", "learning rates", 4 * len(LR_GRID)))
    return tuple(_runs(seed, optimizer, rates, epochs, loss))


def _batch(optimizer: str, epochs: int, loss: str, **starts):
    """:func:`train_many` on XOR with the race's network (``starts``: its seeds, and lr or lrs), and
    each network's accuracy, outcome, epochs to the target loss and points left at the plateau."""
    X, y = xor()
    r = train_many(X, y, optimizer=optimizer, epochs=epochs, loss=loss, hidden=HIDDEN, activation=ACTIVATION, **starts)
    acc = r.accuracy(X, y)
    outcome = oc.classify(r.loss, r.final_loss, acc, r.diverged_at)
    to_target = oc.epochs_to_target(r.loss, r.final_loss, oc.target_loss(loss))
    return r, acc, outcome, to_target, oc.plateau_points(r.final_loss, loss, X.shape[0])


def _runs(seed: int, opt: str, lrs: tuple[float, ...], epochs: int, loss: str) -> list[RaceRun]:
    """The race runs of ``opt`` from seed's Glorot start at each of ``lrs``, in one batch (checked arguments)."""
    r, acc, outcome, to_target, plateau = _batch(opt, epochs, loss, seeds=(seed,), lrs=lrs)
    return [
        RaceRun(
            optimizer=opt,
            lr=lr,
            curve=np.concatenate([r.loss[i], r.final_loss[i : i + 1]]),
            final_loss=float(r.final_loss[i]),
            accuracy=float(acc[i]),
            outcome=str(outcome[i]),
            epochs_to_target=int(to_target[i]),
            plateau_m=int(plateau[i]),
            theta0=r.theta0[i].copy(),
            theta=r.theta[i].copy(),
        )
        for i, lr in enumerate(lrs)
    ]


# ------------------------------------------------------------------ many starts


@dataclass
class SeedSummary:
    """One optimizer, one loss, seeds ``start .. start + count - 1``: what became of each run,
    and the 10/50/90th percentile loss curves at the (thinned) epochs ``epoch``."""

    optimizer: str
    lr: float
    loss_name: str
    epochs: int
    start: int
    epoch: np.ndarray  # thinned epochs 0..E, int32
    p10: np.ndarray  # float32 curves, inf where the percentile run diverged
    p50: np.ndarray
    p90: np.ndarray
    reached: np.ndarray  # fraction of runs at the target loss by each thinned epoch
    final_loss: np.ndarray  # (K,), NaN if diverged
    accuracy: np.ndarray
    outcomes: np.ndarray  # (K,) str
    epochs_to_target: np.ndarray  # (K,) int, -1 never
    plateau_m: np.ndarray  # (K,) int, 0 = no plateau level
    diverged_at: np.ndarray
    theta: np.ndarray  # (K, P) final weights
    theta0: np.ndarray  # (K, P) initial weights
    counts: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.final_loss.size)

    @property
    def seeds(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.count)

    def runs_with(self, outcome: str) -> np.ndarray:
        """Indices (0-based within this batch) of the runs with ``outcome``."""
        check_choice(outcome, oc.OUTCOMES, "outcome")
        return np.flatnonzero(self.outcomes == outcome)


def _curves(hist: np.ndarray, final: np.ndarray, max_points: int = oc.MAX_POINTS):
    epochs = hist.shape[1]
    idx = oc.thin_index(epochs + 1, max_points)
    full = np.concatenate([hist, final[:, None]], axis=1)
    q = oc.percentiles(full[:, idx], (10, 50, 90), axis=0).astype(np.float32)
    return idx, q


def seed_batch(optimizer: str, lr: float, loss: str, epochs: int, start: int, count: int) -> SeedSummary:
    """Train seeds ``start .. start + count - 1`` with one optimizer in one :func:`train_many` call
    and summarise them."""
    optimizer = _check_optimizer(optimizer)
    lr = _check_lr(lr)
    loss = _check_loss(loss)
    epochs = _check_epochs(epochs)
    start, count = _check_seeds(start, count)
    r, acc, outcome, to_target, plateau = _batch(optimizer, epochs, loss, seeds=range(start, start + count), lr=lr)
    idx, q = _curves(r.loss, r.final_loss)
    return SeedSummary(
        optimizer=optimizer,
        lr=lr,
        loss_name=loss,
        epochs=epochs,
        start=start,
        epoch=idx.astype(np.int32),
        p10=q[0],
        p50=q[1],
        p90=q[2],
        reached=oc.reached_fraction(to_target, epochs)[idx].astype(np.float32),
        final_loss=r.final_loss,
        accuracy=acc,
        outcomes=outcome,
        epochs_to_target=to_target,
        plateau_m=plateau,
        diverged_at=r.diverged_at,
        theta=r.theta,
        theta0=r.theta0,
        counts=oc.outcome_counts(outcome),
    )


def _median_or_nan(values: np.ndarray) -> float:
    return float(np.median(values)) if values.size else math.nan


TABLE_COLUMNS = (
    "optimizer",
    "loss",
    "learning rate",
    "epochs",
    "seeds",
    "solved",
    "stuck",
    "stuck at plateau",
    "diverged",
    "still learning",
    "solved %",
    "stuck %",
    "diverged %",
    "still learning %",
    "median final loss",
    "reached target",
    "median epochs to target",
)


OUTCOME_COLUMNS = (
    "optimizer",
    "learning rate",
    "solved",
    "stuck",
    "stuck at plateau",
    "diverged",
    "still learning",
    "solved %",
    "median final loss",
)
LOSS_COLUMNS = (
    "optimizer",
    "loss",
    "learning rate",
    "solved",
    "stuck",
    "still learning",
    "diverged",
    "reached target",
    "median epochs to target",
)


def summary_row(s: SeedSummary) -> dict:
    """One table row for a :class:`SeedSummary`: counts and rates of each outcome, the median
    final loss (diverged runs count as inf), and the epochs to the target loss."""
    n = s.count
    c = s.counts
    reached = s.epochs_to_target[s.epochs_to_target >= 0]
    return {
        "optimizer": OPTIMIZER_NAMES[s.optimizer],
        "loss": LOSS_NAMES[s.loss_name],
        "learning rate": s.lr,
        "epochs": s.epochs,
        "seeds": n,
        "solved": c["solved"],
        "stuck": c["stuck"],
        "stuck at plateau": int(np.count_nonzero((s.outcomes == "stuck") & (s.plateau_m == 2))),
        "diverged": c["diverged"],
        "still learning": c["learning"],
        "solved %": 100.0 * c["solved"] / n,
        "stuck %": 100.0 * c["stuck"] / n,
        "diverged %": 100.0 * c["diverged"] / n,
        "still learning %": 100.0 * c["learning"] / n,
        "median final loss": float(oc.percentiles(s.final_loss, (50,))[0]),
        "reached target": int(reached.size),
        "median epochs to target": _median_or_nan(reached),
    }


def rows_csv(rows: Sequence[Mapping]) -> str:
    """The rows as CSV text (header from the first row's keys)."""
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (f"{v:.10g}" if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue()


def plateau_text(m: int, loss: str, n_samples: int = 4) -> str:
    """Words for plateau m: "2 of 4 points at p = 0.5 (loss 0.3466)"."""
    if m <= 0:
        return "no known plateau level"
    return f"{m} of {n_samples} points at p = 0.5 (loss {format_number(oc.plateau_level(loss, n_samples, m))})"


def run_text(outcome: str, final_loss: float, plateau_m: int, loss: str, epochs_to_target: int) -> str:
    """A one-line description of one run's fate."""
    label = oc.OUTCOME_LABELS[outcome]
    if outcome == "diverged":
        return "diverged: the loss became NaN or infinite"
    text = f"{label}, final loss {format_number(final_loss)}"
    if outcome == "stuck":
        text += f", {plateau_text(plateau_m, loss)}" if plateau_m else ", not at a known plateau level"
    if epochs_to_target >= 0:
        target = format_number(oc.target_loss(loss))
        text += f"; loss below {target} (p = {oc.TARGET_P:g} for every point's label) at epoch {epochs_to_target}"
    return text


def boundary(theta: np.ndarray, resolution: int = BOUNDARY_RES):
    """P(y = 1) over XOR's plotting box for one network's weights: (prob, x1, x2)."""
    X, _ = xor()
    bounds = plot_bounds(X)
    prob, _ = predict_grid(np.asarray(theta, dtype=np.float64), HIDDEN, ACTIVATION, bounds, resolution)
    x1, x2 = grid_axes(bounds, resolution)
    return prob, x1, x2


# ------------------------------------------------------------------ learning-rate sweep


@dataclass
class SweepSummary:
    """Final loss against learning rate for one optimizer: percentiles over seeds per lr,
    outcome fractions per lr, and where it breaks down."""

    optimizer: str
    loss_name: str
    epochs: int
    start: int
    count: int
    lrs: np.ndarray
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray
    fractions: dict[str, np.ndarray]  # outcome -> fraction of seeds per lr
    best_lr: float
    breakdown_lr: float  # smallest lr above best_lr whose median final loss is worse than guessing; nan if none
    diverged: int  # runs (over all lrs) whose loss became NaN/inf


def lr_sweep(
    optimizer: str, loss: str, epochs: int, start: int, count: int, lrs: Sequence[float] = SWEEP_LRS
) -> SweepSummary:
    r"""Every lr in ``lrs`` on seeds ``start .. start + count - 1``, all in one :func:`train_many` call.

    ``best_lr`` solves the most seeds (ties: lower median final loss);
    ``breakdown_lr`` is the first larger lr where the median final loss exceeds
    :math:`\ell(\tfrac12)`, the loss of answering p = 0.5 everywhere, or most runs diverge.
    """
    optimizer = _check_optimizer(optimizer)
    loss = _check_loss(loss)
    epochs = _check_epochs(epochs)
    start, count = _check_seeds(start, count)
    lr_arr = np.array([_check_lr(v, "lrs") for v in lrs], dtype=np.float64)
    if lr_arr.size == 0:
        raise ValueError("lrs is empty")
    if np.any(np.diff(lr_arr) <= 0):
        raise ValueError("lrs must be increasing")
    if lr_arr.size * count > MAX_NETWORKS:
        raise ValueError(f"{lr_arr.size} learning rates x {count} seeds is more than {MAX_NETWORKS} networks")
    X, y = xor()
    seeds = list(range(start, start + count))
    r = train_many(
        X,
        y,
        seeds=seeds * lr_arr.size,
        lrs=np.repeat(lr_arr, count),
        optimizer=optimizer,
        epochs=epochs,
        loss=loss,
        hidden=HIDDEN,
        activation=ACTIVATION,
    )
    acc = r.accuracy(X, y)
    outcome = oc.classify(r.loss, r.final_loss, acc, r.diverged_at).reshape(lr_arr.size, count)
    final = r.final_loss.reshape(lr_arr.size, count)
    q = oc.percentiles(final, (10, 50, 90), axis=1)
    fractions = {name: (outcome == name).mean(axis=1) for name in oc.OUTCOMES}
    order = np.lexsort((np.where(np.isfinite(q[1]), q[1], np.inf), -fractions["solved"]))
    best = int(order[0])
    bad = (q[1] > oc.half_loss(loss)) | (fractions["diverged"] > 0.5)
    later = np.flatnonzero(bad[best + 1 :])
    breakdown = float(lr_arr[best + 1 + later[0]]) if later.size else math.nan
    return SweepSummary(
        optimizer,
        loss,
        epochs,
        start,
        count,
        lr_arr,
        q[0],
        q[1],
        q[2],
        fractions,
        float(lr_arr[best]),
        breakdown,
        int(np.count_nonzero(outcome == "diverged")),
    )


# ------------------------------------------------------------------ words and small summaries


def run_list(s: SeedSummary, outcome: str, limit: int = 10) -> str:
    """The first ``limit`` run numbers with ``outcome``, e.g. "2, 14, 37 and 9 more" ("none")."""
    limit = check_int(limit, "limit", 1, 1000)
    idx = s.runs_with(outcome)
    if idx.size == 0:
        return "none"
    text = ", ".join(str(int(i)) for i in idx[:limit])
    return text + (f" and {idx.size - limit} more" if idx.size > limit else "")


def median_epochs(s: SeedSummary) -> float:
    """Median epochs to the target loss over the runs that reached it (nan if none did)."""
    return _median_or_nan(s.epochs_to_target[s.epochs_to_target >= 0])


def slowdown(bce_run: SeedSummary, mse_run: SeedSummary) -> float:
    """How many times as many epochs MSE needs as BCE to reach the target (median over the
    runs that reached it); nan if either never did."""
    a, b = median_epochs(bce_run), median_epochs(mse_run)
    if not (math.isfinite(a) and math.isfinite(b)) or a == 0:
        return math.nan
    return b / a


def comparison_text(bce_run: SeedSummary, mse_run: SeedSummary) -> str:
    """One markdown bullet comparing the same starts trained with BCE and with MSE."""
    if bce_run.optimizer != mse_run.optimizer or (bce_run.loss_name, mse_run.loss_name) != ("bce", "mse"):
        raise ValueError("comparison_text needs the BCE and the MSE summary of the same optimizer, in that order")
    name = OPTIMIZER_NAMES[bce_run.optimizer]
    ratio = slowdown(bce_run, mse_run)
    n = bce_run.count
    if math.isnan(ratio):
        reached = [int(np.count_nonzero(r.epochs_to_target >= 0)) for r in (bce_run, mse_run)]
        return (
            f"- **{name}**: too few runs reached the target in {bce_run.epochs} epochs to compare "
            f"(BCE {reached[0]}, MSE {reached[1]} of {n}); try more epochs or a larger learning rate."
        )
    return (
        f"- **{name}**: MSE needs **{format_number(ratio, 3)}×** the epochs of BCE "
        f"(median {format_number(median_epochs(mse_run))} vs {format_number(median_epochs(bce_run))}); "
        f"stuck: BCE {bce_run.counts['stuck']}, MSE {mse_run.counts['stuck']} of {n}."
    )


def sweep_text(sw: SweepSummary) -> str:
    """One markdown bullet: the best learning rate, where training breaks down, and NaN/inf runs."""
    text = f"- **{OPTIMIZER_NAMES[sw.optimizer]}**: best at lr {format_number(sw.best_lr)}"
    if math.isnan(sw.breakdown_lr):
        text += "; no breakdown up to the largest learning rate"
    else:
        text += f"; breaks down from lr {format_number(sw.breakdown_lr)}"
    if sw.diverged:
        return text + f"; {sw.diverged} runs diverged to NaN/inf."
    return text + "; no run produced NaN or inf."
