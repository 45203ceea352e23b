"""lossviz.train against a bare numpy loop of the same maths, in one process (issue: ratio <= 1.3).

    python benchmarks/bench_train.py [--repeats 5]

Times the lesson's run (XOR, 2-3-1 tanh/sigmoid, BCE, SGD lr 0.1, 5000 epochs) through
``lossviz.train`` and through a loop written out here, reports the medians and their ratio.
If TensorFlow is installed, also times the lesson's Keras ``model.fit`` (never a requirement).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lossviz  # noqa: E402

EPOCHS = 5000


def bare_numpy(X, y, theta0, epochs=EPOCHS, lr=0.1):
    """The same forward pass, stable BCE, backprop and SGD step, written plainly."""
    W1 = theta0[:6].reshape(2, 3).copy()
    b1 = theta0[6:9].copy()
    W2 = theta0[9:12].reshape(3, 1).copy()
    b2 = theta0[12:].copy()
    n = len(y)
    losses = np.empty(epochs)
    for e in range(epochs):
        h = np.tanh(X @ W1 + b1)
        z = (h @ W2)[:, 0] + b2
        p = 1 / (1 + np.exp(-z))
        losses[e] = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        dz = (p - y) / n
        gW2 = h.T @ dz[:, None]
        gb2 = dz.sum(keepdims=True)
        da = (dz[:, None] @ W2.T) * (1 - h * h)
        gW1 = X.T @ da
        gb1 = da.sum(0)
        W1 -= lr * gW1
        b1 -= lr * gb1
        W2 -= lr * gW2
        b2 -= lr * gb2
    return losses


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def keras_fit(X, y, theta0):
    try:
        import keras  # noqa: F401
        import tensorflow as tf  # noqa: F401
    except ImportError:
        return None
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, "tanh"), keras.layers.Dense(1, "sigmoid")])
    model.set_weights([theta0[:6].reshape(2, 3), theta0[6:9], theta0[9:12].reshape(3, 1), theta0[12:]])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    t = time.perf_counter()
    model.fit(X, y, epochs=EPOCHS, verbose=0)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv if argv is not None else [] if __name__ != "__main__" else None)
    X, y = lossviz.xor()
    theta0 = lossviz.glorot_init(0, 2, 3)
    params = {"W1": theta0[:6].reshape(2, 3), "b1": theta0[6:9], "W2": theta0[9:12].reshape(3, 1), "b2": theta0[12:]}
    lossviz.train(X, y, epochs=50, params=params)  # warm up imports and caches
    bare_numpy(X, y, theta0, epochs=50)
    # interleaved: each repeat times both paths back to back, so a burst of load hits both alike
    lv_times, np_times = [], []
    for _ in range(args.repeats):
        t, run = timed(lambda: lossviz.train(X, y, epochs=EPOCHS, params=params), 1)
        lv_times.append(t)
        t, losses = timed(lambda: bare_numpy(X, y, theta0), 1)
        np_times.append(t)
    t_lv, t_np = statistics.median(lv_times), statistics.median(np_times)
    assert np.allclose(run.loss, losses, rtol=1e-12), "the two paths disagree"
    rows = [
        ("lossviz.train, XOR 5000 epochs", t_lv, t_lv / t_np),
        ("bare numpy loop (baseline)", t_np, 1.0),
    ]
    t_keras = keras_fit(X, y, theta0)
    if t_keras is not None:
        rows.append(("Keras model.fit (TensorFlow)", t_keras, t_keras / t_np))
    print(f"{'what':40s} {'seconds':>9s} {'x baseline':>11s}")
    for name, t, ratio in rows:
        print(f"{name:40s} {t:9.3f} {ratio:11.2f}")
    print(f"target: lossviz.train within 1.3x of the bare loop -> {'met' if t_lv / t_np <= 1.3 else 'NOT met'}")
    if t_keras is None:
        print("(TensorFlow not installed: Keras not timed)")
    return rows


if __name__ == "__main__":
    main()
