"""Roster endpoints: the same services and selectors as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from fangkong.jobs.api import job_out
from fangkong.jobs.schemas import JobOut
from fangkong.org.selectors import unit_get_for_user
from fangkong.roster import selectors, services
from fangkong.roster.models import Roster, RosterAssignment
from fangkong.roster.schemas import (
    DutyOut,
    RosterDetailOut,
    RosterGenerateIn,
    RosterOut,
    RosterPublishIn,
    ShortageOut,
)

router = Router(tags=["roster"])


def roster_out(roster: Roster) -> RosterOut:
    return RosterOut(
        id=roster.pk,
        unit_id=roster.unit_id,
        unit=roster.unit.name,
        start=roster.start,
        days=roster.days,
        status=roster.status,
        version=roster.version,
        wartime=roster.wartime,
        missing=roster.missing,
        solver_status=roster.solver_status,
    )


def duty_out(duty: RosterAssignment) -> DutyOut:
    return DutyOut(
        date=duty.date,
        shift=duty.shift,
        shift_label=duty.shift_label,
        site_id=duty.site_id,
        site=duty.site.name if duty.site else "",
        staff_id=duty.staff_id,
        staff=duty.staff.name,
        role=duty.role,
    )


@router.get("/rosters", response=list[RosterOut], operation_id="roster_list")
def roster_list(request: HttpRequest) -> list[RosterOut]:
    return [roster_out(r) for r in selectors.roster_list_for_user(user=request.user)[:200]]


@router.get("/rosters/me", response=list[DutyOut], operation_id="roster_my_duties")
def roster_my_duties(request: HttpRequest) -> list[DutyOut]:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        return []
    duties = selectors.duties_for_staff(staff=staff, since=timezone.localdate())
    return [duty_out(d) for d in duties]


@router.get("/rosters/{roster_id}", response=RosterDetailOut, operation_id="roster_get")
def roster_get(request: HttpRequest, roster_id: int) -> RosterDetailOut:
    roster = selectors.roster_get_for_user(user=request.user, roster_id=roster_id)
    shortages = [
        ShortageOut(
            date=s.date,
            shift=s.shift,
            site_id=s.site_id,
            role=s.role,
            missing=s.missing,
            reasons=s.reasons,
            text=s.text(),
        )
        for s in selectors.roster_shortages(roster)
    ]
    return RosterDetailOut(
        **roster_out(roster).dict(),
        duties=[duty_out(d) for d in selectors.roster_assignments(roster)],
        shortages=shortages,
        changes=roster.summary.get("changes") or [],
    )


@router.post("/rosters", response={202: JobOut}, operation_id="roster_generate")
def roster_generate(request: HttpRequest, payload: RosterGenerateIn) -> tuple[int, JobOut]:
    """Start solving a roster; follow the job at ``/jobs/{id}`` (its result names the roster)."""
    unit = unit_get_for_user(user=request.user, unit_id=payload.unit_id)
    job = services.roster_generate(
        actor=request.user,
        unit=unit,
        start=payload.start,
        days=payload.days,
        time_limit_s=payload.time_limit_s,
        wartime=payload.wartime,
    )
    return 202, job_out(job)


@router.post("/rosters/{roster_id}/publish", response=RosterOut, operation_id="roster_publish")
def roster_publish(
    request: HttpRequest, roster_id: int, payload: RosterPublishIn | None = None
) -> RosterOut:
    """A roster with posts left short needs ``accept_shortfall: true``."""
    roster = selectors.roster_get_for_user(user=request.user, roster_id=roster_id)
    accept = bool(payload and payload.accept_shortfall)
    return roster_out(
        services.roster_publish(actor=request.user, roster=roster, accept_shortfall=accept)
    )
