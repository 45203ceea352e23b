"""AppTest of the XOR page: Play / Pause / Step / Reset through session state, readouts equal the core."""

from __future__ import annotations

import json

import numpy as np
import pytest

import lossviz as lv
from lossviz.params import format_number
from lossviz.playback import epochs_per_tick
from lossviz.weights_io import weights_to_json
from tests.conftest import (
    app_test,
    assert_preview_is_the_rerun,
    chart_specs,
    charts_by_key,
    component_data,
    decode_data_url,
    plotly_array,
    preview_payload,
)

PAGE = "pages/4_XOR_Training.py"


def metrics(at):
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def lesson_run():
    X, y = lv.xor()
    return lv.train(X, y, hidden=3, activation="tanh", loss="bce", optimizer="sgd", lr=0.1, epochs=5000, seed=0)


def test_defaults_are_the_lesson_and_epoch_zero(lesson_run):
    at = app_test(PAGE)
    assert not at.exception
    m = metrics(at)
    assert m["Epoch"] == "0 / 5,000"
    assert m["BCE loss"] == lv.params.format_number(lesson_run.loss[0])
    assert at.button(key="xor_play").label == "▶ Play"
    assert len(chart_specs(at)) == 3


def test_play_pause_step_reset(lesson_run):
    at = app_test(PAGE)
    tick = epochs_per_tick(5000)
    at.button(key="xor_play").click().run()  # Play: the fragment advances one tick per run
    assert metrics(at)["Epoch"] == f"{tick:,} / 5,000"
    assert at.button(key="xor_play").label == "⏸ Pause"
    at.run()
    assert metrics(at)["Epoch"] == f"{2 * tick:,} / 5,000"
    assert metrics(at)["BCE loss"] == lv.params.format_number(lesson_run.loss[2 * tick])
    at.button(key="xor_play").click().run()  # Pause
    frozen = metrics(at)["Epoch"]
    at.run()
    assert metrics(at)["Epoch"] == frozen == f"{2 * tick:,} / 5,000"
    at.button(key="xor_step1").click().run()
    assert metrics(at)["Epoch"] == f"{2 * tick + 1:,} / 5,000"
    assert metrics(at)["BCE loss"] == lv.params.format_number(lesson_run.loss[2 * tick + 1])
    at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == f"{2 * tick + 101:,} / 5,000"
    assert metrics(at)["Status"] == "paused"
    at.button(key="xor_reset").click().run()
    assert metrics(at)["Epoch"] == "0 / 5,000" and metrics(at)["Status"] == "ready"  # nothing played yet
    assert not at.exception


def _loss_chart(at) -> tuple[np.ndarray, np.ndarray]:
    """The "Loss so far" chart's epochs and losses, as the browser receives them."""
    (spec,) = [s for s in chart_specs(at) if s["layout"].get("title", {}).get("text") == "Loss so far"]
    return plotly_array(spec["data"][0]["x"]), plotly_array(spec["data"][0]["y"])


def test_loss_chart_is_one_chart_that_grows_while_playing(lesson_run):
    """Playing and paused draw the same keyed plotly chart (no Vega chart, whose spec cost the server
    about 100 ms a frame); each frame it ends at the epoch on show, with the run's own losses."""
    at = app_test(PAGE)
    tick = epochs_per_tick(5000)
    epochs, losses = _loss_chart(at)
    np.testing.assert_array_equal(epochs, [0])
    at.button(key="xor_play").click().run()
    for frame in (1, 2, 3):
        assert metrics(at)["Epoch"] == f"{frame * tick:,} / 5,000"
        assert not at.get("arrow_vega_lite_chart")
        epochs, losses = _loss_chart(at)
        assert epochs[0] == 0 and epochs[-1] == frame * tick
        np.testing.assert_array_equal(losses, lesson_run.loss[epochs].astype(np.float32))
        at.run()
    at.button(key="xor_play").click().run()  # Pause: the same chart, and the interactive map is back
    epochs, _ = _loss_chart(at)
    assert epochs[-1] == 4 * tick and len(chart_specs(at)) == 3


def test_play_runs_to_the_end_and_stops(lesson_run):
    at = app_test(PAGE, {"epochs": "100"})
    at.button(key="xor_play").click().run()
    for _ in range(45):
        at.run()
    m = metrics(at)
    assert m["Epoch"] == "100 / 100" and m["Status"] == "finished"
    assert at.button(key="xor_play").label == "▶ Play" and at.button(key="xor_play").disabled
    X, y = lv.xor()
    short = lv.train(X, y, epochs=100, seed=0)
    assert m["BCE loss"] == lv.params.format_number(short.final_loss)


