"""Independent check of every hard rule of a police roster.

It works from the police problem and the duties alone, with its own arithmetic (absolute
minutes for rest, calendar runs for consecutive days), and shares no code with the model
builder, so the tests can trust it to catch a model that forgot a rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .police import (
    AUXILIARY,
    LEADER,
    OFFICER,
    Duty,
    PoliceProblem,
    bound_leaders,
    may_lead_post,
)


@dataclass(frozen=True)
class Violation:
    code: str
    staff: str | None
    day: date | None
    detail: str


def validate(problem: PoliceProblem, duties: Sequence[Duty]) -> list[Violation]:
    rules = problem.wartime_rules if problem.wartime else problem.rules
    shifts = {s.id: s for s in problem.shift_types()}
    staff = {s.id: s for s in problem.staff}
    sites = {s.id: s for s in problem.sites}
    last_day = problem.start + timedelta(days=problem.days - 1)
    bound = bound_leaders(problem)
    found: list[Violation] = []

    def bad(code: str, who: str | None, day: date | None, detail: str) -> None:
        found.append(Violation(code, who, day, detail))

    per_staff: dict[str, list[Duty]] = defaultdict(list)
    for duty in duties:
        person = staff.get(duty.staff)
        if person is None:
            bad("unknown_staff", duty.staff, duty.day, "not in the problem")
            continue
        if not problem.start <= duty.day <= last_day:
            bad("out_of_period", duty.staff, duty.day, "outside the period")
        if duty.shift not in shifts:
            bad("unknown_shift", duty.staff, duty.day, duty.shift)
            continue
        if duty.site is not None and duty.role == LEADER:
            if bound.get((duty.site, duty.day)) != duty.staff or not may_lead_post(person):
                bad("not_eligible", duty.staff, duty.day, f"is not bound to lead {duty.site}")
            elif duty.shift != "lead":
                bad("no_such_post", duty.staff, duty.day, "a key post's leader leads 24 hours")
        else:
            if duty.role not in person.roles:
                bad("wrong_role", duty.staff, duty.day, f"is not {duty.role}")
            _check_post(problem, duty, person, sites, bad)
        if duty.day in person.leave:
            bad("on_leave", duty.staff, duty.day, "rostered during leave")
        if (duty.day, duty.shift) in person.unavailable:
            bad("unavailable", duty.staff, duty.day, duty.shift)
        per_staff[duty.staff].append(duty)

    for who, own in per_staff.items():
        _check_person(who, own, rules, shifts, problem, bad)
        _check_history(staff[who], own, rules, shifts, problem, bad)
    _check_officer_present(duties, bad)
    return found


def _check_post(problem, duty: Duty, person, sites, bad) -> None:
    units = person.shared_units | {person.unit}
    if duty.site is None:
        if duty.role != LEADER or duty.shift != "lead":
            bad("no_such_post", duty.staff, duty.day, "a duty without a site must be the lead")
        elif duty.unit not in units:
            bad("not_eligible", duty.staff, duty.day, f"leads unit {duty.unit}")
        return
    site = sites.get(duty.site)
    if site is None:
        bad("unknown_site", duty.staff, duty.day, duty.site)
        return
    if duty.role not in (OFFICER, AUXILIARY) or duty.shift not in site.requirements:
        bad("no_such_post", duty.staff, duty.day, f"{duty.site} {duty.shift} {duty.role}")
    if site.unit not in units or (person.sites is not None and site.id not in person.sites):
        bad("not_eligible", duty.staff, duty.day, f"may not serve {site.id}")


def _check_person(who, own: list[Duty], rules, shifts, problem, bad) -> None:
    by_day: dict[date, list[Duty]] = defaultdict(list)
    for duty in own:
        by_day[duty.day].append(duty)
    for day, items in by_day.items():
        if len(items) > 1:
            bad("double_duty", who, day, f"{len(items)} duties on one day")

    # Rest: minutes between the end of one duty and the start of the next, in absolute time.
    timed = list(
        (
            ((d.day - problem.start).days * 1440 + shifts[d.shift].start_minute),
            shifts[d.shift].minutes,
            d,
        )
        for d in own
    )
    timed.sort(key=lambda t: (t[0], t[1]))
    for (start, length, duty), (next_start, _, following) in zip(timed, timed[1:], strict=False):
        rest = next_start - (start + length)
        if rest < rules.min_rest_hours * 60:
            bad("short_rest", who, following.day, f"{rest / 60:.1f} h after {duty.shift}")
    for first, then in rules.forbidden_successions:
        for duty in own:
            nxt = by_day.get(duty.day + timedelta(days=1), [])
            if duty.shift == first and any(n.shift == then for n in nxt):
                bad("forbidden_succession", who, duty.day, f"{first} then {then}")

    worked = sorted(by_day)
    nights = sorted(d for d, items in by_day.items() if any(shifts[i.shift].night for i in items))
    for start, length in _runs(worked):
        if length > rules.max_consecutive_days:
            bad("too_many_days", who, start, f"{length} days running")
        inner = start > problem.start and start + timedelta(days=length) <= _last(problem)
        if rules.min_consecutive_days and inner and length < rules.min_consecutive_days:
            bad("too_few_days", who, start, f"{length} days running")
    for start, length in _runs(nights):
        if length > rules.max_consecutive_nights:
            bad("too_many_nights", who, start, f"{length} nights running")
    if rules.min_consecutive_days_off:
        _check_days_off(who, worked, rules.min_consecutive_days_off, bad)

    width = min(7, problem.days)
    minutes = {d: sum(shifts[i.shift].minutes for i in items) for d, items in by_day.items()}
    for offset in range(problem.days - width + 1):
        first = problem.start + timedelta(days=offset)
        total = sum(minutes.get(first + timedelta(days=k), 0) for k in range(width))
        if total > rules.max_hours_per_week * 60:
            bad("weekly_hours", who, first, f"{total / 60:.0f} h in {width} days")


def _check_history(person, own: list[Duty], rules, shifts, problem, bad) -> None:
    """The rules that reach back before the period: the rest after the last work actually
    done, the run of days worked, and the weekly hours (a week already over the limit only
    asks for rest until the excess is out of it)."""
    start = problem.start
    if person.last_off is not None:
        rested = person.last_off + timedelta(hours=rules.min_rest_hours)
        for duty in own:
            begins = datetime.combine(duty.day, time(), person.last_off.tzinfo) + timedelta(
                minutes=shifts[duty.shift].start_minute
            )
            if begins < rested:
                bad("short_rest", person.id, duty.day, "too soon after the last work done")
    if not person.history:
        return
    worked = {d.day for d in own}
    run, day = 0, start - timedelta(days=1)
    while person.history.get(day, 0) > 0:
        run, day = run + 1, day - timedelta(days=1)
    day = start
    while day in worked:
        run, day = run + 1, day + timedelta(days=1)
    if day > start and run > rules.max_consecutive_days:
        bad("too_many_days", person.id, start, f"{run} days running with those before")
    minutes: dict[date, int] = defaultdict(int)
    for duty in own:
        minutes[duty.day] += shifts[duty.shift].minutes
    for back in range(1, 7):
        first = start - timedelta(days=back)
        before = sum(person.history.get(first + timedelta(days=k), 0) for k in range(back))
        inside = sum(minutes.get(start + timedelta(days=k), 0) for k in range(7 - back))
        if inside > max(0, rules.max_hours_per_week * 60 - before):
            total = (before + inside) / 60
            bad("weekly_hours", person.id, first, f"{total:.0f} h with those before")


def _check_days_off(who, worked: list[date], minimum: int, bad) -> None:
    for before, after in zip(worked, worked[1:], strict=False):
        off = (after - before).days - 1
        if 0 < off < minimum:
            bad("too_few_days_off", who, before + timedelta(days=1), f"{off} days off")


def _last(problem: PoliceProblem) -> date:
    return problem.start + timedelta(days=problem.days - 1)


def _runs(days: list[date]) -> list[tuple[date, int]]:
    runs: list[tuple[date, int]] = []
    for day in days:
        if runs and runs[-1][0] + timedelta(days=runs[-1][1]) == day:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((day, 1))
    return runs


def _check_officer_present(duties: Sequence[Duty], bad) -> None:
    roles: dict[tuple[date, str, str], set[str]] = defaultdict(set)
    for duty in duties:
        if duty.site is not None:
            roles[(duty.day, duty.shift, duty.site)].add(duty.role)
    for (day, shift, site), present in sorted(roles.items()):
        if AUXILIARY in present and OFFICER not in present:
            bad("auxiliary_alone", None, day, f"{site} {shift}: auxiliaries without an officer")
