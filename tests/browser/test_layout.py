"""Every page on a phone (390 px) and on a projector in presenter view (1280x720).

Screenshots are saved as test artefacts (LOSSVIZ_ARTIFACTS, default artifacts/screenshots, git-ignored).
At 390 px: no horizontal scrollbar and no chart wider than the viewport. Both: no tick labels drawn over each other.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lossviz.lessons import HOME, LESSONS
from tests.browser.conftest import ROOT, assert_no_exception, overlapping_ticks, wait_for_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(os.environ.get("LOSSVIZ_ARTIFACTS", ROOT / "artifacts" / "screenshots"))
PAGES = [HOME, *LESSONS]


def _path(lesson) -> str:
    return "" if lesson is HOME else lesson.url_path


@pytest.mark.parametrize("lesson", PAGES, ids=lambda lesson: lesson.id)
def test_phone_width_has_no_horizontal_overflow(browser, server_url, lesson):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    pg = ctx.new_page()
    try:
        pg.goto(f"{server_url}/{_path(lesson)}")
        wait_for_app(pg)
        pg.wait_for_timeout(500)
        assert_no_exception(pg)
        overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scrollbar: {overflow}px"
        widths = pg.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].map(e => e.getBoundingClientRect().right)"
        )
        assert widths or lesson is HOME, "no chart on the page"
        assert max(widths, default=0) <= 390 + 0.5, f"a chart reaches {max(widths)}px on a 390px screen"
        assert overlapping_ticks(pg) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{lesson.id}-390.png"))
    finally:
        ctx.close()


def test_phone_width_wraps_the_xor_controls_and_buttons(browser, server_url):
    """On a phone the XOR page's settings sit two to a line and its buttons three to a line, so the map
    starts about 300 px higher than with every control on a line of its own."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    pg = ctx.new_page()
    try:
        pg.goto(f"{server_url}/XOR_Training")
        wait_for_app(pg)
        top = {
            key: pg.locator(f".st-key-{key}").bounding_box()["y"]
            for key in (
                "xor_dataset",
                "xor_hidden",
                "xor_activation",
                "xor_play",
                "xor_step1",
                "xor_stepn",
                "xor_reset",
            )
        }
        assert top["xor_dataset"] == top["xor_hidden"] < top["xor_activation"]
        assert top["xor_play"] == top["xor_step1"] == top["xor_stepn"] < top["xor_reset"]
        for key in ("xor_play", "xor_stepn", "xor_reset", "xor_new"):  # every label whole, none cut by an ellipsis
            button = pg.locator(f".st-key-{key} button[data-testid^='stBaseButton']").first
            assert button.evaluate("b => b.scrollWidth <= b.clientWidth"), key
    finally:
        ctx.close()


@pytest.mark.parametrize("lesson", PAGES, ids=lambda lesson: lesson.id)
def test_presenter_view_on_a_projector(browser, server_url, lesson):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = ctx.new_page()
    try:
        pg.goto(f"{server_url}/{_path(lesson)}?present=1")
        wait_for_app(pg)
        assert_no_exception(pg)
        # presenter view: sidebar collapsed, larger type
        assert not pg.locator("[data-testid='stSidebar']").is_visible() or (
            pg.locator("[data-testid='stSidebar']").bounding_box()["width"] < 50
        )
        assert pg.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 20
        assert overlapping_ticks(pg) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{lesson.id}-present-1280x720.png"))
    finally:
        ctx.close()


def test_hide_flag_hides_controls_in_the_browser(browser, server_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = ctx.new_page()
    try:
        pg.goto(f"{server_url}/Loss_Explorer?hide=eps,dtype&p=0.01")
        wait_for_app(pg)
        assert not pg.locator(".st-key-explorer_eps").is_visible()
        assert not pg.locator(".st-key-explorer_dtype").is_visible()
        assert pg.locator(".st-key-explorer_p").is_visible()
        assert pg.locator("[data-testid='stMetricValue']").first.inner_text() == "4.605"
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_share_dialog_qr_code_fits_the_screen(browser, server_url, width):
    """The QR code is whole on a phone (a fixed 460 px cut off its right-hand corner square at 390 px)
    and large on a laptop, to scan off a projector."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    pg = ctx.new_page()
    try:
        pg.goto(f"{server_url}/{LESSONS[0].url_path}?p=0.3")
        wait_for_app(pg)
        if width < 640:
            pg.locator("[data-testid='stExpandSidebarButton']").click()
        pg.get_by_role("button", name="Share this view").click()
        img = pg.locator("[role='dialog'] [data-testid='stImage'] img")
        img.wait_for()
        pg.wait_for_function("() => document.querySelector(\"[role='dialog'] [data-testid='stImage'] img\").complete")
        box = img.bounding_box()
        dialog = pg.locator("[role='dialog']").bounding_box()
        assert box["x"] >= dialog["x"] and box["x"] + box["width"] <= min(width, dialog["x"] + dialog["width"]) + 0.5
        assert abs(box["width"] - box["height"]) < 2  # square, not squeezed
        assert box["width"] >= (460 if width > 640 else 0.75 * width), box
        caption = pg.locator("[role='dialog'] [data-testid='stImage'] [data-testid='stImageCaption']")
        assert caption.evaluate("c => c.scrollWidth <= c.clientWidth + 1")  # "Scan to open this exact view" whole
    finally:
        ctx.close()
