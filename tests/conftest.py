"""Shared test helpers: paths and an AppTest factory that resolves from the project root."""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture
def make_app():
    return app_test
