"""Every export asks why first, and writes the reason and the address into its audit record."""

from __future__ import annotations

import pytest

from fangkong.core.models import AuditLog
from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = "/command/units.xlsx?kind=checkpoint"


def test_the_link_asks_for_a_reason_and_exports_nothing_yet(commander) -> None:
    page = login(commander).get(URL)
    assert page.status_code == 200
    assert 'name="reason"' in page.text and "导出原因" in page.text
    assert not AuditLog.objects.filter(action="command.units_export").exists()


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_no_file_without_a_reason(commander, reason: str) -> None:
    page = login(commander).post(URL, {"reason": reason})
    assert page.status_code == 422
    assert "请说明导出原因" in page.text
    assert not AuditLog.objects.filter(action="command.units_export").exists()


def test_the_reason_and_the_address_go_into_the_audit_record(commander) -> None:
    answer = login(commander).post(URL, {"reason": "  报 送\n上级 "}, REMOTE_ADDR="203.0.113.9")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    audit = AuditLog.objects.get(action="command.units_export")
    assert (audit.reason, audit.ip, audit.actor_name) == ("报 送 上级", "203.0.113.9", "commander")
    assert audit.extra["kind"] == "checkpoint"
