"""Train XOR live: a 2-3-1 network learns XOR; watch its decision boundary form."""

import json

import numpy as np
import pandas as pd
import streamlit as st

import lossviz
from lossviz import ui
from lossviz.datasets import DATASETS
from lossviz.figures.boundary import decision_boundary, hidden_unit_maps, loss_curve
from lossviz.figures.frames import figure_json, moving
from lossviz.figures.raster import boundary_image, png_data_url, units_image
from lossviz.nn import ACTIVATIONS, LOSSES, MAX_HIDDEN, flatten, grid_axes
from lossviz.optimizers import OPTIMIZERS
from lossviz.params import Param, format_number, md_escape
from lossviz.playback import advance, epochs_per_tick, frame, loss_at, sweepable
from lossviz.weights_io import weights_from_json, weights_to_json

ui.setup_page("xor")

LRS = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
EPOCHS = (100, 200, 500, 1000, 2000, 5000, 10000, 20000)
STEPS = (1, 10, 100, 1000)
TICK_SECONDS = 0.18
MAX_CATCH_UP = 8  # a late frame catches up at most 8 ticks (a slow machine keeps the run's pace)
OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}
PARAMS = [
    Param("dataset", "xor", kind="choice", choices=DATASETS),
    Param("n", 200, kind="int", lo=20, hi=500),
    Param("noise", 0.1, lo=0.0, hi=0.5, grid=tuple(round(0.05 * i, 2) for i in range(11))),
    Param("hidden", 3, kind="int", lo=1, hi=MAX_HIDDEN),
    Param("activation", "tanh", kind="choice", choices=ACTIVATIONS),
    Param("loss", "bce", kind="choice", choices=LOSSES),
    Param("optimizer", "sgd", kind="choice", choices=OPTIMIZERS),
    Param("lr", 0.1, lo=1e-4, hi=1000.0, grid=LRS, log=True),
    Param("epochs", 5000, kind="choice", choices=EPOCHS),
    Param("seed", 0, kind="int", lo=0, hi=999_999),
    Param("step", 100, kind="choice", choices=STEPS),
    Param("discretize", False, kind="bool"),
    Param("predict", False, kind="bool"),
]
state = ui.url_state("xor", PARAMS)
ss = st.session_state


@st.cache_resource(max_entries=12, ttl="6h", show_spinner="Training…")
def recorded_runs(dataset, n, noise, hidden, activation, loss, optimizer, lrs, epochs, seed, start_json):
    """The run at each learning rate in ``lrs`` from the same start, with the weights after every
    epoch, trained together (lossviz.train_many; each network is lossviz.train's run at its rate):
    computed once, shared read-only by every session."""
    X, y = lossviz.make_dataset(dataset, n, noise, seed)
    start = None if start_json is None else flatten(json.loads(start_json), X.shape[1], hidden)[None]
    batch = lossviz.train_many(
        X,
        y,
        seeds=[seed],
        thetas=start,
        lrs=lrs,
        hidden=hidden,
        activation=activation,
        loss=loss,
        optimizer=optimizer,
        epochs=epochs,
        record_history=True,
    )
    for arr in (batch.loss, batch.final_loss, batch.theta, batch.theta0, batch.history, X, y):
        arr.setflags(write=False)
    return batch, X, y


def readouts(epoch: int, last: int, loss_now: float, accuracy: float, *, epochs: int, loss: str, playing=False):
    """The live view's metrics, by label."""
    if playing:
        status = "training"
    else:
        status = "finished" if epoch >= last else ("paused" if epoch else "ready")
    return {
        "Epoch": f"{epoch:,} / {epochs:,}",
        f"{loss.upper()} loss": format_number(loss_now),
        "Accuracy": f"{accuracy:.0%}",
        "Status": status,
    }


def loss_chart(run, epoch: int, epochs: int):
    return loss_curve(run.loss, upto=epoch + 1, total=epochs, title="Loss so far")


