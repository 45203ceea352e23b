"""Streamlit glue shared by every page: page setup, URL-bound state, charts, footer.

The only module in ``lossviz`` that imports streamlit.  Pages call
:func:`setup_page` first (so a deep link on a fresh server is set up the same
as a visit through the home page), declare their settings once with
:func:`url_state`, and finish with :func:`footer`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lossviz.lessons import BY_ID, HOME, LESSONS, next_lesson
from lossviz.params import Param, md_escape, parse, printable, serialize, unbroken
from lossviz.share import hidden_names, qr_png, share_url, shared_query
from lossviz.ui import plot
from lossviz.ui.preview import frames as preview_frames  # noqa: F401 - part of the pages' API
from lossviz.ui.preview import slider_preview  # noqa: F401
from lossviz.ui.ticker import ticker, ticks_due  # noqa: F401 - part of the pages' API

ROOT = Path(__file__).resolve().parents[2]
GLOBAL_PARAMS = ("present", "hide")  # kept in the URL across reruns on every page

ABOUT = (
    "**lossviz** teaches binary cross-entropy (log loss) live: every number on these pages is "
    "computed as you move a control, by the small numpy library `lossviz` that you can also "
    "import in a notebook."
)


# Streamlit draws a primary button's label in white in both themes.  The dark theme's sky-blue
# primary colour keeps its slider values, tabs and links at 8:1 on the dark page, but white on it
# is 2.3:1; a shade of black over the button's own colour (its background only, not its label)
# brings every primary button to AA with white in both themes (tests/test_share.py).
PRIMARY_BUTTON_SHADE = 0.32

BASE_CSS = f"""
/* lossviz: keep headings and metrics legible on a projector, tidy on a phone */
[data-testid='stMetricValue'] {{ font-variant-numeric: tabular-nums; }}
[data-testid='stMainBlockContainer'] {{ padding-top: 2.5rem; }}
/* live training redraws every 0.18 s: don't fade its elements as "stale" between frames */
.st-key-xor_live [data-stale='true'] {{ opacity: 1 !important; transition: none !important; }}
@media (max-width: 640px) {{ h1 {{ font-size: 2rem !important; }} }}
/* on a phone, a row of columns keyed lv_buttons_* wraps three to a line, lv_pairs_* two to a line,
   instead of stacking one under another (Streamlit gives each column the full width) */
