"""Saving the workbooks we write, with text that a spreadsheet would run kept as text.

A site's or a person's name comes from users, some of them the public. A cell whose text
starts with ``=``, ``+``, ``-`` or ``@`` is taken by Excel and WPS as a formula (openpyxl even
stores ``=...`` as one), and a leading tab or carriage return can push such text past a
check; a formula can fetch from the network (``=WEBSERVICE``) or run commands (DDE) on the
commander's desktop. Every writer saves through :func:`workbook_bytes`, which stores such
cells as plain strings with Excel's quote prefix: shown exactly as typed, and still text when
someone edits the cell.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def keep_as_text(cell: Cell) -> None:
    """Store the cell's text as a string, never a formula, and mark it as text for editing."""
    cell.data_type = "s"
    cell.quotePrefix = True


def workbook_bytes(book: Workbook) -> bytes:
    """The .xlsx file of ``book``, every formula-like text cell kept as text. Our workbooks
    hold no formulas of their own, so every cell that looks like one came from data."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    keep_as_text(cell)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
