"""Every page opened by its own URL as the first request on a fresh server (a deep link)."""

from __future__ import annotations

import pytest

from lossviz.lessons import HOME, LESSONS
from tests.browser.conftest import assert_no_exception, start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lesson", [HOME, *LESSONS], ids=lambda lesson: lesson.id)
def test_deep_link_on_fresh_server(browser, lesson):
    proc, url, log = start_server()
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = ctx.new_page()
        path = "" if lesson is HOME else lesson.url_path
        pg.goto(f"{url}/{path}")
        wait_for_app(pg)
        title = pg.locator("h1").first.inner_text()
        assert lesson.title.split(":")[0] in title
        assert_no_exception(pg)
        # the page's own sidebar setup ran (not skipped by a deep link)
        assert "lossviz" in pg.locator("[data-testid='stSidebar']").inner_text()
        ctx.close()
    finally:
        stop_server(proc, log)
