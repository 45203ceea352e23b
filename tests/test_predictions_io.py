"""Reading a user's predictions: good files in every accepted shape, and every bad file's message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossviz.predictions_io import (
    MAX_ROWS,
    content_id,
    parse_predictions,
    table_predictions,
    to_csv,
)
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
BAD = DATA / "bad"

# Every file in tests/data/bad/ and the message it must produce (in full).
BAD_FILES = {
    "empty.csv": "The file is empty: give a label column and a probability column, e.g. 'y,p' then '1,0.9'.",
    "binary.bin": (
        "The file is not a text file (it contains NUL bytes: an Excel or other binary file?). "
        "Save it as CSV and upload that."
    ),
    "latin1.csv": (
        "The file is not UTF-8 text: byte 0xE9 on line 1 cannot be read. Save it as 'CSV UTF-8' and upload it again."
    ),
    "wrong_delimiter.csv": (
        "Wrong delimiter: line 1 is a single column 'y|p' that contains '|'. "
        "Separate the columns with a comma, semicolon or tab."
    ),
    "missing_column.csv": (
        "Missing column: line 1 has only one column ('y'); expected two, a label (0 or 1) and a probability, "
        "separated by a comma, semicolon or tab."
    ),
    "extra_columns.csv": (
        "Extra columns: found 3 ('y', 'p', 'weight'); expected exactly 2, a label column and a probability column."
    ),
    "unknown_columns.csv": (
        "Column names not recognised: 'a', 'b'. Name the label column y (or label, y_true) "
        "and the probability column p (or prob, probability, y_pred)."
    ),
    "text_in_number.csv": "row 7 (line 8), column 'p': 'abc' is not a number.",
    "nan.csv": "row 2 (line 3), column 'p': 'nan' is not a number (NaN); every value must be a finite number.",
    "inf.csv": "row 3 (line 4), column 'p': 'inf' is infinite; every value must be a finite number.",
    "empty_cell.csv": "row 2 (line 3), column 'p' is empty; every row needs a label and a probability.",
    "label_out_of_range.csv": "row 2 (line 3), column 'y': 2 is not a label; labels must be 0 or 1.",
    "prob_out_of_range.csv": "row 3 (line 4), column 'p': 1.2 is not a probability; it must be between 0 and 1.",
    "ragged_row.csv": "row 2 (line 3) has 3 cells; expected 2 like the header.",
    "header_only.csv": "The file has a header ('y', 'p') but no data rows.",
}


def test_bad_corpus_is_complete():
    # the weights_*.json files in the same folder are the weights corpus (tests/test_bad_uploads.py)
    assert sorted(p.name for p in BAD.iterdir() if not p.name.startswith("weights_")) == sorted(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_message(name):
    with pytest.raises(ValueError) as err:
        parse_predictions((BAD / name).read_bytes())
    assert str(err.value) == BAD_FILES[name]


def test_good_file():
    pred = parse_predictions((DATA / "predictions_good.csv").read_bytes())
    np.testing.assert_array_equal(pred.y, [1, 0, 1, 0, 1, 0, 1, 0])
    np.testing.assert_array_equal(pred.p, [0.93, 0.12, 0.0, 0.4, 0.75, 1.0, 0.55, 0.05])
    assert (pred.label_column, pred.prob_column, pred.delimiter_name, pred.has_header) == ("y", "p", "comma", True)
    assert pred.y.dtype == pred.p.dtype == np.float64 and pred.n == 8


def test_semicolon_with_decimal_commas_and_long_names():
    pred = parse_predictions((DATA / "predictions_semicolon.csv").read_bytes())
    np.testing.assert_array_equal(pred.p, [0.93, 0.12, 0.6])
    assert (pred.label_column, pred.prob_column, pred.delimiter_name) == ("label", "probability", "semicolon")


def test_tab_and_case_insensitive_names():
    pred = parse_predictions((DATA / "predictions_tab.tsv").read_bytes())
    np.testing.assert_array_equal(pred.y, [1, 0])
    assert (pred.label_column, pred.prob_column, pred.delimiter_name) == ("Y_TRUE", "Y_PRED", "tab")


def test_columns_in_either_order_and_no_header():
    pred = parse_predictions((DATA / "predictions_reversed.csv").read_bytes())
    np.testing.assert_array_equal(pred.y, [1, 0])
    np.testing.assert_array_equal(pred.p, [0.9, 0.2])
    bare = parse_predictions((DATA / "predictions_no_header.csv").read_bytes())
    assert not bare.has_header
    np.testing.assert_array_equal(bare.p, [0.9, 0.2, 0.3])


def test_bom_crlf_quotes_blank_lines_and_spaces():
    data = '\ufeff"y", "p"\r\n\r\n1, "0.25"\r\n  \r\n0,1e-3\r\n'.encode()
    pred = parse_predictions(data)
    np.testing.assert_array_equal(pred.p, [0.25, 0.001])
    # blank lines are skipped, but the line numbers in messages stay those of the file
    with pytest.raises(ValueError, match=r"^row 2 \(line 5\), column 'p': 'x' is not a number\.$"):
        parse_predictions("y,p\n\n1,0.5\n\n0,x\n")


def test_pasted_text_separated_by_spaces():
    pred = parse_predictions("y p\n1   0.8\n0 0.3\n", source="text")
    np.testing.assert_array_equal(pred.p, [0.8, 0.3])
    assert pred.delimiter_name == "spaces"
    with pytest.raises(ValueError, match=r"^The pasted text is empty"):
        parse_predictions("  \n\n", source="text")


def test_decimal_comma_hint_and_rejections():
    with pytest.raises(ValueError, match="Is a decimal comma splitting a number"):
        parse_predictions("y,p\n1,0,5\n")
    with pytest.raises(ValueError, match=r"'0,5' is not a number \(use a point as the decimal mark\)"):
        parse_predictions('y,p\n1,"0,5"\n')
    for cell in ("1_000", "0x1", "50%", "0.5.1", "--1"):
        with pytest.raises(ValueError, match="is not a number"):
            parse_predictions(f"y,p\n1,{cell}\n")


def test_logit_column_is_named_as_such():
    with pytest.raises(ValueError, match="'logit' looks like a logit, not a probability"):
        parse_predictions("y,logit\n1,2.5\n")


def test_row_limit_and_byte_limit():
    rows = "1,0.5\n" * MAX_ROWS
    with pytest.raises(ValueError) as err:  # the real limit, generated here (no big file in the repository)
        parse_predictions("y,p\n" + rows + "0,0.5\n")
    assert str(err.value) == "The file has more than 100,000 data rows (100,002 lines); the limit is 100,000."
    small = "1,0.5\n" * 50
    assert parse_predictions("y,p\n" + small, max_rows=50).n == 50
    with pytest.raises(ValueError, match=r"^The file has 51 data rows; the limit is 50\.$"):
        parse_predictions(small + "0,0.5\n", max_rows=50)  # no header: counted after the split
    with pytest.raises(ValueError, match=r"^The file is 0\.0 MB; the limit is 0 MB\.$"):
        parse_predictions(b"y,p\n1,0.5\n", max_bytes=5)


def test_first_bad_cell_wins_and_labels_checked_before_probabilities():
    with pytest.raises(ValueError, match=r"^row 1 \(line 2\), column 'y': 0\.5 is not a label"):
        parse_predictions("y,p\n0.5,7\n")
    with pytest.raises(ValueError, match=r"^row 3 \(line 4\), column 'p': -0\.1 is not a probability"):
        parse_predictions("y,p\n1,0\n0,1\n1,-0.1\n1,2\n")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0, 1]), st.floats(0, 1, allow_nan=False, allow_subnormal=True)),
        min_size=1,
        max_size=40,
    )
)
def test_round_trip(rows):
    y = np.array([r[0] for r in rows], dtype=float)
    p = np.array([r[1] for r in rows], dtype=float)
    pred = parse_predictions(to_csv(y, p))
    np.testing.assert_array_equal(pred.y, y)
    np.testing.assert_array_equal(pred.p, p)  # exact: repr round-trips every float64


def test_content_id():
    assert content_id(b"y,p\n1,0.5\n") == content_id("y,p\n1,0.5\n")
    assert content_id(b"y,p\n1,0.5\n") != content_id(b"y,p\n1,0.6\n")
    assert len(content_id(b"")) == 16


def test_type_errors():
    with pytest.raises(TypeError, match="data must be bytes or str; got int"):
        parse_predictions(12)


def test_table_predictions_skips_incomplete_rows_and_numbers_rows_from_one():
    df = pd.DataFrame({"y": [1, 0, None, 1], "p": [0.2, None, 0.5, 0.9]})
    pred, incomplete = table_predictions(df)
    assert incomplete == [2, 3]
    np.testing.assert_array_equal(pred.y, [1, 1])
    np.testing.assert_array_equal(pred.p, [0.2, 0.9])
    empty, missing = table_predictions(pd.DataFrame({"y": [None], "p": [None]}))
    assert empty.n == 0 and missing == [1]


def test_table_predictions_errors_name_the_table_row():
    df = pd.DataFrame({"y": [1, None, 1, 0], "p": [0.2, 0.3, 0.9, 1.5]})
    with pytest.raises(ValueError, match=r"^row 4, column 'p': 1\.5 is not a probability"):
        table_predictions(df)
    with pytest.raises(ValueError, match=r"^row 2, column 'y': 3 is not a label"):
        table_predictions(pd.DataFrame({"y": [1, 3], "p": [0.1, 0.2]}))
    with pytest.raises(ValueError, match="needs the columns 'y' and 'p'"):
        table_predictions(pd.DataFrame({"y": [1]}))


def test_table_predictions_logits():
    df = pd.DataFrame({"y": [1, 0], "z": [-40.0, 12.5]})
    pred, incomplete = table_predictions(df, pred="z", logits=True)
    np.testing.assert_array_equal(pred.p, [-40.0, 12.5])
    assert incomplete == []
    with pytest.raises(ValueError, match=r"^row 1, column 'z': inf is not a finite number"):
        table_predictions(pd.DataFrame({"y": [1], "z": [np.inf]}), pred="z", logits=True)


def test_quotes_and_csv_errors():
    pred = parse_predictions('y,p\n1,"0.5\n0,0.2\n')  # an unclosed quote does not swallow the next line
    np.testing.assert_array_equal(pred.p, [0.5, 0.2])
    with pytest.raises(ValueError, match=r"^line 2 cannot be read as CSV \(field larger than field limit"):
        parse_predictions('y,p\n1,"' + "9" * 200_000 + '"\n')
    with pytest.raises(ValueError, match="contains NUL bytes"):
        parse_predictions(b"y,p\n" + b"1,0.5\n" * 5000 + b"\x00")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200), st.text(alphabet='01.,;\t\n yp-e"', max_size=80)))
def test_anything_gives_clean_arrays_or_a_value_error(data):
    try:
        pred = parse_predictions(data)
    except ValueError as exc:
        assert str(exc)
        return
    assert pred.y.dtype == pred.p.dtype == np.float64 and pred.n >= 1 and pred.y.shape == pred.p.shape
    assert set(np.unique(pred.y)) <= {0.0, 1.0}
    assert ((pred.p >= 0) & (pred.p <= 1)).all()
