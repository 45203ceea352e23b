"""The log(0) black hole: the naive formula, the lessons' clip, dtype traps, the logits form, real frameworks."""

import pandas as pd
import streamlit as st

from lossviz import blackhole as bh
from lossviz import ui
from lossviz.figures.blackhole import gradient_figure, loss_histogram
from lossviz.figures.frames import figure_json, moving
from lossviz.params import Param, format_number, md_escape, unbroken
from lossviz.predictions_io import MAX_BYTES, MAX_MEGABYTES, MAX_ROWS, content_id, parse_predictions, table_predictions
from lossviz.validation import DTYPES

ui.setup_page("blackhole")

PARAMS = [
    Param("preset", "arrogant", kind="choice", choices=tuple(bh.PRESETS), label="starting table"),
    Param("eps", bh.DEFAULT_EPS, lo=bh.EPS_GRID[0], hi=bh.EPS_GRID[-1], grid=bh.EPS_GRID, log=True, label="epsilon"),
    Param("dtype", "float64", kind="choice", choices=DTYPES, label="dtype"),
    Param("logits", False, kind="bool", label="predictions are logits"),
    Param("gy", 1, kind="choice", choices=(1, 0), label="label for the gradient plot"),
]
SHOW_ROWS = 8  # per-sample rows shown in each of the three columns
TABLES, EDITED, MESSAGE, SEEN = "_bh_tables", "_bh_edited", "_bh_message", "_bh_seen_files"
UPLOAD, PASTE = "_bh_upload", "_bh_paste"
ss = st.session_state


def table_frame(y, pred, column: str) -> pd.DataFrame:
    """The editable table (the page numbers its rows from 1, top to bottom)."""
    return pd.DataFrame({"y": pd.Series(y, dtype="int64"), column: pd.Series(pred, dtype="float64")})


def load_preset() -> None:
    preset = bh.PRESETS[ss[state.key("preset")]]
    ss[TABLES] = {
        "p": table_frame(preset.y, preset.p, "p"),
        "z": table_frame(preset.y, preset.z, "z"),
        "source_p": f"preset: {preset.label}",
        "source_z": f"preset: {preset.label}, as logits",
        "version": ss.get(TABLES, {}).get("version", 0) + 1,
        "upload_id": None,
    }
    ss[MESSAGE] = None


def keep_edits() -> None:
    """Before the table switches between p and z, keep the edits made to the one being hidden."""
    old = "p" if ss[state.key("logits")] else "z"
    edited = ss.get(EDITED, {}).get(old)
    if edited is None:
        return
    try:
        table_predictions(edited, pred=old, logits=old == "z")
    except ValueError:
        return  # an invalid edit is not kept: the table stays as it was
    ss[TABLES][old] = edited.reset_index(drop=True)
    ss[TABLES]["version"] += 1


def apply_predictions(data, source: str, what: str, fingerprint: str) -> None:
    """Parse an upload or paste; on success it becomes the table, else the table stays as it was."""
    if fingerprint == ss[TABLES].get("upload_id"):
        ss[MESSAGE] = ("info", f"{what} is already in the table; nothing changed.")
        return
    try:
        pred = parse_predictions(data, source=source)
    except ValueError as exc:
        ss[MESSAGE] = ("error", f"Could not read {what}: {exc} The table was not changed.")
        return
    ss[TABLES]["p"] = table_frame(pred.y, pred.p, "p")
    ss[TABLES]["source_p"] = f"{what}, {pred.n:,} rows"
    ss[TABLES]["version"] += 1
    ss[TABLES]["upload_id"] = fingerprint
    ss[state.key("logits")] = False
    columns = (
        f"columns '{pred.label_column}' and '{pred.prob_column}'"
        if pred.has_header
        else "no header: column 1 is the label, column 2 the probability"
    )
    ss[MESSAGE] = ("success", f"Loaded {pred.n:,} rows from {what} ({columns}, {pred.delimiter_name} separated).")


