"""A one-hidden-layer network trained full-batch in numpy, K networks at a time.

The network is Keras' ``Sequential([Dense(H, activation), Dense(1, "sigmoid")])``
with weights in Keras' layout: ``W1`` (n_in, H), ``b1`` (H,), ``W2`` (H, 1),
``b2`` (1,).  One epoch is one full-batch optimizer step, as ``model.fit`` does
on four XOR samples with the default batch size of 32, and the loss recorded
for an epoch is the mean training loss *before* that epoch's update, as Keras
reports it.

:func:`train` trains one network; :func:`train_many` trains K independent
networks (different seeds, initial weights or learning rates) in the same
array operations.  Both run the same code: ``train`` is ``train_many`` with
K = 1.

    >>> import lossviz
    >>> X, y = lossviz.xor()
    >>> result = lossviz.train(X, y, hidden=3, lr=0.1, epochs=5000, seed=0)
    >>> result.predict_proba(X).round(2)          # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lossviz.losses import bce_logits_kernel, sigmoid
from lossviz.optimizers import OPTIMIZERS, make_optimizer
from lossviz.validation import check_choice, check_float, check_int

MAX_EPOCHS = 20_000
MAX_HIDDEN = 8
MIN_HIDDEN = 1
MAX_SAMPLES = 2_000
MAX_NETWORKS = 1_000
MAX_GRID = 300
MAX_WORK = 2_000_000_000  # networks x epochs x samples x hidden: bounds one call to a few seconds
MAX_HISTORY_BYTES = 256_000_000  # train_many's record_history: networks x (epochs + 1) x weights x 8 bytes
ACTIVATIONS = ("tanh", "relu", "sigmoid")
LOSSES = ("bce", "mse")
PARAM_NAMES = ("W1", "b1", "W2", "b2")


# ------------------------------------------------------------------ shapes


def _shapes(n_in: int, hidden: int) -> dict[str, tuple[int, ...]]:
    return {"W1": (n_in, hidden), "b1": (hidden,), "W2": (hidden, 1), "b2": (1,)}


def _slices(n_in: int, hidden: int) -> dict[str, slice]:
    out, start = {}, 0
    for name, shape in _shapes(n_in, hidden).items():
        size = math.prod(shape)
        out[name] = slice(start, start + size)
        start += size
    return out


def n_params(n_in: int, hidden: int) -> int:
    """How many weights and biases the network has: (n_in + 2) H + 1."""
    return (n_in + 2) * hidden + 1


def unflatten(theta: np.ndarray, n_in: int, hidden: int) -> dict[str, np.ndarray]:
    """Views of a (K, P) parameter array as Keras-layout arrays with a leading K axis."""
    k = theta.shape[0]
    return {
        name: theta[:, sl].reshape((k, *shape))
        for (name, shape), sl in zip(_shapes(n_in, hidden).items(), _slices(n_in, hidden).values(), strict=True)
    }


def flatten(params: Mapping[str, object], n_in: int, hidden: int) -> np.ndarray:
    """Keras-layout weights (a dict of arrays or nested lists) as one (P,) vector, checked."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict with keys {', '.join(PARAM_NAMES)}; got {type(params).__name__}")
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(f"params is missing {', '.join(missing)} (needs {', '.join(PARAM_NAMES)})")
    extra = sorted(set(params) - set(PARAM_NAMES))
    if extra:
        raise ValueError(f"params has unknown keys {', '.join(map(str, extra))} (expected {', '.join(PARAM_NAMES)})")
    parts = []
    for name, shape in _shapes(n_in, hidden).items():
        try:
            arr = np.asarray(params[name], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"params['{name}'] must be an array of numbers of shape {shape}") from None
        if arr.shape != shape:
            raise ValueError(
                f"params['{name}'] has shape {arr.shape}; expected {shape} for {n_in} inputs and {hidden} hidden units"
            )
        if not np.isfinite(arr).all():
            raise ValueError(f"params['{name}'] contains NaN or infinity")
        parts.append(arr.ravel())
    return np.concatenate(parts)


