"""AppTest for "Why MSE fails with a sigmoid": URL state, controls, readouts equal to the core, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import landscape as ls
from lossviz.params import format_number
from lossviz.ui import preview
from tests.conftest import (
    app_test,
    assert_preview_is_the_rerun,
    chart_specs,
    charts_by_key,
    component_data,
    path_points,
    plotly_array,
    preview_payload,
)

PAGE = "pages/3_Why_MSE_Fails.py"
DEFAULTS = {p.name: p.default for p in ls.PARAMS}
EDITOR = "landscape_points_{}"


def key(name: str) -> str:
    return f"landscape_{name}"


def specs(at) -> dict:
    """Every plotly chart's JSON spec, by its title."""
    out = {}
    for spec in chart_specs(at):
        out[spec["layout"]["title"]["text"]] = spec
    return out


def trace(spec: dict, name: str) -> dict:
    found = [t for t in spec["data"] if t.get("name") == name]
    assert len(found) == 1, [t.get("name") for t in spec["data"]]
    return found[0]


def expected(preset="separable", **over):
    """The core's results for a set of settings, as the page should show them."""
    s = {**DEFAULTS, "preset": preset, **over}
    x, y = ls.preset(s["preset"])
    runs = {
        name: ls.gradient_descent(x, y, loss=name, w0=s["w0"], b0=s["b0"], lr=s["lr"], steps=s["steps"])
        for name in ls.LOSSES
    }
    land = ls.loss_grid(x, y, w_range=(s["wmin"], s["wmax"]), b_range=(s["bmin"], s["bmax"]), n=s["res"])
    prof = ls.line_profile(x, y, (s["w1"], s["b1"]), (s["w2"], s["b2"]))
    return runs, land, prof


def metric_values(runs) -> list[str]:
    return [format_number(runs[n].grad_norm[0]) for n in ls.LOSSES] + [
        format_number(runs[n].loss[-1]) for n in ls.LOSSES
    ]


