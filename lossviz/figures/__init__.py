"""Plotly figure builders: pure functions from data to figures, one module per page.

No streamlit and no numerics of their own beyond shaping arrays for plotting:
pages compute with the core, then hand the numbers to a builder here.
"""
