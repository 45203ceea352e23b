"""Sharing a view: the full URL of a page's state, and a QR code of it (segno, no network)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno

MAX_URL = 2000  # longer links make dense QR codes nobody can scan off a projector
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


def share_url(page_url: str, query: Mapping[str, object]) -> str:
    """``page_url`` (scheme, host and path; any query dropped) with ``query`` encoded, in order."""
    parts = urlsplit(page_url)
    pairs = []
    for key, value in query.items():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((str(key), str(v)))
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), ""))
    if len(url) > MAX_URL:
        raise ValueError(f"the link is {len(url)} characters long; a shareable one is at most {MAX_URL}")
    return url


def shared_query(query: Mapping[str, object]) -> dict:
    """The settings a shared link carries: all but ``present``.  A teacher shares from the projector,
    in presenter view; each student's phone or laptop should open the normal view of the same
    settings, not type and charts sized for the back of a classroom."""
    return {key: value for key, value in query.items() if key != "present"}


def qr_png(url: str, *, scale: int = 10, border: int = 4) -> bytes:
    """A PNG of the QR code for ``url``: black on white, ``scale`` pixels a module, quiet zone included."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=border, dark="#000", light="#fff")
    return out.getvalue()


def hidden_names(text: str) -> tuple[list[str], list[str]]:
    """Control names from a ``hide=eps,dtype`` flag: (well-formed names, rejected pieces)."""
    names, rejected = [], []
    for part in str(text)[:1000].split(","):
        part = part.strip().lower()
        if not part:
            continue
        (names if _NAME.match(part) else rejected).append(part)
    return list(dict.fromkeys(names))[:50], rejected[:5]


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (4.5 is AA for body text)."""

    def lum(hex_color: str) -> float:
        h = hex_color.lstrip("#")
        chans = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((lum(fg), lum(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
