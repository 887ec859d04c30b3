"""Reading a risk-area list from a CSV or Excel (.xlsx) file, row by row.

Columns, in this order or named by a header row: division code, name, risk level (高/中/低 or
high/medium/low), effective from, effective to (empty while in force). Every problem is
reported with its row number as the spreadsheet shows it; the caller imports nothing unless
no row has a problem.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from fangkong.lib.divisions import DivisionError, division_path, division_validate

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

COLUMNS = ("code", "name", "level", "effective_from", "effective_to")
HEADERS = {
    "code": {"区划代码", "行政区划代码", "代码", "division code", "division_code", "code"},
    "name": {"名称", "地区", "地区名称", "区域名称", "name"},
    "level": {"风险等级", "等级", "level", "risk level", "risk_level"},
    "effective_from": {
        "起始日期",
        "开始日期",
        "生效日期",
        "effective from",
        "effective_from",
        "from",
    },
    "effective_to": {"截止日期", "结束日期", "解除日期", "effective to", "effective_to", "to"},
}
LEVELS = {
    "高": "high",
    "高风险": "high",
    "high": "high",
    "中": "medium",
    "中风险": "medium",
    "medium": "medium",
    "低": "low",
    "低风险": "low",
    "low": "low",
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class AreaIn:
    row: int
    code: str
    name: str
    level: str
    effective_from: date
    effective_to: date | None


@dataclass(frozen=True)
class RowError:
    row: int  # 0 for a problem with the whole file
    message: str
    code: str


class FileError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def read_cells(name: str, data: bytes) -> list[list[Any]]:
    """The file's rows as lists of cell values (strings, numbers, dates)."""
    lowered = name.lower()
    if lowered.endswith(".xls"):
        raise FileError(_("Save the file as Excel .xlsx or as CSV first."), "file_type")
    if lowered.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_cells(data)
    return _csv_cells(data)


def _xlsx_cells(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise FileError(_("This Excel file cannot be read."), "file_unreadable") from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    finally:
        book.close()


def _csv_cells(data: bytes) -> list[list[Any]]:
    # Excel on a Chinese Windows saves CSV as GB18030 (GBK); everything else as UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("This file is neither UTF-8 nor GBK text."), "file_encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date_cell(value: Any) -> date | None:
    """A date from a date cell, an Excel serial number or text; None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 <= value <= 80000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _column_map(header: list[Any]) -> dict[str, int] | None:
    labels = [_text(cell).lower() for cell in header]
    found = {}
    for column, names in HEADERS.items():
        for index, label in enumerate(labels):
            if label in names:
                found[column] = index
    return found if "code" in found else None


def _is_blank(row: list[Any]) -> bool:
    return all(_text(cell) == "" for cell in row)


def parse_rows(cells: list[list[Any]]) -> tuple[list[AreaIn], list[RowError]]:
    rows = [(number, row) for number, row in enumerate(cells, start=1) if not _is_blank(row)]
    if not rows:
        return [], [RowError(0, _("The file has no rows."), "file_empty")]
    columns = {name: index for index, name in enumerate(COLUMNS)}
    first_number, first = rows[0]
    if not re.fullmatch(r"\d{6}", _text(first[0]) if first else ""):
        columns = _column_map(first) or columns
        rows = rows[1:]
    if len(rows) > MAX_ROWS:
        message = _("A file holds at most %(max)s rows.") % {"max": MAX_ROWS}
        return [], [RowError(0, message, "file_too_many_rows")]
    areas: list[AreaIn] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, date], int] = {}
    for number, row in rows:
        area, row_errors = _parse_row(number, row, columns)
        errors.extend(row_errors)
        if area is None:
            continue
        key = (area.code, area.level, area.effective_from)
        if key in seen:
            message = _("The same area, level and start date as row %(other)s.") % {
                "other": seen[key]
            }
            errors.append(RowError(number, message, "row_duplicate"))
            continue
        seen[key] = number
        areas.append(area)
    return areas, errors


def _cell(row: list[Any], columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    return row[index] if index is not None and index < len(row) else None


def _parse_row(
    number: int, row: list[Any], columns: dict[str, int]
) -> tuple[AreaIn | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(message: str, code: str) -> None:
        errors.append(RowError(number, message, code))

    code = _text(_cell(row, columns, "code"))
    try:
        division_validate(code)
    except DivisionError as exc:
        if exc.code == "division_format":
            fail(_("The division code must have exactly six digits."), exc.code)
        else:
            fail(_("No administrative division has the code %(code)s.") % {"code": code}, exc.code)
    level_text = _text(_cell(row, columns, "level"))
    level = LEVELS.get(level_text.lower())
    if level is None:
        fail(_("The risk level must be 高, 中 or 低 (high, medium or low)."), "level_invalid")
    start_cell = _cell(row, columns, "effective_from")
    start = parse_date_cell(start_cell)
    if start is None:
        if _text(start_cell):
            fail(_("The start date is not a date such as 2022-04-15."), "date_invalid")
        else:
            fail(_("Enter the start date."), "date_required")
    end_cell = _cell(row, columns, "effective_to")
    end = parse_date_cell(end_cell) if _text(end_cell) else None
    if _text(end_cell) and end is None:
        fail(_("The end date is not a date such as 2022-04-29."), "date_invalid")
    if start and end and end < start:
        fail(_("The end date is before the start date."), "date_order")
    if errors or level is None or start is None:
        return None, errors
    name = _text(_cell(row, columns, "name"))[:100] or "".join(division_path(code))
    return AreaIn(number, code, name, level, start, end), errors
