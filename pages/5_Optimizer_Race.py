"""Optimizer race: SGD vs Adam vs RMSprop, and BCE vs MSE, across hundreds of random starts at once."""

import pandas as pd
import streamlit as st

from lossviz import outcomes as oc
from lossviz import race as rc
from lossviz import ui
from lossviz.datasets import xor
from lossviz.figures import race as figs
from lossviz.figures.frames import figure_json, moving
from lossviz.optimizers import OPTIMIZERS
from lossviz.params import format_count, format_number

ui.setup_page("race")

st.title("🏁 Optimizer race")
state = ui.url_state("race", rc.PARAMS)
st.caption(
    "The lessons end by racing SGD, Adam and RMSprop (learning rate 0.01, 1000 epochs) on XOR from one random "
    "start. One start is an anecdote: here the same 2-3-1 tanh network is trained from hundreds of starts at once "
    "(`lossviz.train_many`), and you see the whole distribution."
)


# ---------------------------------------------------------------- cached computations (shared by all visitors)
@st.cache_data(max_entries=48, ttl=3600, show_spinner="Training…")  # a spinner only when it trains
def cached_lr_runs(seed, optimizer, epochs, loss):
    """One optimizer's race run at every position of its learning-rate slider, in one batch."""
    return rc.race_lrs(seed, optimizer, epochs, loss)


def race_runs(seed, lrs, epochs, loss, chosen) -> dict:
    """The race at these settings (learning rates are on the slider's grid: the URL snaps to it),
    each run picked from its optimizer's runs at every learning rate: what a move previews."""
    return {o: cached_lr_runs(seed, o, epochs, loss)[rc.LR_GRID.index(lrs[o])] for o in chosen}


def every_curve(seed, epochs, loss, chosen) -> list:
    """Every chosen optimizer's curve at every learning rate: what the race chart's y-axis fits."""
    return [r.curve for o in chosen for r in cached_lr_runs(seed, o, epochs, loss)]


def race_chart(runs: dict, seed, loss, every: list):
    """The race's loss curves, on a y-axis that fits ``every`` curve (it stays put on a move)."""
    return figs.race_figure(
        {o: r.curve for o, r in runs.items()},
        {o: r.lr for o, r in runs.items()},
        plateau=oc.plateau_level(loss),
        loss_name=loss,
        title=f"Training loss from seed {seed}",
        axis_curves=every,
    )


def final_loss_label(opt: str) -> str:
    return f"{rc.OPTIMIZER_NAMES[opt]} final loss"


def boundary_chart(run, opt: str):
    prob, x1, x2 = rc.boundary(run.theta)
    return figs.compact_boundary(prob, x1, x2, X, Y, title=f"{rc.OPTIMIZER_NAMES[opt]}: where it ended")


@st.cache_data(max_entries=48, ttl=3600, show_spinner=False)
def preview_frames(seed, opt, epochs, loss, chosen, present: bool) -> dict:
    """What a move of ``opt``'s learning rate changes on the race tab, at every position
    (lossviz.ui.preview): its final loss, its curve and its map.  The browser draws a move from
    these at once; the rerun then draws the same, and the captions with it."""
    runs = cached_lr_runs(seed, opt, epochs, loss)
    fixed = {o: cached_lr_runs(seed, o, epochs, loss)[0] for o in chosen}  # any lr: the others do not move
    every = every_curve(seed, epochs, loss, chosen)
    curves = [race_chart({o: r if o == opt else fixed[o] for o in chosen}, seed, loss, every) for r in runs]
    maps = [boundary_chart(r, opt) for r in runs]
    charts = {
        "race_curves": moving([figure_json(ui.as_shown(f, present)) for f in curves]),
        # a map whose traces came and went between learning rates would wait for the rerun; none
        # does (the p = 0.5 line is hidden, not left out, where no point is at 0.5)
        f"race_boundary_{opt}": moving([figure_json(ui.as_shown(f, present)) for f in maps], strict=False),
    }
    readouts = {final_loss_label(opt): [format_number(r.final_loss) for r in runs]}
    return ui.preview_frames(len(runs), readouts=readouts, charts={k: v for k, v in charts.items() if v is not None})


@st.cache_data(max_entries=96, ttl=3600, show_spinner=False)
def cached_batch(optimizer, lr, loss, epochs, start, count):
    return rc.seed_batch(optimizer, lr, loss, epochs, start, count)


@st.cache_data(max_entries=48, ttl=3600, show_spinner=False)
def cached_sweep(optimizer, loss, epochs, start, count):
    return rc.lr_sweep(optimizer, loss, epochs, start, count)


