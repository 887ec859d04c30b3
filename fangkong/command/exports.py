"""Excel workbooks of the command centre (openpyxl): the units table of the dashboard."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet


def write_rows(sheet: Worksheet, headers: list[str], rows: list[list[Any]]) -> None:
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, header in zip(sheet.columns, headers, strict=False):
        width = max([len(str(header)) * 2, *(len(str(c.value or "")) + 2 for c in column)])
        sheet.column_dimensions[column[0].column_letter].width = min(width, 40)


def unit_table_headers() -> list[str]:
    return [
        _("Unit"),
        _("Persons today"),
        _("Yesterday"),
        _("Same day last week"),
        _("Day-on-day change (%)"),
        _("Change on last week (%)"),
        _("Vehicles"),
        _("Persuaded to return"),
        _("Referred to health"),
    ]


def unit_table_rows(units: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            u["name"],
            u["today"],
            u["yesterday"],
            u["last_week"],
            u["change_day"],
            u["change_week"],
            u["vehicles"],
            u["persuade_return"],
            u["refer_health"],
        ]
        for u in units
    ]


def units_workbook(*, title: str, units: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Units")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    write_rows(sheet, unit_table_headers(), unit_table_rows(units))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
