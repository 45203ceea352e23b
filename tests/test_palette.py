"""Colours stay distinguishable under colour-vision deficiency (Machado et al. 2009, severity 1).

Every pair a student must tell apart (the loss curves, the optimizers, the two classes of the
decision heatmap) keeps a CIE76 colour difference of at least MIN_DELTA_E after simulating
protanopia, deuteranopia and tritanopia; a classic red/green pair fails the same check.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lossviz.figures.boundary import LABEL_COLORS
from lossviz.figures.common import COLORS, PROB_SCALE
from lossviz.share import contrast_ratio

MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
MIN_DELTA_E = 20.0


def _lin(hex_color: str) -> np.ndarray:
    c = np.array([int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(lin: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str | None = None) -> float:
    la, lb = _lin(a), _lin(b)
    if vision:
        m = np.array(MACHADO[vision])
        la, lb = np.clip(m @ la, 0, 1), np.clip(m @ lb, 0, 1)
    return float(np.linalg.norm(_lab(la) - _lab(lb)))


GROUPS = {
    "loss curves": [COLORS["bce"], COLORS["mse"], COLORS["hinge"], COLORS["logits"]],
    "optimizers": [COLORS["sgd"], COLORS["adam"], COLORS["rmsprop"]],
    "heatmap ends": [PROB_SCALE[0][1], PROB_SCALE[-1][1]],
    "heatmap quarter points": [PROB_SCALE[1][1], PROB_SCALE[3][1]],
    "class markers": [LABEL_COLORS[0], LABEL_COLORS[1]],
}


@pytest.mark.parametrize("vision", [None, *MACHADO])
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_palette_pairs_stay_apart(group, vision):
    for a, b in itertools.combinations(GROUPS[group], 2):
        assert delta_e(a, b, vision) >= MIN_DELTA_E, (group, vision, a, b, delta_e(a, b, vision))


@pytest.mark.parametrize("name", ["bce", "mse", "hinge", "logits", "sgd", "adam", "rmsprop"])
def test_line_colours_contrast_with_both_themes(name):

    assert contrast_ratio(COLORS[name], "#FFFFFF") >= 3 and contrast_ratio(COLORS[name], "#0E1117") >= 3


def test_the_check_catches_red_green():
    assert delta_e("#d62728", "#2ca02c") > 60  # far apart for typical vision
    assert delta_e("#d62728", "#2ca02c", "deuteranopia") < MIN_DELTA_E
