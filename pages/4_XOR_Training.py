"""Lesson page (being built)."""

import streamlit as st

from lossviz import ui

ui.setup_page("xor")

st.title("🧠 Train XOR live")
st.info("This lesson is being built.")
ui.footer("xor")
