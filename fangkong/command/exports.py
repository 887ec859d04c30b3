"""Excel workbooks of the command centre (openpyxl): every table of the dashboard."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from fangkong.core.excel import workbook_bytes
from fangkong.sites.choices import SiteKind


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
        _("Yesterday, same time"),
        _("Same weekday last week, same time"),
        _("Day-on-day change (%)"),
        _("Change on last week (%)"),
        _("Vehicles"),
        _("Persuaded to return"),
        _("Referred to health"),
        _("Yesterday, whole day"),
        _("Same weekday last week, whole day"),
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
            u.get("yesterday_full", ""),
            u.get("last_week_full", ""),
        ]
        for u in units
    ]


def _title(sheet: Worksheet, title: str) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)


def _local_hour(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:00") if moment else ""


def _kind_label(kind: str) -> str:
    return str(SiteKind(kind).label) if kind in SiteKind.values else kind


def dashboard_workbook(*, title: str, data: dict[str, Any]) -> bytes:
    """The dashboard's tables, a sheet each: units first, then sites, the hourly and daily
    series, origins and the alerts. Each sheet has the title row (unit, day, to what time);
    kinds are named, times are local."""
    book = Workbook()
    title = _("%(title)s (to %(time)s)") % {
        "title": title,
        "time": timezone.localtime(data["until"]).strftime("%Y-%m-%d %H:%M"),
    }
    units = book.active
    units.title = _("Units")
    _title(units, title)
    write_rows(units, unit_table_headers(), unit_table_rows(data["units"]))
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            _("Sites"),
            [_("Site"), _("Unit"), _("Kind"), _("Persons today"), _("Quiet")],
            [
                [
                    s["name"],
                    s["unit"],
                    _kind_label(s["kind"]),
                    s["volume"],
                    _("yes") if s["quiet"] else "",
                ]
                for s in data["sites"]
            ],
        ),
        (
            _("By hour"),
            [
                _("Hour"),
                _("Persons"),
                _("Vehicles"),
                _("Persuaded to return"),
                _("Referred to health"),
            ],
            [
                [h["hour"], h["persons"], h["vehicles"], h["persuade_return"], h["refer_health"]]
                for h in data["hourly"]
            ],
        ),
        (
            _("By day"),
            [_("Date"), _("Persons"), _("Persuaded to return"), _("Referred to health")],
            [
                [t["date"].isoformat(), t["persons"], t["persuade_return"], t["refer_health"]]
                for t in data["trends"]
            ],
        ),
        (
            _("Origins"),
            [_("Province of origin"), _("Persons")],
            [[o["name"], o["count"]] for o in data["origins"]],
        ),
        (
            _("Quiet sites"),
            [_("Site"), _("Unit"), _("Last check (hour)"), _("Persons usually in these hours")],
            [
                [q["name"], q["unit"], _local_hour(q["last_hour"]), q.get("usual")]
                for q in data["quiet"]
            ],
        ),
        (
            _("Understaffed now"),
            [_("Site"), _("Unit"), _("Missing")],
            [[u["name"], u["unit"], u["text"]] for u in data["understaffed"]],
        ),
    ]
    for name, headers, rows in sheets:
        sheet = book.create_sheet(name)
        _title(sheet, title)
        write_rows(sheet, headers, rows)
    return workbook_bytes(book)
