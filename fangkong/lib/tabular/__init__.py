"""Reading spreadsheets that people made by hand, and reporting what is wrong with them.

Every import of Fangkong (supplies, key persons, list matching, units and staff) goes the same
way, through this package:

1. :func:`read_sheets` turns an uploaded CSV (UTF-8 or GBK) or Excel ``.xlsx`` file into
   :class:`Sheet` objects, one per worksheet, with merged cells filled in;
2. :func:`find_header` finds the header row (under a title, possibly two rows of it with
   merged group cells) and :func:`guess_columns` matches its labels to the caller's
   :class:`Field` objects by their Chinese and English synonyms; the caller shows the guess
   and lets a person correct it;
3. :func:`extract` reads every row with that mapping, normalising each cell (full-width
   digits and letters, stray spaces, a lowercase x in ID numbers) and collecting a
   :class:`Problem` (row, field, code) for each bad one;
4. :func:`problems_workbook` writes those problems into an Excel file for the person to fix
   their sheet by, and :func:`write_workbook` writes any table; both write text that starts
   with ``=``, ``+``, ``-`` or ``@`` as text, never as a formula.

Like the rest of ``fangkong.lib`` it imports nothing from Django and produces no user-facing
text: problems carry a code that the caller turns into a translated message. openpyxl is
imported only when an ``.xlsx`` file is read or written.
"""

from fangkong.lib.tabular.cells import (
    CellError,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_integer,
    parse_phone,
    parse_plate,
    parse_positive_integer,
    parse_text,
    parse_text_within,
)
from fangkong.lib.tabular.columns import Field, Header, find_header, guess_columns
from fangkong.lib.tabular.read import FileError, Sheet, read_sheets
from fangkong.lib.tabular.report import problems_workbook, safe_value, write_workbook
from fangkong.lib.tabular.rows import Extract, Problem, Row, extract

__all__ = [
    "CellError",
    "Extract",
    "Field",
    "FileError",
    "Header",
    "Problem",
    "Row",
    "Sheet",
    "extract",
    "find_header",
    "guess_columns",
    "parse_date",
    "parse_decimal",
    "parse_id_number",
    "parse_integer",
    "parse_phone",
    "parse_plate",
    "parse_positive_integer",
    "parse_text",
    "parse_text_within",
    "problems_workbook",
    "read_sheets",
    "safe_value",
    "write_workbook",
]
