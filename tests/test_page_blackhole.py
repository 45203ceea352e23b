"""AppTest of the log(0) black hole page: presets, controls, deep links, uploads good and bad."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lossviz import blackhole as bh
from lossviz.params import format_number
from tests.conftest import (
    ROOT,
    app_test,
    assert_preview_is_the_rerun,
    chart_specs,
    charts_by_key,
    plain_code,
    plotly_array,
    preview_payload,
)
from tests.test_predictions_io import BAD_FILES

PAGE = "pages/2_Log0_Black_Hole.py"
DATA = ROOT / "tests" / "data"
UPLOAD = "_bh_upload"


def plain(text: str) -> str:
    """Markdown-escaped page text back to what the reader sees: escapes gone, and the characters that
    keep a number on one line (lossviz.params.unbroken) read as the hyphen and space they look like."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2011", "-").replace("\u00a0", " ")


def metric(at, box: str, i: int = 0) -> str:
    return at.get_by_key(box).metric[i].value


def frameworks(at) -> dict[str, list[str]]:
    """The frameworks table: name -> [rule, dtype, loss, max, source]."""
    return {row[0]: list(row[1:]) for row in at.get_by_key("bh_frameworks").table[0].value.itertuples(index=False)}


def chart(at, i: int = 0) -> dict:
    return chart_specs(at)[i]


def trace_y(trace: dict) -> np.ndarray:
    return plotly_array(trace["y"])


def table(at):
    return at.data_editor[0].value


def upload(at, name: str, data: bytes):
    return at.file_uploader(key=UPLOAD).set_value((name, data, "text/csv")).run()


