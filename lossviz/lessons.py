"""The lesson path: every page of the app in teaching order (plain data)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    id: str  # short id, used as a key prefix
    file: str  # path from the project root
    title: str
    icon: str
    summary: str  # one sentence for the home page
    try_this: str  # a prompt at the foot of the page

    @property
    def url_path(self) -> str:
        """The URL path Streamlit's pages/ discovery gives the file."""
        stem = self.file.rsplit("/", 1)[-1].removesuffix(".py")
        return stem.split("_", 1)[1] if stem[0].isdigit() else stem


HOME = Lesson(
    "home",
    "app.py",
    "lossviz: binary cross-entropy, live",
    "📉",
    "What binary cross-entropy is and why it punishes confident mistakes.",
    "Open the Loss Explorer and drag p towards 0 with the label at 1.",
)

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "explorer",
        "pages/1_Loss_Explorer.py",
        "Loss Explorer",
        "🎚️",
        "Drag a prediction and watch BCE, MSE and hinge loss, and their gradients, respond.",
        "Set p to 0.001 with label 1: how large is BCE? What does MSE say about the same mistake?",
    ),
    Lesson(
        "blackhole",
        "pages/2_Log0_Black_Hole.py",
        "The log(0) black hole",
        "🕳️",
        "A prediction of exactly 0 or 1 breaks the formula; see why the lessons' clip fails in float32.",
        "Switch the dtype to float32 with eps 1e-15: which sample turns into inf, and why?",
    ),
    Lesson(
        "landscape",
        "pages/3_Why_MSE_Fails.py",
        "Why MSE fails with a sigmoid",
        "⛰️",
        "The loss surface of one sigmoid neuron: MSE has plateaus and non-convex regions, BCE is a bowl.",
        "Start gradient descent at a large weight with the wrong sign: which loss walks out?",
    ),
    Lesson(
        "xor",
        "pages/4_XOR_Training.py",
        "Train XOR live",
        "🧠",
        "A 2-3-1 network learns XOR in your browser; watch the decision boundary form.",
        "Press Play with seed 2: does the network solve XOR, or get stuck at loss 0.3466?",
    ),
    Lesson(
        "race",
        "pages/5_Optimizer_Race.py",
        "Optimizer race",
        "🏁",
        "SGD vs Adam vs RMSprop, and BCE vs MSE, across hundreds of random starts at once.",
        "Set SGD's learning rate to 0.1: how many of the runs now solve XOR in 1000 epochs?",
    ),
)

BY_ID = {lesson.id: lesson for lesson in (HOME, *LESSONS)}


def next_lesson(lesson_id: str) -> Lesson | None:
    """The lesson after ``lesson_id`` in teaching order (the first one after home)."""
    if lesson_id == "home":
        return LESSONS[0]
    ids = [lesson.id for lesson in LESSONS]
    i = ids.index(lesson_id)
    return LESSONS[i + 1] if i + 1 < len(LESSONS) else None
