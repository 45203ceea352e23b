"""The race page's numerics (lossviz.race) and figures (lossviz.figures.race)."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

import lossviz as lv
from lossviz import outcomes as oc
from lossviz import race as rc
from lossviz.figures import race as figs
from lossviz.params import format_number, parse

X, Y = lv.xor()
LESSON = {"sgd": 0.01, "adam": 0.01, "rmsprop": 0.01}


# ------------------------------------------------------------- one start


@pytest.fixture(scope="module")
def race0():
    return rc.race(seed=3, lrs=LESSON, epochs=400)


def test_race_starts_every_optimizer_from_identical_weights(race0):
    theta0 = np.vstack([run.theta0 for run in race0.runs.values()])
    assert list(race0.runs) == ["sgd", "adam", "rmsprop"]
    np.testing.assert_array_equal(theta0, np.repeat(lv.glorot_init(3, 2, 3)[None], 3, axis=0))
    curves = np.vstack([run.curve for run in race0.runs.values()])
    assert np.all(curves[:, 0] == curves[0, 0])  # same loss at epoch 0
    assert not np.allclose(curves[0, -1], curves[1, -1])  # ... and different optimizers after


def test_race_runs_equal_single_training(race0):
    for opt, run in race0.runs.items():
        single = lv.train(X, Y, seed=3, optimizer=opt, lr=0.01, epochs=400)
        np.testing.assert_allclose(run.curve[:-1], single.loss, rtol=1e-10)
        assert run.curve[-1] == pytest.approx(single.final_loss, rel=1e-10)
        assert run.final_loss == pytest.approx(single.final_loss, rel=1e-10)
        assert run.accuracy == single.accuracy(X, Y)
        assert len(run.curve) == 401


def test_race_lesson_settings_seed0():
    """The lesson's race from seed 0: SGD at lr 0.01 barely moves, Adam and RMSprop solve XOR
    (bce-numerics.md section 7: 0.695, 0.0059, 0.00023 from Keras' own seed-0 weights)."""
    r = rc.race(0, LESSON, 1000)
    assert r.runs["sgd"].outcome == "learning" and r.runs["sgd"].final_loss > 0.6
    assert r.runs["adam"].outcome == "solved" and r.runs["adam"].final_loss < 0.02
    assert r.runs["rmsprop"].outcome == "solved" and r.runs["rmsprop"].final_loss < 0.001
    assert r.runs["adam"].epochs_to_target > 0 and r.runs["sgd"].epochs_to_target == -1


def test_race_subset_and_bad_input():
    r = rc.race(1, {"adam": 0.1}, 50, "mse", ("adam",))
    assert list(r.runs) == ["adam"] and r.loss_name == "mse"
    with pytest.raises(ValueError, match="optimizers is empty"):
        rc.race(0, LESSON, 10, optimizers=())
    with pytest.raises(ValueError, match="lrs has no learning rate for rmsprop"):
        rc.race(0, {"sgd": 0.1}, 10, optimizers=("sgd", "rmsprop"))
    with pytest.raises(ValueError, match="optimizer must be one of sgd, adam, rmsprop"):
        rc.race(0, LESSON, 10, optimizers=("adagrad",))
    with pytest.raises(ValueError, match="epochs must be between 1 and 5000"):
        rc.race(0, LESSON, 5001)
    with pytest.raises(ValueError, match=r"lrs\['sgd'\] must be between"):
        rc.race(0, {"sgd": -1.0}, 10, optimizers=("sgd",))


# ------------------------------------------------------------- many starts


@pytest.fixture(scope="module")
def adam40():
    return rc.seed_batch("adam", 0.01, "bce", 500, 10, 40)


def test_seed_batch_summarises_train_many(adam40):
    raw = lv.train_many(X, Y, seeds=range(10, 50), optimizer="adam", lr=0.01, epochs=500)
    np.testing.assert_array_equal(adam40.final_loss, raw.final_loss)
    np.testing.assert_array_equal(adam40.theta0[5], lv.glorot_init(15, 2, 3))
    np.testing.assert_array_equal(adam40.seeds, np.arange(10, 50))
    full = np.concatenate([raw.loss, raw.final_loss[:, None]], axis=1)
    e = adam40.epoch
    assert e[0] == 0 and e[-1] == 500 and len(e) <= oc.MAX_POINTS
    np.testing.assert_allclose(adam40.p50, np.median(full[:, e], axis=0).astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(adam40.p10, np.percentile(full[:, e], 10, axis=0), rtol=1e-6)
    assert adam40.p50.dtype == np.float32
    out = oc.classify(raw.loss, raw.final_loss, raw.accuracy(X, Y), raw.diverged_at)
    np.testing.assert_array_equal(adam40.outcomes, out)
    assert sum(adam40.counts.values()) == 40


def test_summary_row_and_csv(adam40):
    row = rc.summary_row(adam40)
    assert set(rc.OUTCOME_COLUMNS) <= set(row) and set(rc.LOSS_COLUMNS) <= set(row)
    c = adam40.counts
    assert (row["solved"], row["stuck"], row["diverged"], row["still learning"]) == (
        c["solved"],
        c["stuck"],
        c["diverged"],
        c["learning"],
    )
    assert row["solved %"] == pytest.approx(100 * c["solved"] / 40)
    assert row["median final loss"] == pytest.approx(np.median(adam40.final_loss))
    reached = adam40.epochs_to_target[adam40.epochs_to_target >= 0]
    assert row["reached target"] == reached.size and row["median epochs to target"] == np.median(reached)
    assert row["stuck at plateau"] <= row["stuck"]
    parsed = list(csv.DictReader(io.StringIO(rc.rows_csv([row, row]))))
    assert len(parsed) == 2 and parsed[0]["optimizer"] == "Adam" and float(parsed[0]["solved"]) == c["solved"]
    assert rc.rows_csv([]) == ""


def test_run_words(adam40):
    assert rc.run_list(adam40, "diverged") == "none"
    assert rc.plateau_text(2, "bce") == "2 of 4 points at p = 0.5 (loss 0.3466)"
    assert rc.run_text("stuck", 0.3470, 2, "bce", -1) == (
        "stuck, final loss 0.347, 2 of 4 points at p = 0.5 (loss 0.3466)"
    )
    assert rc.run_text("solved", 0.005, 0, "mse", 210) == (
        "solved, final loss 0.005; loss below 0.01 (p = 0.9 for every point's label) at epoch 210"
    )
    assert rc.run_text("diverged", math.nan, 0, "bce", -1).startswith("diverged")
    fake = rc.SeedSummary(**{**adam40.__dict__, "outcomes": np.array(["stuck"] * 15 + ["solved"] * 25)})
    assert rc.run_list(fake, "stuck", 3) == "0, 1, 2 and 12 more"


def test_mse_is_slower_with_sgd():
    """The lessons' claim, measured: the same 30 starts, SGD lr 0.3 for 1500 epochs."""
    b = rc.seed_batch("sgd", 0.3, "bce", 1500, 0, 30)
    m = rc.seed_batch("sgd", 0.3, "mse", 1500, 0, 30)
    assert rc.slowdown(b, m) > 1.5
    assert rc.median_epochs(m) == np.median(m.epochs_to_target[m.epochs_to_target >= 0])
    text = rc.comparison_text(b, m)
    assert text.startswith("- **SGD**: MSE needs **") and f"**{format_number(rc.slowdown(b, m), 3)}×**" in text
    assert f"stuck: BCE {b.counts['stuck']}, MSE {m.counts['stuck']} of 30" in text
    never = rc.seed_batch("sgd", 0.0001, "bce", 100, 0, 5)
    never_mse = rc.seed_batch("sgd", 0.0001, "mse", 100, 0, 5)
    assert math.isnan(rc.slowdown(never, m)) and math.isnan(rc.median_epochs(never))
    assert "too few runs reached the target in 100 epochs" in rc.comparison_text(never, never_mse)
    with pytest.raises(ValueError, match="same optimizer"):
        rc.comparison_text(m, b)


def test_affordable_caps_the_work():
    assert rc.affordable(100, 1000, 3) == (100, "")
    used, msg = rc.affordable(500, 5000, 3)
    assert used == 200 and "7.5 million network-epochs" in msg and "first 200 seeds" in msg
    assert rc.affordable(500, 5000, 6)[0] == 100
    used, _ = rc.affordable(50, 5000, 3 * len(rc.SWEEP_LRS), choices=rc.SWEEP_N_CHOICES)
    assert used == 10 and used * 5000 * 39 <= rc.BUDGET
    assert rc.affordable(10, 100, 3, budget=1000)[0] == 3  # below every choice: the largest count that fits


def test_boundary_is_predict_grid(adam40):
    prob, x1, x2 = rc.boundary(adam40.theta[0], resolution=20)
    expect, _ = lv.predict_grid(adam40.theta[0], 3, "tanh", (-0.5, 1.5, -0.5, 1.5), 20)
    np.testing.assert_array_equal(prob, expect)
    assert x1[0] == -0.5 and x2[-1] == 1.5 and prob.shape == (20, 20)


# ------------------------------------------------------------- learning-rate sweep


def test_lr_sweep_blocks_equal_single_batches():
    lrs = (0.01, 0.3, 30.0)
    sw = rc.lr_sweep("sgd", "bce", 300, 0, 6, lrs)
    for i, lr in enumerate(lrs):
        one = rc.seed_batch("sgd", lr, "bce", 300, 0, 6)
        assert sw.p50[i] == pytest.approx(np.median(one.final_loss), rel=1e-12)
        assert sw.fractions["solved"][i] == pytest.approx(one.counts["solved"] / 6)
    assert sum(sw.fractions[k][0] for k in oc.OUTCOMES) == pytest.approx(1.0)
    assert sw.best_lr == 0.3 and sw.breakdown_lr == 30.0 and sw.p50[2] > oc.half_loss("bce")
    assert sw.diverged == 0
    assert rc.sweep_text(sw) == "- **SGD**: best at lr 0.3; breaks down from lr 30; no run produced NaN or inf."
    calm = rc.SweepSummary(**{**sw.__dict__, "breakdown_lr": math.nan, "diverged": 4})
    assert rc.sweep_text(calm).endswith("no breakdown up to the largest learning rate; 4 runs diverged to NaN/inf.")


def test_lr_sweep_default_grid_finds_sgd_breakdown():
    sw = rc.lr_sweep("sgd", "bce", 1000, 0, 10)
    best = list(sw.lrs).index(sw.best_lr)
    brk = list(sw.lrs).index(sw.breakdown_lr)
    assert best < brk
    assert np.all(sw.p50[best:brk] <= oc.half_loss("bce")) and sw.p50[brk] > oc.half_loss("bce")
    assert sw.fractions["solved"][best] >= 0.8


def test_lr_sweep_bad_input():
    with pytest.raises(ValueError, match="lrs must be increasing"):
        rc.lr_sweep("sgd", "bce", 10, 0, 2, (0.1, 0.01))
    with pytest.raises(ValueError, match="more than 1000 networks"):
        rc.lr_sweep("sgd", "bce", 10, 0, 100, rc.SWEEP_LRS)


# ------------------------------------------------------------- URL settings


def test_params_parse_snap_and_reject():
    values, notices, _ = parse(
        rc.PARAMS, {"lr_sgd": "0.09", "epochs": "1200", "n": "abc", "tab": "Many seeds", "adam": "0", "seed": "-3"}
    )
    assert values["lr_sgd"] == 0.1 and values["epochs"] == 1000 and values["tab"] == "Many seeds"
    assert values["adam"] is False and values["n"] == 100 and values["seed"] == 0
    assert any(n.startswith("n=abc ignored") for n in notices) and any("seed" in n for n in notices)
    assert {p.name for p in rc.PARAMS} >= {"lr_sgd", "lr_adam", "lr_rmsprop", "epochs", "loss", "n", "seed", "run"}


# ------------------------------------------------------------- figures


def _y(trace):
    return np.asarray(trace.y, dtype=np.float64)


def test_race_figure_one_thinned_trace_per_optimizer():
    curves = {"sgd": np.linspace(0.7, 0.6, 5001), "adam": np.geomspace(0.7, 1e-3, 5001)}
    fig = figs.race_figure(curves, {"sgd": 0.01, "adam": 0.02}, plateau=oc.plateau_level("bce"))
    assert [t.name for t in fig.data] == ["SGD (lr 0.01)", "Adam (lr 0.02)"]
    assert [t.line.dash for t in fig.data] == ["solid", "dash"]  # told apart without colour too
    for t, c in zip(fig.data, curves.values(), strict=True):
        x = np.asarray(t.x)
        assert x[0] == 0 and x[-1] == 5000 and len(x) <= oc.MAX_POINTS
        assert t.y.dtype == np.float32
        np.testing.assert_allclose(_y(t), c[x], rtol=1e-6)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].y0 == pytest.approx(math.log(2) / 2)
    # an annotation's y on a log axis is log10 of the value (a shape's is the value): the label sits on its line
    assert fig.layout.annotations[0].y == pytest.approx(math.log10(math.log(2) / 2))
    # under its line at the right end: SGD's stuck run at 0.693 lies over the line, not on the label
    assert (fig.layout.annotations[0].yanchor, fig.layout.annotations[0].x) == ("top", 1)


def test_race_figure_log_axis_has_numbers_when_every_run_is_stuck():
    stuck = {"sgd": np.linspace(0.6949, 0.6655, 1001)}  # the lessons' SGD run: no power of ten inside
    fig = figs.race_figure(stuck, {"sgd": 0.01}, plateau=oc.plateau_level("bce"))
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.dtick is None  # plotly picks ticks in range
    wide = {**stuck, "adam": np.geomspace(0.69, 1e-4, 1001)}
    assert figs.race_figure(wide, {"sgd": 0.01, "adam": 0.01}).layout.yaxis.dtick == 1


def test_band_figure_fills_between_percentiles(adam40):
    fig = figs.band_figure([adam40], plateau=0.3466)
    upper, lower, median = fig.data
    assert lower.fill == "tonexty" and median.name == "Adam" and median.line.dash == "dash"
    np.testing.assert_array_equal(upper.y, adam40.p90)
    np.testing.assert_array_equal(median.y, adam40.p50)
    # a percentile on a diverged run (inf) becomes a gap, never an infinite number in the JSON
    s = rc.SeedSummary(**{**adam40.__dict__, "p90": np.full_like(adam40.p90, np.inf)})
    assert np.isnan(_y(figs.band_figure([s]).data[0])).all()


def test_histogram_reached_and_sweep_figures(adam40):
    edges, counts = oc.log_histograms({"adam": adam40.final_loss})
    fig = figs.histogram_figure(edges, counts, plateau=0.3466)
    # the outline: up from the axis at the first edge, one step per bin, down to the axis at the last edge
    x, y = np.asarray(fig.data[0].x, dtype=float), np.asarray(fig.data[0].y)
    np.testing.assert_allclose(x[1:-1], edges, rtol=1e-6)
    assert x[0] == x[1] and x[-1] == x[-2] and y[0] == 0 and y[-1] == 0
    np.testing.assert_array_equal(y[1:-2], counts["adam"])
    assert y[-2] == counts["adam"][-1]  # the last bar keeps its height up to the last edge
    assert fig.layout.xaxis.type == "log" and fig.layout.shapes[0].x0 == 0.3466
    # the x axis always has numbers: 1, 2, 5 over a narrow range, every other power of ten over a wide one
    narrow, _ = oc.log_histograms({"sgd": [0.35, 0.69]})
    assert narrow[0] == 0.1 and narrow[-1] == 1.0
    ticks = figs.histogram_figure(narrow, {"sgd": np.ones(len(narrow) - 1)}).layout.xaxis.tickvals
    assert ticks == (0.1, 0.2, 0.5, 1.0)
    wide, _ = oc.log_histograms({"adam": [1e-7, 0.69]})
    assert figs.histogram_figure(wide, {"adam": np.ones(len(wide) - 1)}).layout.xaxis.dtick == 2

    fig = figs.reached_figure([adam40], target={"bce": 0.1})
    np.testing.assert_allclose(_y(fig.data[0]), adam40.reached * 100, rtol=1e-6)
    assert fig.data[0].line.dash == "solid" and fig.data[0].name == "Adam BCE"

    sw = rc.lr_sweep("adam", "bce", 50, 0, 2, (0.01, 0.1))
    fig = figs.sweep_figure([sw], guess=oc.half_loss("bce"))
    assert len(fig.data) == 4
    np.testing.assert_allclose(_y(fig.data[2]), sw.p50, rtol=1e-6)
    np.testing.assert_allclose(_y(fig.data[3]), sw.fractions["solved"] * 100)
    assert fig.layout.xaxis.type == "log" and fig.layout.shapes[0].y0 == pytest.approx(math.log(2))
    assert fig.layout.yaxis.type == "log" and fig.layout.annotations[0].y == pytest.approx(math.log10(math.log(2)))


def test_compact_boundary_drops_scale_and_legend(adam40):
    prob, x1, x2 = rc.boundary(adam40.theta[0], resolution=20)
    fig = figs.compact_boundary(prob, x1, x2, X, Y, title="Adam")
    heat = [t for t in fig.data if t.type == "heatmap"][0]
    assert heat.showscale is False and fig.layout.showlegend is False
    np.testing.assert_array_equal(heat.z, np.round(prob * 255).astype(np.uint8))


def test_race_lrs_are_the_race_at_each_learning_rate_bit_for_bit():
    """The page trains every position of a learning-rate slider in one batch; each run must be exactly
    the one race() trains alone (the browser shows one, the rerun the other) and lossviz.train's."""
    for opt in rc.OPTIMIZERS:
        many = rc.race_lrs(3, opt, 300, "mse")
        assert [r.lr for r in many] == list(rc.LR_GRID)
        for i in (0, 5, 9, 15):
            one = rc.race(3, {opt: rc.LR_GRID[i]}, 300, "mse", (opt,)).runs[opt]
            assert np.array_equal(many[i].curve, one.curve, equal_nan=True), (opt, i)
            assert np.array_equal(many[i].theta, one.theta, equal_nan=True), (opt, i)
            assert (many[i].final_loss, many[i].outcome) == (one.final_loss, one.outcome)
    alone = lv.train(X, Y, seed=3, optimizer="adam", lr=0.05, epochs=300, loss="mse")
    np.testing.assert_allclose(rc.race_lrs(3, "adam", 300, "mse", lrs=(0.05,))[0].curve[:-1], alone.loss, rtol=1e-12)


def test_race_lrs_refuse_bad_arguments_by_name():
    with pytest.raises(ValueError, match="lrs must be a sequence of 1 to"):
        rc.race_lrs(0, "sgd", 100, "bce", lrs=())
    with pytest.raises(ValueError, match="lrs must be a sequence of 1 to"):
        rc.race_lrs(0, "sgd", 100, "bce", lrs=0.1)
    with pytest.raises(ValueError, match="lr must be between"):
        rc.race_lrs(0, "sgd", 100, "bce", lrs=(0.1, -1.0))
    with pytest.raises(ValueError, match="optimizer"):
        rc.race_lrs(0, "adagrad", 100, "bce")
