"""Writes to rosters: generate from the database with the pure engine, publish, re-roster,
leave and the staffing proposal. Each runs in a transaction, validates, and is audited."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.actors import Actor
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import unit_in_scope
from fangkong.core.names import person_name
from fangkong.jobs.models import Job
from fangkong.jobs.services import job_start
from fangkong.org.models import Staff, Unit
from fangkong.org.permissions import can_administer, user_roles
from fangkong.roster.advice import advice_summary
from fangkong.roster.choices import PATTERN_SHIFTS, LeaveKind, PatternKind, RosterStatus
from fangkong.roster.engine import police, rostering
from fangkong.roster.engine.model import RosterInputError
from fangkong.roster.engine.shortage import Shortage
from fangkong.roster.export import roster_workbook
from fangkong.roster.models import (
    ROSTER_ROLES,
    KeySite,
    Leave,
    Roster,
    RosterAssignment,
    RosterRules,
    RosterShortage,
    ShiftPattern,
)
from fangkong.roster.problem import (
    RosterInput,
    build_input,
    dates_of,
    pattern_for_unit,
    police_rules,
    rules_for_unit,
)
from fangkong.roster.staffing import staffing_accept, staffing_propose
from fangkong.sites.models import Site

# Re-exported: the problem builder and the staffing services have modules of their own.
__all__ = [
    "build_input",
    "pattern_for_unit",
    "rules_for_unit",
    "staffing_accept",
    "staffing_propose",
]

MAX_DAYS = 62
# A solve runs as a background job, not in a request: it may take minutes.
MAX_TIME_LIMIT_S = 600
DEFAULT_TIME_LIMIT_S = 30
REROSTER_TIME_LIMIT_S = 5

# Runs a solve (a function of the stop flag and a progress callback) and returns its result:
# in a job, in a thread while the job reports progress (JobContext.run_watched).
Watch = Callable[[Callable[[threading.Event, Callable[[Any], None]], Any]], Any]


def _unwatched(work: Callable[[threading.Event, Callable[[Any], None]], Any]) -> Any:
    return work(threading.Event(), lambda reached: None)


# -- permissions -----------------------------------------------------------------------------


def can_roster(user: Any, unit: Unit) -> bool:
    """Unit admins, commanders and duty leaders roster the units of their jurisdiction."""
    if can_administer(user, unit):
        return True
    return bool(user_roles(user) & ROSTER_ROLES) and unit_in_scope(user, unit)


def _require_roster(actor: Any, unit: Unit) -> None:
    if not can_roster(actor, unit):
        raise PermissionDeniedError(_("You may not roster this unit."))


# Translated messages for the engine's input-error codes, on the form field they concern.
def _engine_message(code: str) -> str:
    messages = {
        "period_empty": _("The period must have at least one day."),
        "rules_contradictory": _("These rules contradict each other: no roster can obey them."),
        "invalid_value": _("This value is not allowed."),
        "unknown_shift": _("This shift is not part of the unit's shift pattern."),
    }
    return messages.get(code, _("The roster input is not valid."))


def _engine_field(field: str) -> str:
    # "rules.max_hours_per_week" -> "max_hours_per_week"; "wartime_rules.x" -> "wartime_x".
    head, _sep, tail = field.partition(".")
    if head == "wartime_rules" and tail:
        return f"wartime_{tail}"
    return tail.rsplit(".", 1)[-1] if head in ("rules",) and tail else head


def _raise_engine_error(exc: RosterInputError) -> None:
    errors = FieldErrors()
    errors.add(_engine_field(exc.field), _engine_message(exc.code), exc.code)
    errors.raise_if_any()


# -- rules and patterns ----------------------------------------------------------------------


RULE_FIELDS = (
    "min_rest_hours",
    "forbid_night_to_morning",
    "max_consecutive_days",
    "max_consecutive_nights",
    "max_hours_per_week",
    "wartime",
    "wartime_min_rest_hours",
    "wartime_max_consecutive_days",
    "wartime_max_consecutive_nights",
    "wartime_max_hours_per_week",
)


@transaction.atomic
def roster_rules_set(*, actor: Any, unit: Unit, **values: Any) -> RosterRules:
    """Create or change a unit's rules; contradictory limits are refused field by field."""
    if not can_administer(actor, unit):
        raise PermissionDeniedError(_("You may not change the rules of this unit."))
    rules = RosterRules.objects.filter(unit=unit).first() or rules_for_unit(unit)
    if rules.unit_id != unit.pk:
        rules = RosterRules(**{f: getattr(rules, f) for f in RULE_FIELDS}, unit=unit)
    for name, value in values.items():
        if name not in RULE_FIELDS:
            raise TypeError(name)
        setattr(rules, name, value)
    _check_rules(rules, pattern_for_unit(unit))
    rules.save()
    audit_record(actor=actor, action="roster.rules", target=rules, extra={"fields": sorted(values)})
    return rules