def boundary_chart(now: dict, epoch: int, x1, x2, X, y, discretize: bool):
    return decision_boundary(now["prob"], x1, x2, X, y, title=f"P(y = 1) after epoch {epoch:,}", discretize=discretize)


def units_chart(now: dict, x1, x2, activation: str):
    return hidden_unit_maps(now["units"][:, ::4, ::4], x1[::4], x2[::4], activation)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def lr_preview(runs_key: tuple, epoch: int, discretize: bool, present: bool) -> dict:
    """What a move of the learning rate shows while paused at ``epoch`` (lossviz.ui.preview): the run
    at every rate of the slider at the same epoch (each at its last if it diverged before), its
    readouts and its three charts, as the rerun draws them.  ``runs_key`` sweeps every rate."""
    batch, X, y = recorded_runs(*runs_key)
    loss, epochs = runs_key[5], runs_key[8]  # the key is recorded_runs' arguments, in order
    bounds = lossviz.plot_bounds(X)
    x1, x2 = grid_axes(bounds, 100)
    # the map first: the browser draws it with the readouts, the others after (staggered)
    texts, figures = [], {"xor_chart_boundary": [], "xor_chart_loss": [], "xor_chart_units": []}
    for k in range(len(LRS)):
        run = batch.run(k)
        last = run.history.shape[0] - 1
        at = advance(epoch, 0, last)
        now = frame(run.history, at, X, y, hidden=run.hidden, activation=run.activation, bounds=bounds)
        loss_now = loss_at(run.loss, run.final_loss, at)
        texts.append(readouts(at, last, loss_now, now["accuracy"], epochs=epochs, loss=loss))
        figures["xor_chart_loss"].append(loss_chart(run, at, epochs))
        figures["xor_chart_boundary"].append(boundary_chart(now, at, x1, x2, X, y, discretize))
        figures["xor_chart_units"].append(units_chart(now, x1, x2, run.activation))
    charts = {
        # a chart whose traces came and went between rates would wait for the rerun; none does (the
        # map's p = 0.5 line is hidden, not left out, where no point is at 0.5)
        key: moving([figure_json(ui.as_shown(f, present)) for f in figs], strict=False)
        for key, figs in figures.items()
    }
    return ui.preview_frames(
        len(LRS),
        readouts={label: [t[label] for t in texts] for label in texts[0]},
        charts={k: v for k, v in charts.items() if v is not None},
        staggered=True,  # 3 charts of 10-17 ms each to redraw: the map with the readouts, then the others
    )


# ----------------------------------------------------------------- callbacks (run before the script body)


def play_pause(play: bool):
    """What the button said when it was pressed, not a toggle: a press that reaches the script twice
    (a slow browser, a rerun in flight) still means what the student saw."""
    ss.xor_playing = play


def step(n):
    ss.xor_playing = False
    ss.xor_epoch = ss.get("xor_epoch", 0) + n  # clamped to the run in live_view


def reset():
    ss.xor_playing = False
    ss.xor_epoch = 0


def new_weights():
    ss.pop("xor_start", None)
    state.set("seed", (state["seed"] + 1) % 1_000_000)
    reset()


def load_weights():
    upload = ss.get("xor_upload")
    if upload is None:
        return
    try:
        loaded = weights_from_json(upload.getvalue())
    except ValueError as exc:
        ss.xor_upload_error = f"{upload.name}: {exc}"
        return
    ss.xor_upload_error = None
    ss.xor_start = {"params": {k: v.tolist() for k, v in loaded["params"].items()}, "name": upload.name}
    state.set("hidden", loaded["hidden"])
    if loaded["activation"]:
        state.set("activation", loaded["activation"])
    reset()


def clear_start():
    ss.pop("xor_start", None)
    reset()


# ----------------------------------------------------------------- the lesson

st.title("🧠 Train XOR live")
st.caption(
    "The lessons' network: 2 inputs, 3 tanh hidden units, 1 sigmoid output, binary cross-entropy, SGD at "
    "learning rate 0.1 for 5000 epochs. No straight line separates XOR, so the hidden layer must bend the boundary."
)

