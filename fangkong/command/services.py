"""Writes of the command centre: the daily analysis report's draft (by the analyst) and its
sign-off (by the duty leader)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.choices import ReportStatus
from fangkong.command.models import AnalysisReport
from fangkong.command.reports import report_data
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
