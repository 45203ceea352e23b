"""AppTest of the Loss Explorer page: every readout equals the core, the URL drives and records the state.

Run as a script for the rerun benchmark (server time of a p-slider move):
``python -m tests.test_page_explorer``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import lossviz as lv
from lossviz import explorer as ex
from lossviz.figures.frames import unpack
from lossviz.params import format_number
from lossviz.ui import preview
from tests.conftest import app_test, chart_specs, component_data, plain_code, plotly_array

PAGE = "pages/1_Loss_Explorer.py"
KEY = {name: f"explorer_{name}" for name in ("p", "y", "eps", "dtype", "hinge", "logy", "preset")}


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected(y, p, eps=1e-15, dtype="float64") -> dict[str, str]:
    """The readouts straight from lossviz.losses (not through lossviz.explorer)."""
    z = lv.logit([p])
    inside = 0 < p < 1
    return {
        "BCE": format_number(lv.bce([y], [p], eps=eps, dtype=dtype)),
        "MSE": format_number(lv.mse([y], [p])),
        "hinge": format_number(lv.hinge([y], z)),
        "logit z": format_number(z[0]),
        "∂BCE/∂p": format_number(lv.bce_grad_p([y], [p], eps=eps)[0]),
        "∂MSE/∂p": format_number(lv.mse_grad_p([y], [p])[0]),
        "∂BCE/∂z": format_number(lv.bce_grad_z([y], z, eps=eps)[0]) if inside else "n/a",
        "∂MSE/∂z": format_number(lv.mse_grad_z([y], z)[0]) if inside else "n/a",
        "∂hinge/∂z": format_number(lv.hinge_grad_score([y], z)[0]),
    }


def assert_readouts(at, y, p, eps=1e-15, dtype="float64"):
    assert not at.exception, at.exception[0].message if at.exception else ""
    got = metrics(at)
    assert {k: got[k] for k in expected(y, p)} == expected(y, p, eps, dtype)


def charts(at) -> list[dict]:
    return chart_specs(at)


def markers(spec) -> list[dict]:
    """The marker shapes at the slider's p (figures.explorer draws them as layout shapes)."""
    return [s for s in spec["layout"]["shapes"] if s.get("name", "").endswith(" at p")]


def marker_xs(spec) -> list[float]:
    return [s["xanchor"] for s in markers(spec)]


# ------------------------------------------------------------------ defaults, controls, URL


def test_defaults_readouts_and_charts_equal_the_core():
    at = app_test(PAGE)
    assert_readouts(at, 1, 0.7)
    assert not at.warning and not at.error
    specs = charts(at)
    assert len(specs) == 3
    sel = specs[0]  # y = 1 panel, selected: curves equal the core and a marker at p
    assert "selected" in sel["layout"]["title"]["text"]
    c = ex.curves(1e-15)
    bce = next(t for t in sel["data"] if t["name"] == "BCE")
    np.testing.assert_array_equal(plotly_array(bce["x"]), c.p)
    np.testing.assert_array_equal(plotly_array(bce["y"]), lv.bce(np.ones(500), c.p, reduction="none"))
    m = markers(sel)
    assert [s["name"] for s in m] == ["BCE at p", "MSE at p", "hinge at p"]
    assert marker_xs(sel) == [0.7] * 3
    assert [s["yanchor"] for s in m] == [lv.bce([1], [0.7]), lv.mse([1], [0.7]), lv.hinge([1], lv.logit([0.7]))]
    assert not markers(specs[1])  # y = 0 panel: line only
    assert marker_xs(specs[2]) == [0.7] * 3  # gradient panel
    assert plain_code(at, "explorer_link") == ["/Loss_Explorer"]  # defaults: a short link
    text = " ".join(md.value for md in at.markdown)
    assert f"p ≥ {format_number(lv.sigmoid(1.0))} for y = 1" in text  # hinge's margin, from the core
    assert f"MSE with {format_number(lv.mse_grad_z([1], [-10.0])[0])}, 11,014 times weaker" in text
    assert len(at.download_button) == 1


