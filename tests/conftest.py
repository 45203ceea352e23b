"""Shared test helpers: paths and an AppTest factory that resolves from the project root."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def app_test(path: str, query: dict | None = None, timeout: float = 30) -> AppTest:
    """An AppTest session that opens ``path`` (relative to the project root) by a deep link with ``query``.

    Pages are reached as Streamlit reaches them: from the entrypoint's runtime,
    switched to before the session's first run, with the query already there.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if path != "app.py":
        at.switch_page(path)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def plotly_array(value) -> np.ndarray:
    """A plotly >= 6 typed array ({"dtype", "bdata", "shape"}) or a plain list, as numpy."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            a = a.reshape([int(s) for s in str(shape).split(",")])
        return a
    return np.asarray(value, dtype=float)


def decode_data_url(url: str) -> np.ndarray:
    """The RGB pixels of a ``data:image/png;base64,...`` URL, as ``lossviz.figures.raster.png_data_url`` writes it."""
    import io

    from PIL import Image

    head, _, body = url.partition(",")
    assert head == "data:image/png;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(body))).convert("RGB"))


def plain_code(at, key: str) -> list[str]:
    """The lines that ``lossviz.ui.plain_code(key, ...)`` shows, as written (backticks stripped)."""
    (md,) = at.get_by_key(f"lv_code_{key}").markdown
    return [line.removeprefix("`").removesuffix("`") for line in md.value.split("  \n")]


def chart_specs(at) -> list[dict]:
    """The plotly JSON of every chart on the page, in page order, as the browser receives it.

    Charts are drawn by lossviz.ui.plot's component (an ``UnknownElement`` to AppTest, its figure in
    the component's JSON data), or by ``st.plotly_chart`` when that component is unavailable.
    """
    from lossviz.ui.plot import COMPONENT

    specs = [json.loads(data["spec"]) for data in component_data(at, COMPONENT)]
    return specs + [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def component_data(at, name: str) -> list[dict]:
    """The ``data`` of every ``st.components.v2`` component called ``name`` on the page, in page order."""
    return [json.loads(el.proto.json) for el in at.get("bidi_component") if el.proto.component_name == name]


def preview_payload(at, slider: str) -> dict:
    """What lossviz.ui.preview sent the browser for ``slider``: ``size``, ``readouts`` as
    ``[labels, values]`` pairs, and ``charts`` (key -> packed patches) parsed."""
    from lossviz.ui.preview import COMPONENT

    (data,) = [d for d in component_data(at, COMPONENT) if d["slider"] == slider]
    return {**data, "charts": json.loads(data["charts"])}


def charts_by_key(at) -> dict[str, dict]:
    """The figure of every chart lossviz.ui.plot drew, by its key, as the browser receives it."""
    from lossviz.ui.plot import COMPONENT

    return {
        el.proto.id.rsplit("-", 1)[-1]: json.loads(json.loads(el.proto.json)["spec"])
        for el in at.get("bidi_component")
        if el.proto.component_name == COMPONENT
    }


def assert_preview_is_the_rerun(at, sent: dict, i: int, before: dict[str, dict]) -> None:
    """Two paths to the same screen.  The browser's preview of position ``i`` (``sent``), set on the
    charts as they were ``before`` the move (:func:`charts_by_key`), equals what the page drew after
    its rerun at ``i``: every previewed metric's label and value, and every previewed chart whole
    (typed arrays compared as numbers)."""
    from lossviz.figures.frames import apply, plain, unpack

    shown = {m.label: m.value for m in at.metric}
    for labels, values in sent["readouts"]:
        label = labels[i] if len(labels) > 1 else labels[0]
        assert shown.get(label) == values[i], (label, shown.get(label), values[i])
    now = charts_by_key(at)
    for key, packed in sent["charts"].items():
        assert plain(apply(before[key], unpack(packed, i))) == plain(now[key]), key


@pytest.fixture
def make_app():
    return app_test


def path_points(path: str) -> np.ndarray:
    """The (x, y) points of an SVG path of M and L commands, as lossviz.figures.landscape draws descent paths."""
    return np.array([[float(v) for v in pt.split(",")] for pt in re.split("[ML]", path) if pt], dtype=float)