def test_full_lesson_run_solves_xor_on_the_page(lesson_run):
    at = app_test(PAGE)
    for _ in range(50):
        at.button(key="xor_stepn").click().run()
    m = metrics(at)
    assert m["Epoch"] == "5,000 / 5,000" and m["Accuracy"] == "100%"
    assert m["BCE loss"] == lv.params.format_number(lesson_run.final_loss)
    table = at.dataframe[0].value
    assert table["class"].tolist() == [0, 1, 1, 0]
    np.testing.assert_allclose(table["prediction"], lesson_run.predict_proba(lv.xor()[0]))


def test_a_settings_change_shows_the_new_run_at_the_same_epoch_and_url_round_trip():
    at = app_test(PAGE, {"seed": "2", "optimizer": "adam", "lr": "0.01", "epochs": "1000"})
    assert at.selectbox(key="xor_optimizer").value == "adam"
    assert at.number_input(key="xor_seed").value == 2
    at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == "100 / 1,000"
    at.selectbox(key="xor_loss").select("mse").run()
    m = metrics(at)
    X, y = lv.xor()
    mse = lv.train(X, y, seed=2, optimizer="adam", lr=0.01, epochs=1000, loss="mse")
    assert m["Epoch"] == "100 / 1,000" and m["Status"] == "paused"
    assert m["MSE loss"] == format_number(mse.loss[100])
    assert at.query_params["loss"] == "mse" and at.query_params["seed"] == "2"
    at.button(key="xor_reset").click().run()  # Reset replays the new run from its start
    assert metrics(at)["Epoch"] == "0 / 1,000" and metrics(at)["Status"] == "ready"


def test_new_initial_weights_moves_to_the_next_seed():
    at = app_test(PAGE)
    at.button(key="xor_new").click().run()
    assert at.number_input(key="xor_seed").value == 1
    assert at.query_params["seed"] == "1"


def test_bad_url_values_fall_back_with_a_notice():
    at = app_test(PAGE, {"hidden": "99", "lr": "abc", "dataset": "<b>x</b>", "epochs": "7"})
    assert not at.exception
    notice = at.warning[0].value
    for name in ("hidden=99", "lr=abc", "epochs=7", "dataset="):
        assert name in notice
    assert metrics(at)["Epoch"] == "0 / 5,000"


def test_divergence_is_reported_not_raised():
    at = app_test(
        PAGE,
        {
            "dataset": "blobs",
            "n": "200",
            "noise": "0.3",
            "activation": "relu",
            "hidden": "8",
            "lr": "1000",
            "epochs": "2000",
            "seed": "0",
        },
    )
    assert not at.exception
    assert "diverged at epoch 57" in at.error[0].value
    at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == "57 / 2,000"  # the last weights there are
    assert at.button(key="xor_stepn").disabled and at.button(key="xor_play").disabled


def test_weights_upload_round_trip_and_bad_file():
    X, y = lv.xor()
    start = lv.train(X, y, epochs=1, seed=42, hidden=4).initial_params
    at = app_test(PAGE)
    at.file_uploader(key="xor_upload").upload(
        "start.json", weights_to_json(start, activation="tanh").encode(), "application/json"
    ).run()
    assert not at.exception
    assert at.selectbox(key="xor_hidden").value == 4
    expected = lv.train(X, y, hidden=4, epochs=5000, seed=0, params=start)
    assert metrics(at)["BCE loss"] == lv.params.format_number(expected.loss[0])
    before = metrics(at)
    at.file_uploader(key="xor_upload").set_value(("bad.json", b'{"W1": [[1, 2]], "b1": NaN}', "application/json"))
    at.run()
    assert "That file was not loaded" in at.error[0].value and "NaN" in at.error[0].value
    assert metrics(at) == before  # previous state intact


def test_download_is_loadable_back():
    at = app_test(PAGE, {"epochs": "100"})
    X, y = lv.xor()
    run = lv.train(X, y, epochs=100, seed=0)
    doc = json.loads(weights_to_json(run.params, activation="tanh"))
    loaded = lv.weights_from_json(json.dumps(doc))
    for k, v in run.params.items():
        np.testing.assert_array_equal(loaded["params"][k], v)
    assert not at.exception


