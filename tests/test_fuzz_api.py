"""The public API under arbitrary input: a result (finite, or inf/nan where documented) or a
ValueError/TypeError with a message; never another exception, never a hang (sizes are bounded)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lossviz as lv

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 5),
    st.booleans(),
    st.text(max_size=5),
    st.none(),
    st.sampled_from([0, 1, 0.0, 1.0, 0.5, -0.0, 1e-300, 1 - 1e-16]),
)
arrays = st.one_of(
    st.lists(scalars, max_size=8),
    st.lists(st.lists(scalars, max_size=3), max_size=3),
    scalars,
    st.lists(st.sampled_from([0, 1]), min_size=1, max_size=8),
    st.lists(st.floats(0, 1), min_size=1, max_size=8),
)
options = st.fixed_dictionaries(
    {},
    optional={
        "eps": st.one_of(st.none(), scalars),
        "dtype": st.sampled_from(["float64", "float32", "float16", "int8", "x", None, 3]),
        "reduction": st.sampled_from(["mean", "sum", "none", "avg", None]),
    },
)


def _ok_or_clear_error(fn, *args, **kwargs):
    try:
        out = fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        assert str(exc), "an error must say what is wrong"
        return None
    return out


@SETTINGS
@given(arrays, arrays, options)
def test_bce_family(y, p, opts):
    out = _ok_or_clear_error(lv.bce, y, p, **opts)
    if out is not None:
        vals = np.atleast_1d(out)
        assert not np.isnan(vals).any() or opts.get("eps", 1e-15) is None or opts.get("dtype") != "float64"
        assert (vals[~np.isnan(vals)] >= 0).all()
    for fn in (lv.mse, lv.bce_grad_p, lv.mse_grad_p):
        _ok_or_clear_error(fn, y, p)
    rep = _ok_or_clear_error(lv.bce_report, y, p, eps=None)
    if rep is not None:
        assert all(isinstance(w, str) and "encountered in" in w for w in rep.warnings)


@SETTINGS
@given(arrays, arrays)
def test_logit_family(y, z):
    for fn in (lv.bce_logits, lv.hinge, lv.bce_grad_z, lv.mse_grad_z, lv.hinge_grad_score):
        out = _ok_or_clear_error(fn, y, z)
        if out is not None and fn is lv.bce_logits:
            assert np.isfinite(out).all()


@SETTINGS
@given(
    hidden=st.one_of(st.integers(-2, 12), scalars),
    activation=st.sampled_from(["tanh", "relu", "sigmoid", "gelu", None]),
    loss=st.sampled_from(["bce", "mse", "hinge", 1]),
    optimizer=st.sampled_from(["sgd", "adam", "rmsprop", "lbfgs"]),
    lr=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e-3, 0.1, 10.0, 1e4])),
    epochs=st.one_of(st.integers(-1, 60), st.sampled_from([20_001, 10**9]), scalars),
    seed=st.one_of(st.integers(-1, 2**33), scalars),
)
def test_train(hidden, activation, loss, optimizer, lr, epochs, seed):
    X, y = lv.xor()
    r = _ok_or_clear_error(
        lv.train,
        X,
        y,
        hidden=hidden,
        activation=activation,
        loss=loss,
        optimizer=optimizer,
        lr=lr,
        epochs=epochs,
        seed=seed,
    )
    if r is not None:
        assert len(r.loss) >= 1
        assert (r.diverged_at is None) == bool(np.isfinite(r.loss).all() and math.isfinite(r.final_loss))


@SETTINGS
@given(
    st.lists(st.integers(-1, 2**33), max_size=5), st.one_of(st.none(), st.lists(st.floats(allow_nan=True), max_size=5))
)
def test_train_many(seeds, lrs):
    X, y = lv.xor()
    out = _ok_or_clear_error(lv.train_many, X, y, seeds=seeds, lrs=lrs, epochs=20)
    if out is not None:
        assert out.loss.shape[1] == 20


@SETTINGS
@given(
    st.sampled_from([*lv.DATASETS, "mnist", ""]),
    st.one_of(st.integers(-5, 2000), scalars),
    st.one_of(st.floats(allow_nan=True), scalars),
    st.one_of(st.integers(-1, 2**33), scalars),
)
def test_datasets(name, n, noise, seed):
    out = _ok_or_clear_error(lv.make_dataset, name, n, noise, seed)
    if out is not None:
        X, y = out
        assert np.isfinite(X).all() and set(np.unique(y)) <= {0.0, 1.0}


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        st.recursive(
            st.one_of(st.floats(allow_nan=False), st.integers(), st.text(max_size=3)),
            lambda c: st.one_of(
                st.lists(c, max_size=4),
                st.dictionaries(st.sampled_from(["W1", "b1", "W2", "b2", "format", "activation"]), c, max_size=6),
            ),
            max_leaves=20,
        ).map(lambda v: __import__("json").dumps(v)),
    )
)
def test_weights_json(data):
    out = _ok_or_clear_error(lv.weights_from_json, data)
    if out is not None:
        lv.train(*lv.xor(), epochs=2, params=out["params"])


@SETTINGS
@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=4, max_size=4),
    st.one_of(st.integers(-3, 400), scalars),
)
def test_predict_grid(bounds, resolution):
    _ok_or_clear_error(lv.predict_grid, lv.glorot_init(0, 2, 3), 3, "tanh", tuple(bounds), resolution)
