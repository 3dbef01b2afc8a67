"""The one CSV writer: every CSV the product writes goes through :func:`frame_to_csv`.

A spreadsheet runs a cell as a formula when its text starts with ``=``, ``+``, ``-`` or
``@``, and some also after a leading tab or carriage return (OWASP "CSV injection"). Text
typed by users (delivery outlets and titles, OCG register text, uploaded file names, audit
"what") reaches CSVs that are opened in Excel, so every text cell that starts with one of
:data:`FORMULA_STARTS` is written with a leading apostrophe (``'=HYPERLINK(...)``), as
OWASP recommends: the spreadsheet shows the text as typed and never runs it.

Numbers stay numbers. Numeric columns are written as pandas writes them (a count of ``-45``
is ``-45``), and a text cell that is a plain decimal number (``-45``, ``+3.5``, ``-1e3``) is
left alone too: a spreadsheet reads it as that number and nothing else. Column names are
treated like text cells (a pivot's columns can come from data). A carriage return inside
text is written as a line feed: Python's csv module quotes a cell holding ``\n`` but not
one holding only ``\r``, which a spreadsheet would split into a new row.

``tests/unit/core/test_csv_safe.py`` scans the product's source and fails when a module
other than this one calls ``to_csv`` or ``csv.writer``.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FORMULA_STARTS", "frame_to_csv", "frame_to_csv_text", "safe_cell"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: A plain decimal number, optionally signed, with an optional exponent.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """One cell as it is written: text starting with a formula character gets a leading
    apostrophe; numbers, dates, missing values and plain numeric text are returned as they are.

    Parameters
    ----------
    value : object
        A cell of a table.

    Returns
    -------
    object
        ``"'" + value`` for dangerous text, else ``value`` unchanged; a carriage return
        inside text becomes a line feed (the cell is then quoted, and its line break kept).
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        value = "'" + value
    # A bare carriage return is not quoted by the csv module when lines end in "\n", and a
    # spreadsheet would start a new row (and a new, unneutralised cell) there.
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised; numeric,
    boolean and date columns are kept with their types."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if (
            isinstance(column.dtype, pd.CategoricalDtype)
            or column.dtype == object
            or pd.api.types.is_string_dtype(column)
        ):
            values = column.astype(object).map(safe_cell)
            out.isetitem(position, values)
    out.columns = pd.Index([safe_cell(c) if isinstance(c, str) else c for c in out.columns], dtype=object)
    return out


def frame_to_csv_text(frame: pd.DataFrame, *, preamble: str = "") -> str:
    """A table as CSV text, formula cells neutralised (see the module's notes).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not written.
    preamble : str
        Lines written before the header, as they are (for example the synthetic-data marker
        line ending in a newline); they come from code, never from users.

    Returns
    -------
    str
        The CSV text, lines ending ``\\n``.
    """
    text: str = _safe_frame(frame).to_csv(index=False, lineterminator="\n")
    return preamble + text


def frame_to_csv(frame: pd.DataFrame, *, preamble: str = "") -> bytes:
    """A table as CSV bytes for download: :func:`frame_to_csv_text` in UTF-8 with a byte
    order mark, so that Excel opens it with its accents and dashes."""
    return frame_to_csv_text(frame, preamble=preamble).encode("utf-8-sig")
