"""Decision maps as plain RGB images (numpy only), for the live view while training plays.

A plotly chart is rebuilt and remounted by the browser on every update, which blanks it for a
moment and costs tens of milliseconds per frame; an image just swaps its pixels. The colours
are the same PROB_SCALE as the interactive charts shown when paused.

:func:`png_data_url` turns an image into a ``data:`` URL, which ``st.image`` shows from the
message itself.  Given the array, Streamlit stores a JPEG at quality 100 (49 KB for the map) as a
media file that the browser fetches separately; under load the browser asked for some of them
after they had been replaced and deleted (404, a broken picture).  The PNG is lossless and 14 KB.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from lossviz.figures.boundary import LABEL_COLORS
from lossviz.figures.common import PROB_SCALE


def _rgb(hex_color: str) -> np.ndarray:
    h = hex_color.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


_STOPS = np.array([s for s, _ in PROB_SCALE])
_COLORS = np.stack([_rgb(c) for _, c in PROB_SCALE])


def colorize(values: np.ndarray, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """Values mapped through PROB_SCALE (lo -> orange, hi -> blue) as uint8 RGB; NaN is mid-grey."""
    v = np.asarray(values, dtype=np.float64)
    t = np.clip((np.nan_to_num(v, nan=(lo + hi) / 2) - lo) / (hi - lo), 0.0, 1.0)
    out = np.empty((*t.shape, 3))
    for c in range(3):
        out[..., c] = np.interp(t, _STOPS, _COLORS[:, c])
    return np.round(out).astype(np.uint8)


def boundary_image(prob: np.ndarray, X: np.ndarray, y: np.ndarray, bounds, *, scale: int = 4) -> np.ndarray:
    """P(y = 1) over the grid (rows along x2, upwards) with the training points drawn on top.

    ``scale`` repeats each grid cell into scale x scale pixels (100 x 100 -> 400 x 400).
    Points are drawn as in the interactive chart: label 1 a diamond, label 0 a circle, in the
    class colour with a white ring and a dark outline.
    """
    img = np.repeat(np.repeat(colorize(prob)[::-1], scale, axis=0), scale, axis=1)
    h, w = img.shape[:2]
    x1min, x1max, x2min, x2max = bounds
    radius = 10 if len(y) <= 10 else 3
    yy, xx = np.mgrid[0:h, 0:w]
    for (a, b), label in zip(np.asarray(X), np.asarray(y), strict=True):
        col = (a - x1min) / (x1max - x1min) * (w - 1)
        row = (1 - (b - x2min) / (x2max - x2min)) * (h - 1)
        lo_r, hi_r = int(max(row - radius - 6, 0)), int(min(row + radius + 7, h))
        lo_c, hi_c = int(max(col - radius - 6, 0)), int(min(col + radius + 7, w))
        if lo_r >= hi_r or lo_c >= hi_c:
            continue
        dy, dx = yy[lo_r:hi_r, lo_c:hi_c] - row, xx[lo_r:hi_r, lo_c:hi_c] - col
        # label 1 a diamond, label 0 a circle (shape as well as colour), white ring, dark outline
        d = (np.abs(dx) + np.abs(dy)) / 1.3 if label == 1 else np.sqrt(dx**2 + dy**2)
        patch = img[lo_r:hi_r, lo_c:hi_c]
        patch[d <= radius + 3] = 26
        patch[d <= radius + 2] = 255
        patch[d <= radius] = _rgb(LABEL_COLORS[int(label)]).astype(np.uint8)
    return img


def units_image(units: np.ndarray, activation: str, *, scale: int = 2, gap: int = 6, per_row: int = 4) -> np.ndarray:
    """The hidden units' maps side by side (at most ``per_row`` per row) on a white background."""
    if activation == "tanh":
        lo, hi = -1.0, 1.0
    elif activation == "sigmoid":
        lo, hi = 0.0, 1.0
    else:
        finite = units[np.isfinite(units)]
        lo, hi = 0.0, float(max(finite.max() if finite.size else 1.0, 1e-9))
    tiles = [np.repeat(np.repeat(colorize(u, lo, hi)[::-1], scale, axis=0), scale, axis=1) for u in units]
    th, tw = tiles[0].shape[:2]
    n = len(tiles)
    cols = min(n, per_row)
    rows = -(-n // cols)
    out = np.full((rows * th + (rows - 1) * gap, cols * tw + (cols - 1) * gap, 3), 255, dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        out[r * (th + gap) : r * (th + gap) + th, c * (tw + gap) : c * (tw + gap) + tw] = tile
    return out


def png_data_url(img: np.ndarray) -> str:
    """An RGB ``uint8`` image (rows, columns, 3) as a ``data:image/png;base64,...`` URL."""
    from PIL import Image  # Streamlit's own dependency; imported here to keep ``import lossviz`` light

    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"png_data_url needs an RGB uint8 image (rows, columns, 3), got {img.dtype} {img.shape}")
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