def test_arrogant_case_three_forms_frameworks_and_controls():
    at = app_test(PAGE)
    assert not at.exception
    df = table(at)
    assert df["y"].tolist() == [1, 0, 1] and df["p"].tolist() == [0.0, 1.0, 0.0]

    # 1. naive: inf, and numpy's own warning text, as data
    assert metric(at, "bh_naive") == "inf"
    assert plain_code(at, "naive_warnings") == ["RuntimeWarning: divide by zero encountered in log"]
    assert at.get_by_key("bh_naive").table[0].value["loss"].tolist() == ["inf"] * 3
    # 2. the clip at the lesson's 1e-15 in float64
    assert metric(at, "bh_clipped") == format_number(34.53904292738741, 5) == "34.539"
    # the gradient chart can mark none of these rows (p = 0 or 1 exactly: z = ±inf) and says so
    grad_note = [c.value for c in at.caption if "bce_grad_z" in c.value]
    assert grad_note == [
        "Computed in float64 by lossviz.bce_grad_z. None of your 2 rows with y = 1 is marked: "
        "p of exactly 0 or 1 has no finite logit z, so no place on this chart."
    ]
    mixed = app_test(PAGE, query={"preset": "one_bad"})  # rows with y = 1: p = 0.9, 0 and 0.8
    assert [c.value for c in mixed.caption if "bce_grad_z" in c.value] == [
        "Computed in float64 by lossviz.bce_grad_z. Diamonds and dots mark 2 of your 3 rows with y = 1. "
        "1 of them cannot be marked: p of exactly 0 or 1 has no finite logit z, so no place on this chart."
    ]
    bounds = at.get_by_key("bh_clipped").markdown[1].value
    assert "[1e-15, 1 − 9.992e-16]" in plain(bounds)
    assert "[1e\u201115, 1\u00a0−\u00a09.992e\u201116]" in bounds  # kept on one line: no break inside a number
    # 3. no finite logit for p = 0 or 1: said per row, no number invented
    assert metric(at, "bh_logits") == "n/a"
    assert at.get_by_key("bh_logits").table[0].value["loss"].tolist() == ["n/a"] * 3
    assert any("p = 0 or 1 has no finite logit" in m.value for m in at.get_by_key("bh_logits").markdown)

    # what real frameworks do: the page shows the core's numbers, which are the numbers
    fw = frameworks(at)
    results = {r.name: r for r in bh.framework_results([1, 0, 1], [0.0, 1.0, 0.0])}
    for name, r in results.items():
        shown = "n/a" if r.mean is None else format_number(r.mean, 7)
        assert fw[name][2] == shown, name
    assert results["Keras 3 binary_crossentropy"].mean == 16.059524536132812
    assert fw["Keras 3 binary_crossentropy"][2:4] == ["16.05952", "16.11810 / 15.94238"]  # 7 digits, zeros kept
    assert fw["Keras 3 binary_crossentropy"][4] == f"[keras/src/backend/numpy/nn.py]({bh.KERAS_SOURCE})"
    assert fw["PyTorch nn.BCELoss"][2:4] == ["100", "100 / 100"]
    assert fw["scikit-learn log_loss"][2] == "36.04365" == format_number(36.04365338911715, 7)
    assert fw["The lesson: np.clip, eps = 1e-15"][2] == "34.53904" == format_number(34.53904292738741, 7)
    assert fw["The lesson: np.clip, eps = 1e-12"][2] == "27.63103" == format_number(27.631028489916815, 7)
    assert fw["Logits form (TF, PyTorch BCEWithLogitsLoss)"][2:4] == ["n/a", "no bound"]
    assert fw["The lesson: np.clip, eps = 1e-12"][4] == "the lesson"

    # the gradient plot: the core's curves; exactly 0 where the clip bites
    spec = chart(at)
    g = bh.gradient_curves(1e-15, 1, row_y=[1, 0, 1], row_z=[-np.inf, np.inf, -np.inf])
    np.testing.assert_array_equal(trace_y(spec["data"][0]), g.clipped.astype(np.float32))  # drawn in float32
    np.testing.assert_array_equal(trace_y(spec["data"][1]), g.logits.astype(np.float32))
    assert any("is **exactly 0**" in m.value for m in at.get_by_key("bh_gradient").markdown)

    # epsilon control: the lesson's other epsilon
    at.select_slider(key="blackhole_eps").set_value(1e-12).run()
    assert metric(at, "bh_clipped") == "27.631"
    assert at.query_params["eps"] == "1e-12"

    # dtype control: float32 with 1e-15, the clip leaves log(0) in place
    at.select_slider(key="blackhole_eps").set_value(1e-15).run()
    at.segmented_control(key="blackhole_dtype").set_value("float32").run()
    assert metric(at, "bh_naive") == "inf" and metric(at, "bh_clipped") == "inf"
    assert at.get_by_key("bh_clipped").table[0].value["clipped p"].tolist() == ["1e-15", "1", "1e-15"]
    assert plain_code(at, "clipped_warnings") == ["RuntimeWarning: divide by zero encountered in log"]
    assert metric(at, "bh_trap", 1) == "yes"
    trap = bh.dtype_trap(1e-15, "float32")
    assert metric(at, "bh_trap", 2) == f"> {format_number(trap.quarter_eps)}" == "> 2.98e-8"
    assert metric(at, "bh_trap", 3) == f"≥ {format_number(trap.lower_min)}" == "≥ 1.401e-45"
    assert any("rounds to exactly 1" in m.value for m in at.get_by_key("bh_clipped").markdown)

    # float16: 1e-15 itself underflows to 0
    at.segmented_control(key="blackhole_dtype").set_value("float16").run()
    assert metric(at, "bh_trap", 0) == "0"
    assert any("underflows to 0" in m.value for m in at.get_by_key("bh_clipped").markdown)
    assert at.query_params["dtype"] == "float16"

    # the gradient plot for label 0
    at.radio(key="blackhole_gy").set_value(0).run()
    assert chart(at)["layout"]["title"]["text"] == "Gradient with label y = 0"
    # the smallest epsilon: 1 - 1e-20 == 1 even in float64, so the upper side is never clipped
    at.select_slider(key="blackhole_eps").set_value(1e-20).run()
    assert not at.exception
    assert any("never clipped" in m.value for m in at.get_by_key("bh_gradient").markdown)
    assert metric(at, "bh_trap", 1) == "yes"


def test_presets_logits_mode_and_edits():
    at = app_test(PAGE)
    for pid, preset in bh.PRESETS.items():
        at.selectbox(key="blackhole_preset").set_value(pid).run()
        assert table(at)["p"].tolist() == list(preset.p), pid
        c = bh.compare(preset.y, preset.p, eps=1e-15)
        assert metric(at, "bh_naive") == format_number(c.naive.mean, 5), pid
        assert metric(at, "bh_clipped") == format_number(c.clipped.mean, 5), pid
        expect = "n/a" if c.logits_mean is None else format_number(c.logits_mean, 5)
        assert metric(at, "bh_logits") == expect, pid
        assert metric(at, "bh_summary", 1) == format_number(bh.summarize(preset.y, preset.p).mean, 5)
    assert not at.exception

    at.selectbox(key="blackhole_preset").set_value("perfect").run()
    assert metric(at, "bh_naive") == "nan"
    assert plain_code(at, "naive_warnings") == [
        "RuntimeWarning: divide by zero encountered in log",
        "RuntimeWarning: invalid value encountered in multiply",
    ]

    # predictions as logits: the arrogant model at z = -40 / 40
    at.selectbox(key="blackhole_preset").set_value("arrogant").run()
    at.toggle(key="blackhole_logits").set_value(True).run()
    assert table(at)["z"].tolist() == [-40.0, 40.0, -40.0]
    assert metric(at, "bh_logits") == "40"
    assert at.get_by_key("bh_naive").table[0].value["loss"].tolist() == ["40", "inf", "40"]
    assert metric(at, "bh_clipped") == format_number(
        bh.compare([1, 0, 1], [-40, 40, -40], from_logits=True).clipped.mean, 5
    )
    assert frameworks(at)["Logits form (TF, PyTorch BCEWithLogitsLoss)"][2] == "40"
    assert len(chart(at)["data"]) == 4  # the rows with label 1 are marked on the gradient plot

    # an added row with an empty cell is left out and named; edits survive switching to logits and back
    at.toggle(key="blackhole_logits").set_value(False).run()
    key = f"_bh_editor_p_{at.session_state['_bh_tables']['version']}"
    at.session_state[key] = {"edited_rows": {"0": {"p": 0.25}}, "added_rows": [{"y": 1}], "deleted_rows": []}
    at.run()
    assert plain(at.info[-1].value) == "Row 4 left out until every cell is filled in."
    assert at.get_by_key("bh_naive").table[0].value["p"].tolist() == ["0.25", "1", "0"]
    at.toggle(key="blackhole_logits").set_value(True).run()
    at.toggle(key="blackhole_logits").set_value(False).run()
    assert table(at)["p"].tolist()[:3] == [0.25, 1.0, 0.0] and table(at).index.tolist() == [0, 1, 2, 3]
    assert at.get_by_key("bh_naive").table[0].value["p"].tolist() == ["0.25", "1", "0"]
    assert plain(at.info[-1].value) == "Row 4 left out until every cell is filled in."
    assert not at.exception