def on_upload() -> None:
    file = ss.get(UPLOAD)
    if file is None:
        return
    seen = ss.setdefault(SEEN, set())
    if file.file_id in seen:  # the same upload seen again (a rerun): never re-applied
        return
    seen.add(file.file_id)
    data = file.getvalue()  # parse_predictions refuses more than MAX_BYTES
    apply_predictions(data, "file", f"'{file.name}'", content_id(data))


def on_paste() -> None:
    text = ss.get(PASTE) or ""
    apply_predictions(text, "text", "the pasted text", content_id(text))


def show_message() -> None:
    if ss.get(MESSAGE):
        kind, text = ss[MESSAGE]
        getattr(st, kind)(md_escape(text, limit=600))


def per_sample(rows: dict, n: int) -> None:
    """A compact per-sample table of strings (``inf`` and ``nan`` spelled out).

    A static table: it is redrawn on every move of epsilon, and an interactive grid updates late.
    """
    st.table(pd.DataFrame(rows), hide_index=True)
    if n > SHOW_ROWS:
        st.caption(f"First {SHOW_ROWS} of {n:,} rows; the mean uses all of them.")


def row_list(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:10]))
    return ("row " if len(rows) == 1 else "rows ") + shown + (f" and {len(rows) - 10:,} more" if len(rows) > 10 else "")


def warnings_box(key: str, warnings: tuple[str, ...]) -> None:
    if warnings:
        ui.plain_code(key, [f"RuntimeWarning: {w}" for w in warnings])
    else:
        st.caption("numpy raised no warning.")


state = ui.url_state("blackhole", PARAMS)
if TABLES not in ss:
    load_preset()

st.title("🕳️ The log(0) black hole")
st.markdown(
    "Binary cross-entropy takes the log of the predicted probability of the true label. A model that is "
    "**certain and wrong** (p = 0 for a positive) asks for log(0). Edit the table, then compare the naive "
    "formula, the lessons' `np.clip` fix and the logits form that real frameworks train with."
)

left, right = st.columns([5, 4], gap="large")
with left:
    st.selectbox(
        "Start from",
        options=list(bh.PRESETS),
        format_func=lambda k: bh.PRESETS[k].label,
        key=state.key("preset"),
        on_change=load_preset,
    )
    st.toggle(
        "Predictions are logits z (p = σ(z))",
        key=state.key("logits"),
        on_change=keep_edits,
        help="A model that outputs logits says z = −40, not p = 0: its sigmoid is tiny but not 0.",
    )
    mode = "z" if state["logits"] else "p"
    tables = ss[TABLES]
    st.caption(f"Table: {md_escape(tables['source_' + mode], limit=120)}. Add, delete or edit rows.")
    pred_column = (
        st.column_config.NumberColumn("z (logit)", min_value=-1000.0, max_value=1000.0, default=0.0, required=True)
        if mode == "z"
        else st.column_config.NumberColumn("p (probability)", min_value=0.0, max_value=1.0, default=0.5, required=True)
    )
    edited = st.data_editor(
        tables[mode],
        key=f"_bh_editor_{mode}_{tables['version']}",
        num_rows="dynamic",
        column_config={
            "y": st.column_config.NumberColumn("y (label)", min_value=0, max_value=1, step=1, default=1, required=True),
            mode: pred_column,
        },
        alt="Labels and predictions used by every formula on this page",
    )
    ss[EDITED] = {mode: edited}
    st.button("Reset the table to the preset", on_click=load_preset, key="bh_reset")
with right:
    clip_box = st.container()  # epsilon and dtype: drawn by clip_view() at the end
    if tables["source_" + mode].startswith("preset") and mode == "p":  # the notes describe the p table
        st.info(bh.PRESETS[state["preset"]].note)
    at_a_glance = st.container(horizontal=True, gap="medium")  # the three answers, above a projector's fold

try:
    pred, incomplete = table_predictions(edited, pred=mode, logits=mode == "z")
except ValueError as exc:
    st.error(f"{md_escape(str(exc), limit=300)} Showing the table as it was before this edit.")
    pred, incomplete = table_predictions(tables[mode], pred=mode, logits=mode == "z")
