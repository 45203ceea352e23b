"""Why MSE fails with a sigmoid: the loss landscape of one neuron under MSE and BCE."""

import numpy as np
import pandas as pd
import streamlit as st

from lossviz import landscape as ls
from lossviz import ui
from lossviz.figures import landscape as figs
from lossviz.figures.frames import figure_json, moving
from lossviz.params import format_number, md_escape

ui.setup_page("landscape")

st.title("⛰️ Why MSE fails with a sigmoid")
state = ui.url_state("landscape", ls.PARAMS)
st.caption(
    "One neuron p = σ(w·x + b) on a few labelled points. Each (w, b) is a different neuron; the maps colour it "
    "by its loss. Same data, same neuron, two losses."
)
LABEL = {p.name: p.label for p in ls.PARAMS}
WINDOW_KEY, LINE_KEY = "_lv_landscape_window", "_lv_landscape_line"
PREVIEW_MAX_STEPS = 500  # a move of lr is drawn in the browser at once up to this many steps


@st.cache_data(max_entries=16, ttl="1h", show_spinner=False)
def grid(x: tuple, y: tuple, w_range: tuple, b_range: tuple, n: int) -> ls.Landscape:
    return ls.loss_grid(x, y, w_range=w_range, b_range=b_range, n=n)


@st.cache_data(max_entries=16, ttl="1h", show_spinner=False)
def descend_all(x: tuple, y: tuple, w0: float, b0: float, steps: int) -> list[dict]:
    """Both descents at every position of the learning-rate slider, stepped side by side."""
    runs = {n: ls.gradient_descents(x, y, loss=n, w0=w0, b0=b0, lrs=ls.LR_GRID, steps=steps) for n in ls.LOSSES}
    return [{name: runs[name][i] for name in ls.LOSSES} for i in range(len(ls.LR_GRID))]


def descend(x: tuple, y: tuple, w0: float, b0: float, lr: float, steps: int) -> dict:
    """Both descents at ``lr``, picked from every position's (the URL snaps lr to the slider's grid)."""
    return descend_all(x, y, w0, b0, steps)[ls.LR_GRID.index(lr)]


def after_label(name: str, steps: int) -> str:
    return f"{name.upper()} after {steps} steps"


@st.cache_data(max_entries=16, ttl="1h", show_spinner=False)
def preview_frames(x: tuple, y: tuple, start: tuple, steps: int, view: str, present: bool) -> dict:
    """What a move of the learning rate changes, at every position (lossviz.ui.preview): the readouts,
    the descent drawn on the contour maps, the loss curves and the fits.  The browser draws a move
    from these at once; the rerun then draws the same (the 3-D surfaces wait for it)."""
    all_runs = descend_all(x, y, *start, steps)
    readouts = {after_label(name, steps): [format_number(r[name].loss[-1]) for r in all_runs] for name in ls.LOSSES}
    charts = {}
    if view == "contour":
        for n in ls.LOSSES:
            charts[f"landscape_map_{n}"] = [figs.map_moving(descent=r[n], start=start, name=n) for r in all_runs]
    x_arr, y_arr = np.asarray(x), np.asarray(y)
    fits = [ls.fit_curves(x_arr, r) for r in all_runs]
    charts["landscape_descent"] = moving([figure_json(ui.as_shown(figs.descent_figure(r), present)) for r in all_runs])
    charts["landscape_fit"] = moving(
        [figure_json(ui.as_shown(figs.fit_figure(x_arr, y_arr, c, xs=xs), present)) for xs, c in fits]
    )
    return ui.preview_frames(len(ls.LR_GRID), readouts=readouts, charts=charts)


def reset() -> None:
    """Every setting back to its default, and the presets' points unedited."""
    state.reset_defaults()
    for name in ls.PRESETS:
        st.session_state.pop(f"landscape_points_{name}", None)
        st.session_state.pop(f"_lv_landscape_data_{name}", None)


# ---------------------------------------------------------------- controls
c_data, c_edit, c_w0, c_b0, c_lr, c_steps = st.columns([1.3, 1.3, 0.75, 0.75, 1.5, 1.5], vertical_alignment="bottom")
c_data.selectbox(
    LABEL["preset"],
    list(ls.PRESETS),
    key=state.key("preset"),
    format_func=str.capitalize,
    help="\n".join(f"- **{name.capitalize()}**: {desc}" for name, (_, _, desc) in ls.PRESETS.items()),
)
preset = state["preset"]
x0, y0 = ls.preset(preset)
with c_edit.popover("Points", icon=":material/edit:", width="stretch", help="Edit the data points"):
    edited = st.data_editor(
        pd.DataFrame({"x": x0, "y": y0.astype(int)}),
        key=f"landscape_points_{preset}",
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "x": st.column_config.NumberColumn("x", min_value=-ls.MAX_ABS_X, max_value=ls.MAX_ABS_X),
            "y": st.column_config.NumberColumn("y (label)", min_value=0, max_value=1, step=1, format="%d"),
        },
        alt="The data points: input x and label y",
    )
    st.caption(f"Up to {ls.MAX_POINTS} points, |x| ≤ {ls.MAX_ABS_X:g}, labels 0 or 1. Choosing a preset starts over.")
