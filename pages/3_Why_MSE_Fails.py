"""Lesson page (being built)."""

import streamlit as st

from lossviz import ui

ui.setup_page("landscape")

st.title("⛰️ Why MSE fails with a sigmoid")
st.info("This lesson is being built.")
ui.footer("landscape")
