"""AppTest smoke tests: the home page and every page render without an exception."""

from __future__ import annotations

import pytest

from lossviz.lessons import LESSONS
from tests.conftest import PAGES, ROOT, app_test, plain_code


def test_home_page_renders_formula_and_a_card_per_lesson():
    at = app_test("app.py")
    assert not at.exception
    assert at.title[0].value.startswith("📉 lossviz")
    assert any("\\mathrm{BCE}" in el.value for el in at.latex)
    # a card per lesson, in order, plus the footer's "Next:" link
    links = [el.proto.page for el in at.main.get("page_link")]
    assert links == [lesson.url_path for lesson in LESSONS] + [LESSONS[0].url_path]


@pytest.mark.parametrize("page", ["app.py", *PAGES])
def test_sidebar_navigation_names_every_page_in_order(page):
    """lossviz draws the navigation (Streamlit's own would label the home page "app", its file name)."""
    at = app_test(page)
    links = at.sidebar.get("page_link")
    assert [el.proto.page for el in at.get_by_key("lv_nav").get("page_link")] == [el.proto.page for el in links]
    assert [el.proto.page for el in links] == ["", *(lesson.url_path for lesson in LESSONS)]
    assert [el.proto.label for el in links] == [
        "Home",
        "1. Loss Explorer",
        "2. The log(0) black hole",
        "3. Why MSE fails with a sigmoid",
        *(f"{i}. {lesson.title}" for i, lesson in enumerate(LESSONS[3:], start=4)),
    ]


def test_streamlit_own_navigation_is_off():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showSidebarNavigation"] is False


def test_every_lesson_file_exists_and_is_a_page():
    assert sorted(lesson.file for lesson in LESSONS) == PAGES
    for lesson in LESSONS:
        assert (ROOT / lesson.file).exists()


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page):
    at = app_test(page)
    assert not at.exception, at.exception[0].message if at.exception else ""
    assert at.title, f"{page} has no title"


def _plain_code_script():
    from lossviz import ui

    ui.plain_code("t", ["http://h/P?a=1&b=`x`", "bell\x07 *not bold* <b>not html</b>"])


def test_plain_code_shows_text_literally():
    """Inline code shows markdown and HTML as typed; only a backtick (which would end it) and an
    unprintable character change, to %60 and ?, so a link stays a working link."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_plain_code_script, default_timeout=30).run()
    (md,) = at.get_by_key("lv_code_t").markdown
    assert md.value == "`http://h/P?a=1&b=%60x%60`  \n`bell? *not bold* <b>not html</b>`"
    assert plain_code(at, "t") == ["http://h/P?a=1&b=%60x%60", "bell? *not bold* <b>not html</b>"]
    assert not md.proto.allow_html
