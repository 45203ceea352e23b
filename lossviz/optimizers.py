"""Keras 3's SGD, Adam and RMSprop update rules, exactly, on arrays of parameters.

Each optimizer updates a float64 array ``w`` of shape (K, P) in place — K
independent networks, P parameters each — from the gradient ``g`` of the same
shape.  ``lr`` is a scalar or one learning rate per network (shape (K,)).
State starts at zero, as in Keras.  Sources: keras/src/optimizers/sgd.py,
adam.py, rmsprop.py (Keras 3.15).
"""

from __future__ import annotations

import numpy as np

from lossviz.validation import check_choice, check_float

OPTIMIZERS = ("sgd", "adam", "rmsprop")


class SGD:
    r"""Stochastic gradient descent (Keras defaults: momentum 0, no Nesterov).

    .. math::
        \text{plain:}\quad w \leftarrow w - \eta g \\
        \text{momentum:}\quad m \leftarrow \mu m - \eta g,\quad w \leftarrow w + m \\
        \text{Nesterov:}\quad m \leftarrow \mu m - \eta g,\quad w \leftarrow w + \mu m - \eta g
    """

    def __init__(self, lr, momentum: float = 0.0, nesterov: bool = False):
        self.lr = lr
        self.momentum = check_float(momentum, "momentum", 0.0, 0.999)
        self.nesterov = bool(nesterov)
        self.m = None

    def step(self, w: np.ndarray, g: np.ndarray) -> None:
        lr_g = self.lr * g
        if self.momentum == 0.0:
            w -= lr_g
            return
        if self.m is None:
            self.m = np.zeros_like(w)
        self.m *= self.momentum
        self.m -= lr_g
        if self.nesterov:
            w += self.momentum * self.m - lr_g
        else:
            w += self.m


class Adam:
    r"""Adam as Keras 3 computes it (beta_1 0.9, beta_2 0.999, epsilon 1e-7).

    .. math::
        t \leftarrow t + 1,\quad m \leftarrow m + (g - m)(1-\beta_1),\quad
        v \leftarrow v + (g^2 - v)(1-\beta_2) \\
        \alpha = \eta\,\sqrt{1-\beta_2^t}\,/\,(1-\beta_1^t),\quad
        w \leftarrow w - \alpha\, m / (\sqrt{v} + \epsilon)

    Keras adds epsilon to the square root of the *uncorrected* v (the paper's
    "epsilon hat"), unlike PyTorch and optax.
    """

    def __init__(self, lr, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        self.lr, self.beta_1, self.beta_2, self.epsilon = lr, beta_1, beta_2, epsilon
        self.t = 0
        self.m = self.v = None

    def step(self, w: np.ndarray, g: np.ndarray) -> None:
        if self.m is None:
            self.m, self.v = np.zeros_like(w), np.zeros_like(w)
        self.t += 1
        alpha = self.lr * np.sqrt(1.0 - self.beta_2**self.t) / (1.0 - self.beta_1**self.t)
        self.m += (g - self.m) * (1.0 - self.beta_1)
        self.v += (g * g - self.v) * (1.0 - self.beta_2)
        w -= (self.m * alpha) / (np.sqrt(self.v) + self.epsilon)


class RMSprop:
    r"""RMSprop as Keras 3 computes it (rho 0.9, epsilon 1e-7 inside the root, no momentum, not centered).

    .. math:: v \leftarrow \rho v + (1-\rho) g^2,\quad w \leftarrow w - \eta\, g / \sqrt{v + \epsilon}
    """

    def __init__(self, lr, rho: float = 0.9, epsilon: float = 1e-7):
        self.lr, self.rho, self.epsilon = lr, rho, epsilon
        self.v = None

    def step(self, w: np.ndarray, g: np.ndarray) -> None:
        if self.v is None:
            self.v = np.zeros_like(w)
        self.v *= self.rho
        self.v += (1.0 - self.rho) * g * g
        w -= self.lr * g / np.sqrt(self.v + self.epsilon)


def make_optimizer(name: str, lr, *, momentum: float = 0.0, nesterov: bool = False):
    """An optimizer by name ("sgd", "adam", "rmsprop") with Keras' defaults."""
    check_choice(name, OPTIMIZERS, "optimizer")
    if name == "sgd":
        return SGD(lr, momentum=momentum, nesterov=nesterov)
    if momentum or nesterov:
        raise ValueError(f"momentum and nesterov apply to optimizer 'sgd' only, not {name!r}")
    return Adam(lr) if name == "adam" else RMSprop(lr)