def test_each_control_changes_the_readouts_to_the_cores_values():
    at = app_test(PAGE)
    misses = ex._curves.cache_info().misses
    at.select_slider(key=KEY["p"]).set_value(0.01).run()
    assert_readouts(at, 1, 0.01)
    assert ex._curves.cache_info().misses == misses  # a p move recomputes no curve
    assert marker_xs(charts(at)[0]) == [0.01] * 3
    assert at.query_params == {"p": "0.01"}

    at.segmented_control(key=KEY["y"]).set_value(0).run()
    assert_readouts(at, 0, 0.01)
    assert "selected" in charts(at)[1]["layout"]["title"]["text"]

    at.select_slider(key=KEY["eps"]).set_value(0.1).run()  # the clip bites: BCE flat, gradient 0
    assert_readouts(at, 0, 0.01, eps=0.1)
    assert metrics(at)["∂BCE/∂z"] == "0"

    at.select_slider(key=KEY["p"]).set_value(1.0).run()
    at.selectbox(key=KEY["dtype"]).select("float32").run()
    at.select_slider(key=KEY["eps"]).set_value(1e-15).run()
    assert_readouts(at, 0, 1.0, dtype="float32")
    assert metrics(at)["BCE"] == "inf"
    assert any("float32 rounds the clip's upper bound 1 − 1e-15 to exactly 1.0" in c.value for c in at.caption)
    assert any("Not drawn at this p: BCE = inf" in c.value for c in at.caption)
    assert at.query_params == {"p": "1.0", "y": "0", "dtype": "float32"}
    assert plain_code(at, "explorer_link") == ["/Loss_Explorer?p=1.0&y=0&dtype=float32"]

    at.toggle(key=KEY["hinge"]).set_value(False).run()
    at.toggle(key=KEY["logy"]).set_value(True).run()
    specs = charts(at)
    assert [t["name"] for t in specs[0]["data"] if t.get("mode") == "lines"] == ["BCE", "MSE"]
    assert specs[0]["layout"]["yaxis"]["type"] == "log"
    assert at.query_params["hinge"] == "0" and at.query_params["logy"] == "1"


def test_deep_link_opens_with_its_values():
    at = app_test(PAGE, query={"p": "0.999999999999", "y": "1", "eps": "1e-12", "dtype": "float32"})
    assert not at.warning
    assert at.select_slider(key=KEY["p"]).value == 0.999999999999
    assert at.select_slider(key=KEY["eps"]).value == 1e-12
    assert_readouts(at, 1, 0.999999999999, eps=1e-12, dtype="float32")
    assert metrics(at)["BCE"] == "nan"
    assert any("0 · (−∞) = nan" in c.value for c in at.caption)


def test_float64_clip_that_rounds_to_one_explains_bce_and_its_gradient():
    at = app_test(PAGE, query={"p": "1", "y": "0", "eps": "1e-20"})
    assert_readouts(at, 0, 1.0, eps=1e-20)
    m = metrics(at)
    assert (m["BCE"], m["∂BCE/∂p"], m["∂BCE/∂z"]) == ("inf", "inf", "n/a")
    captions = [c.value for c in at.caption]
    assert any("float64 rounds the clip's upper bound 1 − 1e-20 to exactly 1.0" in c for c in captions)
    assert any(c.startswith("**∂BCE/∂p:**") and "divides by 0" in c for c in captions)


@pytest.mark.parametrize(
    ("query", "notices"),
    [
        ({"p": "abc", "y": "2", "eps": "-1"}, ["p=abc ignored", "y=2 ignored", "eps=\\-1 ignored"]),
        ({"p": "7", "dtype": "float8"}, ["p=7 ignored", "dtype=float8 ignored"]),
    ],
)
def test_bad_url_values_fall_back_with_a_visible_notice(query, notices):
    at = app_test(PAGE, query=query)
    assert not at.exception
    assert len(at.warning) == 1 and all(n in at.warning[0].value for n in notices)
    assert_readouts(at, 1, 0.7)
    assert at.query_params == {}  # the bad values are dropped from the URL


# ------------------------------------------------------------------ the lessons' examples


