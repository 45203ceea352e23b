"""AppTest of pages/5_Optimizer_Race.py: readouts equal the core's, controls update the tables."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import race as rc
from lossviz.params import format_count, format_number
from lossviz.ui import preview
from tests.conftest import (
    app_test,
    assert_preview_is_the_rerun,
    chart_specs,
    charts_by_key,
    component_data,
    plotly_array,
    preview_payload,
)

PAGE = "pages/5_Optimizer_Race.py"
SMALL = {"n": "20", "epochs": "200"}


def _ok(at):
    assert not at.exception, at.exception[0].message if at.exception else ""


def test_default_race_readouts_equal_the_core():
    at = app_test(PAGE)
    _ok(at)
    expect = rc.race(0, {"sgd": 0.01, "adam": 0.01, "rmsprop": 0.01}, 1000, "bce")
    assert [m.label for m in at.metric] == ["SGD final loss", "Adam final loss", "RMSprop final loss"]
    assert [m.value for m in at.metric] == [format_number(r.final_loss) for r in expect.runs.values()]
    specs = chart_specs(at)
    curves = specs[0]["data"]
    assert [t["name"] for t in curves] == ["SGD (lr 0.01)", "Adam (lr 0.01)", "RMSprop (lr 0.01)"]
    y = plotly_array(curves[1]["y"])
    assert y[-1] == pytest.approx(expect.runs["adam"].final_loss, rel=1e-6)
    assert len(specs) == 4  # the race plus one decision boundary per optimizer
    captions = " ".join(c.value for c in at.caption)
    assert "still learning, final loss" in captions and "solved, final loss" in captions


def test_changing_n_and_optimizers_updates_the_table():
    at = app_test(PAGE, query={"tab": "Many seeds", **SMALL})
    _ok(at)
    df = at.dataframe[0].value
    assert list(df.columns) == list(rc.OUTCOME_COLUMNS)
    assert df["optimizer"].tolist() == ["SGD", "Adam", "RMSprop"]
    for opt, row in zip(("sgd", "adam", "rmsprop"), df.to_dict("records"), strict=True):
        core = rc.summary_row(rc.seed_batch(opt, 0.01, "bce", 200, 0, 20))
        assert {k: row[k] for k in ("solved", "stuck", "diverged", "still learning")} == {
            k: core[k] for k in ("solved", "stuck", "diverged", "still learning")
        }
    assert df[["solved", "stuck", "diverged", "still learning"]].to_numpy().sum(axis=1).tolist() == [20, 20, 20]

    at.select_slider(key="race_n").set_value(10).run()
    _ok(at)
    df = at.dataframe[0].value
    assert df[["solved", "stuck", "diverged", "still learning"]].to_numpy().sum(axis=1).tolist() == [10, 10, 10]

    at.toggle(key="race_adam").set_value(False).run()
    _ok(at)
    df = at.dataframe[0].value
    assert df["optimizer"].tolist() == ["SGD", "RMSprop"]

    at.select_slider(key="race_lr_sgd").set_value(0.5).run()
    _ok(at)
    row = at.dataframe[0].value.to_dict("records")[0]
    core = rc.summary_row(rc.seed_batch("sgd", 0.5, "bce", 200, 0, 10))
    assert row["learning rate"] == 0.5 and row["solved"] == core["solved"]


def test_drill_down_shows_the_chosen_run():
    at = app_test(PAGE, query={"tab": "Many seeds", **SMALL, "run": "15", "sgd": "0", "rmsprop": "0"})
    _ok(at)
    b = rc.seed_batch("adam", 0.01, "bce", 200, 0, 20)
    text = rc.run_text(str(b.outcomes[15]), float(b.final_loss[15]), int(b.plateau_m[15]), "bce", -1)
    assert any(c.value.startswith(text) for c in at.caption)
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(at)]
    assert "Adam, seed 15" in titles
    # a run number beyond N is pulled back to the last run
    at.select_slider(key="race_n").set_value(10).run()
    _ok(at)
    assert at.number_input(key="race_run").value == 9


def test_bce_vs_mse_table_equals_the_core():
    at = app_test(PAGE, query={"tab": "BCE vs MSE", **SMALL, "sgd": "0", "rmsprop": "0"})
    _ok(at)
    df = at.dataframe[0].value
    assert list(df.columns) == list(rc.LOSS_COLUMNS)
    assert df["loss"].tolist() == ["BCE", "MSE"]
    for row, loss in zip(df.to_dict("records"), ("bce", "mse"), strict=True):
        core = rc.summary_row(rc.seed_batch("adam", 0.01, loss, 200, 0, 20))
        assert row["reached target"] == core["reached target"] and row["solved"] == core["solved"]
    assert any("**Adam**" in md.value for md in at.markdown)
    # Adam reaches the target here: its median, as a whole number
    assert df["median epochs to target"].tolist() == [
        format_count(rc.summary_row(rc.seed_batch("adam", 0.01, loss, 200, 0, 20))["median epochs to target"])
        for loss in ("bce", "mse")
    ]


def test_bce_vs_mse_table_says_n_a_where_no_run_reached_the_target():
    # SGD in 200 epochs reaches the target loss in no run: a median over none is n/a, not "None"
    at = app_test(PAGE, query={"tab": "BCE vs MSE", **SMALL, "adam": "0", "rmsprop": "0"})
    _ok(at)
    df = at.dataframe[0].value
    assert df["reached target"].tolist() == [0, 0]
    assert df["median epochs to target"].tolist() == ["n/a", "n/a"]


def test_learning_rate_sweep_tab():
    at = app_test(PAGE, query={"tab": "Learning rate", "epochs": "100", "sweep_n": "5", "adam": "0", "rmsprop": "0"})
    _ok(at)
    sw = rc.lr_sweep("sgd", "bce", 100, 0, 5)
    spec = chart_specs(at)[0]
    np.testing.assert_allclose(plotly_array(spec["data"][2]["y"]), sw.p50, rtol=1e-6)
    assert any(f"best at lr {format_number(sw.best_lr)}" in md.value for md in at.markdown)


def test_budget_cap_warns(monkeypatch):
    monkeypatch.setattr(rc, "BUDGET", 20_000)
    at = app_test(PAGE, query={"tab": "Many seeds", "n": "100", "epochs": "100"})
    _ok(at)
    assert any("Showing the first 50 seeds" in w.value for w in at.warning)
    df = at.dataframe[0].value
    assert df[["solved", "stuck", "diverged", "still learning"]].to_numpy().sum(axis=1).tolist() == [50, 50, 50]


def test_bad_url_values_and_no_optimizer_give_notices():
    at = app_test(PAGE, query={"n": "lots", "lr_adam": "-1", "tab": "Nope", "loss": "hinge"})
    _ok(at)
    notice = at.warning[0].value
    for name in ("n=lots", "lr_adam=", "tab=Nope", "loss=hinge"):
        assert name in notice
    assert at.select_slider(key="race_n").value == 100 and len(at.metric) == 3
    at.toggle(key="race_sgd").set_value(False).run()
    at.toggle(key="race_adam").set_value(False).run()
    at.toggle(key="race_rmsprop").set_value(False).run()
    _ok(at)
    assert any("Switch on at least one optimizer" in w.value for w in at.warning)
    assert len(at.metric) == 0


# ------------------------------------------------------------------ a move of a learning rate drawn at once


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"loss": "mse", "epochs": "200", "seed": "7"},
        {"rmsprop": "0", "lr_adam": "0.1", "present": "1"},
    ],
)
def test_what_the_browser_draws_at_each_learning_rate_is_what_the_rerun_draws(query):
    """For each optimizer's slider, the frames sent once for every learning rate (drawn the moment it
    moves), set on the charts as they were before, equal the page rerun there: the final loss, the
    race's curves and (where its p = 0.5 line stays) the optimizer's map."""
    at = app_test(PAGE, query=query)
    _ok(at)
    chosen = [o for o in rc.OPTIMIZERS if query.get(o, "1") == "1"]
    sent = {o: preview_payload(at, f"race_lr_{o}") for o in chosen}
    assert len(component_data(at, preview.COMPONENT)) == len(chosen)
    for opt in chosen:
        assert sent[opt]["size"] == len(rc.LR_GRID)
        assert "race_curves" in sent[opt]["charts"]
        for lr in (10.0, 1e-4, 0.5, 0.02):
            before = charts_by_key(at)
            at.select_slider(key=f"race_lr_{opt}").set_value(lr).run()
            _ok(at)
            assert preview_payload(at, f"race_lr_{opt}") == sent[opt]  # its own lr is not in it
            assert_preview_is_the_rerun(at, sent[opt], rc.LR_GRID.index(lr), before)
    # the other sliders' frames do not depend on where this one is: nothing to recompute on a move
    assert {o: preview_payload(at, f"race_lr_{o}") for o in chosen} == sent


def test_lr_frames_hold_the_cores_final_losses_and_the_map_of_every_learning_rate():
    at = app_test(PAGE)
    sent = preview_payload(at, "race_lr_sgd")
    assert sent["readouts"][0][0] == ["SGD final loss"]
    runs = [rc.race(0, {"sgd": lr}, 1000, "bce", ("sgd",)).runs["sgd"] for lr in rc.LR_GRID]
    assert sent["readouts"][0][1] == [format_number(r.final_loss) for r in runs]
    assert set(sent["charts"]) == {"race_curves", "race_boundary_sgd"}
    at.segmented_control(key="race_loss").set_value("mse").run()
    assert preview_payload(at, "race_lr_sgd") != sent
