"""lossviz.figures.frames: layout patches for every slider position, packed and unpacked exactly."""

from __future__ import annotations

import json
import math

import pytest

from lossviz import explorer as ex
from lossviz.figures import explorer as figs
from lossviz.figures.frames import apply, figure_json, moving, pack, plain, unpack


def explorer_patches(y=1, eps=1e-15, dtype="float64", show_hinge=True, log_y=False) -> list[dict]:
    curves = ex.curves(eps, dtype)
    return [
        figs.loss_moving(
            curves.loss[y],
            marker_p=pt.p,
            marker_values={"bce": pt.bce, "mse": pt.mse, "hinge": pt.hinge},
            margin_p=curves.margin_p[y],
            show_hinge=show_hinge,
            log_y=log_y,
        )
        for pt in ex.points(y, eps, dtype)
    ]


@pytest.mark.parametrize("log_y", [False, True])
@pytest.mark.parametrize("y", [0, 1])
def test_every_position_unpacks_to_its_patch_after_a_json_round_trip(y, log_y):
    patches = explorer_patches(y=y, log_y=log_y)
    sent = json.loads(json.dumps(pack(patches)))  # what the browser receives
    assert len(sent["frames"]) == len(ex.P_GRID) == 145
    for i, patch in enumerate(patches):
        assert unpack(sent, i) == json.loads(json.dumps(patch)), i
    # at p = 0 and p = 1 some markers cannot be drawn (an infinite loss or logit), so the patch has
    # fewer shapes there: a few templates, not one per position
    assert 2 <= len(sent["templates"]) <= 6


def test_the_packed_explorer_patches_are_a_fraction_of_the_plain_ones():
    patches = explorer_patches()
    plain = len(json.dumps(patches))
    packed = len(json.dumps(pack(patches), separators=(",", ":")))
    assert packed < plain / 4, (packed, plain)


def test_numbers_are_taken_out_in_walk_order_and_strings_and_flags_stay():
    packed = pack([{"shapes": [{"x0": 1, "name": "a", "visible": True}], "yaxis.range": [0.5, 2.5]}])
    assert packed["templates"] == [
        {"shapes": [{"x0": None, "name": "a", "visible": True}], "yaxis.range": [None, None]}
    ]
    assert packed["frames"] == [[0, 1, 0.5, 2.5]]


@pytest.mark.parametrize(
    ("patch", "error", "words"),
    [
        ({"x": math.inf}, ValueError, "only finite numbers"),
        ({"x": math.nan}, ValueError, "only finite numbers"),
        ({"x": None}, ValueError, "leave the key out"),
        ({"x": {1, 2}}, TypeError, "holds a set"),
        ([1, 2], TypeError, "must be a dict of layout paths, not list"),
    ],
)
def test_a_patch_that_cannot_be_sent_is_refused_with_the_reason(patch, error, words):
    with pytest.raises(error, match=words):
        pack([patch])


# ------------------------------------------------------------------ patches found by comparing whole figures


def test_moving_finds_the_layout_keys_and_trace_attributes_that_change_and_nothing_else():
    figs = [
        {
            "data": [{"x": [1, 2], "y": [k, 2 * k], "name": "a"}, {"x": [0], "y": [0]}],
            "layout": {"title": "t", "yaxis": {"range": [0, k]}},
        }
        for k in (1, 2, 3)
    ]
    patches = moving(figs)
    assert patches == [{"yaxis": {"range": [0, k]}, "data.0.y": [k, 2 * k]} for k in (1, 2, 3)]
    for i, j in ((0, 2), (2, 0), (1, 1)):
        assert apply(figs[j], patches[i]) == figs[i]
    assert figs[0]["data"][0]["y"] == [1, 2]  # apply works on a copy


def test_moving_keeps_plotlys_typed_arrays_and_plain_reads_them_as_numbers():
    import numpy as np
    import plotly.graph_objects as go

    figs = [figure_json(go.Figure({"data": [{"y": np.arange(3, dtype="float32") * k}]})) for k in (1.5, 2.5)]
    assert "bdata" in json.dumps(figs[0])  # plotly >= 6 sends arrays as base64, and so does the patch
    assert plain(moving(figs)[1]) == {"data.0.y": [0.0, 2.5, 5.0]}
    assert moving(figs)[1]["data.0.y"]["dtype"] == "f4"
    assert plain({"dtype": "i2", "bdata": "AQACAAMABAA=", "shape": "2, 2"}) == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    ("figs", "words"),
    [
        ([{"data": [{}], "layout": {}}, {"data": [], "layout": {}}], "number of traces changes"),
        ([{"data": [], "layout": {"a": 1}}, {"data": [], "layout": {}}], "a is set at some positions"),
        ([{"data": [{"y": 1}], "layout": {}}, {"data": [{}], "layout": {}}], "data.0.y is set at some positions"),
    ],
)
def test_a_move_that_adds_or_removes_something_is_refused(figs, words):
    with pytest.raises(ValueError, match=words):
        moving(figs)
