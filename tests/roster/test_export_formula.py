"""The roster workbook writes a hostile staff or site name as text, not a formula."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import login
from tests.roster.test_views import brigade, roster  # noqa: F401 - fixtures

STAFF_NAME = "=cmd|' /C calc'!A0"
SITE_NAME = '+HYPERLINK("http://evil.example")'


def test_hostile_names_are_text(roster: Any, brigade_officer: Any) -> None:  # noqa: F811
    duty = roster.assignments.select_related("staff", "site").exclude(site=None).first()
    duty.staff.name = STAFF_NAME
    duty.staff.save(update_fields=["name"])
    duty.site.name = SITE_NAME
    duty.site.save(update_fields=["name"])
    url = reverse("roster:export", args=[roster.pk])
    answer = login(brigade_officer).post(url, {"reason": "测试导出"})
    book = load_workbook(BytesIO(answer.content))
    cells = [c for s in book.worksheets for row in s.iter_rows() for c in row]
    for text in (STAFF_NAME, SITE_NAME):
        found = [c for c in cells if c.value == text]
        assert found, text
        assert all(c.data_type == "s" and c.quotePrefix for c in found)
