"""Network weights as JSON: export a run, load it back (the page's upload and ``train(params=...)``).

The format is Keras' layout with a little metadata::

    {"format": "lossviz-weights/1", "activation": "tanh",
     "W1": [[...], [...]], "b1": [...], "W2": [[...], ...], "b2": [...]}

Loading is defensive: size, nesting depth, JSON syntax, NaN/Infinity
literals, keys, shapes and numbers are all checked, each with its own message.
"""

from __future__ import annotations

import json
import math

import numpy as np

from lossviz.nn import ACTIVATIONS, MAX_HIDDEN, PARAM_NAMES, flatten

FORMAT = "lossviz-weights/1"
MAX_BYTES = 64_000
MAX_DEPTH = 4  # an object holding 2-D arrays


def weights_to_json(params: dict, *, activation: str, extra: dict | None = None) -> str:
    """The weights (Keras layout) as a JSON document loadable by :func:`weights_from_json`."""
    doc = {"format": FORMAT, "activation": activation}
    doc.update({k: np.asarray(params[k], dtype=float).tolist() for k in PARAM_NAMES})
    if extra:
        doc["settings"] = extra
    return json.dumps(doc, indent=1)


def _depth(text: str) -> int:
    depth = deepest = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _reject_constant(name: str):
    raise ValueError(f"the file contains {name}, which is not a number a network weight can have")


def weights_from_json(data: bytes | str, *, n_in: int = 2) -> dict:
    """Parse uploaded weights; returns ``{"params": {W1, b1, W2, b2}, "hidden": H, "activation": a or None}``.

    Raises ``ValueError`` with a message naming what is wrong with the file.
    """
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ValueError(f"the file is {len(data):,} bytes; weights files are at most {MAX_BYTES:,} bytes")
        if b"\x00" in data:
            raise ValueError("the file is binary, not a JSON text file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"the file is not UTF-8 text (byte {exc.start} cannot be decoded)") from None
    else:
        text = str(data)
        if len(text) > MAX_BYTES:
            raise ValueError(f"the text is {len(text):,} characters; weights files are at most {MAX_BYTES:,}")
    if not text.strip():
        raise ValueError("the file is empty")
    if _depth(text) > MAX_DEPTH:
        raise ValueError(f"the JSON is nested {_depth(text)} levels deep; weights need at most {MAX_DEPTH}")
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"the JSON must be an object with keys {', '.join(PARAM_NAMES)}; got a {type(doc).__name__}")
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        raise ValueError(f"unknown format {str(fmt)[:40]!r}; expected {FORMAT!r}")
    activation = doc.get("activation")
    if activation is not None and activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {str(activation)[:40]!r}")
    missing = [k for k in PARAM_NAMES if k not in doc]
    if missing:
        raise ValueError(f"the weights are missing {', '.join(missing)} (needs {', '.join(PARAM_NAMES)})")
    w1 = doc["W1"]
    if not (isinstance(w1, list) and w1 and all(isinstance(r, list) for r in w1)):
        raise ValueError(f"W1 must be a list of {n_in} rows (one per input), each with one weight per hidden unit")
    hidden = len(w1[0])
    if not 1 <= hidden <= MAX_HIDDEN:
        raise ValueError(f"W1 rows have {hidden} entries; a network here has 1 to {MAX_HIDDEN} hidden units")
    for name in PARAM_NAMES:
        try:
            flat = np.array(doc[name], dtype=object).ravel()
        except ValueError:
            flat = None
        if flat is None or any(isinstance(v, (list, dict)) for v in flat):
            raise ValueError(f"{name} is not a rectangular array of numbers")
        for i, v in enumerate(flat):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"{name} has a non-numeric entry at position {i}: {str(v)[:30]!r}")
            if not math.isfinite(v):
                raise ValueError(f"{name} has a number too large to be a weight at position {i}")
    flatten({k: doc[k] for k in PARAM_NAMES}, n_in, hidden)  # checks every shape, with its own message
    params = {k: np.asarray(doc[k], dtype=float) for k in PARAM_NAMES}
    return {"params": params, "hidden": hidden, "activation": activation}
