"""The trainer: hand-computed optimizer steps, backprop vs finite differences, XOR, limits, batching."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lossviz as lv
from lossviz.nn import MAX_EPOCHS, flatten, loss_and_grad, n_params
from lossviz.optimizers import SGD, Adam, RMSprop, make_optimizer

X, Y = lv.xor()


# ------------------------------------------------------------- optimizer steps by hand

W0 = np.array([[1.0, -2.0, 0.5]])
G1 = np.array([[0.5, 0.1, -3.0]])
G2 = np.array([[-0.2, 0.4, 1.0]])


def _two_steps(opt):
    w = W0.copy()
    opt.step(w, G1.copy())
    w1 = w.copy()
    opt.step(w, G2.copy())
    return w1, w


def test_sgd_plain_momentum_nesterov_by_hand():
    w1, w2 = _two_steps(SGD(0.01))
    np.testing.assert_allclose(w1, W0 - 0.01 * G1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(w2, W0 - 0.01 * G1 - 0.01 * G2, atol=1e-15)
    w1, w2 = _two_steps(SGD(0.1, momentum=0.9))
    m1 = -0.1 * G1
    m2 = 0.9 * m1 - 0.1 * G2
    np.testing.assert_allclose(w1, W0 + m1, atol=1e-15)
    np.testing.assert_allclose(w2, W0 + m1 + m2, atol=1e-15)
    w1, w2 = _two_steps(SGD(0.1, momentum=0.9, nesterov=True))
    np.testing.assert_allclose(w1, W0 + 0.9 * m1 - 0.1 * G1, atol=1e-15)
    np.testing.assert_allclose(w2, W0 + 0.9 * m1 - 0.1 * G1 + 0.9 * m2 - 0.1 * G2, atol=1e-15)


def test_adam_keras_rule_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    w1, w2 = _two_steps(Adam(lr))
    m = 0.1 * G1
    v = 0.001 * G1**2
    alpha = lr * math.sqrt(1 - b2) / (1 - b1)
    e1 = W0 - alpha * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(w1, e1, atol=1e-15)
    m = m + (G2 - m) * (1 - b1)
    v = v + (G2**2 - v) * (1 - b2)
    alpha = lr * math.sqrt(1 - b2**2) / (1 - b1**2)
    np.testing.assert_allclose(w2, e1 - alpha * m / (np.sqrt(v) + eps), atol=1e-15)
    # Keras' placement: the first step moves each weight by almost exactly lr, for every gradient scale
    np.testing.assert_allclose(np.abs(w1 - W0), 0.01, rtol=1e-4)


def test_rmsprop_keras_rule_by_hand():
    w1, w2 = _two_steps(RMSprop(0.001))
    v = 0.1 * G1**2
    e1 = W0 - 0.001 * G1 / np.sqrt(v + 1e-7)
    np.testing.assert_allclose(w1, e1, atol=1e-15)
    v = 0.9 * v + 0.1 * G2**2
    np.testing.assert_allclose(w2, e1 - 0.001 * G2 / np.sqrt(v + 1e-7), atol=1e-15)


def test_per_network_learning_rates_broadcast():
    w = np.vstack([W0, W0])
    SGD(np.array([[0.1], [0.2]])).step(w, np.vstack([G1, G1]))
    np.testing.assert_allclose(w[1] - W0[0], 2 * (w[0] - W0[0]))


def test_make_optimizer_rejects_momentum_for_adam():
    with pytest.raises(ValueError, match="momentum and nesterov apply to optimizer 'sgd' only"):
        make_optimizer("adam", 0.1, momentum=0.9)
    with pytest.raises(ValueError, match="optimizer must be one of sgd, adam, rmsprop"):
        make_optimizer("adagrad", 0.1)


# ------------------------------------------------------------- gradients


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_backprop_matches_finite_differences(activation, loss):
    rng = np.random.default_rng(3)
    Xr = rng.normal(size=(7, 2))
    yr = (rng.random(7) > 0.5).astype(float)
    theta = rng.normal(size=(1, n_params(2, 4)))
    _, grad = loss_and_grad(theta, Xr, yr, 4, activation, loss)
    fd = np.empty_like(theta)
    h = 1e-6
    for i in range(theta.shape[1]):
        tp, tm = theta.copy(), theta.copy()
        tp[0, i] += h
        tm[0, i] -= h
        fd[0, i] = (
            loss_and_grad(tp, Xr, yr, 4, activation, loss)[0][0] - loss_and_grad(tm, Xr, yr, 4, activation, loss)[0][0]
        ) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-8)


def test_training_loss_is_the_core_bce_and_mse():
    r = lv.train(X, Y, epochs=3, seed=1)
    init = r.initial_params
    h = np.tanh(X @ init["W1"] + init["b1"])
    z = (h @ init["W2"])[:, 0] + init["b2"]
    assert r.loss[0] == pytest.approx(lv.bce_logits(Y, z), abs=1e-15)
    r = lv.train(X, Y, epochs=3, seed=1, loss="mse")
    assert r.loss[0] == pytest.approx(lv.mse(Y, lv.sigmoid(z)), abs=1e-15)


# ------------------------------------------------------------- XOR


def _bare_numpy_sgd(epochs, lr, theta0):
    """The same maths written out plainly: an independent path."""
    W1 = theta0[:6].reshape(2, 3).copy()
    b1 = theta0[6:9].copy()
    W2 = theta0[9:12].reshape(3, 1).copy()
    b2 = theta0[12:].copy()
    out = []
    for _ in range(epochs):
        h = np.tanh(X @ W1 + b1)
        z = (h @ W2)[:, 0] + b2
        p = 1 / (1 + np.exp(-z))
        out.append(np.mean(-(Y * np.log(p) + (1 - Y) * np.log(1 - p))))
        dz = (p - Y) / 4
        gW2, gb2 = h.T @ dz[:, None], dz.sum(keepdims=True)
        da = (dz[:, None] @ W2.T) * (1 - h * h)
        W1, b1, W2, b2 = W1 - lr * (X.T @ da), b1 - lr * da.sum(0), W2 - lr * gW2, b2 - lr * gb2
    return np.array(out), W1


def test_train_equals_a_bare_numpy_loop():
    r = lv.train(X, Y, epochs=300, lr=0.1, seed=4)
    loss, W1 = _bare_numpy_sgd(300, 0.1, flatten(r.initial_params, 2, 3))
    np.testing.assert_allclose(r.loss, loss, rtol=1e-12)
    np.testing.assert_allclose(r.params["W1"], W1, rtol=1e-12)


def test_lesson_xor_run_is_solved():
    r = lv.train(X, Y, hidden=3, activation="tanh", loss="bce", optimizer="sgd", lr=0.1, epochs=5000, seed=0)
    assert r.accuracy(X, Y) == 1.0
    assert r.loss.shape == (5000,) and r.loss[0] > 0.69 and r.final_loss < 0.01
    p = r.predict_proba(X)
    assert p[0] < 0.05 and p[1] > 0.95 and p[2] > 0.95 and p[3] < 0.05
    assert r.diverged_at is None and r.message == ""


def test_glorot_limits_and_zero_biases():
    theta = lv.glorot_init(7, 2, 3)
    assert np.abs(theta[:6]).max() <= math.sqrt(6 / 5) and np.abs(theta[9:12]).max() <= math.sqrt(6 / 4)
    assert (theta[6:9] == 0).all() and theta[12] == 0
    assert not np.array_equal(theta, lv.glorot_init(8, 2, 3))


def test_params_round_trip_repeats_a_run():
    a = lv.train(X, Y, epochs=200, seed=5, optimizer="adam", lr=0.01)
    b = lv.train(
        X,
        Y,
        epochs=200,
        seed=999,
        optimizer="adam",
        lr=0.01,
        params={k: v.tolist() for k, v in a.initial_params.items()},
    )
    np.testing.assert_array_equal(a.loss, b.loss)


def test_history_records_every_epoch():
    r = lv.train(X, Y, epochs=50, seed=0, record_history=True)
    assert r.history.shape == (51, 13)
    np.testing.assert_array_equal(r.history[0], flatten(r.initial_params, 2, 3))
    np.testing.assert_array_equal(r.history[-1], flatten(r.params, 2, 3))


def test_divergence_stops_and_says_where():
    Xb, yb = lv.make_dataset("blobs", 200, 0.3, 0)
    r = lv.train(Xb, yb, activation="relu", hidden=8, lr=1000, epochs=2000, seed=0)
    assert r.diverged_at == 57
    assert len(r.loss) == 58 and not np.isfinite(r.loss[-1]) and np.isfinite(r.loss[:-1]).all()
    assert "diverged at epoch 57" in r.message and "learning rate 1000" in r.message
    huge = {"W1": np.full((2, 3), 1e200), "b1": np.zeros(3), "W2": np.full((3, 1), 1e200), "b2": np.zeros(1)}
    r = lv.train(X, Y, activation="relu", params=huge, epochs=10)
    assert r.diverged_at == 0 and "initial weights already overflow" in r.message


# ------------------------------------------------------------- batched == single


@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.1), ("adam", 0.01), ("rmsprop", 0.01)])
def test_batched_equals_single(optimizer, lr):
    seeds = [0, 1, 2, 3, 17]
    b = lv.train_many(X, Y, seeds=seeds, optimizer=optimizer, lr=lr, epochs=400)
    for k, s in enumerate(seeds):
        r = lv.train(X, Y, seed=s, optimizer=optimizer, lr=lr, epochs=400)
        np.testing.assert_allclose(b.loss[k], r.loss, rtol=1e-10)
        for name, v in r.params.items():
            np.testing.assert_allclose(b.params(k)[name], v, rtol=1e-10, atol=1e-14)


def test_batched_learning_rate_sweep_equals_single():
    lrs = [0.01, 0.1, 1.0, 1000.0]
    Xb, yb = lv.make_dataset("blobs", 200, 0.3, 0)
    b = lv.train_many(Xb, yb, seeds=[0], lrs=lrs, activation="relu", hidden=8, epochs=100)
    for k, lr in enumerate(lrs):
        r = lv.train(Xb, yb, seed=0, lr=lr, activation="relu", hidden=8, epochs=100)
        n = len(r.loss)
        np.testing.assert_allclose(b.loss[k, :n], r.loss, rtol=1e-10)
        assert (b.diverged_at[k] if b.diverged_at[k] >= 0 else None) == r.diverged_at
    assert b.diverged_at[3] == 57 and np.isnan(b.loss[3, 58:]).all() and np.isnan(b.final_loss[3])


def _same_run(a, b):
    """Two TrainResults equal field by field, bit for bit (NaN equal to NaN)."""
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.final_loss, b.final_loss)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name])
        np.testing.assert_array_equal(a.initial_params[name], b.initial_params[name])
    np.testing.assert_array_equal(a.history, b.history)
    assert (a.diverged_at, a.message, a.hidden, a.activation, a.loss_name) == (
        b.diverged_at,
        b.message,
        b.hidden,
        b.activation,
        b.loss_name,
    )


@pytest.mark.parametrize("optimizer,momentum", [("sgd", 0.0), ("sgd", 0.9), ("adam", 0.0), ("rmsprop", 0.0)], ids=str)
def test_a_recorded_sweep_is_each_recorded_run(optimizer, momentum):
    """train_many(lrs=..., record_history=True).run(k) is train(lr=lrs[k], record_history=True): the
    XOR page shows a sweep's network as the run at that learning rate.  With momentum, SGD at lr
    1000 diverges, and a diverged network keeps the weights it stopped at (its velocity would
    move them on): the same weights as a single run, which stops there."""
    lrs = [0.01, 0.1, 10.0, 1000.0]
    Xb, yb = lv.make_dataset("blobs", 200, 0.3, 0)
    settings = dict(activation="relu", hidden=8, epochs=120, optimizer=optimizer, momentum=momentum)
    b = lv.train_many(Xb, yb, seeds=[3], lrs=lrs, record_history=True, **settings)
    assert b.history.shape == (121, 4, lv.nn.n_params(2, 8))
    for k, lr in enumerate(lrs):
        _same_run(b.run(k), lv.train(Xb, yb, seed=3, lr=lr, record_history=True, **settings))
    if optimizer == "sgd":  # lr 1000 diverges, with or without momentum
        at = b.diverged_at[3]
        assert 0 < at < 120 and b.run(3).history.shape[0] == at + 1
        np.testing.assert_array_equal(b.theta[3], b.history[at, 3])
        np.testing.assert_array_equal(b.history[-1, 3], b.history[at, 3])  # frozen after it stopped
        assert "learning rate 1000 is too large for sgd with relu and bce" in b.run(3).message


def test_record_history_is_bounded():
    message = r"record_history would keep 2,080 MB of weights \(1000 networks x 20001 snapshots x 13 weights"
    with pytest.raises(ValueError, match=message):
        lv.train_many(X, Y, seeds=range(1000), epochs=20000, hidden=3, record_history=True)


# ------------------------------------------------------------- limits and bad input


@pytest.mark.parametrize(
    ("kwargs", "exc", "message"),
    [
        ({"epochs": MAX_EPOCHS + 1}, ValueError, "epochs must be between 1 and 20000"),
        ({"epochs": 0}, ValueError, "epochs must be between 1 and 20000"),
        ({"hidden": 9}, ValueError, "hidden must be between 1 and 8"),
        ({"hidden": 2.5}, TypeError, "hidden must be a whole number"),
        ({"activation": "gelu"}, ValueError, "activation must be one of tanh, relu, sigmoid"),
        ({"loss": "hinge"}, ValueError, "loss must be one of bce, mse"),
        ({"lr": -0.1}, ValueError, "lr must be between"),
        ({"lr": float("nan")}, ValueError, "lr must be between"),
        ({"seed": -1}, ValueError, "seed must be between"),
        ({"params": {"W1": [[1, 2, 3]]}}, ValueError, "params is missing b1, W2, b2"),
        (
            {"params": {"W1": np.zeros((3, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 1)), "b2": np.zeros(1)}},
            ValueError,
            "params['W1'] has shape (3, 3); expected (2, 3)",
        ),
        (
            {"params": {"W1": np.zeros((2, 3)), "b1": [0, 0, float("nan")], "W2": np.zeros((3, 1)), "b2": [0]}},
            ValueError,
            "params['b1'] contains NaN",
        ),
        (
            {"params": {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 1)), "b2": [0], "W3": 1}},
            ValueError,
            "unknown keys W3",
        ),
        ({"params": [1, 2]}, TypeError, "params must be a dict"),
    ],
)
def test_train_limits_and_messages(kwargs, exc, message):
    with pytest.raises(exc) as info:
        lv.train(X, Y, **{"epochs": 5, **kwargs})
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("Xbad", "ybad", "message"),
    [
        ([[0, 0], [1, 1]], [0, 2], "only the labels 0 and 1; found 2 at position 1"),
        ([[0, 0], [1, 1]], [0], "X has 2 rows but y has 1 labels"),
        ([0, 1], [0, 1], "non-empty 2-D array"),
        ([[0, float("nan")], [1, 1]], [0, 1], "NaN or infinity in row 0"),
        (np.zeros((2001, 2)), np.zeros(2001), "at most 2000"),
    ],
)
def test_train_rejects_bad_data(Xbad, ybad, message):
    with pytest.raises(ValueError) as info:
        lv.train(Xbad, ybad, epochs=5)
    assert message in str(info.value)


def test_batched_work_limit_and_grid_limit():
    with pytest.raises(ValueError, match="too much work"):
        lv.train_many(*lv.make_dataset("circle", 1000, 0.1, 0), seeds=range(500), hidden=8, epochs=20000)
    with pytest.raises(ValueError, match="resolution must be between 2 and 300"):
        lv.predict_grid(lv.glorot_init(0, 2, 3), 3, "tanh", (-1, 1, -1, 1), 301)


def test_predict_grid_matches_predict_proba():
    r = lv.train(X, Y, epochs=100, seed=0)
    prob, units = lv.predict_grid(flatten(r.params, 2, 3), 3, "tanh", (-0.5, 1.5, -0.5, 1.5), 5)
    assert prob.dtype == np.float32 and prob.shape == (5, 5) and units.shape == (3, 5, 5)
    # grid point (row j along x2, column i along x1) = (x1_i, x2_j); corners are the XOR inputs' neighbours
    g = np.linspace(-0.5, 1.5, 5)
    pts = np.array([[g[i], g[j]] for j in range(5) for i in range(5)])
    np.testing.assert_allclose(prob.ravel(), r.predict_proba(pts), rtol=1e-6)


@pytest.mark.parametrize("name", lv.DATASETS)
def test_datasets_shapes_labels_determinism(name):
    X1, y1 = lv.make_dataset(name, 100, 0.2, 3)
    X2, y2 = lv.make_dataset(name, 100, 0.2, 3)
    np.testing.assert_array_equal(X1, X2)
    assert set(np.unique(y1)) == {0.0, 1.0}
    assert X1.shape[1] == 2 and X1.shape[0] == y1.size == (4 if name == "xor" else 100)
    lo = lv.plot_bounds(X1)
    assert lo[0] < X1[:, 0].min() and lo[3] > X1[:, 1].max()
    assert lv.plot_bounds(lv.xor()[0]) == (-0.5, 1.5, -0.5, 1.5)