def run_jobs(fn, jobs, describe):
    """Each job through its cached function, with a progress bar (one step per training call)."""
    bar = st.progress(0.0, text=describe(jobs[0]))
    out = []
    for i, job in enumerate(jobs):
        bar.progress(i / len(jobs), text=f"{describe(job)} ({i + 1} of {len(jobs)})")
        out.append(fn(*job))
    bar.empty()
    return out


def csv_button(rows, name, key):
    st.download_button(
        "Download table (CSV)",
        data=rc.rows_csv(rows),
        file_name=name,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=key,
    )


# ---------------------------------------------------------------- controls
opt_cols = st.columns(3, gap="medium")
for col, opt in zip(opt_cols, OPTIMIZERS, strict=True):
    name = rc.OPTIMIZER_NAMES[opt]
    with col:
        st.toggle(name, key=state.key(opt), help=f"Include {name} in the race and the statistics.")
        st.select_slider(
            f"{name} learning rate",
            options=rc.LR_GRID,
            format_func=format_number,
            key=state.key(f"lr_{opt}"),
            disabled=not state[opt],
            help="The lessons use 0.01 for all three.",
        )
c_loss, c_ep, c_n, c_seed = st.columns([1.5, 2, 2, 1.6], gap="medium")
c_loss.segmented_control(
    "Training loss",
    tuple(rc.LOSS_NAMES),
    format_func=rc.LOSS_NAMES.get,
    key=state.key("loss"),
    required=True,
    help="BCE is the lessons' loss; MSE on the sigmoid output is the one they warn about.",
)
c_ep.select_slider("Epochs", rc.EPOCH_CHOICES, key=state.key("epochs"), help="One epoch = one full-batch step.")
c_n.select_slider(
    "Random starts N", rc.N_CHOICES, key=state.key("n"), help="How many seeds the statistics run over (tabs 2-4)."
)
c_seed.number_input(
    "First seed",
    min_value=0,
    max_value=rc.MAX_SEED,
    step=1,
    key=state.key("seed"),
    help="The race uses this seed; the statistics use this seed and the next N - 1.",
)

BOUNDARY_NOTE = (
    "Each map shows the trained network's P(y = 1) over the input plane: blue near 1, orange near 0, "
    "dotted line at p = 0.5. Diamonds are the label-1 points, circles label 0."
)

chosen = tuple(opt for opt in OPTIMIZERS if state[opt])
lrs = {opt: state[f"lr_{opt}"] for opt in OPTIMIZERS}
epochs, loss, n, seed = state["epochs"], state["loss"], state["n"], state["seed"]
plateau = oc.plateau_level(loss)
X, Y = xor()

tab_race, tab_many, tab_loss, tab_lr = st.tabs(rc.TABS, key=state.key("tab"), on_change="rerun")

if not chosen:
    st.warning("Switch on at least one optimizer (SGD, Adam or RMSprop) to race.", icon="⚠️")

# ---------------------------------------------------------------- 1. the lessons' race
if tab_race.open and chosen:
    with tab_race:
        try:
            runs = race_runs(seed, lrs, epochs, loss, chosen)
        except ValueError as why:
            st.error(f"Could not run the race: {why}")
        else:
            first = next(iter(runs.values()))
            st.markdown(
                f"**One start, seed {seed}.** Every optimizer starts from the same initial weights "
                f"(loss {format_number(first.curve[0])} at epoch 0) and takes {epochs} full-batch steps."
            )
            ui.chart(race_chart(runs, seed, loss, every_curve(seed, epochs, loss, chosen)), key="race_curves")
            cols = st.columns(len(runs), gap="medium")
            for col, (opt, run) in zip(cols, runs.items(), strict=True):
                with col:
                    st.metric(
                        final_loss_label(opt),
                        format_number(run.final_loss),
                        help=f"Mean {rc.LOSS_NAMES[loss]} after {epochs} epochs at learning rate {run.lr:g}.",
                    )
                    ui.chart(boundary_chart(run, opt), key=f"race_boundary_{opt}")
                    st.caption(rc.run_text(run.outcome, run.final_loss, run.plateau_m, loss, run.epochs_to_target))
            st.caption(BOUNDARY_NOTE)
            st.markdown(
                "Is that the whole story? Change the seed a few times, or open **Many seeds** to see "
                f"all {n} starts at once."
            )
            for opt in chosen:  # last: the race above is on screen while these are computed
                frames = preview_frames(seed, opt, epochs, loss, chosen, ui.presenting())
                ui.slider_preview(state.key(f"lr_{opt}"), frames)