def _check_rules(rules: RosterRules, pattern: str) -> None:
    for wartime in (False, True):
        probe = police.PoliceProblem(
            start=date(2000, 1, 3),
            days=7,
            sites=(),
            staff=(),
            shift_pattern=pattern,
            rules=police_rules(rules, wartime=False),
            wartime=wartime,
            wartime_rules=police_rules(rules, wartime=True),
        )
        try:
            police.check(probe)
        except RosterInputError as exc:
            _raise_engine_error(exc)


@transaction.atomic
def shift_pattern_set(
    *, actor: Any, unit: Unit, kind: str, site: Site | None = None
) -> ShiftPattern:
    if not can_administer(actor, unit):
        raise PermissionDeniedError(_("You may not change the shifts of this unit."))
    if kind not in PatternKind.values:
        errors = FieldErrors()
        errors.add("kind", _("Choose three 8-hour shifts or two 12-hour shifts."), "invalid_kind")
        errors.raise_if_any()
    pattern, _created = ShiftPattern.objects.update_or_create(
        unit=unit, site=site, defaults={"kind": kind, "shifts": PATTERN_SHIFTS[kind]}
    )
    audit_record(actor=actor, action="roster.pattern", target=pattern, extra={"kind": kind})
    return pattern


@transaction.atomic
def roster_settings_set(*, actor: Any, unit: Unit, pattern: str, **values: Any) -> RosterRules:
    """The rules page's one action: the unit's shift pattern (if it changes) and its rules,
    both or neither."""
    if pattern != pattern_for_unit(unit):
        shift_pattern_set(actor=actor, unit=unit, kind=pattern)
    return roster_rules_set(actor=actor, unit=unit, **values)


def roster_export(*, actor: Actor, roster: Roster, reason: str, ip: str | None = None) -> bytes:
    """The roster as an Excel workbook, audited as ``roster.export`` with the reason."""
    content = roster_workbook(roster)
    audit_record(actor=actor, action="roster.export", target=roster, reason=reason, ip=ip)
    return content


# -- key posts -------------------------------------------------------------------------------


