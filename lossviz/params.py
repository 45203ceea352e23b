"""Typed URL (query-string) state: parse, validate and serialise page settings.

Plain Python, no Streamlit: ``lossviz.ui`` uses it on every page.  A page
declares its settings as a list of :class:`Param`; :func:`parse` turns the raw
query parameters into values, falling back to the default for anything
malformed or out of range and saying so in a short, human message.  Unknown
parameters are ignored.  :func:`serialize` writes back only non-default values,
so a shared link stays short.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_RAW = 200  # characters of a raw value we look at; longer values are rejected
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$&:])")


def printable(text: str) -> str:
    """``text`` with every unprintable character (controls, line breaks) shown as ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))


def md_escape(text: str, limit: int = 60) -> str:
    """Escape user text for Streamlit markdown (no links, images or HTML), shortened."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", printable(text))


NA = "n/a"  # what every page shows where there is no number at all (a logit of p = 0, a mean over one)


def format_number(x: float | None, digits: int = 4, *, trailing_zeros: bool = False) -> str:
    """A number for humans: 4 significant digits, ``inf``/``nan`` spelled out, :data:`NA` for ``None``.

    ``trailing_zeros`` keeps every digit asked for (``34.540``, not ``34.54``): for numbers shown side
    by side whose last digit is the point (34.539 against 34.540).  A whole number stays whole
    (``100``: PyTorch's ceiling is exactly that).
    """
    if x is None:
        return NA
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if 1e-4 <= abs(x) < 1e6:
        keep = trailing_zeros and not x.is_integer()
        return f"{x:#.{digits}g}" if keep else f"{x:.{digits}g}"
    mant, exp = f"{x:.{digits - 1}e}".split("e")
    if not trailing_zeros:
        mant = mant.rstrip("0").rstrip(".")
    return f"{mant}e{int(exp)}"


_EXPONENT_HYPHEN = re.compile(r"(?<=\de)-(?=\d)")
_SPACED_OPERATOR = re.compile(r"(?<=[\w)]) ([−–=]) (?=[\w(])")


def unbroken(text: str) -> str:
    """``text`` with its numbers and short formulas kept whole across line ends, for prose: a
    non-breaking hyphen in an exponent (``9.992e‑16``, which browsers split after the hyphen) and
    no-break spaces around a minus or an equals sign between two terms (``1 − 1e‑16``, ``log(1 − p)``,
    ``(y = 0)``).  The hyphen looks the same, but Python will not parse it: numbers meant to be copied
    belong in code, not in prose."""
    return _SPACED_OPERATOR.sub("\u00a0\\1\u00a0", _EXPONENT_HYPHEN.sub("\u2011", text))


def format_count(x: float | None) -> str:
    """A count, or a large ratio, as a whole number with thousands separators (``11,014``);
    :data:`NA` for ``None`` or nan (a median over no runs)."""
    if x is None or math.isnan(float(x)):
        return NA
    return f"{float(x):,.0f}"


@dataclass(frozen=True)
class Param:
    """One URL-bound setting.

    kind: "float", "int", "choice" or "bool".  Floats and ints are bounded by
    ``lo``/``hi``; with ``grid`` a float snaps to the nearest grid value (in log
    space when ``log``).  Choices are matched as strings.
    """

    name: str
    default: object
    kind: str = "float"
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    grid: tuple = ()
    log: bool = False
    label: str = ""

    def parse(self, raw: str):
        """The value for ``raw``, or raise ``ValueError`` with a reason."""
        if len(raw) > MAX_RAW:
            raise ValueError(f"too long ({len(raw)} characters)")
        raw = raw.strip()
        if raw == "":
            raise ValueError("empty")
        if self.kind == "choice":
            for c in self.choices:
                if raw == str(c):
                    return c
            raise ValueError("must be one of " + ", ".join(map(str, self.choices)))
        if self.kind == "bool":
            low = raw.lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off"):
                return False
            raise ValueError("must be 1 or 0")
        if self.kind == "int":
            if not re.fullmatch(r"[+-]?\d{1,9}", raw):
                raise ValueError("not a whole number")
            value = int(raw)
        else:
            if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?", raw):
                raise ValueError("not a number")
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError("not a finite number")
            if value == 0:
                value = 0.0  # no negative zero
        if self.lo is not None and value < self.lo:
            raise ValueError(f"below the minimum {format_number(self.lo)}")
        if self.hi is not None and value > self.hi:
            raise ValueError(f"above the maximum {format_number(self.hi)}")
        if self.grid:
            value = snap(value, self.grid, log=self.log)
        return value

    def to_str(self, value) -> str:
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "float":
            return repr(float(value))  # shortest exact form: 1 - 1e-13 must not come back as 1
        return str(value)


def snap(value: float, grid: Sequence[float], *, log: bool = False) -> float:
    """The grid value nearest ``value`` (by ratio when ``log``)."""
    if log:
        key = lambda g: abs(math.log10(g) - math.log10(value)) if g > 0 and value > 0 else math.inf  # noqa: E731
    else:
        key = lambda g: abs(g - value)  # noqa: E731
    return min(grid, key=key)


def parse(params: Sequence[Param], raw: Mapping[str, object]) -> tuple[dict, list[str], set[str]]:
    """Values for every param from a query mapping, one message per rejection,
    and the names whose URL value was accepted.

    ``raw`` maps a name to a string or a list of strings (a repeated key: the
    last one counts).  Missing names take their defaults silently; unknown
    names are ignored.
    """
    values: dict = {}
    notices: list[str] = []
    accepted: set[str] = set()
    for prm in params:
        if prm.name not in raw:
            values[prm.name] = prm.default
            continue
        item = raw[prm.name]
        if isinstance(item, (list, tuple)):
            item = item[-1] if item else ""
        text = str(item)
        try:
            values[prm.name] = prm.parse(text)
            accepted.add(prm.name)
        except ValueError as why:
            values[prm.name] = prm.default
            notices.append(
                f"{prm.name}={md_escape(text, 24)} ignored ({why}); using {md_escape(prm.to_str(prm.default))}"
            )
    return values, notices, accepted


def serialize(params: Sequence[Param], values: Mapping[str, object]) -> dict[str, str]:
    """The non-default values as query strings, in declaration order."""
    out: dict[str, str] = {}
    for prm in params:
        if prm.name in values and values[prm.name] != prm.default:
            out[prm.name] = prm.to_str(values[prm.name])
    return out


def parse_list(text: str, *, name: str, max_items: int = 50) -> list[str]:
    """A comma-separated list (``hide=eps,dtype``): trimmed, de-duplicated, bounded."""
    if len(text) > MAX_RAW * 5:
        raise ValueError(f"{name} is too long")
    items: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if part and part not in items:
            items.append(part)
    return items[:max_items]