with st.container(key="lv_pairs_xor"):  # on a phone, two to a line
    c = st.columns([1, 0.8, 0.8, 0.8, 0.9, 1.4, 0.9])
c[0].selectbox("Dataset", DATASETS, key=state.key("dataset"))
c[1].selectbox("Hidden", list(range(1, MAX_HIDDEN + 1)), key=state.key("hidden"), help="Hidden units")
c[2].selectbox("Activation", ACTIVATIONS, key=state.key("activation"))
c[3].selectbox("Loss", LOSSES, key=state.key("loss"), format_func=str.upper, help="Training loss")
c[4].selectbox("Optimizer", OPTIMIZERS, key=state.key("optimizer"), format_func=OPTIMIZER_NAMES.get)
c[5].select_slider("Learning rate", LRS, key=state.key("lr"), format_func=lambda v: f"{v:g}")
c[6].selectbox("Epochs", EPOCHS, key=state.key("epochs"))
with st.expander("More settings: seed, data, step size, class view"):
    c = st.columns(5)
    c[0].number_input("Seed", 0, 999_999, step=1, key=state.key("seed"), help="Initial weights (and the data)")
    c[1].slider("Points", 20, 500, step=10, key=state.key("n"), disabled=state["dataset"] == "xor")
    c[2].select_slider("Noise", PARAMS[2].grid, key=state.key("noise"), disabled=state["dataset"] == "xor")
    c[3].select_slider("Second Step button", STEPS, key=state.key("step"), format_func=lambda v: f"+{v}")
    c[4].toggle("Only the predicted class", key=state.key("discretize"), help="Threshold the map at p = 0.5")
st.toggle("Predict first", key=state.key("predict"), help="Guess the outcome before the run plays; then compare")
state.sync()

start = ss.get("xor_start")
start_json = None
if start is not None:
    if len(start["params"]["b1"]) == state["hidden"]:
        start_json = json.dumps(start["params"])
    else:
        ss.pop("xor_start")
        start = None
samples = len(lossviz.make_dataset(state["dataset"], state["n"], state["noise"], state["seed"])[1])
sweep = sweepable(len(LRS), state["epochs"], samples, state["hidden"])  # every rate at the cost of one run
runs_key = (
    state["dataset"],
    state["n"],
    state["noise"],
    state["hidden"],
    state["activation"],
    state["loss"],
    state["optimizer"],
    LRS if sweep else (state["lr"],),
    state["epochs"],
    state["seed"],
    start_json,
)
batch, X, y = recorded_runs(*runs_key)
run = batch.run(LRS.index(state["lr"]) if sweep else 0)
last = run.history.shape[0] - 1  # the last epoch we have weights for (earlier if training diverged)
signature = (*runs_key[:7], state["lr"], *runs_key[8:])
if ss.get("xor_signature") != signature:
    # a new setting shows its run at the epoch on show, to compare runs at one moment (Reset
    # replays from 0); with a guess to make first, it starts at 0
    ss.xor_signature = signature
    if state["predict"]:
        ss.xor_epoch = 0
        ss.xor_playing = False
ss.xor_epoch = advance(ss.get("xor_epoch", 0), 0, last)
bounds = lossviz.plot_bounds(X)
x1, x2 = grid_axes(bounds, 100)

guess = None
if state["predict"]:
    guess = ui.guess_box(
        "xor",
        "Before you press Play: will this run solve the task (100% accuracy)?",
        signature=signature,
        options=["Yes, it solves it", "No, it gets stuck"],
    )
locked = state["predict"] and guess is None  # nothing moves until the student has committed a guess


