"""The bad-file corpus for weights JSON: each file's message, in the core and on the XOR page,
with the page's previous state unchanged; plus Play/Reset/page-switch/upload-twice consistency."""

from __future__ import annotations

import pytest

import lossviz as lv
from lossviz.params import md_escape
from lossviz.weights_io import MAX_BYTES, weights_to_json
from tests.conftest import ROOT, app_test

BAD = ROOT / "tests" / "data" / "bad"
PAGE = "pages/4_XOR_Training.py"
EXPECTED = {
    "weights_empty.json": "the file is empty",
    "weights_not_json.json": "not valid JSON: Expecting value at line 1, column 1",
    "weights_nested.json": "nested 64 levels deep; weights need at most 4",
    "weights_bomb.json": "nested 5001 levels deep",
    "weights_wrong_shape.json": "params['W1'] has shape (1, 3); expected (2, 3)",
    "weights_nan.json": "contains NaN, which is not a number a network weight can have",
    "weights_text_in_number.json": "b1 has a non-numeric entry at position 1: 'zero'",
    "weights_missing_key.json": "the weights are missing W2",
    "weights_latin1.json": "not UTF-8 text",
    "weights_array.json": "must be an object with keys W1, b1, W2, b2; got a list",
    "binary.bin": "binary, not a JSON text file",
}


def metrics(at):
    return {m.label: m.value for m in at.metric}


def _epoch(m) -> int:
    return int(m["Epoch"].split("/")[0].replace(",", ""))


def test_corpus_is_complete():
    assert {p.name for p in BAD.glob("weights_*.json")} == {k for k in EXPECTED if k.startswith("weights_")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_weights_file_has_its_message(name):
    with pytest.raises(ValueError) as info:
        lv.weights_from_json((BAD / name).read_bytes())
    assert EXPECTED[name] in str(info.value)


def test_too_large_weights_file():
    with pytest.raises(ValueError, match=f"at most {MAX_BYTES:,} bytes"):
        lv.weights_from_json(b" " * (MAX_BYTES + 1))


def test_bad_files_on_the_page_leave_the_state_as_it_was():
    at = app_test(PAGE, {"seed": "3", "epochs": "1000"})
    at.button(key="xor_stepn").click().run()
    before = metrics(at)
    for name, message in EXPECTED.items():
        at.file_uploader(key="xor_upload").set_value((name, (BAD / name).read_bytes(), "application/json"))
        at.run()
        assert not at.exception
        shown = [e.value for e in at.error]  # user-derived text is escaped for markdown on the page
        assert any(md_escape(message, 10_000) in s and md_escape(name, 10_000) in s for s in shown), (name, shown)
        assert metrics(at) == before, name
        assert at.number_input(key="xor_seed").value == 3


def test_same_weights_uploaded_twice_applies_once():
    X, y = lv.xor()
    data = weights_to_json(lv.train(X, y, epochs=1, seed=9).initial_params, activation="tanh").encode()
    at = app_test(PAGE)
    at.file_uploader(key="xor_upload").set_value(("w.json", data, "application/json")).run()
    at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == "100 / 5,000"
    at.run()  # the uploader still holds the file: nothing is re-applied, the epoch stays
    assert metrics(at)["Epoch"] == "100 / 5,000" and not at.exception


def test_play_twice_reset_during_play_and_page_switch_during_play():
    at = app_test(PAGE)
    at.button(key="xor_play").click().run()
    at.button(key="xor_play").click().run()  # a second press pauses: a toggle, never two timers
    assert at.button(key="xor_play").label == "▶ Play"
    paused = metrics(at)["Epoch"]
    at.run()
    assert metrics(at)["Epoch"] == paused
    at.button(key="xor_play").click().run()
    at.button(key="xor_reset").click().run()  # Reset during Play stops and goes back to 0
    assert metrics(at)["Epoch"] == "0 / 5,000" and at.button(key="xor_play").label == "▶ Play"
    at.button(key="xor_play").click().run()
    playing_at = _epoch(metrics(at))
    at.switch_page("pages/1_Loss_Explorer.py").run()  # leave during Play
    assert not at.exception
    at.switch_page(PAGE).run()
    assert not at.exception
    m = metrics(at)
    # coming back, the run has not jumped back or past the end, and the button matches the status
    assert playing_at <= _epoch(m) <= 5000
    assert (m["Status"] == "training") == (at.button(key="xor_play").label == "⏸ Pause")
    was_playing = m["Status"] == "training"
    at.button(key="xor_play").click().run()
    assert (metrics(at)["Status"] == "training") != was_playing  # Play/Pause still toggles


def test_largest_allowed_xor_settings_run_and_one_past_is_refused():
    at = app_test(PAGE, {"dataset": "spiral", "n": "500", "hidden": "8", "epochs": "20000", "noise": "0.5"})
    assert not at.exception and metrics(at)["Epoch"] == "0 / 20,000"
    at = app_test(PAGE, {"n": "501", "hidden": "9", "epochs": "40000"})
    notice = at.warning[0].value
    assert "n=501" in notice and "hidden=9" in notice and "epochs=40000" in notice
