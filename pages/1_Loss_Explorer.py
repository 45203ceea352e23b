"""Loss Explorer: drag a prediction and watch BCE, MSE and hinge loss, and their gradients, respond."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from lossviz import explorer as ex
from lossviz import ui
from lossviz.figures import explorer as figs
from lossviz.lessons import BY_ID
from lossviz.params import format_number, md_escape, serialize
from lossviz.validation import DTYPES

ui.setup_page("explorer")

st.title("🎚️ Loss Explorer")
state = ui.url_state("explorer", ex.PARAMS)
st.caption("Pick a prediction p and a true label y. Every number below is computed by `lossviz` as you move a control.")

# ---------------------------------------------------------------- controls
c_p, c_y, c_eps, c_dtype = st.columns([3, 1.3, 2.6, 1.4], gap="medium")
c_y.segmented_control("True label y", options=(0, 1), required=True, key=state.key("y"))
c_eps.select_slider(
    "Clip epsilon (eps)",
    options=ex.EPS_GRID,
    format_func=ex.format_eps,
    key=state.key("eps"),
    help="BCE first clips p to [eps, 1 − eps], as the lessons' `np.clip` does. The lessons use 1e-15 and 1e-12.",
)
c_dtype.selectbox(
    "dtype", DTYPES, key=state.key("dtype"), help="The float type BCE (and its clip bounds) is computed in."
)
y, eps, dtype = state["y"], state["eps"], state["dtype"]
curves = ex.curves(eps, dtype)
num = ex.lesson_numbers()
point_box = st.container()  # the readouts and the three plots: filled by point_view() below


@st.fragment
def point_view() -> None:
    """The p slider and everything that moves with it.  Moving p (or a chart toggle) reruns only this
    function, not the whole page: the examples table and the text below stay as they are."""
    with c_p:
        st.select_slider(
            "Predicted probability p",
            options=ex.P_GRID,
            format_func=ex.format_p,
            key=state.key("p"),
            help="Steps of 0.01 in the middle, finer near 0 and 1 (down to 1e-16 and 1 − 1e-16). "
            "Arrow keys move one step.",
        )
    with point_box:
        point_section(state["p"])
        if not state["predict"]:  # with "Predict first" the readouts wait for a guess: nothing to show early
            ui.slider_preview(state.key("p"), preview_frames(y, eps, dtype, state["hinge"], state["logy"]))
    with link_box:
        query = urlencode(serialize(ex.PARAMS, state.values()))
        base = st.context.url or "/" + BY_ID["explorer"].url_path
        ui.plain_code("explorer_link", base + ("?" + query if query else ""))
    state.sync()


# the readouts at p, by their labels on the page: the field of lossviz.explorer.Point each shows, and its help
READOUTS = {
    "BCE": ("bce", "−[y log p + (1 − y) log(1 − p)], clipped, in {dtype}"),
    "MSE": ("mse", "(y − p)², float64"),
    "hinge": ("hinge", "max(0, 1 − t·z) with t = 2y − 1 and z = log(p / (1 − p))"),
    "logit z": ("z", "z = log(p / (1 − p)): the score before the sigmoid"),
}
GUESSED = ("BCE", "MSE", "hinge")  # shown as "?" until the student has committed a guess ("Predict first")
GRADIENT_READOUTS = {
    "∂BCE/∂p": ("bce_grad_p", "(p − y) / (p (1 − p)); 0 where the clip bites"),
    "∂MSE/∂p": ("mse_grad_p", "2 (p − y)"),
    "∂BCE/∂z": ("bce_grad_z", "p − y; 0 where the clip bites"),
    "∂MSE/∂z": ("mse_grad_z", "2 (p − y) p (1 − p)"),
    "∂hinge/∂z": ("hinge_grad_z", "−t while t·z < 1, else 0"),
}


FIELDS = {label: field for label, (field, _) in (READOUTS | GRADIENT_READOUTS).items()}


def readout(pt: ex.Point, label: str) -> str:
    """The text of the readout ``label`` at this point, as the page shows it."""
    return format_number(getattr(pt, FIELDS[label]))


def loss_markers(pt: ex.Point) -> dict:
    return {"bce": pt.bce, "mse": pt.mse, "hinge": pt.hinge}


def gradient_markers(pt: ex.Point) -> dict:
    return {"bce": pt.bce_grad_z, "mse": pt.mse_grad_z, "hinge": pt.hinge_grad_z}


@st.cache_data(max_entries=64, show_spinner=False)
def preview_frames(y: int, eps: float, dtype: str, show_hinge: bool, log_y: bool) -> dict:
    """What the readouts and the charts show at every position of the p slider (lossviz.ui.preview):
    the browser draws a move of p from these at once, and the rerun then draws the same."""
    curves, pts = ex.curves(eps, dtype), ex.points(y, eps, dtype)
    texts = {label: [readout(pt, label) for pt in pts] for label in FIELDS}
    charts = {
        f"explorer_loss_y{label}": [
            figs.loss_moving(
                curves.loss[label],
                marker_p=pt.p,
                marker_values=loss_markers(pt) if label == y else None,
                margin_p=curves.margin_p[label],
                show_hinge=show_hinge,
                log_y=log_y,
            )
            for pt in pts
        ]
        for label in (1, 0)
    }
    charts["explorer_grad"] = [
        figs.gradient_moving(curves.grad_z[y], marker_p=pt.p, marker_values=gradient_markers(pt), show_hinge=show_hinge)
        for pt in pts
    ]
    return ui.preview_frames(len(pts), readouts=texts, charts=charts)


def point_section(p: float) -> None:
    """Readouts, the two loss plots and the gradients at this p."""
    # ------------------------------------------------------------ readouts
    show_hinge, log_y = state["hinge"], state["logy"]
    pt = ex.point(y, p, eps, dtype)
    st.toggle("Predict first", key=state.key("predict"), help="Guess BCE before the page shows it; then compare")
    guess = None
    if state["predict"]:
        guess = ui.guess_box(
            "explorer", f"Your guess: BCE at p = {ex.format_p(p)} with y = {y}?", signature=(y, p, eps, dtype)
        )
    hidden = state["predict"] and guess is None  # readouts and markers wait for the student's guess
    readouts = st.container(horizontal=True, gap="medium")
    for label, (_, why) in READOUTS.items():
        readouts.metric(
            label,
            "?" if hidden and label in GUESSED else readout(pt, label),
            delta=None if guess is None or label != "BCE" else f"you guessed {format_number(guess)}",
            delta_color="off",
            help=why.format(dtype=dtype),
        )
    GRADIENT_NOTES = ("∂BCE/∂p", "z-gradients")
    for what, why in pt.notes:
        if what not in GRADIENT_NOTES:
            st.caption(f"**{what}:** {why}")

    # ---------------------------------------------------------------- the two loss plots
    with st.container(horizontal=True, gap="large"):
        st.toggle("Show hinge", key=state.key("hinge"))
        st.toggle("Log y-axis", key=state.key("logy"))
    markers = loss_markers(pt)
    left, right = st.columns(2, gap="medium")
    for col, label in ((left, 1), (right, 0)):
        with col:
            if hidden and label == y:  # this panel would give the answer away: it waits for the guess
                st.info(f"The curves for y = {y} appear once you have committed your guess.")
                continue
            fig = figs.loss_figure(
                curves.p,
                curves.loss[label],
                label=label,
                marker_p=p,
                marker_values=markers if label == y else None,
                margin_p=curves.margin_p[label],
                show_hinge=show_hinge,
                log_y=log_y,
                selected=label == y,
            )
            ui.chart(fig, key=f"explorer_loss_y{label}")
    missing = ex.not_drawn(markers, hinge=show_hinge)
    st.caption(
        f"Curves over p from 0.001 to 0.999 (500 points); BCE with eps = {ex.format_eps(eps)} in {dtype}. "
        "The markers sit at the slider's p on the selected label's panel."
        + (f" **Not drawn at this p: {missing}.**" if missing else "")
        + (" On a log axis a loss of exactly 0 (hinge past its margin) is not drawn." if log_y and show_hinge else "")
    )

    # ---------------------------------------------------------------- gradients
    st.subheader("Gradients: how hard each loss pulls")
    grad_readouts = st.container(horizontal=True, gap="medium")
    for label, (_, why) in GRADIENT_READOUTS.items():
        grad_readouts.metric(label, readout(pt, label), help=why)
    for what, why in pt.notes:
        if what in GRADIENT_NOTES:
            st.caption(f"**{what}:** {why}")
    grad_markers = gradient_markers(pt)
    gcol, gtext = st.columns([2, 1], gap="medium")
    with gcol:
        grad_fig = figs.gradient_figure(
            curves.p,
            curves.grad_z[y],
            label=y,
            marker_p=p,
            marker_values=grad_markers,
            show_hinge=show_hinge,
        )
        ui.chart(grad_fig, key="explorer_grad")
        if missing_grads := ex.not_drawn(grad_markers, hinge=show_hinge):
            st.caption(f"**Not drawn at this p: {missing_grads}** (p = {ex.format_p(p)} has no finite logit).")
    with gtext:
        st.latex(
            r"\begin{aligned}\partial_z \mathrm{BCE} &= p - y\\"
            r"\partial_z \mathrm{MSE} &= 2(p - y)\,p\,(1 - p)\end{aligned}"
        )
        st.markdown(
            "Gradient descent moves z by the gradient. BCE's pull is the error itself: the more wrong, "
            "the harder it pulls. MSE's pull carries an extra factor p (1 − p) from the sigmoid, which "
            "goes to 0 at both ends, so **MSE stops pulling exactly where the prediction is confidently wrong.**"
        )
        st.markdown(
            f"At y = 1 and z = {format_number(num['z'])} (p = {format_number(num['p_at_z'])}): "
            f"BCE pulls with {format_number(num['bce_dz_at_z'])}, MSE with {format_number(num['mse_dz_at_z'])}, "
            f"{ex.format_count(num['dz_ratio'])} times weaker."
        )


# ---------------------------------------------------------------- the lessons' examples
st.subheader("Whole predictions: the lessons' examples")
preset = ex.PRESET_BY_ID[
    st.radio(
        "Example",
        options=[pr.id for pr in ex.PRESETS],
        format_func=lambda i: ex.PRESET_BY_ID[i].title,
        key=state.key("preset"),
        horizontal=True,
    )
]

editor_key = f"explorer_table_{preset.id}"
last_key = "_lv_explorer_last_table"
means = st.container()
t_edit, t_out = st.columns([1, 1.6], gap="medium")
with t_edit:
    edited = st.data_editor(
        pd.DataFrame({"y": list(preset.y), "p": list(preset.p)}),
        key=editor_key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "y": st.column_config.SelectboxColumn("y", options=[0, 1], required=True, help="true label, 0 or 1"),
            "p": st.column_config.NumberColumn(
                "p", min_value=0.0, max_value=1.0, format="plain", required=True, help="predicted probability"
            ),
        },
    )
    st.caption("Edit a cell, add or delete rows. " + preset.lesson)
try:
    table = ex.sample_table(edited["y"], edited["p"], eps=eps, dtype=dtype)
    st.session_state[last_key] = (preset.id, table.y, table.p)
except ValueError as why:
    with t_edit:
        st.error(f"Edit not used: {md_escape(str(why), 160)}. The results show the last valid table.")
    saved = st.session_state.get(last_key)
    rows = saved[1:] if saved and saved[0] == preset.id else (preset.y, preset.p)
    table = ex.sample_table(*rows, eps=eps, dtype=dtype)
with means:
    a, b = st.columns([2, 1])
    a.metric("mean BCE (all digits)", ex.format_full(table.mean_bce), help=f"eps = {ex.format_eps(eps)}, in {dtype}")
    b.metric("mean MSE", format_number(table.mean_mse), help="float64")
with t_out:
    st.dataframe(
        pd.DataFrame(
            {
                "y": table.y,
                "p": [ex.format_p(v) for v in table.p],
                "BCE": [format_number(v, 6) for v in table.bce],
                "MSE": [format_number(v, 6) for v in table.mse],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config=ui.numbers_as_text("p", "BCE", "MSE"),
    )
    st.caption(f"Each sample's loss (BCE with eps = {ex.format_eps(eps)} in {dtype}); the means are their averages.")

# ---------------------------------------------------------------- what it means
st.subheader("What the pictures say")


def idea(title: str, formula: str, text: str) -> None:
    words, maths = st.columns([3, 2], gap="large", vertical_alignment="center")
    words.markdown(f"**{title}.** {text}")
    maths.latex(formula)


idea(
    "BCE punishes arrogance",
    r"\mathrm{BCE} = \begin{cases} -\log p & \text{if } y = 1 \\ -\log(1 - p) & \text{if } y = 0 \end{cases}",
    "BCE is minus the log of the probability the model gave the true answer. "
    f"Missing y = 1 with a hesitant p = 0.4 costs {format_number(num['bce_hesitant'])}; "
    f"with a confident p = 0.001 it costs {format_number(num['bce_confident'])}, and as p goes to 0 "
    "the cost has no ceiling. Being sure and wrong is the most expensive thing a model can do.",
)
idea(
    "MSE's ballpark is not enough",
    r"\mathrm{MSE} = (y - p)^2",
    f"MSE never charges more than 1. The confident miss costs {format_number(num['mse_confident'])} "
    f"against {format_number(num['mse_coin'])} for a coin flip at p = 0.5; BCE charges "
    f"{format_number(num['bce_confident'])} against {format_number(num['bce_coin'])}. MSE only asks p "
    "to be in the right ballpark, and through a sigmoid it stops pulling on the worst mistakes "
    "(gradient panel above).",
)
idea(
    "Hinge wants a margin, then stops",
    r"\begin{gathered}\mathrm{hinge} = \max(0,\ 1 - t\,z)\\ t = 2y - 1,\quad z = \log\tfrac{p}{1-p}\end{gathered}",
    f"Hinge scores the logit z, drawn here against the same p. Once t·z ≥ 1 (p ≥ {format_number(num['margin_p1'])} "
    f"for y = 1, p ≤ {format_number(num['margin_p0'])} for y = 0) it is exactly 0, and so is its gradient. "
    "That is the precise form of the lesson's loose “0.51 vs 0.99” remark: hinge does charge p = 0.51 "
    f"({format_number(num['hinge_051'])}), but it cannot tell a comfortable prediction from a certain one. "
    f"It costs {format_number(num['hinge_075'])} at p = 0.75 and {format_number(num['hinge_099'])} at p = 0.99, "
    f"where BCE still says {format_number(num['bce_075'])} vs {format_number(num['bce_099'])}.",
)

# ---------------------------------------------------------------- share and download
st.subheader("Link and data")
s_link, s_csv = st.columns([2.6, 1.4], gap="medium")
with s_link:
    link_box = st.container()  # filled by point_view(): the link follows every move of p
    st.caption(
        "Select and copy this link: it opens the page with these settings. "
        "*Share this view* in the sidebar has a copy button and a QR code."
    )
with s_csv:
    st.download_button(
        "Curves as CSV",
        data=lambda: ex.curves_csv(eps, dtype),
        file_name=f"loss_curves_eps{ex.format_eps(eps)}_{dtype}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        help="p, z, then each loss and its gradient in z for y = 1 and y = 0, with the current eps and dtype.",
    )

point_view()  # last: it fills point_box and link_box above, and writes the URL
ui.footer("explorer")
