"""What the API and the pages show of duty records."""

from __future__ import annotations

from fangkong.duty.models import (
    Fix,
    Handover,
    Inspection,
    PostLeader,
    RecallOrder,
    ReserveSquad,
    Secondment,
    SignIn,
    SituationReport,
)
from fangkong.duty.schemas import (
    DutyStateOut,
    FatigueOut,
    FixOut,
    HandoverOut,
    InspectionOut,
    PostAttendanceOut,
    PostLeaderOut,
    RecallOut,
    ReportOut,
    ReportStepOut,
    SecondmentOut,
    SignInOut,
    SquadOut,
)
from fangkong.duty.selectors import FatigueRow, PostRow


def seconded_label(secondment: Secondment | None) -> str | None:
    if secondment is None:
        return None
    return f"{secondment.from_unit.name} → {secondment.to_unit.name}"


def secondment_out(row: Secondment) -> SecondmentOut:
    return SecondmentOut(
        id=row.pk,
        staff_id=row.staff_id,
        staff_name=row.staff.name,
        from_unit_id=row.from_unit_id,
        from_unit=row.from_unit.name,
        to_unit_id=row.to_unit_id,
        to_unit=row.to_unit.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        reason=row.reason,
    )


def sign_in_out(sign_in: SignIn, seconded: Secondment | None = None) -> SignInOut:
    return SignInOut(
        id=sign_in.pk,
        staff_id=sign_in.staff_id,
        staff_name=sign_in.staff.name,
        site_id=sign_in.site_id,
        site_name=sign_in.site.name,
        kind=sign_in.kind,
        at=sign_in.at,
        duty_id=sign_in.duty_id,
        planned=sign_in.duty_id is not None,
        distance_m=sign_in.distance_m,
        flag=sign_in.flag,
        reason=sign_in.reason,
        late_minutes=sign_in.late_minutes,
        seconded=seconded_label(seconded),
    )


def post_attendance_out(post: PostRow) -> PostAttendanceOut:
    return PostAttendanceOut(
        site_id=post.site.pk,
        site_name=post.site.name,
        planned=[
            DutyStateOut(
                staff_id=row.staff.pk,
                staff_name=row.staff.name,
                role=row.role,
                state=row.state,
                first_in=row.first_in,
                shift_start=row.window.start,
                shift_end=row.window.end,
                seconded=seconded_label(row.seconded),
            )
            for row in post.planned
        ],
        unplanned=[sign_in_out(s) for s in post.unplanned],
        flagged=[sign_in_out(s) for s in post.flagged],
        absent=post.absent,
        late=post.late,
    )


def handover_out(handover: Handover) -> HandoverOut:
    taken = handover.acknowledged_by
    return HandoverOut(
        id=handover.pk,
        site_id=handover.site_id,
        site_name=handover.site.name,
        at=handover.at,
        outgoing_id=handover.outgoing_id,
        outgoing_name=handover.outgoing.name,
        vehicles=handover.vehicles,
        persons=handover.persons,
        equipment=handover.equipment,
        incidents=handover.incidents,
        notes=handover.notes,
        acknowledged_by_id=handover.acknowledged_by_id,
        acknowledged_by_name=taken.name if taken is not None else "",
        acknowledged_at=handover.acknowledged_at,
    )


def fix_out(fix: Fix) -> FixOut:
    return FixOut(
        id=fix.pk,
        site_id=fix.site_id,
        site_name=fix.site.name,
        inspection_id=fix.inspection_id,
        text=fix.text,
        deadline=fix.deadline,
        status=fix.status,
        closed_by_name=fix.closed_by.name if fix.closed_by is not None else "",
        closed_at=fix.closed_at,
        closing_note=fix.closing_note,
    )


def inspection_out(inspection: Inspection) -> InspectionOut:
    return InspectionOut(
        id=inspection.pk,
        site_id=inspection.site_id,
        site_name=inspection.site.name,
        inspector_id=inspection.inspector_id,
        inspector_name=inspection.inspector.name,
        at=inspection.at,
        checklist=inspection.checklist,
        findings=inspection.findings,
        photos=len(inspection.photos.all()),
        fixes=[fix_out(f) for f in inspection.fixes.all()],
    )


def post_leader_out(row: PostLeader) -> PostLeaderOut:
    return PostLeaderOut(
        id=row.pk,
        site_id=row.site_id,
        site_name=row.site.name,
        leader_id=row.leader_id,
        leader_name=row.leader.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
    )


def fatigue_out(row: FatigueRow) -> FatigueOut:
    return FatigueOut(
        staff_id=row.staff.pk,
        staff_name=row.staff.name,
        unit=row.staff.unit.name,
        hours_7d=row.fatigue.hours_7d,
        consecutive_days=row.fatigue.consecutive_days,
        max_days=row.limits[0],
        max_hours_7d=row.limits[1],
        over=row.over,
        seconded=seconded_label(row.seconded),
    )


def report_out(report: SituationReport) -> ReportOut:
    return ReportOut(
        id=report.pk,
        kind=report.kind,
        text=report.text,
        at=report.at,
        raised_by=report.raised_by.name,
        origin=report.origin.name,
        site_id=report.site_id,
        status=report.status,
        waiting_at=report.unit.name if report.unit is not None else None,
        waiting_since=report.waiting_since,
        steps=[
            ReportStepOut(
                unit=step.unit.name,
                acknowledged_by=(
                    step.acknowledged_by.name if step.acknowledged_by is not None else ""
                ),
                escalated=step.escalated,
                at=step.at,
            )
            for step in report.steps.all()
        ],
        photos=len(report.photos.all()),
    )


def squad_out(squad: ReserveSquad) -> SquadOut:
    return SquadOut(
        id=squad.pk,
        unit=squad.unit.name,
        name=squad.name,
        state=squad.state,
        site_id=squad.site_id,
        site_name=squad.site.name if squad.site is not None else "",
        state_since=squad.state_since,
        members=[m.name for m in squad.members.all()],
    )


def recall_out(order: RecallOrder) -> RecallOut:
    return RecallOut(
        id=order.pk,
        unit=order.unit.name,
        starts_on=order.starts_on,
        reason=order.reason,
        leave_cancelled=len(order.cancelled),
        issued_at=order.issued_at,
    )
