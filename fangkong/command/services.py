"""Writes of the command centre: the daily analysis report's draft (by the analyst) and its
sign-off (by the duty leader), the scheduled drafts, and the exports (each writes its audit
record with the reason given)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command import selectors
from fangkong.command.choices import ReportStatus
from fangkong.command.exports import dashboard_workbook
from fangkong.command.models import AnalysisReport
from fangkong.command.report_formats import report_pdf, report_workbook
from fangkong.command.reports import report_data, report_for, report_signatures, report_status_line
from fangkong.core.actors import Actor
from fangkong.core.audit import audit_record
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.jurisdiction import sees_everything, unit_in_scope
from fangkong.org.choices import RoleCode
from fangkong.org.models import Unit
from fangkong.org.permissions import user_roles

SIGNING_ROLES = frozenset({RoleCode.DUTY_LEADER, RoleCode.COMMANDER})
# The analyst (研判员) drafts the report; those who sign may also write in it.
DRAFTING_ROLES = SIGNING_ROLES | {RoleCode.ANALYST}


def can_sign_report(user: Any, unit: Unit) -> bool:
    """The duty leader (or the commander) of the unit or of a unit above it."""
    if sees_everything(user):
        return True
    return bool(user_roles(user) & SIGNING_ROLES) and unit_in_scope(user, unit)


def can_draft_report(user: Any, unit: Unit) -> bool:
    """The analyst (or one who may sign) of the unit or of a unit above it."""
    if sees_everything(user):
        return True
    return bool(user_roles(user) & DRAFTING_ROLES) and unit_in_scope(user, unit)


def _locked(unit: Unit, day: date) -> AnalysisReport:
    report, _created = AnalysisReport.objects.select_for_update().get_or_create(unit=unit, day=day)
    if report.status == ReportStatus.SIGNED:
        raise ValidationError(
            {"remarks": ValidationError(_("The report is signed and frozen."), code="signed")}
        )
    return report


def analysis_report_save(
    *, user: Any, unit: Unit, day: date, remarks: str, judgement: str | None = None
) -> AnalysisReport:
    """Save the draft's remarks and judgement, recording who drafted it and when. A signed
    report is frozen and refuses."""
    if not can_draft_report(user, unit):
        raise PermissionDeniedError(_("Only the analyst or the duty leader may edit this report."))
    with transaction.atomic():
        report = _locked(unit, day)
        report.remarks = remarks.strip()
        if judgement is not None:
            report.judgement = judgement.strip()
        report.drafted_by = user
        report.drafted_at = timezone.now()
        report.save(
            update_fields=["remarks", "judgement", "drafted_by", "drafted_at", "updated_at"]
        )
        audit_record(
            actor=user,
            action="command.report_draft",
            target=report,
            extra={"unit": unit.code, "day": day.isoformat()},
        )
    return report


def analysis_report_sign(
    *,
    user: Any,
    unit: Unit,
    day: date,
    remarks: str | None = None,
    judgement: str | None = None,
) -> AnalysisReport:
    """Sign the report off: its figures are frozen as they are now, and the act is audited. A
    report nobody drafted counts as drafted by the one who signs it."""
    if not can_sign_report(user, unit):
        raise PermissionDeniedError(_("Only the duty leader may sign this report."))
    with transaction.atomic():
        report = _locked(unit, day)
        if remarks is not None:
            report.remarks = remarks.strip()
        if judgement is not None:
            report.judgement = judgement.strip()
        if report.drafted_by_id is None:
            report.drafted_by, report.drafted_at = user, timezone.now()
        report.data = report_data(unit=unit, day=day)
        report.data["remarks"] = report.remarks
        report.data["judgement"] = report.judgement
        report.status = ReportStatus.SIGNED
        report.signed_by = user
        report.signed_at = timezone.now()
        report.save(
            update_fields=[
                "remarks",
                "judgement",
                "drafted_by",
                "drafted_at",
                "data",
                "status",
                "signed_by",
                "signed_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=user,
            action="command.report_sign",
            target=report,
            extra={"unit": unit.code, "day": day.isoformat()},
        )
    return report


def units_export(
    *,
    actor: Actor,
    scope: selectors.Scope,
    day: date,
    first: date,
    kind: str,
    title: str,
    reason: str,
    ip: str | None = None,
) -> bytes:
    """Every table of the dashboard as filtered, in one workbook, audited as
    ``command.units_export`` with the reason."""
    data = selectors.dashboard(scope=scope, day=day, first=first)
    content = dashboard_workbook(title=title, data=data)
    audit_record(
        actor=actor,
        action="command.units_export",
        target=scope.unit,
        reason=reason,
        ip=ip,
        extra={"day": day.isoformat(), "kind": kind},
    )
    return content


ReportFormat = Literal["pdf", "xlsx"]
_RENDERERS = {"pdf": report_pdf, "xlsx": report_workbook}


def _signed(report: AnalysisReport) -> dict[str, Any]:
    """What the analyst wrote and who drafted and signed, for the report's files."""
    return {
        "remarks": report.remarks,
        "judgement": report.judgement,
        "signatures": report_signatures(report),
    }


def report_files(report: AnalysisReport, data: dict[str, Any]) -> dict[str, bytes]:
    """The report as a PDF and an Excel file, by extension."""
    status_line = report_status_line(report)
    return {
        extension: render(data=data, status_line=status_line, **_signed(report))
        for extension, render in _RENDERERS.items()
    }


def analysis_report_export(
    *, actor: Actor, unit: Unit, day: date, fmt: ReportFormat, reason: str, ip: str | None = None
) -> bytes:
    """The day's report of ``unit`` as a file, audited as ``command.report_<fmt>``."""
    report, data = report_for(unit=unit, day=day)
    content = _RENDERERS[fmt](data=data, status_line=report_status_line(report), **_signed(report))
    audit_record(
        actor=actor,
        action=f"command.report_{fmt}",
        target=report if report.pk else unit,
        reason=reason,
        ip=ip,
        extra={"unit": unit.code, "day": day.isoformat()},
    )
    return content


def analysis_report_drafts(
    *, top: Unit, day: date
) -> Iterator[tuple[Unit, AnalysisReport, dict[str, Any]]]:
    """The scheduled run: a draft of the day's report for ``top`` and each unit below it,
    with its figures, the units below first so that each report above sees the ones it sums."""
    units = sorted(Unit.objects.filter(path__startswith=top.path), key=lambda u: -u.path.count("/"))
    for unit in units:
        AnalysisReport.objects.get_or_create(unit=unit, day=day)
        report, data = report_for(unit=unit, day=day)
        yield unit, report, data