if incomplete:
    st.info(f"{row_list(incomplete).capitalize()} left out until every cell is filled in.")

if pred.n == 0:
    st.warning("The table has no complete rows: add a row with a label and a prediction.")
    cmp = None
else:
    cmp = bh.compare(pred.y, pred.p, eps=state["eps"], dtype=state["dtype"], from_logits=mode == "z")
    cards_box = st.container()  # the three formulas and the dtype trap: drawn by clip_view()
    with st.container(key="bh_frameworks"):
        st.subheader("What real frameworks do")
        results = bh.framework_results(pred.y, pred.p, from_logits=mode == "z")
        st.table(
            pd.DataFrame(
                {
                    "framework": [r.name for r in results],
                    "rule": [r.rule for r in results],
                    "dtype": [r.dtype for r in results],
                    "loss on this table": [format_number(r.mean, 7, trailing_zeros=True) for r in results],
                    "most one row can cost, y = 1 / y = 0": [
                        " / ".join(format_number(v, 7, trailing_zeros=True) for v in (r.worst_y1, r.worst_y0))
                        if r.bounded
                        else "no bound"
                        for r in results
                    ],
                    "source": [f"[{r.source_path}]({r.source})" if r.source else "the lesson" for r in results],
                }
            ),
            hide_index=True,
            alt="Binary cross-entropy of this table in Keras, PyTorch, scikit-learn, the logits form and the lesson",
        )
        keras, keras_eps = results[0], format_number(bh.KERAS_EPSILON)
        st.markdown(
            unbroken(
                f"Each framework turns the infinity into a different ceiling. Keras clips at {keras_eps} in float32, "
                f"where the two ends are uneven ({format_number(keras.worst_y1, 5, trailing_zeros=True)} vs "
                f"{format_number(keras.worst_y0, 5, trailing_zeros=True)}): 1 − {keras_eps} rounds to "
                f"{bh.format_prob(bh.dtype_trap(bh.KERAS_EPSILON, 'float32').hi)}. PyTorch's BCELoss has no epsilon "
                f"and clamps each log at {format_number(bh.TORCH_LOG_FLOOR)}. scikit-learn clips at the dtype's "
                f"machine epsilon. The lessons' {' and '.join(map(format_number, bh.LESSON_EPS))} are two more "
                "choices. Only the logits form needs no bound."
            )
        )

    gradient_box = st.container(key="bh_gradient")  # drawn by clip_view()


@st.fragment
def clip_view() -> None:
    """Epsilon, dtype and everything they change.  Moving them reruns only this function: the table,
    the frameworks and the upload stay as they are."""
    with clip_box:
        st.select_slider(
            f"Clip epsilon ε (the lessons use {' and '.join(map(format_number, bh.LESSON_EPS))})",
            options=bh.EPS_GRID,
            format_func=format_number,
            key=state.key("eps"),
        )
        st.segmented_control("Float dtype", options=DTYPES, key=state.key("dtype"), required=True)

    eps, dtype = state["eps"], state["dtype"]
    if pred.n:
        # in a full run the page has just compared the table at these settings: use that
        now = (
            cmp
            if (cmp.eps, cmp.dtype) == (eps, dtype)
            else bh.compare(pred.y, pred.p, eps=eps, dtype=dtype, from_logits=mode == "z")
        )
        with at_a_glance:
            st.metric("Naive formula", format_number(now.naive.mean, 5), width="content")
            st.metric(CLIPPED, clipped_text(now), width="content")
            st.metric(
                "Logits form",
                format_number(now.logits_mean, 5),
                width="content",
            )
        with cards_box:
            clip_cards(now, eps, dtype)
        with gradient_box:
            clip_gradient(now, eps)
            frames = preview_frames(pred.y, pred.p, dtype, mode == "z", state["gy"], ui.presenting())
            ui.slider_preview(state.key("eps"), frames)
    state.sync()


CLIPPED = "With np.clip"


def clipped_text(cmp) -> str:
    return format_number(cmp.clipped.mean, 5)