def transport(b, playing: bool):
    """Play/Pause, Step and Reset, drawn by the live view into the row's first four columns: a press
    reruns only the live view, and the end of a run relabels them in the same frame."""
    b[0].button(
        "⏸ Pause" if playing else "▶ Play",
        key="xor_play",
        on_click=play_pause,
        args=(not playing,),
        type="primary",
        width="stretch",
        disabled=locked or (ss.xor_epoch >= last and not playing),
        shortcut="P",  # a presenter scrolled down to the map plays and pauses from the keyboard
    )
    b[1].button(
        "Step +1",
        key="xor_step1",
        on_click=step,
        args=(1,),
        width="stretch",
        disabled=locked or ss.xor_epoch >= last,
        shortcut="S",
    )
    b[2].button(
        f"Step +{state['step']}",
        key="xor_stepn",
        on_click=step,
        args=(state["step"],),
        width="stretch",
        disabled=locked or ss.xor_epoch >= last,
    )
    b[3].button("Reset", key="xor_reset", on_click=reset, width="stretch", help="Back to epoch 0, same initial weights")


with st.container(key="lv_buttons_xor"):  # on a phone, two rows of buttons, not five
    b = st.columns([1.3, 1, 1, 1, 1.3])
b[4].button("New initial weights", key="xor_new", on_click=new_weights, width="stretch", help="Next seed")
if start is not None:
    st.info(f"Starting from uploaded weights: {md_escape(start['name'])}.")
    st.button("Use seeded weights again", key="xor_clear_start", on_click=clear_start)


