"""Lesson page (being built)."""

import streamlit as st

from lossviz import ui

ui.setup_page("blackhole")

st.title("🕳️ The log(0) black hole")
st.info("This lesson is being built.")
ui.footer("blackhole")