def clipped_label(eps: float, dtype: str) -> str:
    return f"Mean loss (ε = {format_number(eps)}, {dtype})"


def stored_label(eps: float, dtype: str) -> str:
    return f"ε = {format_number(eps)} stored in {dtype}"


def upper_label(dtype: str) -> str:
    return f"1 − ε == 1 in {dtype}?"


def upper_text(trap) -> str:
    return "yes" if not trap.upper_ok else "no"


@st.cache_data(max_entries=16, ttl="1h", show_spinner=False)
def preview_frames(y, p, dtype: str, from_logits: bool, gy: int, present: bool) -> dict:
    """What a move of epsilon changes, at every position (lossviz.ui.preview): the clipped means, the
    dtype trap's readouts and the gradient chart.  The browser draws a move from these at once; the
    rerun then draws the same, and the per-row tables and sentences with it."""
    cmps = [bh.compare(y, p, eps=e, dtype=dtype, from_logits=from_logits) for e in bh.EPS_GRID]
    traps = [bh.dtype_trap(e, dtype) for e in bh.EPS_GRID]
    clipped = [clipped_text(c) for c in cmps]
    readouts = {
        CLIPPED: clipped,
        tuple(clipped_label(e, dtype) for e in bh.EPS_GRID): clipped,
        tuple(stored_label(e, dtype) for e in bh.EPS_GRID): [format_number(t.lo, 4) for t in traps],
        upper_label(dtype): [upper_text(t) for t in traps],
    }
    curves = [bh.gradient_curves(c.eps, gy, row_y=c.y, row_z=c.z) for c in cmps]
    figures = [figure_json(ui.as_shown(gradient_figure(g), present)) for g in curves]
    return ui.preview_frames(len(bh.EPS_GRID), readouts=readouts, charts={"bh_gradient_chart": moving(figures)})