# ---------------------------------------------------------------- 2. many starts
if tab_many.open and chosen:
    with tab_many:
        used, cut = rc.affordable(n, epochs, len(chosen))
        if cut:
            st.warning(cut, icon="⏱️")
        try:
            batches = run_jobs(
                cached_batch,
                [(opt, lrs[opt], loss, epochs, seed, used) for opt in chosen],
                lambda job: f"Training {rc.OPTIMIZER_NAMES[job[0]]} on {job[5]} seeds × {job[3]} epochs",
            )
        except ValueError as why:
            st.error(f"Could not train: {why}")
        else:
            st.markdown(
                f"**{used} starts: seeds {seed} to {seed + used - 1}.** The line is the median run at each epoch, "
                "the band holds the middle 80% of runs (10th to 90th percentile)."
            )
            left, right = st.columns([3, 2], gap="medium")
            with left:
                ui.chart(
                    figs.band_figure(batches, plateau=plateau, loss_name=loss, title="Median loss, 10-90% band"),
                    key="race_band",
                )
            with right:
                edges, counts = oc.log_histograms({b.optimizer: b.final_loss for b in batches})
                ui.chart(
                    figs.histogram_figure(edges, counts, plateau=plateau, loss_name=loss, title="Final loss"),
                    key="race_hist",
                )
            rows = [rc.summary_row(b) for b in batches]
            st.markdown("**What became of the runs**")
            st.dataframe(
                pd.DataFrame(rows)[list(rc.OUTCOME_COLUMNS)],
                hide_index=True,
                width="stretch",
                column_config={
                    "solved %": st.column_config.NumberColumn(format="%.0f%%"),
                    "median final loss": st.column_config.NumberColumn(format="%.4g"),
                    "stuck at plateau": st.column_config.NumberColumn(
                        help="Stuck runs that ended within 2% of the plateau (dotted line): two points at p = 0.5."
                    ),
                    "learning rate": st.column_config.NumberColumn(format="%g"),
                },
                key="race_table",
            )
            csv_button(rows, f"race_outcomes_{loss}_{epochs}ep_seeds{seed}-{seed + used - 1}.csv", "race_csv")
            with st.expander("How a run is classified"):
                st.markdown(
                    "Rules, in this order:\n"
                    "1. **diverged**: the loss or a weight became NaN or infinite.\n"
                    "2. **solved**: all four XOR points are on the correct side of p = 0.5 (accuracy 1).\n"
                    "3. **stuck**: not solved, and the loss has flattened out: the last 10% of the epochs "
                    "brought less than 0.5% of the run's total drop in loss (a run that learns at a steady "
                    "pace makes 10% of its progress there), or the loss moved by less than 0.01%.\n"
                    "4. **still learning**: anything else; more epochs might solve it.\n\n"
                    "A stuck 2-3-1 network usually predicts two points perfectly and leaves two at p = 0.5:"
                )
                st.latex(
                    r"\tfrac{2}{4}\,\ell(\tfrac12):\quad \mathrm{BCE} = \tfrac{\ln 2}{2} \approx 0.3466,\qquad"
                    r"\mathrm{MSE} = \tfrac{2 \cdot 0.25}{4} = 0.125"
                )
                st.markdown(
                    "The column *stuck at plateau* counts the stuck runs whose final loss is within 2% "
                    "of that level (dotted line on the charts)."
                )

            st.subheader("Drill down: one run")
            if state["run"] > used - 1:
                state.set("run", used - 1)
            d_in, d_list = st.columns([1, 3], gap="medium")
            d_in.number_input(
                "Run number",
                min_value=0,
                max_value=used - 1,
                step=1,
                key=state.key("run"),
                help=f"0 to {used - 1}; run r starts from seed {seed} + r.",
            )
            run = state["run"]
            with d_list:
                for b in batches:
                    st.caption(
                        f"{rc.OPTIMIZER_NAMES[b.optimizer]}: stuck runs {rc.run_list(b, 'stuck')}; "
                        f"still learning {rc.run_list(b, 'learning', 6)}"
                    )
            cols = st.columns(len(batches), gap="medium")
            for col, b in zip(cols, batches, strict=True):
                with col:
                    prob, x1, x2 = rc.boundary(b.theta[run])
                    ui.chart(
                        figs.compact_boundary(
                            prob, x1, x2, X, Y, title=f"{rc.OPTIMIZER_NAMES[b.optimizer]}, seed {seed + run}"
                        ),
                        key=f"race_drill_{b.optimizer}",
                    )
                    st.caption(
                        rc.run_text(
                            str(b.outcomes[run]),
                            float(b.final_loss[run]),
                            int(b.plateau_m[run]),
                            loss,
                            int(b.epochs_to_target[run]),
                        )
                    )
            st.caption(BOUNDARY_NOTE)

