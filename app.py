"""lossviz home page: what binary cross-entropy is, and the lessons in order."""

import streamlit as st

from lossviz import ui

ui.setup_page("home")

st.title("📉 lossviz: binary cross-entropy, live")
st.markdown(
    "A classifier says *how sure* it is: a probability **p** that the label is 1. "
    "Binary cross-entropy (log loss) scores that probability against the true label **y**:"
)
st.latex(r"\begin{aligned}\mathrm{BCE}(y, p) = -\big[\,&y \log p \\ &+ (1-y) \log(1-p)\,\big]\end{aligned}")
st.markdown(
    "It **punishes arrogance**. A hesitant wrong answer (p = 0.4 when y = 1) costs 0.9163; "
    "a confident wrong one (p = 0.001) costs 6.908, and as p goes to 0 the cost grows without bound. "
    "Mean squared error can never charge more than 1 for the same mistake: it only asks the "
    "prediction to be in the ballpark.  Each lesson below makes one of these claims live, "
    "and goes past the textbook where the textbook is wrong."
)
ui.lesson_cards()
ui.footer("home")