def clip_cards(cmp, eps: float, dtype: str) -> None:
    """The naive formula, the clip and the logits form side by side; then the dtype trap."""
    trap = bh.dtype_trap(eps, dtype)
    shown = slice(0, SHOW_ROWS)
    row_numbers = list(range(1, min(cmp.n, SHOW_ROWS) + 1))
    col1, col2, col3 = st.columns(3, gap="medium")
    with col1.container(border=True, key="bh_naive"):
        st.markdown("**1 · The naive formula**")
        st.latex(r"\begin{aligned}\ell &= -y\log p\\ &\quad -(1-y)\log(1-p)\end{aligned}")
        st.metric(f"Mean loss ({dtype})", format_number(cmp.naive.mean, 5))
        per_sample(
            {
                "row": row_numbers,
                "p": [bh.format_prob(v, 4) for v in cmp.p[shown]],
                "loss": [format_number(v, 5, trailing_zeros=True) for v in cmp.naive.values[shown]],
            },
            cmp.n,
        )
        warnings_box("naive_warnings", cmp.naive.warnings)
        inf_rows, nan_rows = cmp.rows_where("naive", "inf"), cmp.rows_where("naive", "nan")
        if inf_rows:
            st.markdown(f"**inf** in {row_list(inf_rows)}: a certain mistake takes log(0) = −∞.")
        if nan_rows:
            st.markdown(
                f"**nan** in {row_list(nan_rows)}: a certain *right* answer multiplies 0 by log(0) = −∞, "
                "which has no value; one nan makes the mean nan."
            )

    with col2.container(border=True, key="bh_clipped"):
        st.markdown("**2 · The lessons' fix: `np.clip`**")
        st.latex(r"p \to \mathrm{clip}(p,\ \varepsilon,\ 1-\varepsilon)")
        st.metric(clipped_label(eps, dtype), clipped_text(cmp))
        st.markdown(
            unbroken(f"Bounds actually used in {dtype}: **[{bh.format_prob(trap.lo)}, {bh.format_prob(trap.hi)}]**")
        )
        per_sample(
            {
                "row": row_numbers,
                "clipped p": [bh.format_prob(v) for v in cmp.clipped_p[shown]],
                "loss": [format_number(v, 5, trailing_zeros=True) for v in cmp.clipped.values[shown]],
            },
            cmp.n,
        )
        warnings_box("clipped_warnings", cmp.clipped.warnings)
        if not trap.upper_ok:
            st.markdown(
                unbroken(
                    f"In {dtype}, 1 − {format_number(eps)} rounds to exactly 1: the upper bound does not move "
                    "p = 1, and log(1 − p) is still log(0)."
                )
            )
        if not trap.lower_ok:
            st.markdown(unbroken(f"In {dtype}, {format_number(eps)} itself underflows to 0: the lower bound is 0."))
        if trap.works:
            st.markdown(
                unbroken(
                    f"No row can cost more than {format_number(trap.worst_y1, 5, trailing_zeros=True)} (y = 1) "
                    f"or {format_number(trap.worst_y0, 5, trailing_zeros=True)} (y = 0): the clip turns infinity "
                    "into a chosen ceiling."
                )
            )

    with col3.container(border=True, key="bh_logits"):
        st.markdown("**3 · The stable logits form**")
        st.latex(r"\begin{aligned}\ell &= \max(z,0)-zy\\ &\quad +\log(1+e^{-|z|})\end{aligned}")
        mean = cmp.logits_mean
        st.metric("Mean loss (float64)", format_number(mean, 5))
        per_sample(
            {
                "row": row_numbers,
                "z": [format_number(v, 5) for v in cmp.z[shown]],
                "loss": [
                    format_number(v if ok else None, 5, trailing_zeros=True)
                    for v, ok in zip(cmp.logits_values[shown], cmp.finite_z[shown], strict=True)
                ],
            },
            cmp.n,
        )
        st.caption("No clip and no warning: the formula never takes log(0) for a finite z.")
        if cmp.no_logit_rows:
            zero_one = " or ".join(format_number(v) for v in cmp.no_logit_probs)
            st.markdown(
                f"{row_list(cmp.no_logit_rows).capitalize()}: p = {zero_one} has no finite logit "
                "(z = ±∞): a model that outputs logits never produces it. Switch on *Predictions are logits* "
                "to see the same confidence as a logit."
            )

    with st.container(border=True, key="bh_trap"):
        st.subheader("The dtype trap")
        traps = bh.dtype_traps(eps)
        m1, m2 = st.columns(2)
        m3, m4 = st.columns(2)
        m1.metric(stored_label(eps, dtype), format_number(trap.lo, 4))
        m2.metric(upper_label(dtype), upper_text(trap))
        m3.metric("Smallest ε for the upper bound", f"> {format_number(trap.quarter_eps)}")
        m4.metric("Smallest ε for the lower bound", f"≥ {format_number(trap.lower_min)}")
        st.markdown(
            f"**The rule.** In {dtype} the machine epsilon is {format_number(trap.machine_eps)}, and 1 − x rounds "
            f"to exactly 1 whenever x ≤ ε_mach/4 = {format_number(trap.quarter_eps)}, so the upper bound needs "
            f"ε above that. The lower bound only needs ε to be "
            f"representable: ε ≥ {format_number(trap.lower_min)}, {dtype}'s smallest positive number, else it "
            f"becomes 0. scikit-learn simply uses ε = ε_mach (ceiling −log ε_mach), which works in every dtype."
        )
        st.table(
            pd.DataFrame(
                {
                    "dtype": [t.dtype for t in traps],
                    "ε stored": [format_number(t.lo) for t in traps],
                    "1 − ε stored": [bh.format_prob(t.hi) for t in traps],
                    "lower side": ["works" if t.lower_ok else "ε → 0: fails" for t in traps],
                    "upper side": ["works" if t.upper_ok else "1 − ε → 1: fails" for t in traps],
                    "max loss, y = 1": [format_number(t.worst_y1, 5, trailing_zeros=True) for t in traps],
                    "max loss, y = 0": [format_number(t.worst_y0, 5, trailing_zeros=True) for t in traps],
                }
            ),
            hide_index=True,
            alt="The clip bounds for the chosen epsilon in float64, float32 and float16",
        )


