"""Classroom mode: share links, QR codes that decode to the exact URL, hide/presenter flags, theme contrast."""

from __future__ import annotations

import io
import tomllib

import numpy as np
import pytest
from PIL import Image

from lossviz import ui
from lossviz.share import MAX_URL, contrast_ratio, hidden_names, qr_png, share_url, shared_query
from tests.conftest import ROOT, app_test

zxingcpp = pytest.importorskip("zxingcpp")


def test_share_url_keeps_order_and_escapes():
    url = share_url("https://x.streamlit.app/Loss_Explorer?old=1", {"p": "0.01", "y": "1", "hide": "eps,dtype"})
    assert url == "https://x.streamlit.app/Loss_Explorer?p=0.01&y=1&hide=eps%2Cdtype"
    with pytest.raises(ValueError, match="at most 2000"):
        share_url("https://x/", {"a": "b" * MAX_URL})


@pytest.mark.parametrize(
    "url",
    [
        "https://lossviz.streamlit.app/Loss_Explorer?p=0.01&y=1",
        "http://127.0.0.1:8501/XOR_Training?present=1&hide=lr%2Cepochs&seed=3&optimizer=adam&lr=0.01&epochs=1000",
    ],
)
def test_qr_code_decodes_to_the_exact_url(url):
    img = Image.open(io.BytesIO(qr_png(url, scale=12)))
    assert img.width >= 12 * 25  # large modules, scannable from the back of a room
    found = zxingcpp.read_barcodes(np.asarray(img.convert("L")))
    assert [r.text for r in found] == [url]


def test_shared_link_leaves_presenter_view_out():
    # the QR code on the projector opens the same settings on each student's phone, in the normal view
    assert shared_query({"present": "1", "hide": "eps", "p": "0.01"}) == {"hide": "eps", "p": "0.01"}
    at = app_test("pages/4_XOR_Training.py", {"present": "1", "hide": "lr", "seed": "3"})
    at.button(key="_lv_share_xor").click().run()
    assert [c.value for c in at.code] == ["?hide=lr&seed=3"]
    assert any("leaves presenter view out" in c.value for c in at.caption)
    assert at.query_params["present"] == "1"  # the presenter's own page keeps it
    plain = app_test("pages/4_XOR_Training.py", {"seed": "3"})
    plain.button(key="_lv_share_xor").click().run()
    assert [c.value for c in plain.code] == ["?seed=3"]
    assert not any("presenter" in c.value for c in plain.caption)


def test_hide_flag_parsing_is_strict():
    assert hidden_names("eps, dtype,EPS,,") == (["eps", "dtype"], [])
    names, rejected = hidden_names("eps,</style><script>,a b,x" + "y" * 40)
    assert names == ["eps"] and len(rejected) == 3


def test_presenter_and_hide_in_app():
    at = app_test("pages/4_XOR_Training.py", {"present": "1", "hide": "lr,epochs,}{bad"})
    assert not at.exception
    assert at.session_state["_lv_presenting"] is True and at.toggle(key="_lv_present").value is True
    style = next(h.proto.body for h in at.get("html") if "<style>" in h.proto.body)
    assert ".st-key-xor_lr { display: none" in style and ".st-key-xor_epochs" in style
    assert "}{bad" not in style
    assert any("not a control name" in w.value for w in at.warning)
    # the flags stay in the URL while the page's own settings change
    at.selectbox(key="xor_optimizer").select("adam").run()
    assert at.query_params["present"] == "1" and at.query_params["hide"] == "lr,epochs,}{bad"
    at.toggle(key="_lv_present").set_value(False).run()
    assert "present" not in at.query_params


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_both_themes_pass_wcag_aa(mode):
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"][mode]
    assert contrast_ratio(theme["textColor"], theme["backgroundColor"]) >= 4.5
    assert contrast_ratio(theme["textColor"], theme["secondaryBackgroundColor"]) >= 4.5
    # the primary colour is text too (slider values, the selected tab and segment, links): AA on the page
    assert contrast_ratio(theme["primaryColor"], theme["backgroundColor"]) >= 4.5
    # Streamlit draws primary buttons' labels (Play) in white in both themes, on the primary colour
    # that BASE_CSS shades darker: AA there too (unshaded, the dark theme's sky blue is 2.3:1)
    shade = ui.PRIMARY_BUTTON_SHADE
    assert f"rgba(0, 0, 0, {shade})" in ui.BASE_CSS
    rgb = [int(theme["primaryColor"][i : i + 2], 16) for i in (1, 3, 5)]
    shaded = "#" + "".join(f"{round(c * (1 - shade)):02x}" for c in rgb)
    assert contrast_ratio("#FFFFFF", shaded) >= 4.5


def test_contrast_ratio_known_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