def test_deep_link_and_bad_url_values():
    at = app_test(PAGE, query={"eps": "2e-12", "dtype": "float8", "preset": "perfect", "logits": "1", "gy": "0"})
    assert not at.exception
    notice = plain(at.warning[0].value)
    assert "dtype=float8 ignored (must be one of float64, float32, float16); using float64" in notice
    assert "eps" not in notice  # 2e-12 is valid: it snaps to the grid
    assert at.select_slider(key="blackhole_eps").value == 1e-12
    assert at.segmented_control(key="blackhole_dtype").value == "float64"
    assert at.toggle(key="blackhole_logits").value is True
    assert table(at)["z"].tolist() == list(bh.PRESETS["perfect"].z)
    assert chart(at)["layout"]["title"]["text"] == "Gradient with label y = 0"
    c = bh.compare(bh.PRESETS["perfect"].y, bh.PRESETS["perfect"].z, eps=1e-12, from_logits=True)
    assert metric(at, "bh_naive") == format_number(c.naive.mean, 5) == "nan"
    assert metric(at, "bh_clipped") == format_number(c.clipped.mean, 5)


def test_uploads_good_repeated_and_bad():
    at = app_test(PAGE)
    good = (DATA / "predictions_good.csv").read_bytes()
    upload(at, "good.csv", good)
    assert not at.exception
    assert plain(at.success[0].value) == "Loaded 8 rows from 'good.csv' (columns 'y' and 'p', comma separated)."
    df = table(at)
    assert df["y"].tolist() == [1, 0, 1, 0, 1, 0, 1, 0]
    assert df["p"].tolist() == [0.93, 0.12, 0.0, 0.4, 0.75, 1.0, 0.55, 0.05]
    s = bh.summarize(df["y"], df["p"])
    assert [metric(at, "bh_summary", i) for i in range(4)] == [
        "8",
        format_number(s.mean, 5),
        format_number(s.total, 5),
        "2",
    ]
    worst = at.get_by_key("bh_summary").dataframe[0].value
    assert worst["row"].tolist() == [3, 6] and worst["loss"].tolist()[0] == format_number(36.04365338911715, 5)
    assert len(chart_specs(at)) == 2  # gradient and histogram

    # reruns with the file still in the uploader never re-apply it: an edit made after the upload stays
    version = at.session_state["_bh_tables"]["version"]
    at.session_state[f"_bh_editor_p_{version}"] = {
        "edited_rows": {"1": {"p": 0.5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.run()
    assert at.session_state["_bh_tables"]["version"] == version
    assert at.get_by_key("bh_naive").table[0].value["p"].tolist()[:2] == ["0.93", "0.5"]

    # the same content again (a new upload of the same file) is not re-applied
    upload(at, "good-again.csv", good)
    assert plain(at.info[-1].value) == "'good-again.csv' is already in the table; nothing changed."
    assert table(at)["p"].tolist() == df["p"].tolist()

    # every bad file: its message, and the table stays as it was
    for name, message in BAD_FILES.items():
        upload(at, name, (DATA / "bad" / name).read_bytes())
        assert not at.exception, name
        assert plain(at.error[0].value) == f"Could not read '{name}': {message} The table was not changed.", name
        assert table(at)["p"].tolist() == df["p"].tolist(), name

    big = b"y,p\n" + b"1,0.5\n" * 100_001
    upload(at, "big.csv", big)
    assert plain(at.error[0].value) == (
        "Could not read 'big.csv': The file has more than 100,000 data rows (100,002 lines); "
        "the limit is 100,000. The table was not changed."
    )
    assert table(at)["p"].tolist() == df["p"].tolist()


def test_paste_two_columns():
    at = app_test(PAGE)
    at.text_area(key="_bh_paste").set_value("label\tprob\n1\t0,2\n0\t0,7\n").run()
    at.button(key="bh_paste_load").click().run()
    assert plain(at.success[0].value).startswith("Loaded 2 rows from the pasted text")
    assert table(at)["p"].tolist() == [0.2, 0.7]
    at.text_area(key="_bh_paste").set_value("y,p\n1,0.2\n0,abc\n").run()
    at.button(key="bh_paste_load").click().run()
    assert plain(at.error[0].value) == (
        "Could not read the pasted text: row 2 (line 3), column 'p': 'abc' is not a number. The table was not changed."
    )
    assert table(at)["p"].tolist() == [0.2, 0.7]
    assert not at.exception


def test_a_full_run_compares_the_table_once(monkeypatch):
    """The clip fragment reuses the comparison the page made at the same epsilon and dtype."""
    calls = []
    real = bh.compare
    monkeypatch.setattr(bh, "compare", lambda *a, **k: calls.append(k) or real(*a, **k))
    at = app_test(PAGE)
    assert [(k["eps"], k["dtype"]) for k in calls] == [(1e-15, "float64")]
    assert metric(at, "bh_clipped") == format_number(real([1, 0, 1], [0.0, 1.0, 0.0], eps=1e-15).clipped.mean, 5)
    at.select_slider(key="blackhole_eps").set_value(1e-14).run()
    assert [(k["eps"], k["dtype"]) for k in calls[1:]] == [(1e-14, "float64")]


# ------------------------------------------------------------------ a move of epsilon drawn in the browser at once


def eps_preview(at) -> dict:
    return preview_payload(at, "blackhole_eps")


@pytest.mark.parametrize(
    ("query", "setup"),
    [
        ({}, None),
        ({"dtype": "float32", "gy": "0"}, None),
        ({"logits": "1", "dtype": "float16"}, None),
        ({"preset": list(bh.PRESETS)[-1], "present": "1"}, None),
        ({}, "upload"),
    ],
)
def test_what_the_browser_draws_at_each_eps_is_what_the_rerun_draws(query, setup):
    """The frames sent once for every epsilon (drawn the moment eps moves), set on the gradient chart
    as it was before, equal the page rerun at that epsilon: the clipped means, the dtype trap's
    readouts (labels too) and the whole gradient chart."""
    at = app_test(PAGE, query=query)
    if setup == "upload":
        at.text_area(key="_bh_paste").input((DATA / "predictions_good.csv").read_text()).run()
        at.button(key="bh_paste_load").click().run()
        assert "Loaded" in at.success[0].value
    assert not at.exception
    sent = eps_preview(at)
    assert sent["size"] == len(bh.EPS_GRID) == 20
    assert set(sent["charts"]) == {"bh_gradient_chart"}
    for eps in (1e-1, 1e-20, 1e-15, 1e-7, 1e-12):
        before = charts_by_key(at)
        at.select_slider(key="blackhole_eps").set_value(eps).run()
        assert not at.exception
        assert eps_preview(at) == sent  # eps is not in it: the browser keeps the one it has
        assert_preview_is_the_rerun(at, sent, bh.EPS_GRID.index(eps), before)


def test_eps_frames_hold_the_lessons_numbers_and_follow_dtype_and_label():
    at = app_test(PAGE)  # the arrogant preset: y = (1, 0, 1), p = (0, 1, 0)
    sent = eps_preview(at)
    i = bh.EPS_GRID.index(1e-15)
    readouts = {labels[0] if len(labels) == 1 else labels[i]: v for labels, v in sent["readouts"]}
    assert readouts["With np.clip"][i] == "34.539"  # the lesson's 34.539 at eps = 1e-15 in float64
    assert readouts["Mean loss (ε = 1e-15, float64)"][i] == "34.539"
    assert readouts["ε = 1e-15 stored in float64"][i] == format_number(1e-15, 4)
    assert readouts["1 − ε == 1 in float64?"][i] == "no"
    at.segmented_control(key="blackhole_dtype").set_value("float32").run()
    in32 = eps_preview(at)
    assert in32 != sent
    assert dict((lab[0], v) for lab, v in in32["readouts"] if len(lab) == 1)["1 − ε == 1 in float32?"][i] == "yes"
    at.radio(key="blackhole_gy").set_value(0).run()
    assert eps_preview(at)["charts"] != in32["charts"]
