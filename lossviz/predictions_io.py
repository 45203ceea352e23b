"""Read a user's predictions: a CSV file or pasted text with a label and a probability column.

:func:`parse_predictions` turns the raw bytes (or text) of an upload into two
clean float64 arrays, labels ``y`` in {0, 1} and probabilities ``p`` in
[0, 1], or raises ``ValueError`` with one message a student can act on: what
is wrong, and where (``row 7 (line 8), column 'p': 'abc' is not a number``).
Rows are numbered as data rows (row 1 is the first row below the header); the
line is the line of the file, as a text editor or spreadsheet numbers it.

:func:`table_predictions` does the same checks for the page's editable table.
Plain Python and numpy (plus pandas for the table), no Streamlit.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass

import numpy as np

MAX_ROWS = 100_000
MAX_MEGABYTES = 5
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", " ": "spaces"}
LABEL_NAMES = ("y", "label", "labels", "y_true", "target", "truth", "actual", "class")
PROB_NAMES = ("p", "prob", "proba", "probability", "y_pred", "y_prob", "y_proba", "pred", "prediction", "predicted")
LOGIT_NAMES = ("z", "logit", "logits", "score")
FOREIGN_DELIMITERS = ("|", ":", "/", "#")

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_NAN = re.compile(r"[+-]?nan", re.I)
_INF = re.compile(r"[+-]?inf(inity)?", re.I)
_MISSING = {"", "na", "n/a", "null", "none", "-"}


@dataclass(frozen=True)
class Predictions:
    """Clean predictions read from a file, text or table.

    ``y`` are float64 labels (0.0 or 1.0), ``p`` float64 probabilities in
    [0, 1] (or, for a logits table, any finite logit), the same length.
    """

    y: np.ndarray
    p: np.ndarray
    label_column: str = "y"
    prob_column: str = "p"
    delimiter: str = ","
    has_header: bool = True

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def delimiter_name(self) -> str:
        return DELIMITERS.get(self.delimiter, repr(self.delimiter))


def _show(text: str, limit: int = 30) -> str:
    """A cell as the user typed it, quoted, printable and short."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def _decode(data: bytes | str, what: str) -> str:
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes or str; got {type(data).__name__}")
    data = bytes(data)
    if b"\x00" in data:
        raise ValueError(
            f"{what} is not a text file (it contains NUL bytes: an Excel or other binary file?). "
            "Save it as CSV and upload that."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"{what} is not UTF-8 text: byte 0x{data[exc.start]:02X} on line {line} cannot be read. "
            "Save it as 'CSV UTF-8' and upload it again."
        ) from None


def _pick_delimiter(line: str) -> str | None:
    """Comma, semicolon or tab, as found in the first line; spaces if none; else None."""
    for d in ("\t", ";", ","):
        if d in line:
            return d
    if len(line.split()) >= 2:
        return " "
    return None


def _split(lines: list[tuple[int, str]], delimiter: str) -> list[tuple[int, list[str]]]:
    if delimiter == " ":
        return [(no, line.split()) for no, line in lines]
    if not any('"' in line for _, line in lines):  # no quoting: a plain split is enough (and fast)
        return [(no, [c.strip() for c in line.split(delimiter)]) for no, line in lines]
    out = []
    for no, line in lines:  # one line at a time: a quoted cell never swallows the next lines
        try:
            cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
        except csv.Error as exc:
            raise ValueError(f"line {no} cannot be read as CSV ({exc}).") from None
        out.append((no, [c.strip() for c in cells]))
    return out


def _split_decimal(cells: list[str]) -> bool:
    """Whether a comma-split row looks like ``1,0,25``: a decimal comma read as a delimiter."""
    return len(cells) == 3 and cells[1].isdigit() and cells[2].isdigit()


def _is_number(cell: str, decimal_comma: bool) -> bool:
    return bool(
        _NUMBER.fullmatch(cell)
        or _NAN.fullmatch(cell)
        or _INF.fullmatch(cell)
        or (decimal_comma and _DECIMAL_COMMA.fullmatch(cell))
    )