def assert_clean(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_defaults_show_the_plateau_and_the_core_numbers():
    at = app_test(PAGE)
    assert_clean(at)
    assert not at.warning
    runs, land, prof = expected()
    assert [m.value for m in at.metric] == metric_values(runs)
    assert at.metric[3].delta == format_number(runs["bce"].change)
    texts = [m.value for m in at.markdown]
    assert f"**{ls.plateau_sentence(runs['mse'].grad_norm[0], runs['bce'].grad_norm[0])}**" in texts
    assert ls.convexity_sentence(land) in texts and "BCE's at none of them" in ls.convexity_sentence(land)
    assert ls.profile_sentence(prof) in [c.value for c in at.caption]
    charts = specs(at)
    assert set(charts) == {
        "MSE loss over (w, b)",
        "BCE loss over (w, b)",
        "Where MSE is not convex",
        "Loss along the line A→B",
        "Loss at each step",
        "What each neuron predicts",
    }
    for name in ls.LOSSES:
        spec = charts[f"{name.upper()} loss over (w, b)"]
        assert spec["data"][0]["type"] == "contour"
        np.testing.assert_array_equal(plotly_array(spec["data"][0]["z"]), land[name].log10.astype(np.float32))
        path = next(s for s in spec["layout"]["shapes"] if s.get("name") == f"{name.upper()} path")
        np.testing.assert_allclose(path_points(path["path"]), runs[name].path, rtol=1e-8)
    heat = charts["Where MSE is not convex"]["data"][0]
    np.testing.assert_array_equal(plotly_array(heat["z"]), land["mse"].nonconvex.astype(np.uint8))


def test_deep_link_sets_every_control():
    query = {
        "preset": "overlapping",
        "view": "contour",
        "logc": "0",
        "res": "100",
        "wmin": "-12",
        "wmax": "8",
        "bmin": "-6",
        "bmax": "6",
        "w0": "-8",
        "b0": "-3",
        "lr": "0.5",
        "steps": "100",
        "w1": "-9",
        "b1": "2",
        "w2": "9",
        "b2": "-2",
    }
    at = app_test(PAGE, query=query)
    assert_clean(at)
    assert not at.warning
    assert at.selectbox(key=key("preset")).value == "overlapping"
    assert at.toggle(key=key("logc")).value is False
    assert at.select_slider(key=key("res")).value == 100
    assert at.number_input(key=key("w0")).value == -8.0 and at.number_input(key=key("b2")).value == -2.0
    assert at.select_slider(key=key("lr")).value == 0.5 and at.select_slider(key=key("steps")).value == 100
    over = {k: float(v) for k, v in query.items() if k in ("wmin", "wmax", "bmin", "bmax", "w0", "b0", "lr")}
    over.update({k: float(v) for k, v in query.items() if k in ("w1", "b1", "w2", "b2")})
    runs, land, prof = expected("overlapping", res=100, steps=100, **over)
    assert [m.value for m in at.metric] == metric_values(runs)
    spec = specs(at)["MSE loss over (w, b)"]
    z = plotly_array(spec["data"][0]["z"])
    assert z.shape == (100, 100)
    np.testing.assert_array_equal(z, land["mse"].loss.astype(np.float32))  # log colour off: the loss itself
    assert spec["layout"]["xaxis"]["range"] == [-12.0, 8.0] and spec["layout"]["yaxis"]["range"] == [-6.0, 6.0]
    assert ls.profile_sentence(prof) in [c.value for c in at.caption]


def test_bad_link_values_give_one_notice_and_defaults():
    at = app_test(PAGE, query={"res": "1000", "lr": "abc", "view": "globe", "w0": "nan", "steps": "-5"})
    assert not at.exception
    assert len(at.warning) == 1
    notice = at.warning[0].value
    for name in ("res", "lr", "view", "w0", "steps"):
        assert f"- {name}=" in notice, notice
    runs, _, _ = expected()
    assert [m.value for m in at.metric] == metric_values(runs)
    assert at.segmented_control(key=key("view")).value == "contour"


def test_controls_drive_readouts_charts_and_url():
    at = app_test(PAGE)
    at.number_input(key=key("w0")).set_value(2.0).run()
    at.select_slider(key=key("lr")).set_value(0.1).run()
    at.select_slider(key=key("steps")).set_value(50).run()
    assert_clean(at)
    runs, land, _ = expected(w0=2.0, lr=0.1, steps=50)
    assert [m.value for m in at.metric] == metric_values(runs)
    assert at.metric[2].label == "MSE after 50 steps"
    by_name = {p.name: p for p in ls.PARAMS}
    want = {"w0": 2.0, "lr": 0.1, "steps": 50}
    assert {k: at.query_params[k] for k in want} == {k: by_name[k].to_str(v) for k, v in want.items()}
    start = next(s for s in specs(at)["BCE loss over (w, b)"]["layout"]["shapes"] if s.get("name") == "start")
    assert start["xanchor"] == 2.0

    at.segmented_control(key=key("view")).set_value("3d").run()
    assert_clean(at)
    charts = specs(at)
    for name in ls.LOSSES:
        spec = charts[f"{name.upper()} loss surface"]
        assert spec["data"][0]["type"] == "surface"
        np.testing.assert_array_equal(plotly_array(spec["data"][0]["z"]), land[name].log10.astype(np.float32))
    at.toggle(key=key("logc")).set_value(False).run()
    z = plotly_array(specs(at)["BCE loss surface"]["data"][0]["z"])
    np.testing.assert_array_equal(z, land["bce"].loss.astype(np.float32))
    assert at.query_params["view"] == "3d" and at.query_params["logc"] == by_name["logc"].to_str(False)


def test_preset_switch_and_reset():
    at = app_test(PAGE, query={"w0": "3"})
    at.selectbox(key=key("preset")).select("outlier").run()
    assert_clean(at)
    runs, _, _ = expected("outlier", w0=3.0)
    assert [m.value for m in at.metric] == metric_values(runs)
    at.session_state[EDITOR.format("outlier")] = {"edited_rows": {6: {"y": 1}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_clean(at)
    assert [m.value for m in at.metric] != metric_values(runs)  # the outlier now has the label 1
    at.button(key="landscape_reset").click().run()
    assert_clean(at)
    assert at.selectbox(key=key("preset")).value == "separable" and at.number_input(key=key("w0")).value == -6.0
    assert [m.value for m in at.metric] == metric_values(expected()[0])
    assert dict(at.query_params) == {}
    at.selectbox(key=key("preset")).select("outlier").run()  # the edit is gone too
    assert [m.value for m in at.metric] == metric_values(expected("outlier")[0])


def error_text(at) -> str:
    assert not at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    return at.error[0].value.replace("\\", "")  # the message is markdown-escaped


def test_an_empty_window_or_line_is_refused_and_the_last_one_kept():
    at = app_test(PAGE)
    at.number_input(key=key("wmax")).set_value(3.0).run()
    assert_clean(at)
    assert specs(at)["MSE loss over (w, b)"]["layout"]["xaxis"]["range"] == [-10.0, 3.0]
    at.number_input(key=key("wmin")).set_value(5.0).run()
    text = error_text(at)
    assert text == "The plotted window was not changed: w_range must go from low to high; got 5 to 3."
    assert specs(at)["MSE loss over (w, b)"]["layout"]["xaxis"]["range"] == [-10.0, 3.0]

    at.number_input(key=key("wmin")).set_value(-10.0).run()
    at.number_input(key=key("w2")).set_value(-10.0).run()  # B = A = (-10, 0)
    text = error_text(at)
    assert text.startswith("The line was not changed: start and end are the same point (-10, 0)")
    _, _, prof = expected()  # the default line is still drawn
    mse = trace(specs(at)["Loss along the line A→B"], "MSE")
    np.testing.assert_allclose(plotly_array(mse["y"]), prof.loss["mse"])


BAD_EDITS = [
    ({"edited_rows": {1: {"y": 2}}, "added_rows": [], "deleted_rows": []}, "y must be a label 0 or 1; row 2 has 2"),
    ({"edited_rows": {3: {"x": None}}, "added_rows": [], "deleted_rows": []}, "x is empty in row 4"),
    ({"edited_rows": {}, "added_rows": [{"x": 0.5}], "deleted_rows": []}, "y is empty in row 7"),
]


def test_bad_point_edits_are_named_and_the_last_points_stay():
    at = app_test(PAGE)
    for edit, message in BAD_EDITS:
        at.session_state[EDITOR.format("separable")] = edit
        at.run()
        text = error_text(at)
        assert text.startswith(f"That edit was not applied: {message}"), text
        assert text.endswith("Showing the last valid points.")
        assert [m.value for m in at.metric] == metric_values(expected()[0])
    # an empty new row (just added, not filled in) is not an error
    at.session_state[EDITOR.format("separable")] = {"edited_rows": {}, "added_rows": [{}], "deleted_rows": []}
    at.run()
    assert_clean(at)


def test_good_point_edits_change_the_landscape():
    at = app_test(PAGE)
    edit = {"edited_rows": {0: {"x": -1.5}}, "added_rows": [{"x": 0.5, "y": 1}, {}], "deleted_rows": [5]}
    at.session_state[EDITOR.format("separable")] = edit
    at.run()
    assert_clean(at)
    x, y = np.array([-1.5, -2, -1, 1, 2, 0.5]), np.array([0, 0, 0, 1, 1, 1.0])
    runs = {name: ls.gradient_descent(x, y, loss=name, w0=-6.0, b0=1.0, lr=1.0, steps=200) for name in ls.LOSSES}
    assert [m.value for m in at.metric] == metric_values(runs)
    data = trace(specs(at)["What each neuron predicts"], "data (label)")
    np.testing.assert_allclose(plotly_array(data["x"]), x)


# ------------------------------------------------------------------ a move of lr drawn in the browser at once


def lr_preview(at) -> dict:
    return preview_payload(at, key("lr"))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"preset": "overlapping", "steps": "50", "logc": "0"},
        {"preset": "outlier", "w0": "3", "b0": "-2", "steps": "500", "present": "1"},
    ],
)
def test_what_the_browser_draws_at_each_lr_is_what_the_rerun_draws(query):
    """The frames sent once for every learning rate (drawn the moment lr moves), set on the charts of
    the position before, equal the page rerun at that lr: readouts, maps' paths, curves and fits."""
    at = app_test(PAGE, query=query)
    assert_clean(at)
    sent = lr_preview(at)
    assert sent["size"] == len(ls.LR_GRID)
    assert set(sent["charts"]) == {"landscape_map_mse", "landscape_map_bce", "landscape_descent", "landscape_fit"}
    assert len(sent["readouts"]) == 2
    for lr in (0.01, 100.0, 0.5, 20.0, ls.LR_GRID[0]):
        before = charts_by_key(at)
        at.select_slider(key=key("lr")).set_value(lr).run()
        assert_clean(at)
        assert lr_preview(at) == sent  # lr is not in it: the browser keeps the one it has
        assert_preview_is_the_rerun(at, sent, ls.LR_GRID.index(lr), before)
    # the readouts are the core's, straight from lossviz.landscape.gradient_descent
    s = {**DEFAULTS, **{k: type(DEFAULTS[k])(v) for k, v in query.items() if k in DEFAULTS}}
    x, y = ls.preset(s["preset"])
    for i in (0, 6, 12):
        run = ls.gradient_descent(x, y, loss="mse", w0=s["w0"], b0=s["b0"], lr=ls.LR_GRID[i], steps=s["steps"])
        assert sent["readouts"][0] == [[f"MSE after {s['steps']} steps"], sent["readouts"][0][1]]
        assert sent["readouts"][0][1][i] == format_number(run.loss[-1])


def test_lr_frames_follow_the_start_and_are_not_sent_for_long_runs_or_for_the_surfaces():
    at = app_test(PAGE)
    first = lr_preview(at)
    at.number_input(key=key("w0")).set_value(2.0).run()
    assert lr_preview(at) != first
    at.segmented_control(key=key("view")).set_value("3d").run()
    assert_clean(at)
    assert set(lr_preview(at)["charts"]) == {"landscape_descent", "landscape_fit"}  # surfaces wait for the rerun
    at.select_slider(key=key("steps")).set_value(1000).run()
    assert_clean(at)
    assert component_data(at, preview.COMPONENT) == []  # 1000-step paths would be megabytes
