"""Hosting readiness: a served app writes nothing into its own folder (Community Cloud's is read-only
in spirit, and replicas must not depend on local files), and downloads nothing at run time."""

from __future__ import annotations

import os

import pytest

from lossviz.lessons import LESSONS
from tests.browser.conftest import ROOT, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser
SKIP_DIRS = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "artifacts", ".venv", "venv"}


def _tree() -> dict[str, float]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for f in filenames:
            p = os.path.join(dirpath, f)
            out[os.path.relpath(p, ROOT)] = os.stat(p).st_mtime_ns
    return out


def test_serving_every_page_writes_nothing_to_the_app_folder(browser):
    before = _tree()
    proc, url, log = start_server()
    requests = []
    try:
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.on("request", lambda r: requests.append(r.url))
        for lesson in LESSONS:
            pg.goto(f"{url}/{lesson.url_path}")
            wait_for_app(pg)
        pg.get_by_role("button", name="Share this view").click()
        pg.wait_for_selector("[role='dialog'] img")
        ctx.close()
    finally:
        stop_server(proc, log)
    after = _tree()
    assert sorted(set(after) ^ set(before)) == [] and [k for k in before if before[k] != after[k]] == []
    outside = sorted({r.split("/")[2] for r in requests if r.startswith("http") and "127.0.0.1" not in r})
    assert outside == [], f"the page fetched from other hosts: {outside}"