def _columns(header: list[str]) -> tuple[int, int]:
    """Positions of the label and probability columns named in ``header``."""
    names = [h.strip().strip('"').strip().lower() for h in header]
    shown = ", ".join(_show(h) for h in header)
    label = [i for i, n in enumerate(names) if n in LABEL_NAMES]
    prob = [i for i, n in enumerate(names) if n in PROB_NAMES]
    if len(header) > 2:
        raise ValueError(
            f"Extra columns: found {len(header)} ({shown}); "
            "expected exactly 2, a label column and a probability column."
        )
    if not label and not prob:
        logits = [h for h, n in zip(header, names, strict=True) if n in LOGIT_NAMES]
        hint = f" ({_show(logits[0])} looks like a logit: convert it to a probability first)" if logits else ""
        raise ValueError(
            f"Column names not recognised: {shown}{hint}. Name the label column y (or label, y_true) "
            "and the probability column p (or prob, probability, y_pred)."
        )
    if not prob:
        logits = [h for h, n in zip(header, names, strict=True) if n in LOGIT_NAMES]
        hint = f"; {_show(logits[0])} looks like a logit, not a probability" if logits else ""
        raise ValueError(
            f"Missing probability column: expected one named p, prob, probability or y_pred; found {shown}{hint}."
        )
    if not label:
        raise ValueError(f"Missing label column: expected one named y, label or y_true; found {shown}.")
    return label[0], prob[0]


def _to_numbers(rows, col: int, name: str, decimal_comma: bool) -> np.ndarray:
    """One column as float64, or a ValueError naming the first bad cell."""
    cells = [cells[col] for _, cells in rows]
    raw = np.array(cells, dtype=str)
    if decimal_comma:
        raw = np.char.replace(raw, ",", ".")
    ok = all(_NUMBER.fullmatch(c) for c in raw.tolist())
    if ok:
        values = raw.astype(np.float64)
        bad = ~np.isfinite(values)
        if not bad.any():
            return values
    for i, ((line_no, _), cell) in enumerate(zip(rows, cells, strict=True)):
        where = f"row {i + 1} (line {line_no}), column {name}"
        if cell.strip().lower() in _MISSING:
            raise ValueError(f"{where} is empty; every row needs a label and a probability.")
        if _NAN.fullmatch(cell):
            raise ValueError(f"{where}: {_show(cell)} is not a number (NaN); every value must be a finite number.")
        if _INF.fullmatch(cell):
            raise ValueError(f"{where}: {_show(cell)} is infinite; every value must be a finite number.")
        if not _is_number(cell, decimal_comma):
            hint = " (use a point as the decimal mark)" if _DECIMAL_COMMA.fullmatch(cell) else ""
            raise ValueError(f"{where}: {_show(cell)} is not a number{hint}.")
        value = float(cell.replace(",", ".") if decimal_comma else cell)
        if not math.isfinite(value):
            raise ValueError(f"{where}: {_show(cell)} is too large to be a number here.")
    raise AssertionError("unreachable: a bad cell was expected")  # pragma: no cover


