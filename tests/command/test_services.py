"""The command centre's exports as services: each writes exactly one audit record, with the
reason and the address it is given, and the file it returns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import time_machine
from openpyxl import load_workbook

from fangkong.command import selectors
from fangkong.command.models import AnalysisReport
from fangkong.command.services import analysis_report_drafts, analysis_report_export, units_export
from fangkong.core.models import AuditLog
from tests.command.conftest import make_check

NOW = datetime(2026, 11, 22, 4, 30, tzinfo=UTC)
DAY = date(2026, 11, 22)


@time_machine.travel(NOW, tick=False)
def test_units_export_writes_one_audit_record(sites: Any, commander: Any) -> None:
    make_check(sites["linze"][0], at=NOW - timedelta(minutes=10))
    before = AuditLog.objects.count()
    content = units_export(
        actor=commander,
        scope=selectors.scope_for_user(user=commander),
        day=DAY,
        first=DAY - timedelta(days=6),
        kind="",
        title="每日通报",
        reason="上报市局",
        ip="10.1.2.3",
    )
    assert load_workbook(BytesIO(content)).sheetnames[0] == "单位"
    assert AuditLog.objects.count() == before + 1
    entry = AuditLog.objects.get(action="command.units_export")
    assert (entry.actor_id, entry.reason, entry.ip) == (commander.pk, "上报市局", "10.1.2.3")
    assert entry.extra == {"day": DAY.isoformat(), "kind": ""}


@time_machine.travel(NOW, tick=False)
def test_report_export_writes_one_audit_record_per_file(
    sites: Any, commander: Any, tree: Any
) -> None:
    before = AuditLog.objects.count()
    for fmt in ("pdf", "xlsx"):
        content = analysis_report_export(
            actor=commander, unit=tree.ganzhou, day=DAY, fmt=fmt, reason="值班", ip=None
        )
        assert content[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    actions = list(
        AuditLog.objects.order_by("pk")[before:].values_list("action", "reason", "target_id")
    )
    unit = str(tree.ganzhou.pk)
    assert actions == [("command.report_pdf", "值班", unit), ("command.report_xlsx", "值班", unit)]
    assert not AnalysisReport.objects.exists()  # an export reads; it makes no draft


def test_drafts_cover_the_units_below_first(sites: Any, tree: Any) -> None:
    units = [unit for unit, _report, _data in analysis_report_drafts(top=tree.detachment, day=DAY)]
    assert units[-1] == tree.detachment and tree.ganzhou in units
    assert AnalysisReport.objects.filter(day=DAY).count() == len(units)
