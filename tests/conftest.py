"""Shared test helpers: paths and an AppTest factory that resolves from the project root."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def app_test(path: str, query: dict | None = None, timeout: float = 30) -> AppTest:
    """An AppTest on ``path`` (relative to the project root) with ``query`` in the URL, run once.

    A page under pages/ is reached as Streamlit reaches it: the entrypoint runs
    first, then ``switch_page`` (AppTest resolves page paths from app.py).
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if path != "app.py":
        for k, v in (query or {}).items():  # a deep link: the query is there from the session's first run
            at.query_params[k] = v
        at.run()
        at.switch_page(path)
        at.query_params.clear()
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


@pytest.fixture
def make_app():
    return app_test