def live_view():
    """Buttons, epoch counter, readouts, heatmap, loss curve and hidden units: the part of the page a
    press of Play, Step or Reset reruns, and each frame while playing (the ticker at the end asks
    for the next frame once this one has reached the browser)."""
    ss.xor_epoch = advance(ss.get("xor_epoch", 0), 0, last)
    due = ui.ticks_due("lv_tick_xor", most=MAX_CATCH_UP)  # 1 while frames keep pace
    if ss.get("xor_playing", False):
        ss.xor_epoch = advance(ss.xor_epoch, due * epochs_per_tick(state["epochs"]), last)
        ss.xor_playing = ss.xor_epoch < last  # the last frame is drawn paused: the run has ended
    playing = ss.get("xor_playing", False)
    transport(b, playing)
    epoch = ss.xor_epoch
    now = frame(run.history, epoch, X, y, hidden=run.hidden, activation=run.activation, bounds=bounds)
    loss_now = loss_at(run.loss, run.final_loss, epoch)

    m = st.container(horizontal=True, gap="medium")  # sized to content: "5,000 / 5,000" is never cut
    texts = readouts(
        epoch, last, loss_now, now["accuracy"], epochs=state["epochs"], loss=state["loss"], playing=playing
    )
    for label, value in texts.items():
        m.metric(label, value, width="content")
    left, right = st.columns([1.15, 1])
    with right:  # one chart, updated in place, whether playing or paused
        ui.chart(loss_chart(run, epoch, state["epochs"]), key="xor_chart_loss")
        st.caption("What each hidden unit computes (blue high, orange low):")
    if playing:
        # while playing: the map and the hidden units as pictures, cheaper for the browser to show
        # than a heatmap redrawn every frame; pausing brings back their interactive charts.  As
        # data: URLs they arrive with the frame's readouts (no media file to fetch, or to miss)
        with left:
            st.image(
                png_data_url(boundary_image(now["prob"], X, y, bounds)),
                caption=f"P(y = 1) after epoch {epoch:,}: blue means 1, orange 0 (interactive when paused)",
                width="stretch",
            )
            if state["dataset"] == "xor":
                st.caption("The lesson's table of predictions appears when you pause.")
        with right:
            st.image(png_data_url(units_image(now["units"][:, ::2, ::2], run.activation)))
    else:
        with left:
            ui.chart(boundary_chart(now, epoch, x1, x2, X, y, state["discretize"]), key="xor_chart_boundary")
            if state["dataset"] == "xor":  # under the map: the table is the map's four corners, in numbers
                st.dataframe(
                    pd.DataFrame(
                        {
                            "input": [f"[{a:g}, {b:g}]" for a, b in X],
                            "target": y.astype(int),
                            "prediction": now["p"],
                            "class": now["classes"],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                    column_config={"prediction": st.column_config.NumberColumn(format="%.4f")},
                )
        with right:
            ui.chart(units_chart(now, x1, x2, run.activation), key="xor_chart_units")
    if guess is not None and epoch >= last:
        solved = now["accuracy"] == 1.0
        verdict = "right" if solved == guess.startswith("Yes") else "not this time"
        st.info(
            f"You guessed: {guess}. The run ended at {now['accuracy']:.0%} accuracy, loss "
            f"{format_number(loss_now)}: {verdict}."
        )
    if playing:  # every playing run has moved the epoch on: it numbers the frame
        ui.ticker("lv_tick_xor", frame=epoch, every=TICK_SECONDS)
    elif epoch and sweep and not state["predict"]:
        # paused: a move of the learning rate shows that rate's run at this epoch at once (the
        # rerun draws the same); last, so that the view above is drawn first
        ui.slider_preview(state.key("lr"), lr_preview(runs_key, epoch, state["discretize"], ui.presenting()))


with st.container(key="xor_live"):  # CSS keeps this box from fading as "stale" between frames
    st.fragment(live_view)()

if run.diverged_at is not None:
    st.error(f"{run.message}. The weights stop at epoch {last:,}; try a smaller learning rate.")

st.subheader("What to notice")
st.markdown(
    "- The loss starts at about **0.69 = ln 2**: every prediction near 0.5, a coin toss.\n"
    "- The boundary is not a line: the hidden units each cut the plane once (see their maps), "
    "and the output combines the cuts.\n"
    "- Some seeds get **stuck** near loss **0.3466 = ln(2)/2**: two points solved, two left at p = 0.5. "
    "Try seed 2, or compare many seeds on the Optimizer race page.\n"
    "- Switch the training loss to **MSE**: the same network learns more slowly, because the sigmoid's "
    "flat ends shrink MSE's gradient (the Loss Explorer's gradient panel).\n"
    "- After a run, move the **learning rate**: the page shows the run at that rate at the same epoch, "
    "at once: at 0.001 the loss is still 0.6809, near ln 2; from 10 up the steps overshoot and it ends "
    "above ln 2 (1.227 at 10). Any other setting also keeps the epoch; **Reset** replays a run from epoch 0."
)

st.subheader("Export and import")
e = st.columns(3)
exported = {k: state[k] for k in ("dataset", "hidden", "activation", "loss", "optimizer", "lr", "epochs", "seed")}
e[0].download_button(
    "Final weights (JSON)",
    weights_to_json(run.params, activation=run.activation, extra=exported),
    file_name="lossviz-weights.json",
    mime="application/json",
    key="xor_dl_weights",
)
e[1].download_button(
    "Initial weights (JSON)",
    weights_to_json(run.initial_params, activation=run.activation, extra=exported),
    file_name="lossviz-initial-weights.json",
    mime="application/json",
    key="xor_dl_initial",
)
e[2].download_button(
    "Loss history (CSV)",
    lambda: pd.DataFrame({"epoch": np.arange(len(run.loss)), "loss": run.loss}).to_csv(index=False),
    file_name="lossviz-loss.csv",
    mime="text/csv",
    key="xor_dl_loss",
    on_click="ignore",  # built on click only: a 5000-row CSV on every rerun cost 14 ms
)
# no type= filter: Streamlit raises its own exception for another extension; the parser explains instead
st.file_uploader("Start from weights (a JSON file exported here)", key="xor_upload", on_change=load_weights)
if ss.get("xor_upload_error"):
    st.error(f"That file was not loaded, nothing changed: {md_escape(ss.xor_upload_error, 300)}")
st.caption(
    "In a notebook: `lossviz.train(X, y, params=lossviz.weights_from_json(open(path).read())['params'])` "
    "repeats a run from an exported start."
)
ui.footer("xor")
