"""Explain uncovered demand in data form: what is missing, where, and why.

For each uncovered post the staff who could stand it in principle are examined one by one, and
the rule that keeps each of them away is counted (leave, already on duty, rest, consecutive-day
and weekly-hour limits, no officer for an auxiliary). The Django layer turns the items into
translated sentences; :func:`shortage_text` is the plain Chinese default.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .model import Person, Problem, history_minutes, history_run
from .police import (
    AUXILIARY,
    LEAD_SHIFT,
    LEADER,
    OFFICER,
    ROLE_LABELS,
    Duty,
    PoliceProblem,
    Translation,
    bound_leaders,
    normalised_requirements,
    site_leader_skill,
)

NO_ELIGIBLE_STAFF = "no_eligible_staff"
REASONS = (
    NO_ELIGIBLE_STAFF,
    "leave",
    "unavailable",
    "on_duty",
    "rest_rules",
    "consecutive_days",
    "consecutive_nights",
    "weekly_hours",
    "no_officer",
    "other",
)


@dataclass(frozen=True)
class Shortage:
    day: date
    shift: str
    site: str | None  # None: the unit's duty leader
    role: str
    unit: str
    missing: int
    reasons: tuple[str, ...]  # most frequent first
    reason_counts: Mapping[str, int] = field(default_factory=dict)
    eligible: int = 0  # staff who could stand the post at all


def shortage_text(
    shortage: Shortage, site_names: Mapping[str, str], shift_labels: Mapping[str, str]
) -> str:
    """E.g. ``2026-02-03 夜班 G30 张掖东收费站: 缺民警 1 人``."""
    where = site_names.get(shortage.site, shortage.site) if shortage.site else shortage.unit
    role = ROLE_LABELS.get(shortage.role, shortage.role)
    shift = shift_labels.get(shortage.shift, shortage.shift)
    return f"{shortage.day.isoformat()} {shift} {where}: 缺{role} {shortage.missing} 人"


@dataclass(frozen=True)
class SiteGap:
    day: int
    shift: str
    site: str | None  # None: the unit's duty leader
    role: str
    unit: str
    required: int
    assigned: int


def site_gaps(problem: PoliceProblem, duties: Sequence[Duty]) -> list[SiteGap]:
    """Every post (site, shift, role, day; or a unit's duty leader) below its minimum."""
    staffed = Counter((d.day, d.shift, d.site, d.role, "" if d.site else d.unit) for d in duties)
    gaps = []
    for day_index, day in enumerate(problem.dates):
        for site in problem.sites:
            for shift, counts in normalised_requirements(site).items():
                for role, need in counts.items():
                    have = staffed[(day, shift, site.id, role, "")]
                    if have < need:
                        gaps.append(SiteGap(day_index, shift, site.id, role, site.unit, need, have))
        if problem.leaders_per_day:
            for unit in sorted({s.unit for s in problem.sites}):
                have = staffed[(day, LEAD_SHIFT.id, None, LEADER, unit)]
                if have < problem.leaders_per_day:
                    gaps.append(
                        SiteGap(
                            day_index,
                            LEAD_SHIFT.id,
                            None,
                            LEADER,
                            unit,
                            problem.leaders_per_day,
                            have,
                        )
                    )
    for (site_id, day), _staff in sorted(bound_leaders(problem).items()):
        if not staffed[(day, LEAD_SHIFT.id, site_id, LEADER, "")]:
            unit = next(s.unit for s in problem.sites if s.id == site_id)
            day_index = (day - problem.start).days
            gaps.append(SiteGap(day_index, LEAD_SHIFT.id, site_id, LEADER, unit, 1, 0))
    return gaps


def explain(
    problem: PoliceProblem,
    translation: Translation,
    gaps: Sequence[SiteGap],
    duties: Sequence[Duty],
) -> tuple[Shortage, ...]:
    general = translation.problem
    context = _Context(general, translation, duties)
    officers_at = Counter((d.day, d.shift, d.site) for d in duties if d.role == OFFICER)
    result = []
    for gap in gaps:
        candidates = [p for p in general.people if _eligible(translation, p, gap)]
        counts: Counter[str] = Counter()
        for person in candidates:
            counts[context.reason(person, gap.day, gap.shift)] += 1
        day = problem.start + timedelta(days=gap.day)
        if gap.role == AUXILIARY and not officers_at[(day, gap.shift, gap.site)]:
            # Auxiliaries may not stand without an officer: whoever was free could not go.
            counts["no_officer"] = max(1, counts.pop("other", 0))
        if not candidates:
            counts[NO_ELIGIBLE_STAFF] = 1
        reasons = tuple(r for r, _ in sorted(counts.items(), key=lambda i: (-i[1], i[0])))
        result.append(
            Shortage(
                day=day,
                shift=gap.shift,
                site=gap.site,
                role=gap.role,
                unit=gap.unit,
                missing=gap.required - gap.assigned,
                reasons=reasons,
                reason_counts=dict(counts),
                eligible=len(candidates),
            )
        )
    return tuple(result)


def _eligible(translation: Translation, person: Person, gap: SiteGap) -> bool:
    if gap.site is None:
        return f"{LEADER}@{gap.unit}" in person.skills
    if gap.role == LEADER:  # a key post's bound leader, the only one who may lead it
        return site_leader_skill(gap.site) in person.skills
    if gap.role not in person.skills:
        return False
    return person.groups is None or translation.class_of(gap.site) in person.groups


class _Context:
    """The roster seen per person and day, to test a candidate against each hard rule."""

    def __init__(self, problem: Problem, translation: Translation, duties: Sequence[Duty]) -> None:
        self.problem = problem
        self.shifts = {s.id: s for s in problem.shifts}
        self.worked: dict[str, dict[int, str]] = {p.id: dict(p.busy) for p in problem.people}
        for d in duties:
            self.worked[d.staff][translation.day_index[d.day]] = d.shift

    def reason(self, person: Person, day: int, shift: str) -> str:
        worked = self.worked[person.id]
        if day in person.days_off:
            return "leave"
        if (day, shift) in person.unavailable:
            return "unavailable"
        if day in worked:
            return "on_duty"
        for rule in self.problem.forbidden:
            if worked.get(day - rule.gap_days) == rule.first and rule.then == shift:
                return "rest_rules"
            if rule.first == shift and worked.get(day + rule.gap_days) == rule.then:
                return "rest_rules"
        rules = person.rules
        trial = {**worked, day: shift}
        if rules.max_consecutive_shifts is not None:
            run = _run_through(trial, day, lambda s: True)
            if all(d in trial for d in range(day)):  # the run worked before the period
                run += history_run(person)
            if run > rules.max_consecutive_shifts:
                return "consecutive_days"
        if rules.max_consecutive_nights is not None and self.shifts[shift].night:
            run = _run_through(trial, day, lambda s: self.shifts[s].night)
            if run > rules.max_consecutive_nights:
                return "consecutive_nights"
        if rules.max_minutes_per_week is not None and self._week_over(person, trial, day):
            return "weekly_hours"
        return "other"

    def _week_over(self, person: Person, trial: Mapping[int, str], day: int) -> bool:
        limit = person.rules.max_minutes_per_week
        width = min(7, self.problem.days)
        before: list[int] = []
        if person.history:  # the weeks reaching back before the period
            before, width = history_minutes(person, 7, limit), 7
        earliest = -len(before)
        last = max(earliest, min(day, self.problem.days - width))
        for first in range(max(earliest, day - width + 1), last + 1):
            window = range(first, first + width)
            minutes = sum(self.shifts[trial[d]].minutes for d in window if d in trial)
            minutes += sum(before[d] for d in window if d < 0)
            if limit is not None and minutes > limit:
                return True
        return False


def _run_through(worked: Mapping[int, str], day: int, counts) -> int:
    """Length of the run of counted shifts that contains ``day``."""
    length = 1
    d = day - 1
    while d in worked and counts(worked[d]):
        length, d = length + 1, d - 1
    d = day + 1
    while d in worked and counts(worked[d]):
        length, d = length + 1, d + 1
    return length