def test_presets_fill_the_table_and_match_the_lessons_numbers():
    at = app_test(PAGE)
    lesson = {
        "near_perfect": "0.01005033585350145",
        "good": "0.164252033486018",
        "bad": "1.854645225687032",
        "arrogant": "34.53904292738741",
    }
    for preset in ex.PRESETS:
        at.radio(key=KEY["preset"]).set_value(preset.id).run()
        assert metrics(at)["mean BCE (all digits)"] == lesson[preset.id]
        editor, results = at.dataframe[0].value, at.dataframe[1].value
        assert editor["y"].tolist() == list(preset.y) and editor["p"].tolist() == list(preset.p)
        per_sample = lv.bce(preset.y, preset.p, reduction="none")
        assert results["BCE"].tolist() == [format_number(v, 6) for v in per_sample]
        assert metrics(at)["mean MSE"] == format_number(lv.mse(preset.y, preset.p))
    at.radio(key=KEY["preset"]).set_value("arrogant").run()
    at.select_slider(key=KEY["eps"]).set_value(1e-12).run()
    assert metrics(at)["mean BCE (all digits)"] == "27.631028489916815"
    at.selectbox(key=KEY["dtype"]).select("float32").run()
    assert metrics(at)["mean BCE (all digits)"] == "inf"
    assert at.dataframe[1].value["BCE"].tolist()[1] == "inf"
    # the losses are text ("inf", 6 digits), aligned right like the numbers in the editor beside them
    config = json.loads(at.dataframe[1].proto.columns)
    assert {name: config[name]["alignment"] for name in ("p", "BCE", "MSE")} == dict.fromkeys(
        ("p", "BCE", "MSE"), "right"
    )


