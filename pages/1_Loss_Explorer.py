"""Lesson page (being built)."""

import streamlit as st

from lossviz import ui

ui.setup_page("explorer")

st.title("🎚️ Loss Explorer")
st.info("This lesson is being built.")
ui.footer("explorer")