def glorot_init(seed: int, n_in: int, hidden: int) -> np.ndarray:
    """Keras' default initial weights from ``seed``: Glorot-uniform kernels, zero biases.

    Kernel entries are uniform in ±sqrt(6 / (fan_in + fan_out)): 1.0954 for the
    2x3 XOR layer, 1.2247 for the 3x1 output layer.  Returns a (P,) vector.
    """
    rng = np.random.default_rng(seed)
    lim1 = math.sqrt(6.0 / (n_in + hidden))
    lim2 = math.sqrt(6.0 / (hidden + 1))
    w1 = rng.uniform(-lim1, lim1, size=(n_in, hidden))
    w2 = rng.uniform(-lim2, lim2, size=(hidden, 1))
    return np.concatenate([w1.ravel(), np.zeros(hidden), w2.ravel(), np.zeros(1)])


# ------------------------------------------------------------------ the maths


def _act(name: str, a: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.maximum(a, 0.0)
    return sigmoid(a)


def _act_grad(name: str, a: np.ndarray, h: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return 1.0 - h * h
    if name == "relu":
        return (a > 0).astype(a.dtype)
    return h * (1.0 - h)


def forward(theta: np.ndarray, X: np.ndarray, hidden: int, activation: str):
    """Pre-activations, hidden outputs and logits for K networks: (K,N,H), (K,N,H), (K,N)."""
    p = unflatten(theta, X.shape[1], hidden)
    a1 = np.matmul(X, p["W1"]) + p["b1"][:, None, :]
    h = _act(activation, a1)
    z = np.matmul(h, p["W2"])[:, :, 0] + p["b2"]
    return a1, h, z


class _Net:
    """Buffers for repeated loss-and-gradient evaluations of K networks on fixed data.

    ``theta`` is updated in place by the optimizer, so the Keras-layout views
    made here stay valid for the whole run.
    """

    def __init__(self, theta, X, y, hidden, activation, loss):
        self.theta, self.X, self.XT, self.y = theta, X, np.ascontiguousarray(X.T), y
        self.hidden, self.activation, self.loss, self.n = hidden, activation, loss, X.shape[0]
        self.p = unflatten(theta, X.shape[1], hidden)
        self.grad = np.empty_like(theta)
        self.g = unflatten(self.grad, X.shape[1], hidden)
        self.b1 = self.p["b1"][:, None, :]
        self.W2T = self.p["W2"].transpose(0, 2, 1)

    def loss_grad(self):
        p, g = self.p, self.g
        a1 = np.matmul(self.X, p["W1"])
        a1 += self.b1
        h = _act(self.activation, a1)
        z = np.matmul(h, p["W2"])[:, :, 0]
        z += p["b2"]
        if self.loss == "bce":
            values, prob = bce_logits_kernel(self.y, z, with_sigmoid=True)
            dz = (prob - self.y) / self.n
        else:
            prob = sigmoid(z)
            diff = prob - self.y
            values = diff * diff
            dz = 2.0 * diff * prob * (1.0 - prob) / self.n
        dz3 = dz[:, :, None]
        np.matmul(h.transpose(0, 2, 1), dz3, out=g["W2"])
        g["b2"][...] = dz.sum(axis=1, keepdims=True)
        da1 = np.matmul(dz3, self.W2T)
        da1 *= _act_grad(self.activation, a1, h)
        np.matmul(self.XT, da1, out=g["W1"])
        g["b1"][...] = da1.sum(axis=1)
        return values.mean(axis=1), self.grad


def loss_and_grad(theta: np.ndarray, X: np.ndarray, y: np.ndarray, hidden: int, activation: str, loss: str):
    r"""Mean loss per network (K,) and its gradient (K, P) by backpropagation.

    BCE from the logit, :math:`\max(z,0) - zy + \log(1+e^{-|z|})`, with
    :math:`\partial L/\partial z = (\sigma(z) - y)/N`; MSE on the sigmoid output,
    :math:`(\sigma(z) - y)^2` with :math:`\partial L/\partial z = 2(p - y)p(1-p)/N`.
    """
    value, grad = _Net(np.array(theta, dtype=np.float64, ndmin=2), X, y, hidden, activation, loss).loss_grad()
    return value, grad.copy()


# ------------------------------------------------------------------ results


@dataclass
class TrainResult:
    """One trained network.

    ``loss``: mean training loss before each epoch's update (length = epochs
    run); ``final_loss``: the loss after the last update; ``params``: the final
    weights in Keras' layout; ``initial_params``: where it started;
    ``diverged_at``: the epoch whose loss or weights were NaN/inf (training
    stopped there), else None, with ``message`` saying why; ``history``: the
    weights after every epoch, shape (epochs + 1, P), if asked for.
    """

    loss: np.ndarray
    final_loss: float
    params: dict[str, np.ndarray]
    initial_params: dict[str, np.ndarray]
    hidden: int
    activation: str
    loss_name: str
    diverged_at: int | None = None
    message: str = ""
    history: np.ndarray | None = None

    def predict_proba(self, X) -> np.ndarray:
        """P(y = 1) for each row of ``X`` (shape (N, n_in))."""
        X = check_inputs(X, n_in=self.params["W1"].shape[0])
        return predict(flatten(self.params, X.shape[1], self.hidden)[None], X, self.hidden, self.activation)[0]

    def accuracy(self, X, y) -> float:
        """Fraction of points classified right at the threshold 0.5."""
        X, y = check_data(X, y)
        return float(np.mean((self.predict_proba(X) >= 0.5) == (y == 1)))


@dataclass
class BatchResult:
    """K networks trained together: ``loss`` (K, epochs) with NaN after a
    network diverged, ``final_loss`` (K,), ``theta`` (K, P) final weights (a
    diverged network's are those it stopped at), ``theta0`` (K, P) initial
    weights, ``diverged_at`` (K,) epoch or -1, ``lr`` (K,) each network's
    learning rate, and ``history`` (epochs + 1, K, P), the weights after every
    epoch, if asked for (fewer rows if every network diverged).  :meth:`run`
    is network k as :func:`train` returns it."""

    loss: np.ndarray
    final_loss: np.ndarray
    theta: np.ndarray
    theta0: np.ndarray
    diverged_at: np.ndarray
    hidden: int
    activation: str
    loss_name: str
    n_in: int
    optimizer: str = "sgd"
    lr: np.ndarray | None = None
    history: np.ndarray | None = None

    def run(self, k: int) -> TrainResult:
        """Network k alone: equal, field by field, to :func:`train` with its start and learning rate."""
        at = int(self.diverged_at[k])
        loss = self.loss[k]
        history = None if self.history is None else self.history[:, k, :]
        message = ""
        if at >= 0:
            loss = loss[: at + 1]  # the last value is the non-finite one, as evidence
            if history is not None:
                history = history[: at + 1]
            cause = (
                "the initial weights already overflow"
                if at == 0
                else f"learning rate {self.lr[k]:g} is too large for {self.optimizer} with {self.activation} "
                f"and {self.loss_name}"
            )
            message = f"training diverged at epoch {at}: the loss or the weights became NaN or infinite ({cause})"
        return TrainResult(
            loss=loss,
            final_loss=float(self.final_loss[k]),
            params=self.params(k),
            initial_params=self.initial_params(k),
            hidden=self.hidden,
            activation=self.activation,
            loss_name=self.loss_name,
            diverged_at=None if at < 0 else at,
            message=message,
            history=history,
        )

    def params(self, k: int) -> dict[str, np.ndarray]:
        """Network k's final weights in Keras' layout."""
        return self._keras(self.theta, k)

    def initial_params(self, k: int) -> dict[str, np.ndarray]:
        """Network k's initial weights in Keras' layout."""
        return self._keras(self.theta0, k)

    def _keras(self, thetas: np.ndarray, k: int) -> dict[str, np.ndarray]:
        return {name: v[0].copy() for name, v in unflatten(thetas[k : k + 1], self.n_in, self.hidden).items()}

    def predict_proba(self, X) -> np.ndarray:
        """P(y = 1), shape (K, N)."""
        X = check_inputs(X, n_in=self.n_in)
        return predict(self.theta, X, self.hidden, self.activation)

    def accuracy(self, X, y) -> np.ndarray:
        X, y = check_data(X, y)
        return np.mean((self.predict_proba(X) >= 0.5) == (y == 1), axis=1)


def predict(theta: np.ndarray, X: np.ndarray, hidden: int, activation: str) -> np.ndarray:
    """P(y = 1) for K networks at once, shape (K, N) (no input checks; NaN where weights overflowed)."""
    with np.errstate(all="ignore"):
        return sigmoid(forward(theta, X, hidden, activation)[2])


# ------------------------------------------------------------------ checks


def check_inputs(X, *, n_in: int | None = None) -> np.ndarray:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("X must be a 2-D array of numbers (one row per sample)") from None
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (samples, features); got shape {X.shape}")
    if n_in is not None and X.shape[1] != n_in:
        raise ValueError(f"X has {X.shape[1]} features per sample; the network takes {n_in}")
    if X.shape[0] > MAX_SAMPLES * 100:
        raise ValueError(f"X has {X.shape[0]} rows; at most {MAX_SAMPLES * 100} can be predicted at once")
    if not np.isfinite(X).all():
        row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"X contains NaN or infinity in row {row}")
    return X


def check_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = check_inputs(X)
    if X.shape[0] > MAX_SAMPLES:
        raise ValueError(f"X has {X.shape[0]} samples; training takes at most {MAX_SAMPLES}")
    try:
        y = np.asarray(y, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError("y must be a list of 0/1 labels") from None
    if y.size != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.size} labels")
    bad = ~((y == 0) | (y == 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"y must contain only the labels 0 and 1; found {y[i]:g} at position {i}")
    return X, y


def _check_settings(hidden, activation, loss, optimizer, epochs):
    hidden = check_int(hidden, "hidden", MIN_HIDDEN, MAX_HIDDEN)
    check_choice(activation, ACTIVATIONS, "activation")
    check_choice(loss, LOSSES, "loss")
    check_choice(optimizer, OPTIMIZERS, "optimizer")
    epochs = check_int(epochs, "epochs", 1, MAX_EPOCHS)
    return hidden, epochs


def _check_lr(lr, name="lr") -> float:
    return check_float(lr, name, 1e-8, 1e4)


# ------------------------------------------------------------------ training


def _run(theta, X, y, *, hidden, activation, loss, optimizer, lr, epochs, momentum, nesterov, history):
    k = theta.shape[0]
    opt = make_optimizer(optimizer, lr, momentum=momentum, nesterov=nesterov)
    losses = np.full((k, epochs), np.nan)
    diverged = np.full(k, -1)
    alive = np.ones(k, dtype=bool)
    hist = np.empty((epochs + 1, *theta.shape)) if history else None
    if hist is not None:
        hist[0] = theta
    net = _Net(theta, X, y, hidden, activation, loss)
    some_dead = False
    stopped = None  # the weights each diverged network stopped at (an optimizer's momentum would move them on)
    with np.errstate(all="ignore"):  # divergence is reported as data, never as warnings in the log
        for epoch in range(epochs):
            value, grad = net.loss_grad()
            # one cheap check: a NaN/inf anywhere in a network's loss or gradient makes this sum non-finite
            finite = np.isfinite(grad.sum(axis=1) + value)
            if some_dead or not finite.all():
                newly = alive & ~finite
                diverged[newly] = epoch
                alive &= ~newly
                if stopped is None:
                    stopped = np.empty_like(theta)
                stopped[newly] = theta[newly]
                some_dead = True
                losses[:, epoch] = np.where(alive | newly, value, np.nan)
                if not alive.any():
                    if hist is not None:
                        hist = hist[: epoch + 1]
                    break
                grad[~alive] = 0.0
            else:
                losses[:, epoch] = value
            opt.step(theta, grad)
            if some_dead:
                theta[~alive] = stopped[~alive]
            if hist is not None:
                hist[epoch + 1] = theta
        final, _ = net.loss_grad()
    blown = alive & ~np.isfinite(final)  # the last update overflowed
    diverged[blown] = epochs
    alive &= ~blown
    final = np.where(alive, final, np.nan)
    return losses, final, diverged, hist


def train(
    X,
    y,
    *,
    hidden: int = 3,
    activation: str = "tanh",
    loss: str = "bce",
    optimizer: str = "sgd",
    lr: float = 0.1,
    epochs: int = 5000,
    seed: int = 0,
    params: Mapping | None = None,
    momentum: float = 0.0,
    nesterov: bool = False,
    record_history: bool = False,
) -> TrainResult:
    """Train one network full-batch; see the module docstring for the conventions.

    ``params`` (Keras layout, a dict of arrays or lists) overrides the seeded
    Glorot initialisation, so a run can be repeated from the same start.
    ``record_history=True`` keeps the weights after every epoch (for replay).
    A NaN/inf loss or weight stops training at that epoch: ``diverged_at`` and
    ``message`` say where and why.
    """
    X, y = check_data(X, y)
    hidden, epochs = _check_settings(hidden, activation, loss, optimizer, epochs)
    lr = _check_lr(lr)
    seed = check_int(seed, "seed", 0, 2**32 - 1)
    theta0 = glorot_init(seed, X.shape[1], hidden) if params is None else flatten(params, X.shape[1], hidden)
    return _train(
        theta0[None],
        X,
        y,
        hidden=hidden,
        activation=activation,
        loss=loss,
        optimizer=optimizer,
        lrs=np.array([lr]),
        epochs=epochs,
        momentum=momentum,
        nesterov=nesterov,
        history=record_history,
    ).run(0)


def _train(theta0, X, y, *, lrs, **settings) -> BatchResult:
    """K networks from the (K, P) starts ``theta0``, network k at learning rate ``lrs[k]``: the one
    training path behind :func:`train` and :func:`train_many`."""
    theta = theta0.copy()
    # one rate for all: a plain number (a column of equal rates would broadcast to the same values)
    lr = float(lrs[0]) if (lrs == lrs[0]).all() else lrs[:, None]
    losses, final, diverged, hist = _run(theta, X, y, lr=lr, **settings)
    s = settings
    return BatchResult(
        losses,
        final,
        theta,
        theta0,
        diverged,
        s["hidden"],
        s["activation"],
        s["loss"],
        X.shape[1],
        optimizer=s["optimizer"],
        lr=lrs,
        history=hist,
    )


def train_many(
    X,
    y,
    *,
    seeds: Sequence[int] | None = None,
    thetas=None,
    lrs=None,
    hidden: int = 3,
    activation: str = "tanh",
    loss: str = "bce",
    optimizer: str = "sgd",
    lr: float = 0.1,
    epochs: int = 5000,
    momentum: float = 0.0,
    nesterov: bool = False,
    record_history: bool = False,
) -> BatchResult:
    """Train K independent networks in one set of array operations.

    Starts come from ``seeds`` (Glorot initialisation per seed, as
    :func:`train`) or ``thetas`` (a (K, P) array of flat initial weights); if
    both are given, ``seeds`` is ignored.  ``lrs`` gives one learning rate per
    network (a sweep); a single start with several ``lrs`` is repeated.  Each
    network equals :func:`train` with the same settings (``result.run(k)``).
    ``record_history=True`` keeps every network's weights after every epoch
    (at most ``MAX_HISTORY_BYTES`` of them).
    """
    X, y = check_data(X, y)
    hidden, epochs = _check_settings(hidden, activation, loss, optimizer, epochs)
    n_in = X.shape[1]
    if thetas is not None:
        theta = np.array(thetas, dtype=np.float64, ndmin=2)
        if theta.ndim != 2 or theta.shape[1] != n_params(n_in, hidden):
            raise ValueError(f"thetas must have shape (K, {n_params(n_in, hidden)}); got {theta.shape}")
        if not np.isfinite(theta).all():
            raise ValueError("thetas contains NaN or infinity")
    else:
        if seeds is None:
            seeds = [0]
        seeds = [check_int(s, "seed", 0, 2**32 - 1) for s in seeds]
        if not seeds:
            raise ValueError("seeds is empty; give at least one seed")
        theta = np.stack([glorot_init(s, n_in, hidden) for s in seeds[: MAX_NETWORKS + 1]])
    if lrs is not None:
        lr_arr = np.array([_check_lr(v, "lrs") for v in np.atleast_1d(lrs).tolist()], dtype=np.float64)
        if lr_arr.size == 0:
            raise ValueError("lrs is empty")
        if theta.shape[0] == 1 and lr_arr.size > 1:
            theta = np.repeat(theta, lr_arr.size, axis=0)
        if lr_arr.size != theta.shape[0]:
            raise ValueError(f"lrs has {lr_arr.size} values for {theta.shape[0]} networks")
    else:
        lr_arr = np.full(theta.shape[0], _check_lr(lr))
    k = theta.shape[0]
    if k > MAX_NETWORKS:
        raise ValueError(f"at most {MAX_NETWORKS} networks can be trained at once; got {k}")
    work = k * epochs * X.shape[0] * hidden
    if work > MAX_WORK:
        raise ValueError(
            f"{k} networks x {epochs} epochs x {X.shape[0]} samples x {hidden} hidden units is too much work "
            f"for one request (limit {MAX_WORK:,}); use fewer networks, epochs or samples"
        )
    kept = (epochs + 1) * theta.size * 8
    if record_history and kept > MAX_HISTORY_BYTES:
        raise ValueError(
            f"record_history would keep {kept / 1e6:,.0f} MB of weights ({k} networks x {epochs + 1} snapshots x "
            f"{theta.shape[1]} weights; limit {MAX_HISTORY_BYTES / 1e6:,.0f} MB); use fewer networks or epochs"
        )
    return _train(
        theta,
        X,
        y,
        hidden=hidden,
        activation=activation,
        loss=loss,
        optimizer=optimizer,
        lrs=lr_arr,
        epochs=epochs,
        momentum=momentum,
        nesterov=nesterov,
        history=record_history,
    )


# ------------------------------------------------------------------ grids for pictures


def grid_axes(bounds: tuple[float, float, float, float], resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced x1 and x2 coordinates over ``(x1min, x1max, x2min, x2max)``."""
    resolution = check_int(resolution, "resolution", 2, MAX_GRID)
    x1min, x1max, x2min, x2max = (float(b) for b in bounds)
    if not all(math.isfinite(b) for b in bounds) or x1min >= x1max or x2min >= x2max:
        raise ValueError(f"bounds must be finite with min < max; got {bounds}")
    return np.linspace(x1min, x1max, resolution), np.linspace(x2min, x2max, resolution)


def predict_grid(theta: np.ndarray, hidden: int, activation: str, bounds, resolution: int = 100):
    """P(y = 1) over a grid: (res, res) float32, rows along x2, and the hidden units' maps (H, res, res).

    ``theta`` is one flat (P,) weight vector of a 2-input network.
    """
    x1, x2 = grid_axes(bounds, resolution)
    g1, g2 = np.meshgrid(x1, x2)
    pts = np.column_stack([g1.ravel(), g2.ravel()])
    res = x1.size
    with np.errstate(all="ignore"):  # diverged weights give inf/NaN maps, shown as such, not as warnings
        _, h, z = forward(np.asarray(theta, dtype=np.float64)[None], pts, hidden, activation)
        prob = sigmoid(z[0]).reshape(res, res).astype(np.float32)
        units = h[0].T.reshape(hidden, res, res).astype(np.float32)
    return prob, units
