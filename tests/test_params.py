"""The URL-state layer: typed parsing with bounds, notices, serialisation, escaping."""

from __future__ import annotations

import pytest

from lossviz.params import Param, format_number, md_escape, parse, parse_list, serialize, unbroken

P = [
    Param("p", 0.7, lo=0.0, hi=1.0),
    Param("y", 1, kind="choice", choices=(0, 1)),
    Param("eps", 1e-15, lo=1e-20, hi=0.1, grid=tuple(10.0**k for k in range(-20, 0)), log=True),
    Param("epochs", 5000, kind="int", lo=1, hi=20000),
    Param("log", False, kind="bool"),
]


def test_valid_values_parse():
    values, notices, accepted = parse(P, {"p": "0.25", "y": "0", "eps": "1e-12", "epochs": "300", "log": "1"})
    assert values == {"p": 0.25, "y": 0, "eps": 1e-12, "epochs": 300, "log": True}
    assert notices == [] and accepted == {"p", "y", "eps", "epochs", "log"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"p": "abc"}, "p=abc ignored (not a number)"),
        ({"p": "7"}, "p=7 ignored (above the maximum 1)"),
        ({"y": "2"}, "y=2 ignored (must be one of 0, 1)"),
        ({"eps": "-1"}, "eps=\\-1 ignored (below the minimum 1e-20)"),
        ({"p": "nan"}, "not a number"),
        ({"p": "inf"}, "not a number"),
        ({"p": "1e999"}, "not a finite number"),
        ({"epochs": "3.5"}, "not a whole number"),
        ({"p": ""}, "empty"),
        ({"p": "0." + "1" * 300}, "too long"),
        ({"log": "maybe"}, "must be 1 or 0"),
    ],
)
def test_bad_values_fall_back_with_a_notice(raw, reason):
    values, notices, accepted = parse(P, raw)
    name = next(iter(raw))
    assert values[name] == next(p.default for p in P if p.name == name)
    assert len(notices) == 1 and reason in notices[0]
    assert name not in accepted


def test_unknown_ignored_repeated_last_wins_negative_zero_and_snap():
    values, notices, _ = parse(P, {"zzz": "1", "p": ["0.1", "0.2"], "eps": "8e-13"})
    assert notices == [] and values["p"] == 0.2 and values["eps"] == 1e-12
    values, _, _ = parse(P, {"p": "-0"})
    assert str(values["p"]) == "0.0"


def test_hostile_text_is_escaped_and_shortened():
    _, notices, _ = parse(P, {"y": "<script>alert(1)</script>[x](http://e.vil)"})
    assert "<" not in notices[0].replace("\\<", "") and "](" not in notices[0]
    assert md_escape("a" * 100, 10).endswith("…")
    assert md_escape("![i](u)") == "\\!\\[i\\]\\(u\\)"


def test_serialize_keeps_only_non_defaults():
    assert serialize(P, {"p": 0.7, "y": 0, "eps": 1e-12, "epochs": 5000, "log": True}) == {
        "y": "0",
        "eps": "1e-12",
        "log": "1",
    }


def test_round_trip():
    values = {"p": 0.123, "y": 0, "eps": 1e-7, "epochs": 42, "log": True}
    back, notices, _ = parse(P, serialize(P, values))
    assert back == values and notices == []


def test_format_number():
    assert format_number(34.53904292738741) == "34.54"
    assert format_number(0.164252033486018) == "0.1643"
    assert format_number(-9.0799e-5) == "-9.08e-5"
    assert format_number(float("inf")) == "inf" and format_number(float("nan")) == "nan"
    assert format_number(0.0) == "0" and format_number(1e-15) == "1e-15"
    # no number at all (a logit of p = 0, a mean the logits form cannot take): one word on every page
    assert format_number(None) == format_number(None, 7) == "n/a"


def test_format_number_with_trailing_zeros():
    # the two ends of the float64 clip at eps = 1e-15, side by side: their last digit is the point
    assert format_number(34.538776394910684, 5, trailing_zeros=True) == "34.539"
    assert format_number(34.53956430953915, 5, trailing_zeros=True) == "34.540"
    assert format_number(34.53956430953915, 5) == "34.54"
    assert format_number(0.5, 5, trailing_zeros=True) == "0.50000"
    assert format_number(9.992e-16, 4, trailing_zeros=True) == "9.992e-16"
    assert format_number(1e-15, 4, trailing_zeros=True) == "1.000e-15"
    # a whole number stays whole: PyTorch's ceiling is exactly 100
    assert format_number(100.0, 7, trailing_zeros=True) == "100"
    assert format_number(-40.0, 5, trailing_zeros=True) == "-40"
    assert format_number(float("inf"), 5, trailing_zeros=True) == "inf"


def test_unbroken_keeps_numbers_on_one_line():
    text = unbroken("Bounds: [1e-15, 1 − 9.992e-16]; 1 – 2; x-1, e-mail, 3 - 4")
    assert text == "Bounds: [1e\u201115, 1\u00a0−\u00a09.992e\u201116]; 1\u00a0–\u00a02; x-1, e-mail, 3 - 4"
    # short formulas too: a line never ends inside log(1 − p) or (y = 0)
    assert (
        unbroken("log(1 − p) is log(0); 34.540 (y = 0): done")
        == "log(1\u00a0−\u00a0p) is log(0); 34.540 (y\u00a0=\u00a00): done"
    )


def test_parse_list():
    assert parse_list(" eps, dtype,eps,,", name="hide") == ["eps", "dtype"]
