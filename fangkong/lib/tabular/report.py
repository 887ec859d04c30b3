"""Writing tables and problem reports to Excel, safely.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a
formula to Excel and WPS: a donor's name or an item typed as ``=HYPERLINK(...)`` would run
when the file is opened. Such text is written as a text cell with Excel's quote prefix, so it
shows as typed and stays text even when the cell is edited.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fangkong.lib.tabular.rows import Problem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 50


def safe_value(value: Any) -> tuple[Any, bool]:
    """The value to write and whether it must be forced to text."""
    return value, isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _write_sheet(sheet: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl.styles import Font

    widths = [len(str(header)) * 2 for header in headers]
    sheet.append([str(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, raw in enumerate(row, start=1):
            value, as_text = safe_value(raw)
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            if as_text:
                cell.data_type = "s"
                cell.quotePrefix = True
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], len(str(value or "")) + 2)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(
            width, MAX_WIDTH
        )
    sheet.freeze_panes = "A2"


def write_workbook(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per ``(title, headers, rows)``."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        # Excel refuses sheet titles over 31 characters and some punctuation.
        clean = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
        _write_sheet(book.create_sheet(clean), headers, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems_workbook(
    problems: Sequence[Problem],
    *,
    title: str,
    headers: Sequence[str],
    describe: Callable[[Problem], Sequence[Any]],
) -> bytes:
    """The validation report: one row per problem, its cells as ``describe`` gives them (the
    caller's translated field name and reason, typically ``row, field, reason, value``)."""
    return write_workbook([(title, headers, (describe(problem) for problem in problems))])