def parse_predictions(
    data: bytes | str, *, source: str = "file", max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> Predictions:
    """Labels and probabilities from CSV bytes or text.

    The delimiter is read from the first line: tab, semicolon or comma (in
    that order of preference), or runs of spaces when there is none of those.
    With semicolon or tab, a decimal comma (``0,25``) is read as 0.25.  The
    first line is a header unless all its cells are numbers; header names are
    matched case-insensitively (label: y, label, y_true, ...; probability: p,
    prob, probability, y_pred, ...).  Without a header the first column is the
    label and the second the probability.  Blank lines are skipped.

    Raises ``ValueError`` for: an empty or binary file, text that is not
    UTF-8, more than ``max_bytes`` bytes or ``max_rows`` data rows, a wrong
    delimiter (one column that contains ``|``, ``:`` ...), a missing or extra
    column, a row with a different number of cells, an empty, non-numeric,
    NaN or infinite cell, a label other than 0 or 1, a probability outside
    [0, 1].  The message names the row (and file line) and the column.
    """
    what = "The file" if source == "file" else "The pasted text"
    if not isinstance(data, (bytes, bytearray, memoryview, str)):
        raise TypeError(f"data must be bytes or str; got {type(data).__name__}")
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise ValueError(f"{what} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    text = _decode(data, what)
    if "\x00" in text:
        raise ValueError(f"{what} contains a NUL character: is it a binary file? Save it as CSV text.")
    lines = [(no, line) for no, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise ValueError(f"{what} is empty: give a label column and a probability column, e.g. 'y,p' then '1,0.9'.")
    if len(lines) > max_rows + 1:
        raise ValueError(
            f"{what} has more than {max_rows:,} data rows ({len(lines):,} lines); the limit is {max_rows:,}."
        )

    first_no, first = lines[0]
    delimiter = _pick_delimiter(first)
    if delimiter is None:
        foreign = [d for d in FOREIGN_DELIMITERS if d in first]
        if foreign:
            raise ValueError(
                f"Wrong delimiter: line {first_no} is a single column {_show(first)} that contains "
                f"{_show(foreign[0])}. Separate the columns with a comma, semicolon or tab."
            )
        raise ValueError(
            f"Missing column: line {first_no} has only one column ({_show(first)}); expected two, a label (0 or 1) "
            "and a probability, separated by a comma, semicolon or tab."
        )
    decimal_comma = delimiter in (";", "\t")
    rows = _split(lines, delimiter)

    head_no, head = rows[0]
    has_header = not all(_is_number(c, decimal_comma) for c in head)
    if has_header:
        li, pi = _columns(head)
        names = (head[li].strip('"').strip(), head[pi].strip('"').strip())
        body = rows[1:]
        width = len(head)
    else:
        if len(head) != 2:
            raise ValueError(
                f"{'Extra' if len(head) > 2 else 'Missing'} columns: line {head_no} has {len(head)} cells; "
                "expected exactly 2, a label (0 or 1) and a probability."
            )
        li, pi, names, body, width = 0, 1, ("1", "2"), rows, 2
    if not body:
        raise ValueError(f"{what} has a header ({', '.join(_show(c) for c in head)}) but no data rows.")
    if len(body) > max_rows:
        raise ValueError(f"{what} has {len(body):,} data rows; the limit is {max_rows:,}.")
    for i, (line_no, cells) in enumerate(body):
        if len(cells) != width:
            raise ValueError(
                f"row {i + 1} (line {line_no}) has {len(cells)} cells; expected {width}"
                + (" like the header." if has_header else ".")
                + (
                    " Is a decimal comma splitting a number? Use a semicolon delimiter."
                    if delimiter == "," and _split_decimal(cells)
                    else ""
                )
            )

    y_name = f"'{names[0]}'" if has_header else "1 (label)"
    p_name = f"'{names[1]}'" if has_header else "2 (probability)"
    y = _to_numbers(body, li, y_name, decimal_comma)
    p = _to_numbers(body, pi, p_name, decimal_comma)
    _check_ranges(y, p, y_name, p_name, lines=[no for no, _ in body])
    return Predictions(
        y=y,
        p=p,
        label_column=names[0] if has_header else "y",
        prob_column=names[1] if has_header else "p",
        delimiter=delimiter,
        has_header=has_header,
    )


def _check_ranges(y, p, y_name, p_name, *, lines=None, logits=False) -> None:
    def where(i: int, name: str) -> str:
        at = f"row {i + 1} (line {lines[i]})" if lines is not None else f"row {i + 1}"
        return f"{at}, column {name}"

    bad = (y != 0) & (y != 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{where(i, y_name)}: {y[i]:g} is not a label; labels must be 0 or 1.")
    if logits:
        return
    bad = (p < 0) | (p > 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{where(i, p_name)}: {p[i]:g} is not a probability; it must be between 0 and 1.")


def table_predictions(df, *, label: str = "y", pred: str = "p", logits: bool = False) -> tuple[Predictions, list[int]]:
    """The complete rows of an edited table, and the 1-based numbers of the incomplete ones.

    ``df`` is a pandas DataFrame with columns ``label`` and ``pred`` (an edited
    ``st.data_editor`` table: new rows may hold None).  A row with an empty
    cell is left out and listed; any other bad value raises ``ValueError``
    naming its row and column.  With ``logits`` the prediction column holds
    logits (any finite number) rather than probabilities.
    """
    import pandas as pd

    if label not in df.columns or pred not in df.columns:
        raise ValueError(f"the table needs the columns {label!r} and {pred!r}; it has {list(map(str, df.columns))}")
    y = pd.to_numeric(df[label], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    p = pd.to_numeric(df[pred], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(y) | np.isnan(p)
    incomplete = [int(i) + 1 for i in np.flatnonzero(missing)]
    keep = ~missing
    y, p = y[keep], p[keep]
    rows = np.flatnonzero(keep)
    bad = ~np.isfinite(p)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"row {rows[i] + 1}, column '{pred}': {p[i]:g} is not a finite number.")
    try:
        _check_ranges(y, p, f"'{label}'", f"'{pred}'", logits=logits)
    except ValueError as exc:  # renumber: row i of the kept rows is table row rows[i] + 1
        m = re.match(r"row (\d+)", str(exc))
        raise ValueError(re.sub(r"^row \d+", f"row {rows[int(m.group(1)) - 1] + 1}", str(exc))) from None
    return Predictions(y=y, p=p, label_column=label, prob_column=pred), incomplete


def to_csv(y, p, *, label: str = "y", pred: str = "p") -> str:
    """Two columns as CSV text (what :func:`parse_predictions` reads back)."""
    buf = io.StringIO()
    buf.write(f"{label},{pred}\n")
    for a, b in zip(np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64), strict=True):
        buf.write(f"{a:g},{float(b)!r}\n")
    return buf.getvalue()


def content_id(data: bytes | str) -> str:
    """A short fingerprint of an upload's content (to notice the same file uploaded twice)."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return hashlib.sha256(raw).hexdigest()[:16]