# ---------------------------------------------------------------- 3. BCE vs MSE
if tab_loss.open and chosen:
    with tab_loss:
        used, cut = rc.affordable(n, epochs, 2 * len(chosen))
        if cut:
            st.warning(cut, icon="⏱️")
        target = {name: oc.target_loss(name) for name in rc.LOSS_NAMES}
        st.markdown(
            "The same starts trained twice, once with each loss. *At target* means the mean loss has dropped to "
            "what predicting every point's label with probability 0.9 would cost: "
            f"BCE {format_number(target['bce'])} (−ln 0.9), MSE {format_number(target['mse'])} (0.1²). "
            "Same confidence for both losses, so the epochs compare fairly; on four points it also means every "
            "point is on its correct side."
        )
        try:
            pairs = run_jobs(
                cached_batch,
                [(opt, lrs[opt], name, epochs, seed, used) for opt in chosen for name in rc.LOSS_NAMES],
                lambda job: f"Training {rc.OPTIMIZER_NAMES[job[0]]} with {rc.LOSS_NAMES[job[2]]} on {job[5]} seeds",
            )
        except ValueError as why:
            st.error(f"Could not train: {why}")
        else:
            ui.chart(
                figs.reached_figure(pairs, target=target, title=f"Runs at target loss ({used} starts)"),
                key="race_reached",
            )
            rows = [rc.summary_row(b) for b in pairs]
            shown = pd.DataFrame(rows)[list(rc.LOSS_COLUMNS)]
            # no run reached the target: a median over none, shown as n/a (a number column would say None)
            shown["median epochs to target"] = shown["median epochs to target"].map(format_count)
            st.dataframe(
                shown,
                hide_index=True,
                width="stretch",
                column_config={
                    "learning rate": st.column_config.NumberColumn(format="%g"),
                    **ui.numbers_as_text("median epochs to target"),
                },
                key="race_loss_table",
            )
            csv_button(rows, f"race_bce_vs_mse_{epochs}ep_seeds{seed}-{seed + used - 1}.csv", "race_loss_csv")
            lines = [rc.comparison_text(pairs[2 * i], pairs[2 * i + 1]) for i in range(len(chosen))]
            st.markdown("\n".join(lines))
            st.caption(
                "Why: through a sigmoid, MSE's gradient carries an extra factor p (1 − p) that shrinks as "
                "predictions approach 0 or 1, so plain SGD's steps shrink too. Adam and RMSprop divide each step "
                "by the gradient's recent size, which cancels most of that factor."
            )

# ---------------------------------------------------------------- 4. learning-rate sweep
if tab_lr.open and chosen:
    with tab_lr:
        s_in, s_text = st.columns([1, 3], gap="medium")
        s_in.select_slider(
            "Seeds per learning rate",
            rc.SWEEP_N_CHOICES,
            key=state.key("sweep_n"),
            help=f"Each of the {len(rc.SWEEP_LRS)} learning rates runs on this many seeds, from the first seed.",
        )
        s_text.markdown(
            f"Final {rc.LOSS_NAMES[loss]} after {epochs} epochs for {len(rc.SWEEP_LRS)} learning rates from "
            f"{format_number(rc.SWEEP_LRS[0])} to {format_number(rc.SWEEP_LRS[-1])}. Too small and nothing moves; "
            "too large and the steps overshoot until the loss is worse than guessing p = 0.5 for every point."
        )
        used, cut = rc.affordable(state["sweep_n"], epochs, len(chosen) * len(rc.SWEEP_LRS), choices=rc.SWEEP_N_CHOICES)
        if cut:
            st.warning(cut, icon="⏱️")
        try:
            sweeps = run_jobs(
                cached_sweep,
                [(opt, loss, epochs, seed, used) for opt in chosen],
                lambda job: f"Sweeping {rc.OPTIMIZER_NAMES[job[0]]} over {len(rc.SWEEP_LRS)} learning rates",
            )
        except ValueError as why:
            st.error(f"Could not train: {why}")
        else:
            ui.chart(
                figs.sweep_figure(
                    sweeps,
                    guess=oc.half_loss(loss),
                    loss_name=loss,
                    title=f"Final loss and % solved ({used} seeds per lr)",
                ),
                key="race_sweep",
            )
            lines = [rc.sweep_text(sw) for sw in sweeps]
            st.markdown("\n".join(lines))
            st.caption(
                "Breaks down = the median final loss is worse than guessing p = 0.5 everywhere (dotted line). "
                "With tanh hidden units and BCE computed from the logit every number stays finite, so a too-large "
                "learning rate shows up as a loss that bounces high rather than as NaN."
            )

state.sync()
ui.footer("race")
