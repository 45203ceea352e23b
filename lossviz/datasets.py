"""Small 2-D classification datasets as plain arrays (X of shape (N, 2), y of 0/1 labels).

XOR is the lessons' four points; the others are the noisy sets TensorFlow
Playground users know.  Every generator is deterministic given ``seed``.
"""

from __future__ import annotations

import numpy as np

from lossviz.validation import check_choice, check_float, check_int

DATASETS = ("xor", "circle", "moons", "blobs", "spiral")
MAX_POINTS = 1000


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The lessons' XOR: inputs [0,0], [0,1], [1,0], [1,1] with labels 0, 1, 1, 0."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0.0, 1.0, 1.0, 0.0])


def _check(n, noise, seed):
    n = check_int(n, "n", 4, MAX_POINTS)
    noise = check_float(noise, "noise", 0.0, 1.0)
    seed = check_int(seed, "seed", 0, 2**32 - 1)
    return n, noise, np.random.default_rng(seed)


def circle(n: int = 200, noise: float = 0.1, seed: int = 0):
    """A disc of label-1 points (radius < 0.5) inside a ring of label-0 points (0.7 to 1)."""
    n, noise, rng = _check(n, noise, seed)
    n1 = n // 2
    r = np.concatenate([rng.uniform(0, 0.5, n1), rng.uniform(0.7, 1.0, n - n1)])
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0, noise, (n, 2))
    return X, np.concatenate([np.ones(n1), np.zeros(n - n1)])


def moons(n: int = 200, noise: float = 0.1, seed: int = 0):
    """Two interleaving half circles (scikit-learn's make_moons shape)."""
    n, noise, rng = _check(n, noise, seed)
    n0 = n // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n - n0)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]), np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    X += rng.normal(0, noise, X.shape)
    return X, np.concatenate([np.zeros(n0), np.ones(n - n0)])


def blobs(n: int = 200, noise: float = 0.1, seed: int = 0):
    """Two Gaussian blobs centred at (-1, -1) and (1, 1); noise scales their spread."""
    n, noise, rng = _check(n, noise, seed)
    n0 = n // 2
    spread = 0.3 + 2.0 * noise
    X = np.vstack([rng.normal(-1, spread, (n0, 2)), rng.normal(1, spread, (n - n0, 2))])
    return X, np.concatenate([np.zeros(n0), np.ones(n - n0)])


def spiral(n: int = 200, noise: float = 0.1, seed: int = 0):
    """Two interleaved spirals, one per label."""
    n, noise, rng = _check(n, noise, seed)
    n0 = n // 2
    out = []
    for label, m in ((0, n0), (1, n - n0)):
        r = np.linspace(0.05, 1.0, m)
        t = 1.75 * r * 2 * np.pi + label * np.pi
        out.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    X = np.vstack(out) + rng.normal(0, noise * 0.5, (n, 2))
    return X, np.concatenate([np.zeros(n0), np.ones(n - n0)])


def make_dataset(name: str, n: int = 200, noise: float = 0.1, seed: int = 0):
    """A dataset by name; ``xor`` ignores n, noise and seed (it is the lessons' four points)."""
    check_choice(name, DATASETS, "dataset")
    if name == "xor":
        return xor()
    return {"circle": circle, "moons": moons, "blobs": blobs, "spiral": spiral}[name](n, noise, seed)


def plot_bounds(X: np.ndarray, margin: float = 0.5) -> tuple[float, float, float, float]:
    """Data-driven heatmap bounds: the data's box plus a margin ([-0.5, 1.5]^2 for XOR)."""
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])
