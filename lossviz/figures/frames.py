"""Layout patches for every position of a slider, packed small enough to send to the browser once.

A slider that follows p can be drawn in the browser at once (``lossviz.ui.preview``), before the
server's rerun comes back, if the browser already holds what each chart looks like at every
position.  A position's *patch* maps plotly layout paths to values, e.g.
``{"shapes": [...], "yaxis.range": [lo, hi]}``: the part of a figure that a move changes, built by
the same figure builder that draws the chart on the server.

Patches at neighbouring positions differ in their numbers only, so :func:`pack` sends each distinct
shape of a patch once, as a template with its numbers taken out, and each position as the index
of its template and the numbers to put back, in the order a depth-first walk meets them (dict keys
in insertion order, which ``JSON.parse`` keeps for keys that are not integers).  :func:`unpack` is
the inverse, the same walk that ``lossviz/ui/preview.js`` does in the browser.

A patch may also set what a move changes in the traces: a path ``"data.<i>.<attribute>"`` replaces
that attribute of the figure's trace ``i`` (``"data.1.y"``, a curve that depends on the slider).
:func:`moving` finds both kinds by comparing the whole figures at every position, so the patches
are what the server's figure builders drew, not a second description of it.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Sequence

import numpy as np

HOLE = None  # a number's place in a template (JSON null): patches may not hold None themselves


def _split(value, numbers: list):
    """``value`` with each number replaced by HOLE; the numbers appended to ``numbers`` in walk order."""
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(f"a patch holds {value!r}: only finite numbers can be drawn")
        numbers.append(value)
        return HOLE
    if value is None:
        raise ValueError("a patch holds None, which frames use to mark a number's place; leave the key out")
    if isinstance(value, dict):
        return {str(k): _split(v, numbers) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split(v, numbers) for v in value]
    raise TypeError(f"a patch holds a {type(value).__name__}; only JSON values (dict, list, str, number, bool)")


def pack(patches: Sequence[dict]) -> dict:
    """``{"templates": [...], "frames": [[template index, number, ...], ...]}``, one frame per patch.

    >>> pack([{"x": 1.5, "k": "a"}, {"x": 2.0, "k": "a"}])
    {'templates': [{'x': None, 'k': 'a'}], 'frames': [[0, 1.5], [0, 2.0]]}
    """
    templates: list = []
    index: dict[str, int] = {}
    frames = []
    for patch in patches:
        if not isinstance(patch, dict):
            raise TypeError(f"each patch must be a dict of layout paths, not {type(patch).__name__}")
        numbers: list = []
        template = _split(patch, numbers)
        key = json.dumps(template, separators=(",", ":"))
        if key not in index:
            index[key] = len(templates)
            templates.append(template)
        frames.append([index[key], *numbers])
    return {"templates": templates, "frames": frames}


def _fill(template, numbers: list, at: list):
    if template is HOLE:
        at[0] += 1
        return numbers[at[0] - 1]
    if isinstance(template, dict):
        return {k: _fill(v, numbers, at) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, numbers, at) for v in template]
    return template


def unpack(packed: dict, position: int) -> dict:
    """The patch at ``position``: the inverse of :func:`pack` (what the browser does on a move)."""
    frame = packed["frames"][position]
    return _fill(packed["templates"][frame[0]], list(frame[1:]), [0])


# ---------------------------------------------------------------- patches found by comparing figures

_MISSING = object()


def plain(value):
    """A figure's JSON value with plotly's typed arrays (``{"dtype", "bdata"[, "shape"]}``, as
    ``plotly.io.to_json`` writes numpy arrays) turned into lists of numbers, everything else as it is."""
    if isinstance(value, dict):
        if isinstance(value.get("bdata"), str) and isinstance(value.get("dtype"), str):
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<"))
            shape = str(value.get("shape") or "")
            if shape:
                array = array.reshape([int(n) for n in shape.split(",")])
            return array.tolist()
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def figure_json(fig) -> dict:
    """A plotly figure as the browser receives it (``plotly.io.to_json``), for :func:`moving`."""
    import plotly.io as pio

    return json.loads(pio.to_json(fig, validate=False))


def moving(figures: Sequence[dict], *, strict: bool = True) -> list[dict] | None:
    """The patch at each position of a slider, from the chart's whole figure at every position.

    ``figures`` are plotly JSON dicts (``json.loads(plotly.io.to_json(fig))``), one per position.
    A patch holds each top-level layout key and each trace attribute that is not the same at every
    position, as ``"key"`` and ``"data.<i>.<attribute>"`` paths.  A numpy array stays a typed array
    (base64 bytes, which plotly.js reads as they are): a float32 curve costs 5.3 characters a number
    in the patch, where a list of numbers costs about 19.  Applied to the figure at any
    position (:func:`apply`), the patch at ``i`` gives the figure at ``i``.

    Raises ValueError when a move would add or remove a trace, a trace attribute or a layout key
    (a patch only replaces values); with ``strict=False`` returns None instead: that chart then
    waits for the rerun.
    """
    try:
        return _moving(figures)
    except ValueError:
        if strict:
            raise
        return None


def _moving(figures: Sequence[dict]) -> list[dict]:
    figs = list(figures)  # typed arrays stay as they are: equal exactly when their bytes are
    if not figs:
        return []
    if len({len(f.get("data", [])) for f in figs}) != 1:
        raise ValueError("the number of traces changes with the slider; a patch can only replace values")
    paths: list[tuple[str, tuple]] = []  # (path, how to read it from a figure)

    def changing(parts: list[dict], prefix: str, where: tuple) -> None:
        keys = list(dict.fromkeys(k for part in parts for k in part))
        for key in keys:
            values = [part.get(key, _MISSING) for part in parts]
            if any(v is _MISSING for v in values):
                if all(v is _MISSING for v in values):
                    continue
                raise ValueError(f"{prefix}{key} is set at some positions of the slider only; a patch can only replace")
            if any(v != values[0] for v in values[1:]):
                paths.append((prefix + key, (*where, key)))

    changing([f.get("layout", {}) for f in figs], "", ("layout",))
    for i in range(len(figs[0].get("data", []))):
        changing([f["data"][i] for f in figs], f"data.{i}.", ("data", i))

    def read(fig: dict, where: tuple):
        for step in where:
            fig = fig[step]
        return fig

    return [{path: read(fig, where) for path, where in paths} for fig in figs]


def apply(figure: dict, patch: dict) -> dict:
    """``figure`` (plotly JSON) with ``patch`` set on a copy: what ``preview.js`` draws on a move."""
    out = {**figure, "layout": dict(figure.get("layout", {})), "data": [dict(t) for t in figure.get("data", [])]}
    for path, value in patch.items():
        if path.startswith("data."):
            _, i, attribute = path.split(".", 2)
            out["data"][int(i)][attribute] = value
            continue
        keys = path.split(".")
        target = out["layout"]
        for key in keys[:-1]:
            target[key] = dict(target.get(key, {}))
            target = target[key]
        target[keys[-1]] = value
    return out