c_w0.number_input(LABEL["w0"], -ls.MAX_PARAM, ls.MAX_PARAM, step=0.5, format="%g", key=state.key("w0"))
c_b0.number_input(LABEL["b0"], -ls.MAX_PARAM, ls.MAX_PARAM, step=0.5, format="%g", key=state.key("b0"))

c_view, c_log, c_window, c_reset = st.columns([2.1, 1.6, 1.1, 1], vertical_alignment="center")
c_view.segmented_control(
    LABEL["view"],
    ls.VIEWS,
    key=state.key("view"),
    required=True,
    format_func={"contour": "Contour maps", "3d": "3-D surfaces"}.get,
    label_visibility="collapsed",
)
c_log.toggle(LABEL["logc"], key=state.key("logc"), help="Colour (and 3-D height) = log₁₀ of the loss.")
with c_window.popover("Window", icon=":material/crop_free:", help="The part of the (w, b) plane on the maps"):
    a, b = st.columns(2)
    a.number_input(LABEL["wmin"], -ls.MAX_PARAM, ls.MAX_PARAM, step=1.0, format="%g", key=state.key("wmin"))
    b.number_input(LABEL["wmax"], -ls.MAX_PARAM, ls.MAX_PARAM, step=1.0, format="%g", key=state.key("wmax"))
    a.number_input(LABEL["bmin"], -ls.MAX_PARAM, ls.MAX_PARAM, step=1.0, format="%g", key=state.key("bmin"))
    b.number_input(LABEL["bmax"], -ls.MAX_PARAM, ls.MAX_PARAM, step=1.0, format="%g", key=state.key("bmax"))
    st.select_slider(LABEL["res"], ls.RES_GRID, key=state.key("res"))
c_reset.button(
    "Reset", key="landscape_reset", on_click=reset, icon=":material/restart_alt:", help="All settings and the points"
)

valid_key = f"_lv_landscape_data_{preset}"
try:
    x, y = ls.check_dataset(
        edited["x"].to_numpy(dtype="float64", na_value=float("nan")),
        edited["y"].to_numpy(dtype="float64", na_value=float("nan")),
        skip_empty_rows=True,
    )
    st.session_state[valid_key] = (x, y)
except (ValueError, TypeError) as exc:
    st.error(f"That edit was not applied: {md_escape(str(exc), 200)}. Showing the last valid points.")
    x, y = st.session_state.get(valid_key, (x0, y0))

# ---------------------------------------------------------------- the core
data = (tuple(x), tuple(y))
window = ((state["wmin"], state["wmax"]), (state["bmin"], state["bmax"]))
try:
    land = grid(*data, *window, state["res"])
    st.session_state[WINDOW_KEY] = window
except ValueError as exc:
    st.error(f"The plotted window was not changed: {md_escape(str(exc), 200)}.")
    land = grid(*data, *st.session_state.get(WINDOW_KEY, ((-10.0, 10.0), (-10.0, 10.0))), state["res"])
start = (state["w0"], state["b0"])
line = ((state["w1"], state["b1"]), (state["w2"], state["b2"]))
try:
    profile = ls.line_profile(x, y, *line)
    st.session_state[LINE_KEY] = line
except ValueError as exc:
    st.error(f"The line was not changed: {md_escape(str(exc), 200)}.")
    line = st.session_state.get(LINE_KEY, ((-10.0, 0.0), (10.0, 0.0)))
    profile = ls.line_profile(x, y, *line)

# ---------------------------------------------------------------- the two landscapes
maps_box = st.container()  # the maps, with each loss's descent: drawn by descent_view() at the end

# ---------------------------------------------------------------- convexity, profiles, descent
left, right = st.columns(2, gap="medium")
with left:
    ui.chart(figs.nonconvex_map(land, start=start, line=line), key="landscape_nonconvex")
with right:
    st.markdown("**A line through the plane**, from A to B (dotted on the maps)")
    cols = st.columns(4)
    for col, name in zip(cols, ("w1", "b1", "w2", "b2"), strict=True):
        col.number_input(LABEL[name], -ls.MAX_PARAM, ls.MAX_PARAM, step=1.0, format="%g", key=state.key(name))
    ui.chart(figs.profile_figure(profile), key="landscape_profile")
    st.caption(ls.profile_sentence(profile))

descent_box = st.container()  # drawn by descent_view()