@transaction.atomic
def key_site_set(*, actor: Any, site: Site, key: bool) -> bool:
    """Mark a site as a key post (重点卡点), covered before the others, or clear the mark."""
    _require_roster(actor, site.unit)
    if key:
        KeySite.objects.get_or_create(
            site=site,
            defaults={"marked_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
    else:
        KeySite.objects.filter(site=site).delete()
    audit_record(actor=actor, action="roster.key_site", target=site, extra={"key": key})
    return key


# -- leave -----------------------------------------------------------------------------------


@transaction.atomic
def leave_create(
    *,
    actor: Any,
    staff: Staff,
    starts_on: date,
    ends_on: date,
    kind: str = LeaveKind.LEAVE,
    note: str = "",
) -> Leave:
    _require_roster(actor, staff.unit)
    errors = FieldErrors()
    if ends_on < starts_on:
        errors.add("ends_on", _("The leave ends before it starts."), "leave_ends_before_start")
    if kind not in LeaveKind.values:
        errors.add("kind", _("Unknown kind of leave."), "invalid_kind")
    errors.raise_if_any()
    leave = Leave.objects.create(
        staff=staff,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="roster.leave", target=leave, extra={"kind": kind})
    return leave


def _check_period(
    errors: FieldErrors, start: date | None, days: int | None, time_limit_s: float
) -> None:
    if start is None:
        errors.add("start", _("Give the first day of the roster."), "required")
    if days is None or days < 1:
        errors.add("days", _("The period must have at least one day."), "period_empty")
    elif days > MAX_DAYS:
        errors.add(
            "days",
            _("A roster covers at most %(max)s days.") % {"max": MAX_DAYS},
            "period_too_long",
        )
    if not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        errors.add(
            "time_limit_s",
            _("The time limit must be between 1 and %(max)s seconds.") % {"max": MAX_TIME_LIMIT_S},
            "invalid_time_limit",
        )


def _check_input(data: RosterInput, days: int) -> None:
    errors = FieldErrors()
    if not data.sites:
        errors.add("unit", _("This unit has no open sites to roster."), "no_open_sites")
    if not data.staff:
        errors.add("unit", _("This unit has no active officers or auxiliaries."), "no_staff")
    elif all(len(p.leave) >= days for p in data.problem.staff):
        errors.add(
            "start",
            _("Everybody is on leave for the whole period: nobody can be rostered."),
            "everyone_on_leave",
        )
    other_patterns = ShiftPattern.objects.filter(site__in=list(data.sites.values())).exclude(
        kind=data.problem.shift_pattern
    )
    if other_patterns.exists():
        # One roster has one shift pattern: the engine cannot mix 8- and 12-hour shifts.
        errors.add(
            "unit",
            _("Some sites work a different shift pattern from the unit; roster them apart."),
            "mixed_shift_patterns",
        )
    errors.raise_if_any()
    try:
        police.check(data.problem)
    except RosterInputError as exc:
        _raise_engine_error(exc)


# -- generate, publish, re-roster ------------------------------------------------------------


def roster_generate(
    *,
    actor: Any,
    unit: Unit,
    start: date | None,
    days: int | None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    wartime: bool | None = None,
) -> Job:
    """Check the request and start solving the unit's roster as a background job
    (:func:`roster_generate_run` in the worker); bad input is refused here, field by field."""
    _require_roster(actor, unit)
    errors = FieldErrors()
    _check_period(errors, start, days, time_limit_s)
    errors.raise_if_any()
    assert start is not None and days is not None  # checked above
    if wartime is None:
        wartime = rules_for_unit(unit).wartime
    _check_input(build_input(unit=unit, start=start, days=days, wartime=wartime), days)
    params = {
        "unit_id": unit.pk,
        "start": start.isoformat(),
        "days": days,
        "time_limit_s": time_limit_s,
        "wartime": wartime,
    }
    title = _("Roster of %(unit)s from %(start)s, %(days)s days") % {
        "unit": unit.name,
        "start": start.isoformat(),
        "days": days,
    }
    return job_start(actor=actor, kind="roster.generate", params=params, unit=unit, title=title)


def roster_generate_run(
    *,
    actor: Any,
    unit: Unit,
    start: date,
    days: int,
    time_limit_s: float,
    wartime: bool,
    watch: Watch = _unwatched,
) -> Roster:
    """Solve the unit's roster for the period and store it as a draft, with its shortages.

    Runs in the job worker. The solver runs outside the transaction (and, watched, in a
    thread of its own), so a long solve holds no database lock.
    """
    _require_roster(actor, unit)
    data = build_input(unit=unit, start=start, days=days, wartime=wartime)
    _check_input(data, days)
    result = watch(
        lambda stop, progress: rostering.roster_solve(
            data.problem, time_limit_s=time_limit_s, stop=stop, progress=progress
        )
    )
    return _store(
        actor=actor,
        unit=unit,
        data=data,
        result=result,
        action="roster.generate",
        advice=advice_summary(data, unit, result.missing),
    )


def _slot(item: police.Duty | Shortage) -> dict[str, Any]:
    """The fields of a roster slot (:class:`RosterSlot`) for a duty or a shortage of the
    engine, whose sites are ids as text."""
    return {
        "date": item.day,
        "shift": item.shift,
        "site_id": int(item.site) if item.site else None,
        "role": item.role,
    }


@transaction.atomic
def _store(
    *,
    actor: Any,
    unit: Unit,
    data: RosterInput,
    result: rostering.RosterResult,
    action: str,
    advice: dict[str, Any],
    based_on: Roster | None = None,
) -> Roster:
    """Store a solved roster. ``advice`` (why it is short, what would help) is computed
    before, outside the transaction: on SQLite a transaction holds the write lock."""
    problem = data.problem
    summary = {
        "rules": _jsonable(asdict(result.rules)),
        "solver_status": result.status,
        "wall_time_s": round(result.wall_time_s, 2),
        "missing": result.missing,
        "duties": len(result.duties),
        "staff": len(problem.staff),
        "sites": len(problem.sites),
        "changes": [_change_row(c, data) for c in result.changes] if based_on else [],
        **advice,
    }
    roster = Roster.objects.create(
        unit=unit,
        start=problem.start,
        days=problem.days,
        pattern=problem.shift_pattern,
        wartime=result.wartime,
        objective=result.objective,
        gap=result.gap,
        solver_status=result.status,
        summary=summary,
        based_on=based_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    RosterAssignment.objects.bulk_create(
        RosterAssignment(roster=roster, staff_id=int(duty.staff), **_slot(duty))
        for duty in result.duties
    )
    RosterShortage.objects.bulk_create(
        RosterShortage(
            roster=roster,
            **_slot(item),
            missing=item.missing,
            eligible=item.eligible,
            reasons=[[code, item.reason_counts.get(code, 0)] for code in item.reasons],
        )
        for item in result.shortages
        if item.missing > 0
    )
    extra = {
        "start": problem.start.isoformat(),
        "days": problem.days,
        "wartime": result.wartime,
        "missing": result.missing,
    }
    audit_record(actor=actor, action=action, target=roster, extra=extra)
    return roster


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _duty_row(duty: police.Duty | None, data: RosterInput) -> dict[str, Any] | None:
    if duty is None:
        return None
    site = data.sites.get(duty.site) if duty.site else None
    return {
        "shift": duty.shift,
        "site_id": site.pk if site else None,
        "site": site.name if site else "",
        "role": duty.role,
    }


def _change_row(change: rostering.DutyChange, data: RosterInput) -> dict[str, Any]:
    staff = data.staff.get(change.staff)
    return {
        "staff_id": int(change.staff),
        "staff": staff.name if staff else change.staff,
        "date": change.day.isoformat(),
        "before": _duty_row(change.before, data),
        "after": _duty_row(change.after, data),
    }


@transaction.atomic
def roster_publish(*, actor: Any, roster: Roster, accept_shortfall: bool = False) -> Roster:
    """Publish a draft as the unit's next version; earlier published versions are kept,
    marked superseded where this one covers their days. A roster with posts left short is
    published only when the shortfall is accepted, which the roster and the audit record."""
    roster = Roster.objects.select_for_update().select_related("unit").get(pk=roster.pk)
    _require_roster(actor, roster.unit)
    errors = FieldErrors()
    if roster.status != RosterStatus.DRAFT:
        errors.add("status", _("Only a draft roster can be published."), "not_draft")
    elif roster.missing and not accept_shortfall:
        errors.add(
            "accept_shortfall",
            _("%(count)s people are missing on this roster: confirm that you accept it.")
            % {"count": roster.missing},
            "shortfall_not_accepted",
        )
    errors.raise_if_any()
    fields = ["status", "version", "published_by", "published_at"]
    if roster.missing:
        roster.summary = {
            **roster.summary,
            "accepted_shortfall": {
                "missing": roster.missing,
                "by": person_name(actor) if getattr(actor, "is_authenticated", False) else "",
                "at": timezone.now().isoformat(),
            },
        }
        fields.append("summary")
    last = Roster.objects.filter(unit=roster.unit).aggregate(v=Max("version"))["v"] or 0
    end = roster.start + timedelta(days=roster.days - 1)
    superseded = [
        other.pk
        for other in Roster.objects.filter(
            unit=roster.unit, status=RosterStatus.PUBLISHED, start__lte=end
        )
        if other.start + timedelta(days=other.days - 1) >= roster.start
    ]
    Roster.objects.filter(pk__in=superseded).update(status=RosterStatus.SUPERSEDED)
    roster.status = RosterStatus.PUBLISHED
    roster.version = last + 1
    roster.published_by = actor if getattr(actor, "is_authenticated", False) else None
    roster.published_at = timezone.now()
    roster.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="roster.publish",
        target=roster,
        extra={
            "version": roster.version,
            "superseded": superseded,
            "accepted_shortfall": roster.missing,
        },
    )
    return roster


def roster_reroster(
    *, actor: Any, roster: Roster, leave: Leave, time_limit_s: float = REROSTER_TIME_LIMIT_S
) -> Job:
    """After a sick call or other leave, start a job for a new draft that keeps as much of
    ``roster`` as it can (:func:`roster_reroster_run`)."""
    _require_roster(actor, roster.unit)
    _check_leave(roster, leave)
    params = {"roster_id": roster.pk, "leave_id": leave.pk, "time_limit_s": time_limit_s}
    title = _("Re-roster of %(unit)s from %(start)s after the leave of %(name)s") % {
        "unit": roster.unit.name,
        "start": roster.start.isoformat(),
        "name": leave.staff.name,
    }
    return job_start(
        actor=actor, kind="roster.reroster", params=params, unit=roster.unit, title=title
    )


def _check_leave(roster: Roster, leave: Leave) -> None:
    end = roster.start + timedelta(days=roster.days - 1)
    errors = FieldErrors()
    if leave.ends_on < roster.start or leave.starts_on > end:
        errors.add("leave", _("The leave does not fall within this roster."), "leave_outside")
    if not leave.staff.unit.path.startswith(roster.unit.path):
        errors.add("leave", _("This person does not belong to the rostered unit."), "not_in_unit")
    errors.raise_if_any()


def roster_reroster_run(
    *,
    actor: Any,
    roster: Roster,
    leave: Leave,
    time_limit_s: float = REROSTER_TIME_LIMIT_S,
    watch: Watch = _unwatched,
) -> Roster:
    """The new draft: its summary lists every change (who, date, shift, from → to)."""
    _require_roster(actor, roster.unit)
    _check_leave(roster, leave)
    end = roster.start + timedelta(days=roster.days - 1)
    previous = tuple(
        police.Duty(
            staff=str(a.staff_id),
            day=a.date,
            shift=a.shift,
            site=str(a.site_id) if a.site_id else None,
            role=a.role,
            unit=roster.unit.code,
        )
        for a in roster.assignments.all()
    )
    data = build_input(
        unit=roster.unit,
        start=roster.start,
        days=roster.days,
        wartime=roster.wartime,
        previous=previous,
    )
    _check_input(data, roster.days)
    first, last = max(leave.starts_on, roster.start), min(leave.ends_on, end)
    changed = [(str(leave.staff_id), d) for d in dates_of(first, (last - first).days + 1)]
    result = watch(
        lambda stop, progress: rostering.roster_resolve(
            data.problem, changed=changed, time_limit_s=time_limit_s, stop=stop, progress=progress
        )
    )
    return _store(
        actor=actor,
        unit=roster.unit,
        data=data,
        result=result,
        action="roster.reroster",
        advice=advice_summary(data, roster.unit, result.missing),
        based_on=roster,
    )
