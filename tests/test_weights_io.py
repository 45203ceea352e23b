"""Weights JSON: round trip, and one specific message per kind of bad file."""

from __future__ import annotations

import json

import numpy as np
import pytest

import lossviz as lv
from lossviz.weights_io import MAX_BYTES, weights_from_json, weights_to_json

X, Y = lv.xor()
GOOD = lv.train(X, Y, epochs=20, seed=3).params


def _doc(**changes):
    doc = json.loads(weights_to_json(GOOD, activation="tanh"))
    doc.update(changes)
    return json.dumps(doc).encode()


def test_round_trip_and_train_from_it():
    out = weights_from_json(weights_to_json(GOOD, activation="relu", extra={"seed": 3}).encode())
    assert out["hidden"] == 3 and out["activation"] == "relu"
    for k, v in GOOD.items():
        np.testing.assert_array_equal(out["params"][k], v)
    a = lv.train(X, Y, epochs=30, params=out["params"])
    b = lv.train(X, Y, epochs=30, params=GOOD)
    np.testing.assert_array_equal(a.loss, b.loss)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary, not a JSON text file"),
        ('{"W1": "é"}'.encode("latin-1"), "not UTF-8 text (byte 8 cannot be decoded)"),
        (b"{bad json", "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
        (b"[1, 2, 3]", "must be an object with keys W1, b1, W2, b2; got a list"),
        (b"[" * 100 + b"]" * 100, "nested 100 levels deep"),
        (b" " * (MAX_BYTES + 1), f"weights files are at most {MAX_BYTES:,} bytes"),
        (_doc(b2=None).replace(b'"b2": null', b'"b2": [NaN]'), "contains NaN"),
        (_doc(b2=[1e999]).replace(b"Infinity", b"1e999"), "too large to be a weight at position 0"),
        (_doc(format="keras"), "unknown format 'keras'"),
        (_doc(activation="gelu"), "activation must be one of tanh, relu, sigmoid"),
        (json.dumps({"W1": [[1, 2, 3], [1, 2, 3]]}).encode(), "missing b1, W2, b2"),
        (_doc(W1=[[1] * 9, [1] * 9]), "a network here has 1 to 8 hidden units"),
        (_doc(W1=[[1, 2, 3], [1, 2]]), "W1 is not a rectangular array of numbers"),
        (_doc(W1=[[1, 2, 3], [1, 2, "x"]]), "W1 has a non-numeric entry at position 5: 'x'"),
        (_doc(b1=[0, 0]), "params['b1'] has shape (2,); expected (3,)"),
        (_doc(W1=[[1, 2, 3]]), "params['W1'] has shape (1, 3); expected (2, 3)"),
        (_doc(b1=[True, 0, 0]), "b1 has a non-numeric entry at position 0: 'True'"),
    ],
)
def test_bad_weight_files(data, message):
    with pytest.raises(ValueError) as info:
        weights_from_json(data)
    assert message in str(info.value)