def test_switching_preset_and_editing_the_table():
    at = app_test(PAGE)
    at.radio(key=KEY["preset"]).set_value("good").run()
    assert metrics(at)["mean BCE (all digits)"] == "0.164252033486018"
    assert at.query_params == {"preset": "good"}

    at.session_state["explorer_table_good"] = {"edited_rows": {1: {"p": 1.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "row 2, column p" in at.error[0].value
    assert metrics(at)["mean BCE (all digits)"] == "0.164252033486018"  # the last valid table stays

    at.session_state["explorer_table_good"] = {"edited_rows": {1: {"p": 0.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.error
    assert metrics(at)["mean BCE (all digits)"] == repr(lv.bce([0, 1, 1, 0], [0.1, 0.5, 0.8, 0.2]))

    at.session_state["explorer_table_good"] = {"edited_rows": {}, "added_rows": [{"y": 1}], "deleted_rows": [0]}
    at.run()
    assert "row 4, column p is empty" in at.error[0].value
    assert metrics(at)["mean BCE (all digits)"] == repr(lv.bce([0, 1, 1, 0], [0.1, 0.5, 0.8, 0.2]))


# ------------------------------------------------------------------ benchmark (not a test)


def benchmark(moves: int = 70) -> None:
    """Server time of a p-slider rerun: wall and script-thread CPU time of ScriptRunner._run_script.

    AppTest recompiles the page on every run (the server compiles it once), so the
    benchmark shares one script cache, as the server does.
    """
    import statistics
    import time

    import streamlit.testing.v1.app_test as apt
    from streamlit.runtime.scriptrunner import script_runner as sr
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    apt.ScriptCache = lambda: shared
    wall, cpu = [], []
    run = sr.ScriptRunner._run_script

    def timed(self, rerun_data):
        t, c = time.perf_counter(), time.thread_time()
        try:
            return run(self, rerun_data)
        finally:
            wall.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)

    sr.ScriptRunner._run_script = timed
    at = app_test(PAGE)
    values = [0.01, 0.02, 0.5, 0.7, 0.99, 1e-12, 0.0]
    wall.clear()
    cpu.clear()
    for i in range(moves):
        at.select_slider(key=KEY["p"]).set_value(values[i % len(values)]).run()
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    print(f"p-slider rerun, {moves} moves: median {ms(wall):.1f} ms wall, {ms(cpu):.1f} ms CPU of the script thread")


if __name__ == "__main__":
    benchmark()


def test_predict_then_reveal_hides_until_a_guess():
    at = app_test("pages/1_Loss_Explorer.py", {"predict": "1", "p": "0.1", "y": "1"})
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["BCE"] == "?" and values["MSE"] == "?" and values["hinge"] == "?"
    assert any("appear once you have committed your guess" in i.value for i in at.info)
    charts_hidden = len(chart_specs(at))
    at.number_input(key="_lv_gin_explorer").set_value(1.5)
    [b for b in at.button if b.label == "Commit my guess"][0].click().run()
    bce = next(m for m in at.metric if m.label == "BCE")
    assert bce.value == lv.params.format_number(lv.bce([1], [0.1])) == "2.303"
    assert "you guessed 1.5" in bce.delta
    assert len(chart_specs(at)) == charts_hidden + 1  # the selected label's panel is back
    # a new p asks again
    at.select_slider(key="explorer_p").set_value(0.2).run()
    assert next(m for m in at.metric if m.label == "BCE").value == "?"


def test_charts_redrawn_by_p_use_fixed_margins_except_in_presenter_view():
    """Plotly's automargin costs a second layout pass per redraw: off for the charts p redraws,
    back on in presenter view, whose larger type needs the room."""
    for query, auto in (({}, False), ({"present": "1"}, True)):
        at = app_test(PAGE, query=query)
        for spec in charts(at):
            assert spec["layout"]["xaxis"]["automargin"] is auto and spec["layout"]["yaxis"]["automargin"] is auto
            assert spec["layout"]["margin"]["l"] >= 72


# ------------------------------------------------------------------ a move of p drawn in the browser at once


def preview_payload(at) -> dict:
    """What lossviz.ui.preview sent the browser for the p slider (one component, or an error)."""
    (data,) = component_data(at, preview.COMPONENT)
    assert data["slider"] == KEY["p"]
    readouts = {}
    for labels, values in data["readouts"]:
        (label,) = labels  # no label on this page changes with p
        readouts[label] = values
    return {**data, "readouts": readouts, "charts": json.loads(data["charts"])}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"y": "0", "eps": "1e-12", "dtype": "float32"},
        {"hinge": "0", "logy": "1"},
        {"y": "0", "logy": "1", "present": "1"},
    ],
)
def test_what_the_browser_draws_at_each_position_is_what_the_rerun_draws(query):
    """Two paths to the same screen: the frames sent once for every position of p (drawn by the browser
    the moment p moves), and the page rerun at that p (which the browser draws after it)."""
    at = app_test(PAGE, query=query)
    sent = preview_payload(at)
    assert sent["size"] == len(ex.P_GRID)
    for p in (0.0, 1e-16, 0.01, 0.3, 0.7, 0.999, 1 - 1e-16, 1.0):
        at.select_slider(key=KEY["p"]).set_value(p).run()
        assert not at.exception
        assert preview_payload(at) == sent  # p is not in it: the browser keeps the one it has
        i = ex.P_GRID.index(p)
        shown = metrics(at)
        assert {label: texts[i] for label, texts in sent["readouts"].items()} == {k: shown[k] for k in sent["readouts"]}
        assert len(sent["readouts"]) == 9
        for key, spec in zip(("explorer_loss_y1", "explorer_loss_y0", "explorer_grad"), charts(at), strict=True):
            patch = unpack(sent["charts"][key], i)
            assert patch == {"shapes": spec["layout"]["shapes"], "yaxis.range": spec["layout"]["yaxis"]["range"]}, (
                key,
                p,
            )


def test_frames_change_with_the_other_controls_and_are_not_sent_while_a_guess_is_pending():
    at = app_test(PAGE)
    first = preview_payload(at)
    at.segmented_control(key=KEY["y"]).set_value(0).run()
    assert preview_payload(at)["readouts"]["BCE"][ex.P_GRID.index(0.7)] == format_number(lv.bce([0], [0.7]))
    assert preview_payload(at) != first
    at.toggle(key="explorer_predict").set_value(True).run()
    assert component_data(at, preview.COMPONENT) == []  # the readouts wait for the student's guess


def test_frames_refuse_a_readout_or_chart_with_the_wrong_number_of_positions():
    with pytest.raises(ValueError, match="readout 'BCE' has 2 positions; the slider has 3"):
        preview.frames(3, readouts={"BCE": ["1", "2"]}, charts={})
    with pytest.raises(ValueError, match="chart 'c' has 4 positions; the slider has 3"):
        preview.frames(3, readouts={}, charts={"c": [{}] * 4})
    with pytest.raises(ValueError, match="label of readout .* has 2 positions; the slider has 3"):
        preview.frames(3, readouts={("a", "b"): ["1", "2", "3"]}, charts={})


def test_a_label_that_moves_is_sent_at_every_position_and_a_fixed_one_once():
    sent = preview.frames(2, readouts={"BCE": [1, 2], ("eps = 1", "eps = 2"): ["a", "b"]}, charts={})
    assert sent["readouts"] == [[["BCE"], ["1", "2"]], [["eps = 1", "eps = 2"], ["a", "b"]]]