def clip_gradient(cmp, eps: float) -> None:
    """d loss / d z through the clip, against the logits form."""
    st.subheader("The gradient through the clip")
    st.radio("Label", options=(1, 0), format_func=lambda v: f"y = {v}", horizontal=True, key=state.key("gy"))
    curves = bh.gradient_curves(eps, state["gy"], row_y=cmp.y, row_z=cmp.z)
    ui.chart(gradient_figure(curves), key="bh_gradient_chart")
    if curves.bites:
        side = f"z {'<' if curves.label == 1 else '>'} {format_number(curves.edge, 4)}"
        st.markdown(
            f"Where the clip bites ({side}, shaded), d loss / d z is **exactly 0**: the clip stops the NaN but "
            "also stops learning, at the very examples the model gets most wrong. The logits form keeps "
            'σ(z) − y there (close to ∓1). This is what the lesson\'s *"without degrading the gradient"* '
            "misses, and why frameworks train from logits: Keras with the TensorFlow backend even switches "
            "to the logits form silently when the output layer is a sigmoid."
        )
    else:
        st.markdown(
            unbroken(
                f"With ε = {format_number(eps)}, 1 − ε rounds to exactly 1 even in float64, so this side is never "
                "clipped: the gradient survives, but so does log(0) once σ(z) rounds to 1 (see the dtype trap). "
                "Pick a larger ε, or y = 1, to see the clip bite."
            )
        )
    if curves.rows_off_plot:
        st.caption(f"{curves.rows_off_plot} of your rows lie beyond |z| = {format_number(curves.x_range[1])}.")
    st.caption(f"Computed in float64 by lossviz.bce_grad_z. {curves.marked_sentence()}")


with st.container(key="bh_upload"):
    st.subheader("Bring your own predictions")
    up, paste = st.columns(2, gap="large")
    with up:
        st.file_uploader(
            f"A CSV with a label column (y) and a probability column (p); up to {MAX_ROWS:,} rows",
            key=UPLOAD,
            on_change=on_upload,
            max_upload_size=MAX_MEGABYTES,
        )
    with paste:
        st.text_area(
            "…or paste two columns",
            key=PASTE,
            placeholder="y,p\n1,0.93\n0,0.12\n1,0.0",
            height=165 if ui.presenting() else 145,  # the example's four lines, whole, at either type size
            max_chars=MAX_BYTES,
        )
        st.button("Load the pasted data", key="bh_paste_load", on_click=on_paste)
    show_message()

if cmp is not None:
    with st.container(key="bh_summary"):
        summary = bh.summarize(cmp.y, cmp.p)
        st.markdown(
            f"**The table at a glance**, scored as scikit-learn's log_loss scores it "
            f"(clip at {format_number(summary.eps)}, float64):"
        )
        s1, s2, s3, s4 = st.columns(4)
        s1.metric("Rows", f"{summary.n:,}")
        s2.metric("Log loss (mean)", format_number(summary.mean, 5))
        s3.metric("Total (sum)", format_number(summary.total, 5))
        s4.metric("Rows on the wrong side of 0.5", f"{summary.wrong:,}")
        hist_col, worst_col = st.columns([3, 2], gap="large")
        with hist_col:
            ui.chart(loss_histogram(summary), key="bh_histogram")
        with worst_col:
            st.markdown("**The most confidently wrong rows**")
            if summary.worst.size:
                st.dataframe(
                    pd.DataFrame(
                        {
                            "row": [int(i) + 1 for i in summary.worst],
                            "y": [format_number(cmp.y[i]) for i in summary.worst],
                            "p": [bh.format_prob(cmp.p[i]) for i in summary.worst],
                            "loss": [format_number(summary.values[i], 5, trailing_zeros=True) for i in summary.worst],
                        }
                    ),
                    hide_index=True,
                    column_config=ui.numbers_as_text("y", "p", "loss"),
                )
            else:
                st.caption("No row is on the wrong side of 0.5.")

clip_view()  # last: it fills clip_box, at_a_glance, cards_box and gradient_box above, and writes the URL
ui.footer("blackhole")
