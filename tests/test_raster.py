"""The live view's images: same colours as the interactive charts, points where the data is."""

from __future__ import annotations

import numpy as np
import pytest

import lossviz as lv
from lossviz.figures.boundary import LABEL_COLORS
from lossviz.figures.common import PROB_SCALE
from lossviz.figures.raster import boundary_image, colorize, png_data_url, units_image
from tests.conftest import decode_data_url


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rgb)


def test_colorize_hits_the_scale_stops_and_greys_nan():
    stops = np.array([s for s, _ in PROB_SCALE])
    assert [_hex(c) for c in colorize(stops)] == [c.lower() for _, c in PROB_SCALE]
    assert _hex(colorize(np.array([np.nan]))[0]) == PROB_SCALE[2][1].lower()  # NaN shows as p = 0.5
    assert colorize(np.array([-1.0, 1.0]), -1, 1).tolist() == colorize(np.array([0.0, 1.0])).tolist()


def test_boundary_image_orientation_and_points():
    X, y = lv.xor()
    res = 100
    g = np.linspace(-0.5, 1.5, res)
    prob = np.tile((g > 0.5).astype(float), (res, 1))  # right half (x1 > 0.5) is class 1
    img = boundary_image(prob, X, y, (-0.5, 1.5, -0.5, 1.5), scale=4)
    assert img.shape == (400, 400, 3) and img.dtype == np.uint8
    assert _hex(img[5, 395]) == PROB_SCALE[-1][1].lower() and _hex(img[5, 5]) == PROB_SCALE[0][1].lower()
    # XOR point (0, 1) is label 1: a blue-marker disc at x1 = 0 (col 25%), x2 = 1 (row 25% from the top)
    assert _hex(img[round(0.25 * 399), round(0.25 * 399)]) == LABEL_COLORS[1].lower()
    assert _hex(img[round(0.75 * 399), round(0.25 * 399)]) == LABEL_COLORS[0].lower()  # (0, 0), label 0


def test_units_image_wraps_at_four_per_row():
    units = np.zeros((8, 10, 10))
    img = units_image(units, "tanh", scale=2, gap=6)
    assert img.shape == (2 * 20 + 6, 4 * 20 + 3 * 6, 3)
    assert units_image(np.zeros((3, 10, 10)), "relu").shape == (20, 3 * 20 + 2 * 6, 3)


def test_png_data_url_is_lossless_and_checks_its_input():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(decode_data_url(png_data_url(img)), img)
    with pytest.raises(ValueError, match="RGB uint8 image.*float64"):
        png_data_url(img.astype(float))
    with pytest.raises(ValueError, match=r"\(7, 5\)"):
        png_data_url(img[:, :, 0])