def test_predict_then_reveal():
    at = app_test(PAGE, {"predict": "1", "epochs": "100"})
    assert at.button(key="xor_play").disabled and at.button(key="xor_stepn").disabled
    form_submit = [b for b in at.button if b.label == "Commit my guess"][0]
    form_submit.click().run()
    assert "Enter a guess first" in at.warning[-1].value
    at.radio(key="_lv_gin_xor").set_value("Yes, it solves it")  # a form: sent with its submit button
    [b for b in at.button if b.label == "Commit my guess"][0].click().run()
    assert not at.button(key="xor_play").disabled
    at.button(key="xor_stepn").click().run()
    assert "You guessed: Yes, it solves it" in at.info[-1].value
    assert "The run ended at" in at.info[-1].value
    # a new situation asks again
    at.number_input(key="xor_seed").set_value(5).run()
    assert at.button(key="xor_play").disabled


def _ticker_frames(at) -> list[int]:
    """The frame numbers of the live view's clock (lossviz.ui.ticker) on the page: one while playing."""
    from lossviz.ui.ticker import COMPONENT

    return [data["frame"] for data in component_data(at, COMPONENT)]


def test_ticker_drawn_while_playing_only():
    """Play draws the clock last in the live view with a new frame number each run, the epoch (the
    browser acts on new data only); Pause, Step and the run's end leave it out, which stops the clock."""
    at = app_test(PAGE, {"epochs": "100"})
    assert _ticker_frames(at) == []
    at.button(key="xor_play").click().run()
    (first,) = _ticker_frames(at)
    assert first == epochs_per_tick(100)
    at.run()
    assert _ticker_frames(at) == [first + epochs_per_tick(100)]
    at.button(key="xor_play").click().run()  # Pause
    assert _ticker_frames(at) == [] and metrics(at)["Status"] == "paused"
    at.button(key="xor_play").click().run()
    assert len(_ticker_frames(at)) == 1
    at.button(key="xor_step1").click().run()  # a step pauses
    assert _ticker_frames(at) == [] and at.button(key="xor_play").label == "▶ Play"
    at.button(key="xor_play").click().run()
    for _ in range(45):
        at.run()
    # the run ends in the live view's own frame: drawn paused, buttons relabelled, no clock
    assert metrics(at)["Status"] == "finished" and _ticker_frames(at) == []
    assert at.button(key="xor_play").label == "▶ Play" and at.button(key="xor_play").disabled


@pytest.mark.parametrize(
    ("due", "ticks"), [(3, 3), (1, 1), (0, 1), (100, 8), ("x", 1), (float("nan"), 1), (float("inf"), 1), (2.6, 2)]
)
def test_a_late_frame_catches_up(lesson_run, due, ticks):
    """The ticker's request says how many intervals passed since the last one (ui.ticks_due): a late
    frame advances that many ticks, at least 1 and at most 8, so a slow machine keeps the lesson's pace.
    Whatever else a client sends counts as 1."""
    at = app_test(PAGE)
    tick = epochs_per_tick(5000)
    at.button(key="xor_play").click().run()
    at.session_state["_lv_due_lv_tick_xor"] = due  # what the ticker's trigger callback stores
    at.run()
    assert metrics(at)["Epoch"] == f"{(1 + ticks) * tick:,} / 5,000"
    assert metrics(at)["BCE loss"] == lv.params.format_number(lesson_run.loss[(1 + ticks) * tick])
    at.run()  # the next frame is on time again
    assert metrics(at)["Epoch"] == f"{(2 + ticks) * tick:,} / 5,000"


def test_playing_pictures_are_the_frame_itself():
    """While playing, the map and the hidden units arrive as data: URLs inside the frame's message
    (no media file for the browser to fetch, or to find deleted): exactly the core's pictures."""
    from lossviz.figures.raster import boundary_image, units_image
    from lossviz.playback import frame

    at = app_test(PAGE)
    at.button(key="xor_play").click().run()
    epoch = epochs_per_tick(5000)
    urls = [img.url for el in at.get("image") for img in el.proto.imgs]
    assert len(urls) == 2 and all(u.startswith("data:image/png;base64,") for u in urls)
    X, y = lv.xor()
    run = lv.train(X, y, epochs=5000, seed=0, record_history=True)
    bounds = lv.plot_bounds(X)
    now = frame(run.history, epoch, X, y, hidden=run.hidden, activation=run.activation, bounds=bounds)
    np.testing.assert_array_equal(decode_data_url(urls[0]), boundary_image(now["prob"], X, y, bounds))
    np.testing.assert_array_equal(decode_data_url(urls[1]), units_image(now["units"][:, ::2, ::2], run.activation))


def test_transport_has_keyboard_shortcuts():
    # P plays and pauses, S steps one epoch: for a presenter whose map is on screen and Play is not
    at = app_test(PAGE)
    assert at.button(key="xor_play").proto.shortcut == "p"  # Streamlit stores it lower-case
    assert at.button(key="xor_step1").proto.shortcut == "s"