@st.fragment
def descent_view() -> None:
    """Learning rate, steps and everything they change: the descent paths on the maps, the readouts,
    the loss curves and the fits.  Moving them reruns only this function; the grids are cached."""
    c_lr.select_slider(LABEL["lr"], ls.LR_GRID, key=state.key("lr"), format_func=format_number)
    c_steps.select_slider(LABEL["steps"], ls.STEPS_GRID, key=state.key("steps"))
    runs = descend(*data, *start, state["lr"], state["steps"])
    with maps_box:
        descent_maps(runs)
    with descent_box:
        descent_curves(runs)
        if state["steps"] <= PREVIEW_MAX_STEPS:  # longer paths would send megabytes: the rerun draws them
            frames = preview_frames(*data, start, state["steps"], state["view"], ui.presenting())
            ui.slider_preview(state.key("lr"), frames)
    state.sync()


def descent_maps(runs: dict) -> None:
    """The MSE and BCE landscapes side by side, each with its descent; then the readouts."""
    log = state["logc"]
    left, right = st.columns(2, gap="medium")
    for col, name in ((left, "mse"), (right, "bce")):
        with col:
            if state["view"] == "3d":
                fig = figs.loss_surface(land, name, log=log, descent=runs[name])
            else:
                fig = figs.loss_map(land, name, log=log, descent=runs[name], start=start, line=line)
            ui.chart(fig, key=f"landscape_map_{name}")

    m = st.columns(4)
    for i, name in enumerate(ls.LOSSES):
        label = name.upper()
        run = runs[name]
        m[i].metric(
            f"{label} gradient at start",
            format_number(run.grad_norm[0]),
            help="‖∇L(w0, b0)‖ = √(∂L/∂w² + ∂L/∂b²), the mean loss's gradient at the start point",
        )
        m[2 + i].metric(
            after_label(name, state["steps"]),
            format_number(run.loss[-1]),
            delta=format_number(run.change),
            delta_color="inverse",
            help=f"Loss at the end of descent on {label}; the change is from the start ({format_number(run.loss[0])}).",
        )
    st.markdown(f"**{ls.plateau_sentence(runs['mse'].grad_norm[0], runs['bce'].grad_norm[0])}**")
    st.markdown(ls.convexity_sentence(land))


def descent_curves(runs: dict) -> None:
    """Loss against step for both losses, and the fitted sigmoids."""
    left, right = st.columns(2, gap="medium")
    with left:
        ui.chart(figs.descent_figure(runs), key="landscape_descent")
    with right:
        xs, curves = ls.fit_curves(x, runs)
        ui.chart(figs.fit_figure(x, y, curves, xs=xs), key="landscape_fit")


st.subheader("What to notice")
st.markdown(
    "- **The plateau.** Where the neuron is confidently wrong, σ is saturated and MSE's slope in z, "
    "2(p − y)·p(1 − p), is almost 0: the MSE map is flat there and descent barely moves. BCE's slope, "
    "p − y, stays near ±1 for the same mistake, so descent walks straight out.\n"
    "- **Convexity.** The shaded region has a direction in which MSE curves downwards; any line through it "
    "(try A→B) shows a profile that is not convex. BCE's Hessian, (1/N) Σ p(1 − p)·[x, 1][x, 1]ᵀ, is a sum "
    "of positive semidefinite matrices, so it never has a negative eigenvalue.\n"
    "- **Separable data** has no finite BCE minimum: w keeps growing as the fit sharpens. "
    "Try *Overlapping* for a bowl with a bottom."
)
with st.expander("The formulas"):
    st.latex(r"z_i = w x_i + b,\quad p_i = \sigma(z_i),\qquad \mathrm{MSE} = \tfrac1N\sum_i (p_i - y_i)^2")
    st.latex(r"\mathrm{BCE} = \tfrac1N\sum_i \big[\max(z_i, 0) - z_i y_i + \log(1 + e^{-|z_i|})\big]")
    st.latex(
        r"\nabla L = \tfrac1N \sum_i \ell'(z_i)\begin{pmatrix}x_i\\1\end{pmatrix},\qquad"
        r"\nabla^2 L = \tfrac1N \sum_i \ell''(z_i)\begin{pmatrix}x_i^2 & x_i\\ x_i & 1\end{pmatrix}"
    )
    st.latex(
        r"\text{BCE: } \ell' = p - y,\ \ell'' = p(1-p) \ge 0;\qquad"
        r"\text{MSE: } \ell' = 2(p-y)\,p(1-p),\ \ell'' = 2p(1-p)\big[p(1-p) + (p-y)(1-2p)\big]"
    )
    st.caption(
        "For MSE, ℓ'' = 2p(1 − p)²(3p − 1) when y = 1 and 2p²(1 − p)(2 − 3p) when y = 0: negative exactly when the "
        "prediction is confidently wrong (p < 1/3 for y = 1, p > 2/3 for y = 0). That is where the shading comes from."
    )

descent_view()  # last: it fills the learning-rate and steps columns, maps_box and descent_box, and writes the URL
ui.footer("landscape")