@media (max-width: 640px) {{
  [class*='st-key-lv_buttons_'] [data-testid='stColumn'] {{ min-width: calc(33% - 1rem) !important; }}
  [class*='st-key-lv_pairs_'] [data-testid='stColumn'] {{ min-width: calc(50% - 1rem) !important; }}
}}
/* the sidebar's links: a long title wraps (in presenter view's larger type) instead of ending in "…" */
.st-key-lv_nav a * {{ white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
/* ui.ticker: a clock, nothing to see */
[class*='st-key-lv_tick_'] {{ display: none !important; }}
/* ui.plain_code: a long link breaks anywhere rather than run off a phone's screen */
[class*='st-key-lv_code_'] code {{ overflow-wrap: anywhere; white-space: pre-wrap; }}
/* primary buttons (Play, Commit my guess): a darker shade of the primary colour under white labels */
[data-testid^='stBaseButton-primary']:not(:disabled) {{
  background-image: linear-gradient(rgba(0, 0, 0, {PRIMARY_BUTTON_SHADE}), rgba(0, 0, 0, {PRIMARY_BUTTON_SHADE}));
}}
"""
PRESENT_CSS = """
/* presenter view: everything larger, for the back of a classroom */
html { font-size: 21px; }
[data-testid='stMetricValue'] { font-size: 2.6rem; }
"""


def presenting() -> bool:
    """Whether the presenter view is on (``?present=1`` or the sidebar toggle)."""
    return bool(st.session_state.get("_lv_presenting", False))


def setup_page(lesson_id: str) -> None:
    """Page config, classroom flags, sidebar and shared styles; call first on every page."""
    lesson = BY_ID[lesson_id]
    ss = st.session_state
    if "_lv_presenting" not in ss:  # first run of the session: the link decides (a plain key survives page switches)
        ss["_lv_presenting"] = st.query_params.get("present", "0").strip().lower() in ("1", "true", "yes", "on")
    # the toggle's widget state does not survive a page switch: seed it from the plain key every run
    # (its on_change callback has already copied a click into that key)
    ss["_lv_present"] = ss["_lv_presenting"]
    st.set_page_config(
        page_title=f"{lesson.title} · lossviz",
        page_icon=lesson.icon,
        layout="wide",
        initial_sidebar_state="collapsed" if ss["_lv_presenting"] else "auto",
    )
    hide, rejected = hidden_names(st.query_params.get("hide", ""))
    css = BASE_CSS + (PRESENT_CSS if ss["_lv_presenting"] else "")
    # a control named in ?hide= disappears; names are [a-z0-9_] only, so they are safe in CSS
    css += "".join(f".st-key-{lesson_id}_{name} {{ display: none !important; }}\n" for name in hide)
    st.html(f"<style>{css}</style>")
    if rejected:
        st.warning("Ignored in hide=: " + ", ".join(md_escape(r, 30) for r in rejected) + " (not a control name)")
    with st.sidebar:
        navigation()
        st.markdown(ABOUT)
        st.toggle(
            "Presenter view",
            key="_lv_present",
            on_change=_present_to_url,
            help="Larger type and lines for a projector; the link keeps it (present=1)",
        )
        if st.button("Share this view", icon="📱", key=f"_lv_share_{lesson_id}", width="stretch"):
            share_dialog()
        st.toggle("Show this page's source", key=f"_lv_src_{lesson_id}")


def navigation() -> None:
    """The sidebar's links to every page, in teaching order, the current one highlighted.

    Streamlit's own navigation from pages/ is switched off (``client.showSidebarNavigation``): it
    labels a page by its file name, so the home page would read "app".
    """
    with st.container(key="lv_nav", gap="small"):
        st.page_link(HOME.file, label="Home", icon=HOME.icon)
        for i, lesson in enumerate(LESSONS, start=1):
            st.page_link(lesson.file, label=f"{i}. {lesson.title}", icon=lesson.icon)
    st.divider()


def _present_to_url() -> None:
    st.session_state["_lv_presenting"] = bool(st.session_state.get("_lv_present"))
    if st.session_state["_lv_presenting"]:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


@st.dialog("Share this view", width="large")
def share_dialog() -> None:
    """The full link of this page with every setting, and a QR code big enough to scan off a projector."""
    try:
        url = share_url(st.context.url or "", shared_query(st.query_params.to_dict()))
    except ValueError as exc:
        st.error(f"This view cannot be shared as a link: {exc}")
        return
    st.code(url, language=None, wrap_lines=True)
    # three quarters of the dialog on a screen (about 540 px), the whole width on a phone, where the
    # columns stack: a fixed 460 px ran off a 390 px screen and cut the code's corner square
    code_col, _ = st.columns([3, 1])
    code_col.image(qr_png(url, scale=12), width="stretch", caption="Scan to open this exact view")
    if presenting():
        st.caption("The link leaves presenter view out: each student's screen opens the normal view.")


def plain_code(key: str, lines: list[str] | tuple[str, ...] | str) -> None:
    """Text in a code font, one line each, selectable to copy: a link, numpy's warnings.

    Not ``st.code``: its first use on a page loads Streamlit's 1.5 MB syntax highlighter, 0.47 to
    0.63 s of the browser's main thread on every Explorer load (benchmarks/RESULTS.md). Inline code
    in markdown shows its text literally; a backtick, the one character that would end it, is
    percent-encoded (``%60``, as in a URL), and an unprintable character shows as ``?``.
    """
    lines = [lines] if isinstance(lines, str) else list(lines)
    shown = [printable(line).replace("`", "%60") for line in lines]
    with st.container(key=f"lv_code_{key}"):
        st.markdown("  \n".join(f"`{line}`" for line in shown))


def url_state(lesson_id: str, params: list[Param]) -> PageState:
    """Seed the page's widget state from the URL (or its last values) and return it."""
    return PageState(lesson_id, params)


class PageState:
    """The page's URL-bound settings: one Streamlit widget key per :class:`Param`.

    Widgets are created by the page with ``key=state.key(name)`` and no default
    of their own.  On the first run of the page in a session (and after a
    page switch, when Streamlit forgets widget state) values come from the
    URL, else from the page's last values in this session, else defaults.
    Anything in the URL that does not parse is listed in one notice.
    """

    def __init__(self, lesson_id: str, params: list[Param]):
        self.id = lesson_id
        self.params = list(params)
        self.by_name = {p.name: p for p in self.params}
        ss = st.session_state
        ss[f"_lv_spec_{lesson_id}"] = self.params  # what this page reads from the URL (tests check notices)
        notice_key = f"_lv_notice_{lesson_id}"
        missing = [p for p in self.params if self.key(p.name) not in ss]
        if missing:
            raw = {k: st.query_params.get_all(k) for k in st.query_params}
            values, notices, accepted = parse(self.params, raw)
            saved = ss.get("_lv_saved", {}).get(lesson_id, {})
            for p in missing:
                ss[self.key(p.name)] = values[p.name] if p.name in accepted else saved.get(p.name, p.default)
            if len(missing) == len(self.params):
                ss[notice_key] = notices
        for p in self.params:  # Streamlit forgets the state of a widget not drawn in a run (a closed tab,
            ss[self.key(p.name)] = ss[self.key(p.name)]  # a hidden control): re-assigning keeps it
        if ss.get(notice_key):
            st.warning(
                "Some settings in the link were not valid and were ignored:\n\n"
                + "\n".join(f"- {n}" for n in ss[notice_key]),
                icon="⚠️",
            )

    def key(self, name: str) -> str:
        return f"{self.id}_{name}"

    def __getitem__(self, name: str):
        return st.session_state[self.key(name)]

    def set(self, name: str, value) -> None:
        """Set a value before its widget is drawn (or from a callback)."""
        st.session_state[self.key(name)] = value

    def values(self) -> dict:
        ss = st.session_state
        return {p.name: ss[self.key(p.name)] for p in self.params if self.key(p.name) in ss}

    def reset_defaults(self) -> None:
        for p in self.params:
            st.session_state[self.key(p.name)] = p.default

    def sync(self) -> None:
        """Write the non-default values to the URL; call after the widgets."""
        values = self.values()
        wanted = {k: v for k, v in st.query_params.to_dict().items() if k in GLOBAL_PARAMS}
        wanted.update(serialize(self.params, values))
        if st.query_params.to_dict() != wanted:
            st.query_params.from_dict(wanted)
        st.session_state.setdefault("_lv_saved", {})[self.id] = values


def chart(fig, key: str | None = None) -> None:
    """A plotly figure, full width, without the plotly logo; larger type and lines in presenter view."""
    plot.plotly_chart(as_shown(fig), key=key, config={"displaylogo": False, "responsive": True})


def as_shown(fig, present: bool | None = None):
    """``fig`` as :func:`chart` draws it: in presenter view (``present``, by default the session's)
    with larger type, lines and margins.  Changes ``fig`` in place and returns it."""
    if presenting() if present is None else present:
        margin = fig.layout.margin
        has_title = bool(fig.layout.title and fig.layout.title.text)
        extra_t, extra_b = (15 if has_title else 0), 25  # room for the bigger title and ticks
        fig.update_layout(
            font={"size": 20},
            title_font_size=24,
            legend_font_size=18,
            legend_itemwidth=60,  # room for a whole dash pattern of the thicker lines in each swatch
            margin_t=(margin.t if margin and margin.t is not None else 70) + extra_t,
            margin_b=(margin.b if margin and margin.b is not None else 55) + extra_b,
            margin_l=(margin.l if margin and margin.l is not None else 60) + 20,
        )
        # a taller figure for the back of the room: the plot itself grows by a fifth, not shrinks
        # by the larger margins (the XOR page's hidden-unit maps were 90 px high)
        if fig.layout.height:
            fig.update_layout(height=round(fig.layout.height * 1.2) + extra_t + extra_b)
        fig.update_annotations(font_size=18)
        # larger ticks and titles: let plotly fit the margins again (figures.common.fixed_margins
        # turns that off for speed at the normal size)
        fig.update_xaxes(automargin=True)
        fig.update_yaxes(automargin=True)
        legend_y = fig.layout.legend.y if fig.layout.legend else None
        if legend_y is not None and legend_y < 0:  # a legend under the plot: clear the larger axis title
            fig.update_layout(legend_y=legend_y - 0.08)
        for trace in fig.data:
            if trace.type == "scatter" and trace.line is not None and trace.line.width:
                trace.line.width = trace.line.width * 1.7
    return fig


def numbers_as_text(*names: str) -> dict:
    """Column configs for columns of numbers formatted as text (``format_number``, ``n/a``, ``inf``):
    right-aligned like the number columns beside them, not left-aligned like words."""
    return {name: st.column_config.TextColumn(alignment="right") for name in names}


def footer(lesson_id: str) -> None:
    """ "Try this", the next lesson, and (if asked for) the page's own source."""
    lesson = BY_ID[lesson_id]
    st.divider()
    st.markdown(f"**Try this:** {unbroken(lesson.try_this)}")
    nxt = next_lesson(lesson_id)
    if nxt is not None:
        st.page_link(nxt.file, label=f"Next: {nxt.title}", icon=nxt.icon)
    else:
        st.page_link("app.py", label="Back to the start", icon="🏠")
    if st.session_state.get(f"_lv_src_{lesson_id}"):
        st.subheader("This page's source")
        st.code((ROOT / lesson.file).read_text(encoding="utf-8"), language="python")


def lesson_cards() -> None:
    """One card per lesson, in teaching order (the home page)."""
    cols = st.columns(len(LESSONS))
    for i, (col, lesson) in enumerate(zip(cols, LESSONS, strict=True), start=1):
        # cards as tall as the row, their Open links at the bottom: the links line up across the row
        with col.container(border=True, height="stretch", vertical_alignment="distribute"):
            with st.container(gap="small"):
                st.markdown(f"**{i}. {lesson.title}**")
                st.caption(lesson.summary)
            st.page_link(lesson.file, label="Open", icon=lesson.icon)


def guess_box(key: str, question: str, *, signature, options: list[str] | None = None, fmt: str = "%.4f"):
    """Predict, then reveal: ask for a guess and return it once committed (else None).

    ``signature`` identifies what the guess is about (the settings); when it
    changes the guess is cleared, so every new situation asks again.  The
    guess lives in this student's session only.
    """
    ss = st.session_state
    store = f"_lv_guess_{key}"
    committed = ss.get(store)
    if committed is not None and committed["sig"] != signature:
        del ss[store]
        committed = None
    if committed is not None:
        return committed["value"]
    with st.form(f"_lv_form_{key}", border=True):
        if options is None:
            value = st.number_input(question, value=None, format=fmt, key=f"_lv_gin_{key}", placeholder="your guess")
        else:
            value = st.radio(question, options, index=None, horizontal=True, key=f"_lv_gin_{key}")
        if st.form_submit_button("Commit my guess", type="primary"):
            if value is None:
                st.warning("Enter a guess first.")
            else:
                ss[store] = {"sig": signature, "value": value}
                st.rerun()
    return None


def reset_guess(key: str) -> None:
    st.session_state.pop(f"_lv_guess_{key}", None)