# ------------------------------------------------------------- the learning rate's preview

LRS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)


def _previews(at) -> list[dict]:
    from lossviz.ui.preview import COMPONENT

    return component_data(at, COMPONENT)


def test_paused_lr_preview_is_the_rerun_at_every_rate():
    """After the lesson's run, a move of the learning rate previews that rate's run at epoch 5000:
    its readouts equal lossviz.train's at that rate, and what the browser draws from the preview is
    what the rerun draws (charts whole, readouts by label)."""
    at = app_test(PAGE, {"step": "1000"})
    assert _previews(at) == []  # at epoch 0 every rate shows the same start: nothing to preview
    for _ in range(5):
        at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == "5,000 / 5,000"
    sent = preview_payload(at, "xor_lr")
    assert sent["size"] == len(LRS)
    assert set(sent["charts"]) == {"xor_chart_boundary", "xor_chart_loss", "xor_chart_units"}
    by_label = {labels[0]: values for labels, values in sent["readouts"]}
    assert by_label["Epoch"] == ["5,000 / 5,000"] * len(LRS) and set(by_label["Status"]) == {"finished"}
    X, y = lv.xor()
    # the page's "What to notice": at 0.001 still near ln 2, at 10 above it
    assert (by_label["BCE loss"][2], by_label["BCE loss"][10]) == ("0.6809", "1.227")
    assert any("at 0.001 the loss is still 0.6809" in m.value and "(1.227 at 10)" in m.value for m in at.markdown)
    for k in (0, 6, 13):  # lr 0.0001 barely moves, 0.1 is the lesson, 1000 saturates
        r = lv.train(X, y, lr=LRS[k], epochs=5000, seed=0)
        assert by_label["BCE loss"][k] == format_number(r.final_loss)
        assert by_label["Accuracy"][k] == f"{r.accuracy(X, y):.0%}"
    for lr in (0.001, 10.0, 0.1, 1000.0, 0.0001):
        before = charts_by_key(at)
        at.select_slider(key="xor_lr").set_value(lr).run()
        assert not at.exception
        assert metrics(at)["Epoch"] == "5,000 / 5,000"  # the same moment of the new run
        assert_preview_is_the_rerun(at, sent, LRS.index(lr), before)
        assert preview_payload(at, "xor_lr") == sent  # the slider's own position is not in it
    assert at.button(key="xor_play").disabled  # the end: Reset replays
    at.button(key="xor_reset").click().run()
    at.button(key="xor_play").click().run()
    assert _previews(at) == [] and metrics(at)["Status"] == "training"


def test_lr_preview_of_a_diverged_rate_shows_its_last_weights():
    """Blobs with ReLU at lr 1000 diverge at epoch 56: paused at 200, that position previews epoch
    56, as the rerun then shows it."""
    query = {"dataset": "blobs", "n": "20", "noise": "0.3", "activation": "relu", "hidden": "8", "epochs": "500"}
    at = app_test(PAGE, query)
    at.button(key="xor_stepn").click().run()
    at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == "200 / 500"
    sent = preview_payload(at, "xor_lr")
    epochs = dict(zip(LRS, [v for labels, v in sent["readouts"] if labels == ["Epoch"]][0], strict=True))
    assert epochs[1000.0] == "56 / 500" and epochs[100.0] == "200 / 500"
    before = charts_by_key(at)
    at.select_slider(key="xor_lr").set_value(1000.0).run()
    assert "diverged at epoch 56" in at.error[0].value
    assert_preview_is_the_rerun(at, sent, LRS.index(1000.0), before)


def test_no_lr_preview_while_a_guess_is_due():
    at = app_test(PAGE, {"predict": "1", "step": "1000"})
    at.radio(key="_lv_gin_xor").set_value("Yes, it solves it")
    [b for b in at.button if b.label == "Commit my guess"][0].click().run()
    at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == "1,000 / 5,000" and _previews(at) == []
    at.select_slider(key="xor_lr").set_value(1.0).run()  # a new run: a new guess, from epoch 0
    assert metrics(at)["Epoch"] == "0 / 5,000" and at.button(key="xor_play").disabled


def test_no_lr_preview_where_the_rates_are_not_swept():
    """200 moons points for 1000 epochs: 14 recorded rates would cost far more than one run
    (lossviz.playback.sweepable), so the page trains the one run and a lr move waits for its rerun."""
    at = app_test(PAGE, {"dataset": "moons", "n": "200", "epochs": "1000"})
    at.button(key="xor_stepn").click().run()
    assert metrics(at)["Epoch"] == "100 / 1,000" and _previews(at) == []
