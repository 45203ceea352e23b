"""No module-level mutable object in lossviz is written while pages run.

Streamlit serves every student from the same process: a module-level list, dict, set or
array that a page wrote to would leak one student's state into another's. This test
fingerprints every such object in every lossviz module, drives every page (controls,
buttons, uploads), and requires the fingerprints unchanged.
"""

from __future__ import annotations

import hashlib
import importlib
import pickle
import pkgutil

import numpy as np

import lossviz
from lossviz.lessons import LESSONS
from tests.conftest import ROOT, app_test

MUTABLE = (list, dict, set, bytearray, np.ndarray)


def _modules():
    for info in pkgutil.walk_packages(lossviz.__path__, "lossviz."):
        yield importlib.import_module(info.name)


def _fingerprint() -> dict[str, str]:
    out = {}
    for mod in _modules():
        for name, value in vars(mod).items():
            if name.startswith("__") or not isinstance(value, MUTABLE):
                continue
            try:
                blob = pickle.dumps(value, protocol=5)
            except Exception:  # noqa: BLE001 - unpicklable objects are fingerprinted by repr
                blob = repr(value).encode()
            out[f"{mod.__name__}.{name}"] = hashlib.sha256(blob).hexdigest()
    return out


def test_pages_do_not_write_module_level_state():
    before = _fingerprint()
    assert len(before) > 10  # the check really sees the modules' tables and constants
    for lesson in LESSONS:
        at = app_test(lesson.file, {"seed": "4"})
        assert not at.exception
        for button in list(at.button)[:6]:
            if not button.disabled and "Share" not in button.label:
                button.click().run()
        for toggle in list(at.toggle)[:4]:
            if not toggle.disabled and not toggle.key.startswith("_lv_"):
                toggle.set_value(not toggle.value).run()
        for box in list(at.number_input)[:2]:
            if not box.disabled:
                box.increment().run()
        assert not at.exception
    at = app_test("pages/4_XOR_Training.py")
    at.file_uploader(key="xor_upload").set_value(
        ("w.json", (ROOT / "tests" / "data" / "bad" / "weights_nan.json").read_bytes(), "application/json")
    ).run()
    after = _fingerprint()
    changed = sorted(k for k in before if before[k] != after.get(k))
    assert changed == [], f"module-level state written at run time: {changed}"
