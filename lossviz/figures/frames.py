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
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

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
