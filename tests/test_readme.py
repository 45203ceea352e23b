"""The README's notebook example runs, and the values written in its comments are what it returns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_block() -> list[str]:
    text = README.read_text(encoding="utf-8")
    (block,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    return block.splitlines()


def test_the_notebook_example_runs_and_its_comments_are_its_values():
    scope: dict = {}
    checked = 0
    for line in _python_block():
        code, _, comment = line.partition("  # ")
        exec(code, scope)  # noqa: S102 - the README's own example
        head = comment.split(":")[0].split(" ")[0]
        if head in ("True", "False"):
            assert bool(eval(code, scope)) is (head == "True"), line  # noqa: S307
            checked += 1
        elif head == "inf" or re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", head):
            assert eval(code, scope) == pytest.approx(float(head), rel=1e-12), line  # noqa: S307
            checked += 1
    assert checked >= 5  # the example's numbers are checked, not skipped
