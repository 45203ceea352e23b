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


def _highlighted(nav) -> list[str]:
    """The labels of the navigation's links drawn with a background (Streamlit marks the open page so)."""
    return nav.get_by_role("link").evaluate_all(
        """links => links
             .filter(a => !['rgba(0, 0, 0, 0)', 'transparent'].includes(getComputedStyle(a).backgroundColor))
             .map(a => a.innerText.trim().split('\\n').pop())"""
    )


def test_sidebar_navigation_walks_the_lessons(page, server_url):
    """The sidebar's links (lossviz's own navigation) open each page and mark the one open."""
    page.goto(f"{server_url}/")
    wait_for_app(page)
    nav = page.locator(".st-key-lv_nav")
    names = ["Home", *(f"{i}. {lesson.title}" for i, lesson in enumerate(LESSONS, start=1))]
    # each link: its icon, then its label
    assert [text.split("\n")[-1] for text in nav.get_by_role("link").all_inner_texts()] == names
    assert _highlighted(nav) == ["Home"]
    assert "app" not in page.locator("[data-testid='stSidebar']").inner_text().split()  # Streamlit's own nav is off
    for name, lesson in zip(names[1:], LESSONS, strict=True):
        nav.get_by_role("link", name=name).click()
        page.wait_for_url(f"**/{lesson.url_path}")
        wait_for_app(page)
        assert lesson.title in page.locator("h1").first.inner_text()
        assert _highlighted(nav) == [name]
        assert_no_exception(page)
    nav.get_by_role("link", name="Home").click()
    page.wait_for_url(f"{server_url}/")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().endswith(HOME.title)


def test_sidebar_navigation_titles_whole_in_presenter_view(page, server_url):
    """In presenter view's larger type a long title wraps onto a second line, not "3. Why MSE fails with a si…"."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server_url}/{LESSONS[2].url_path}?present=1")
    wait_for_app(page)
    page.locator("[data-testid='stExpandSidebarButton']").click()  # presenter view starts with it collapsed
    nav = page.locator(".st-key-lv_nav")
    nav.wait_for()
    cut = nav.get_by_role("link").evaluate_all(
        "links => links.flatMap(a => [...a.querySelectorAll('span, p')])"  # the label, not the emoji icon
        ".filter(e => e.tagName === 'P' || e.querySelector('p'))"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"
    )
    assert cut == []
    heights = nav.get_by_role("link").evaluate_all("links => links.map(a => a.getBoundingClientRect().height)")
    assert heights[3] > 1.5 * heights[0]  # "3. Why MSE fails with a sigmoid" on two lines, "Home" on one
