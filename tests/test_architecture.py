"""The design card, enforced: only lossviz/ui imports streamlit; no HTML from user data."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_only_ui_imports_streamlit():
    offenders = []
    for path in (ROOT / "lossviz").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("lossviz/ui/"):
            continue
        if any(m == "streamlit" or m.startswith("streamlit.") for m in _imports(path)):
            offenders.append(rel)
    assert offenders == [], f"streamlit imported outside lossviz/ui: {offenders}"


def test_numeric_core_imports_no_plotly_or_pandas():
    for path in (ROOT / "lossviz").glob("*.py"):
        mods = set(_imports(path))
        assert not {m for m in mods if m.split(".")[0] in {"plotly", "streamlit"}}, path.name


def test_pages_use_shared_setup_first_and_no_st_navigation():
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "st.navigation" not in text, path.name
        first_call = re.search(r"^(?!import|from|\"\"\"|#)\S.*$", text, re.M)
        assert first_call and first_call.group(0).startswith("ui.setup_page("), path.name


def test_no_unsafe_html():
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or path.name == "test_architecture.py":
            continue
        assert "unsafe_allow_html=True" not in path.read_text(encoding="utf-8"), path
