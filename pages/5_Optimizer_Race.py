"""Lesson page (being built)."""

import streamlit as st

from lossviz import ui

ui.setup_page("race")

st.title("🏁 Optimizer race")
st.info("This lesson is being built.")
ui.footer("race")
