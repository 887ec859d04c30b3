"""The police duty roster as a configuration of the general rostering model.

Sites × roles × shifts expand into cover demands; an auxiliary (辅警) never stands a post
without a sworn officer (民警) on the same shift; every unit has a duty leader (带班领导) each
day; leave and unavailability remove people from cells; the rest, consecutive-day and weekly
hour limits are hard rules, which wartime (战时) mode replaces by its explicitly raised limits.
Cover is soft with a big weight, so a roster always comes back, together with a shortage list
that says what is missing and why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from .model import (
    Assignment,
    CoverDemand,
    Dependency,
    FairnessGoal,
    Person,
    Post,
    Problem,
    Request,
    RosterInputError,
    Rules,
    ShiftType,
    SpreadGroup,
    Succession,
)

OFFICER, AUXILIARY, LEADER = "officer", "auxiliary", "leader"
ROLES = (OFFICER, AUXILIARY, LEADER)
ROLE_LABELS = {OFFICER: "民警", AUXILIARY: "辅警", LEADER: "带班领导"}

# Shifts belong to the calendar day they start on; the 00–08 night shift is that day's first.
THREE_SHIFTS = (
    ShiftType("night", 480, 0, night=True, label="夜班"),
    ShiftType("day", 480, 480, label="白班"),
    ShiftType("evening", 480, 960, label="中班"),
)
TWO_SHIFTS = (
    ShiftType("day", 720, 480, label="白班"),
    ShiftType("night", 720, 1200, night=True, label="夜班"),
)
SHIFT_PATTERNS = {"three": THREE_SHIFTS, "two": TWO_SHIFTS}
# The duty leader's 24-hour duty, 08:00 to 08:00.
LEAD_SHIFT = ShiftType("lead", 1440, 480, label="带班")


@dataclass(frozen=True)
class PoliceRules:
    min_rest_hours: float = 12
    # Explicit (first, then) successions on consecutive days, besides those the rest forbids.
    forbidden_successions: tuple[tuple[str, str], ...] = (("night", "day"),)
    max_consecutive_days: int = 6
    min_consecutive_days: int | None = None
    max_consecutive_nights: int = 4
    max_hours_per_week: int = 48  # over any 7 consecutive days
    min_consecutive_days_off: int | None = None


# 战时: limits raised explicitly; a result made under them says so.
WARTIME_RULES = PoliceRules(
    min_rest_hours=8,
    max_consecutive_days=14,
    max_consecutive_nights=7,
    max_hours_per_week=72,
)


@dataclass(frozen=True)
class Weights:
    # What a leader expects covered first: the duty leader of each day, then the sworn
    # officers every post needs (auxiliaries may not stand without one), then auxiliaries;
    # at key posts (重点卡点) each of these counts ``key_factor`` times.
    uncovered_leader: int = 100_000  # per day without a duty leader
    # per day a key post's bound leader (包保领导) does not lead it
    uncovered_post_leader: int = 50_000
    uncovered: int = 10_000  # per missing sworn officer on a post
    uncovered_auxiliary: int = 5_000  # per missing auxiliary on a post
    key_factor: int = 3
    # Missing cover piled on one day (or one post) costs more than the same spread out: the
    # square of each day's (post's) missing people, times this.
    spread_day: int = 60
    spread_post: int = 5
    overstaffed: int = 5  # per person above a post's minimum
    night_fairness: int = 10  # per night above a person's fair share
    weekend_fairness: int = 5
    holiday_fairness: int = 5
    off_home_site: int = 2  # per duty away from the person's home site
    site_change: int = 3  # per change of site between consecutive working days
    change: int = 200  # per (person, day) changed from the previous roster
    # Hours actually worked before the period above a fair week (see ``Staff.history``):
    # per day of the period's start the person is rostered while still owed that rest.
    carried_hours: int = 20


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    # shift id -> role -> minimum number of people. An auxiliary requirement implies at least
    # one officer on that shift.
    requirements: Mapping[str, Mapping[str, int]]
    unit: str = ""
    kind: str = "checkpoint"
    key: bool = False  # a key post (重点卡点): covered before the others


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    roles: frozenset[str]
    unit: str = ""
    shared_units: frozenset[str] = frozenset()  # other units this person may serve
    sites: frozenset[str] | None = None  # eligible sites; None: every site of the units
    home_site: str | None = None
    leave: frozenset[date] = frozenset()
    unavailable: frozenset[tuple[date, str]] = frozenset()  # (date, shift id)
    # Minutes actually worked on the days before the period (from sign-ins, or the published
    # roster for days not over yet): the run of days and the weekly hours continue into it.
    history: Mapping[date, int] = field(default_factory=dict)
    # When the last work before the period ended (local time): no shift starts before the
    # minimum rest after it.
    last_off: datetime | None = None

    @property
    def units(self) -> frozenset[str]:
        return self.shared_units | {self.unit}


@dataclass(frozen=True)
class ShiftRequest:
    """A wish to work (``on``) or be off a shift; ``shift=None`` means the whole day."""

    staff: str
    day: date
    shift: str | None
    on: bool
    weight: int = 20


@dataclass(frozen=True)
class PostLeader:
    """A leader bound to a key post (包保) on ``days``: they, and only they, lead that post
    (the 24-hour lead duty at the site) on each of those days the rules allow."""

    site: str
    staff: str
    days: frozenset[date]


@dataclass(frozen=True)
class Duty:
    staff: str
    day: date
    shift: str
    site: str | None  # None for the duty leader
    role: str
    unit: str = ""


@dataclass(frozen=True)
class PoliceProblem:
    start: date
    days: int
    sites: tuple[Site, ...]
    staff: tuple[Staff, ...]
    shift_pattern: str = "three"
    rules: PoliceRules = PoliceRules()
    wartime: bool = False
    wartime_rules: PoliceRules = WARTIME_RULES
    leaders_per_day: int = 1  # per unit
    holidays: frozenset[date] = frozenset()
    requests: tuple[ShiftRequest, ...] = ()
    previous: tuple[Duty, ...] = ()
    weights: Weights = Weights()
    post_leaders: tuple[PostLeader, ...] = ()

    @property
    def effective_rules(self) -> PoliceRules:
        return self.wartime_rules if self.wartime else self.rules

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=d) for d in range(self.days)]

    def shift_types(self) -> tuple[ShiftType, ...]:
        if self.shift_pattern not in SHIFT_PATTERNS:
            raise RosterInputError("invalid_value", "shift_pattern", "use 'three' or 'two'")
        lead = (LEAD_SHIFT,) if self.leaders_per_day else ()
        return SHIFT_PATTERNS[self.shift_pattern] + lead

    def units(self) -> list[str]:
        return sorted({s.unit for s in self.sites} | {s.unit for s in self.staff})


def leader_post(unit: str) -> str:
    return f"lead@{unit}"


def site_post(site: str, role: str) -> str:
    return f"{site}/{role}"


def site_leader_post(site: str) -> str:
    """The post of a key site's bound leader; its skill has the same name."""
    return f"lead@site:{site}"


def site_leader_skill(site: str) -> str:
    return f"{LEADER}@site:{site}"


def may_lead_post(staff: Staff) -> bool:
    """A bound leader leads the post if a sworn officer or a duty leader (not an auxiliary)."""
    return bool(staff.roles & {OFFICER, LEADER})


def bound_leaders(problem: PoliceProblem) -> dict[tuple[str, date], str]:
    """(site, day) -> the staff bound to lead the key post that day, within the period."""
    sites = {s.id for s in problem.sites}
    days = set(problem.dates)
    return {
        (b.site, day): b.staff
        for b in problem.post_leaders
        if b.site in sites
        for day in sorted(b.days & days)
    }


# -- input checks --------------------------------------------------------------------------


def check(problem: PoliceProblem) -> None:
    """Raise :class:`RosterInputError` on bad input; shortages are not errors."""
    if problem.days <= 0:
        raise RosterInputError("period_empty", "days", "the period has no days")
    shifts = problem.shift_types()
    shift_ids = {s.id for s in shifts}
    _check_rules(problem.rules, shifts, "rules")
    if problem.wartime:
        _check_rules(problem.wartime_rules, shifts, "wartime_rules")
    site_ids = _unique([s.id for s in problem.sites], "sites")
    staff_ids = _unique([s.id for s in problem.staff], "staff")
    for site in problem.sites:
        for shift, needs in site.requirements.items():
            if shift not in shift_ids or shift == LEAD_SHIFT.id:
                raise RosterInputError(
                    "unknown_shift", f"sites.{site.id}.requirements", f"no shift {shift!r}"
                )
            for role, count in needs.items():
                if role not in (OFFICER, AUXILIARY):
                    raise RosterInputError(
                        "invalid_role", f"sites.{site.id}.requirements", f"no role {role!r}"
                    )
                if count < 0:
                    raise RosterInputError(
                        "invalid_value", f"sites.{site.id}.requirements", "negative count"
                    )
    for person in problem.staff:
        if not person.roles or not person.roles <= set(ROLES):
            raise RosterInputError("invalid_role", f"staff.{person.id}.roles", "unknown role")
        if person.sites is not None and not person.sites <= site_ids:
            raise RosterInputError("unknown_site", f"staff.{person.id}.sites", "unknown site")
        if person.home_site is not None and person.home_site not in site_ids:
            raise RosterInputError("unknown_site", f"staff.{person.id}.home_site", "unknown site")
    for bound in problem.post_leaders:
        if bound.site not in site_ids:
            raise RosterInputError("unknown_site", "post_leaders", f"no site {bound.site!r}")
    for request in problem.requests:
        if request.staff not in staff_ids:
            raise RosterInputError("unknown_staff", "requests", f"no staff {request.staff!r}")
        if request.shift is not None and request.shift not in shift_ids:
            raise RosterInputError("unknown_shift", "requests", f"no shift {request.shift!r}")


def _check_rules(rules: PoliceRules, shifts: tuple[ShiftType, ...], where: str) -> None:
    numbers = {
        "min_rest_hours": rules.min_rest_hours,
        "max_consecutive_days": rules.max_consecutive_days,
        "max_consecutive_nights": rules.max_consecutive_nights,
        "max_hours_per_week": rules.max_hours_per_week,
        "min_consecutive_days": rules.min_consecutive_days or 0,
        "min_consecutive_days_off": rules.min_consecutive_days_off or 0,
    }
    for name, value in numbers.items():
        if value < 0:
            raise RosterInputError("invalid_value", f"{where}.{name}", "must not be negative")
    if rules.max_consecutive_days < 1:
        raise RosterInputError("invalid_value", f"{where}.max_consecutive_days", "at least 1")
    if (rules.min_consecutive_days or 0) > rules.max_consecutive_days:
        raise RosterInputError(
            "rules_contradictory",
            f"{where}.min_consecutive_days",
            "the minimum run of working days exceeds the maximum",
        )
    post_shifts = [s for s in shifts if s.id != LEAD_SHIFT.id]
    if rules.max_hours_per_week * 60 < min(s.minutes for s in post_shifts):
        raise RosterInputError(
            "rules_contradictory",
            f"{where}.max_hours_per_week",
            "the weekly hours allow not even one shift",
        )
    if rules.min_rest_hours >= 24 * 7:
        raise RosterInputError(
            "rules_contradictory", f"{where}.min_rest_hours", "a rest of a week or more"
        )
    forbidden = _rest_successions(post_shifts, rules.min_rest_hours)
    next_day = {(f.first, f.then) for f in forbidden if f.gap_days == 1}
    if len(next_day) == len(post_shifts) ** 2 and (rules.min_consecutive_days or 1) > 1:
        raise RosterInputError(
            "rules_contradictory",
            f"{where}.min_rest_hours",
            "the rest forbids working two days running, which the minimum run requires",
        )


def _unique(ids: list[str], where: str) -> set[str]:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise RosterInputError("duplicate_id", where, f"{item!r} appears twice")
        seen.add(item)
    return seen


# -- translation to the general model ------------------------------------------------------


def _rest_successions(shifts: tuple[ShiftType, ...] | list[ShiftType], hours: float) -> list:
    """Successions whose gap between the end of one shift and the start of the next is short."""
    rest = hours * 60
    longest = max(s.end_minute for s in shifts)
    successions = []
    for gap in range(1, math.ceil((rest + longest) / 1440) + 1):
        for first in shifts:
            for then in shifts:
                if gap * 1440 + then.start_minute - first.end_minute < rest:
                    successions.append(Succession(first.id, then.id, gap))
    return successions


def forbidden_successions(problem: PoliceProblem) -> tuple[Succession, ...]:
    rules = problem.effective_rules
    found = set(_rest_successions(problem.shift_types(), rules.min_rest_hours))
    shift_ids = {s.id for s in problem.shift_types()}
    for first, then in rules.forbidden_successions:
        if first in shift_ids and then in shift_ids:
            found.add(Succession(first, then, 1))
    return tuple(sorted(found, key=lambda f: (f.gap_days, f.first, f.then)))


def normalised_requirements(site: Site) -> dict[str, dict[str, int]]:
    """Requirements with at least one officer wherever auxiliaries are required."""
    result = {}
    for shift, needs in site.requirements.items():
        counts = {role: n for role, n in needs.items() if n > 0}
        if counts.get(AUXILIARY) and not counts.get(OFFICER):
            counts[OFFICER] = 1
        result[shift] = counts
    return result


@dataclass(frozen=True)
class Translation:
    """The general problem and the keys to map its answer back to police terms.

    Sites that exactly the same staff may serve are interchangeable for the model: they form
    one *class*, whose posts (one per role) carry the summed requirements. Which site of its
    class each person stands is decided afterwards (:mod:`.allocate`). This removes the
    symmetric site choices that would otherwise multiply the model.
    """

    problem: Problem
    posts: Mapping[str, tuple[str | None, str, str]]  # post id -> (class, role, unit)
    classes: Mapping[str, tuple[str, ...]]  # class id -> its sites
    day_index: Mapping[date, int] = field(default_factory=dict)
    leader_sites: Mapping[str, str] = field(default_factory=dict)  # post -> its key site

    def class_of(self, site: str) -> str:
        return next(c for c, sites in self.classes.items() if site in sites)


def site_classes(problem: PoliceProblem) -> dict[str, tuple[str, ...]]:
    """Group each unit's sites by the set of staff who may serve them."""
    eligible: dict[tuple[str, bool, frozenset[str]], list[str]] = {}
    for site in problem.sites:
        staff = frozenset(
            p.id
            for p in problem.staff
            if site.unit in p.units and (p.sites is None or site.id in p.sites)
        )
        # Key posts weigh more, so they never share a class with the others.
        eligible.setdefault((site.unit, site.key, staff), []).append(site.id)
    return {f"{sites[0]}+{len(sites) - 1}": tuple(sites) for sites in eligible.values()}


def translate(
    problem: PoliceProblem,
    *,
    busy: Mapping[str, Mapping[date, str]] | None = None,
    frozen: frozenset[tuple[str, date]] = frozenset(),
) -> Translation:
    """Expand the police problem into the general model.

    ``busy`` gives shifts people work in another unit's roster; ``frozen`` cells keep their
    ``problem.previous`` duty.
    """
    check(problem)
    index = {d: i for i, d in enumerate(problem.dates)}
    weights = problem.weights
    classes = site_classes(problem)
    posts: dict[str, tuple[str | None, str, str]] = {}
    demands: list[CoverDemand] = []
    dependencies: list[Dependency] = []
    sites = {s.id: s for s in problem.sites}
    for class_id, members in classes.items():
        unit = sites[members[0]].unit
        factor = weights.key_factor if sites[members[0]].key else 1
        totals: dict[tuple[str, str], int] = {}
        for site in members:
            for shift, counts in normalised_requirements(sites[site]).items():
                for role, count in counts.items():
                    totals[(shift, role)] = totals.get((shift, role), 0) + count
        for (shift, role), count in totals.items():
            post = site_post(class_id, role)
            posts[post] = (class_id, role, unit)
            weight = weights.uncovered if role == OFFICER else weights.uncovered_auxiliary
            demands += [
                CoverDemand(d, shift, post, count, factor * weight, weights.overstaffed)
                for d in range(problem.days)
            ]
        if any(role == AUXILIARY for _, role in totals):
            dependencies.append(
                Dependency(site_post(class_id, AUXILIARY), site_post(class_id, OFFICER))
            )
    if problem.leaders_per_day:
        for unit in sorted({s.unit for s in problem.sites}):
            post = leader_post(unit)
            posts[post] = (None, LEADER, unit)
            demands += [
                CoverDemand(
                    d, LEAD_SHIFT.id, post, problem.leaders_per_day, weights.uncovered_leader, 100
                )
                for d in range(problem.days)
            ]
    leader_sites: dict[str, str] = {}
    for (site_id, day), _staff in bound_leaders(problem).items():
        post = site_leader_post(site_id)
        posts[post] = (None, LEADER, sites[site_id].unit)
        leader_sites[post] = site_id
        demands.append(
            CoverDemand(index[day], LEAD_SHIFT.id, post, 1, weights.uncovered_post_leader, 100)
        )
    rules = problem.effective_rules
    general_rules = Rules(
        max_consecutive_shifts=rules.max_consecutive_days,
        min_consecutive_shifts=rules.min_consecutive_days,
        max_consecutive_nights=rules.max_consecutive_nights,
        max_minutes_per_week=rules.max_hours_per_week * 60,
        min_consecutive_days_off=rules.min_consecutive_days_off,
    )
    people = tuple(
        _person(p, problem, index, general_rules, busy or {}, classes) for p in problem.staff
    )
    translation = Translation(Problem(0, (), (), ()), posts, classes, index, leader_sites)
    general = Problem(
        days=problem.days,
        shifts=problem.shift_types(),
        people=people,
        demands=tuple(demands),
        posts=tuple(
            Post(
                pid,
                skill=site_leader_skill(leader_sites[pid])
                if pid in leader_sites
                else _skill(role, unit),
                group=cls or "",
            )
            for pid, (cls, role, unit) in posts.items()
        ),
        requests=_requests(problem, index) + _carried_requests(problem, index),
        forbidden=forbidden_successions(problem),
        start_weekday=problem.start.weekday(),
        dependencies=tuple(dependencies),
        fairness=_fairness(problem, index, posts),
        home_weight=weights.off_home_site,
        group_change_weight=weights.site_change,
        previous=duty_assignments(translation, problem.previous),
        change_weight=weights.change if problem.previous else 0,
        frozen=frozenset((s, index[d]) for s, d in frozen if d in index),
        spread=_spread(demands, weights),
    )
    return replace(translation, problem=general)


def _spread(demands: Sequence[CoverDemand], weights: Weights) -> tuple[SpreadGroup, ...]:
    """Shortages spread over days and posts: a group per day and per post."""
    days: dict[int, list[tuple[int, str, str]]] = {}
    posts: dict[str, list[tuple[int, str, str]]] = {}
    for d in demands:
        days.setdefault(d.day, []).append((d.day, d.shift, d.post))
        posts.setdefault(d.post, []).append((d.day, d.shift, d.post))
    groups = [SpreadGroup(f"day:{k}", frozenset(v), weights.spread_day) for k, v in days.items()]
    if weights.spread_post:
        groups += [
            SpreadGroup(f"post:{k}", frozenset(v), weights.spread_post) for k, v in posts.items()
        ]
    return tuple(g for g in groups if g.weight)


def _skill(role: str, unit: str) -> str:
    # Leaders lead their own units only; officers and auxiliaries are limited by site lists.
    return f"{LEADER}@{unit}" if role == LEADER else role


def _person(
    staff: Staff,
    problem: PoliceProblem,
    index: Mapping[date, int],
    rules: Rules,
    busy: Mapping[str, Mapping[date, str]],
    classes: Mapping[str, tuple[str, ...]],
) -> Person:
    skills = {r for r in staff.roles if r != LEADER}
    if LEADER in staff.roles:
        skills |= {_skill(LEADER, u) for u in staff.units}
    if may_lead_post(staff):
        skills |= {site_leader_skill(b.site) for b in problem.post_leaders if b.staff == staff.id}
    units = {s.id: s.unit for s in problem.sites}
    groups = frozenset(
        c
        for c, sites in classes.items()
        if units[sites[0]] in staff.units and (staff.sites is None or sites[0] in staff.sites)
    )
    home = next((c for c, sites in classes.items() if staff.home_site in sites), None)
    return Person(
        staff.id,
        skills=frozenset(skills),
        rules=rules,
        days_off=frozenset(index[d] for d in staff.leave if d in index),
        unavailable=frozenset((index[d], s) for d, s in staff.unavailable if d in index)
        | _resting(staff, problem, index),
        busy={index[d]: s for d, s in busy.get(staff.id, {}).items() if d in index},
        groups=groups,
        home_group=home,
        history=_history(staff, problem),
    )


# How far back the hours actually worked reach: the longest run the rules look at.
HISTORY_DAYS = 14


def _history(staff: Staff, problem: PoliceProblem) -> tuple[int, ...]:
    """Minutes worked on each of the days before the period, oldest first."""
    if not staff.history:
        return ()
    first = problem.start - timedelta(days=HISTORY_DAYS)
    return tuple(
        max(0, int(staff.history.get(first + timedelta(days=k), 0))) for k in range(HISTORY_DAYS)
    )


def _resting(
    staff: Staff, problem: PoliceProblem, index: Mapping[date, int]
) -> frozenset[tuple[int, str]]:
    """Shifts that start within the minimum rest after the last work before the period."""
    if staff.last_off is None:
        return frozenset()
    rested = staff.last_off + timedelta(hours=problem.effective_rules.min_rest_hours)
    cells = set()
    for day, i in index.items():
        midnight = datetime(day.year, day.month, day.day, tzinfo=staff.last_off.tzinfo)
        if midnight - timedelta(days=1) > rested:
            break
        for shift in problem.shift_types():
            if midnight + timedelta(minutes=shift.start_minute) < rested:
                cells.add((i, shift.id))
    return frozenset(cells)


def carried_hours(staff: Staff, problem: PoliceProblem) -> float:
    """Hours actually worked in the 7 days before the period above a fair week (the period's
    demand shared over the staff would give about 5 shifts: 40 hours), 0 if none."""
    week = [problem.start - timedelta(days=k) for k in range(1, 8)]
    worked = sum(staff.history.get(d, 0) for d in week) / 60
    return max(0.0, worked - FAIR_WEEK_HOURS)


FAIR_WEEK_HOURS = 40


def _carried_requests(problem: PoliceProblem, index: Mapping[date, int]) -> tuple[Request, ...]:
    """Hours carried over into the balance: whoever worked more than a fair week before the
    period is asked off the first days of it, a day per 8 hours over (soft, like a wish)."""
    requests = []
    weight = problem.weights.carried_hours
    for staff in problem.staff:
        over = carried_hours(staff, problem)
        for day in problem.dates[: math.ceil(over / 8)]:
            requests.append(Request(staff.id, index[day], None, False, weight))
    return tuple(requests)


def _requests(problem: PoliceProblem, index: Mapping[date, int]) -> tuple[Request, ...]:
    return tuple(
        Request(r.staff, index[r.day], r.shift, r.on, r.weight)
        for r in problem.requests
        if r.day in index
    )


def _fairness(
    problem: PoliceProblem, index: Mapping[date, int], posts: Mapping[str, tuple]
) -> tuple[FairnessGoal, ...]:
    weights = problem.weights
    weekend = frozenset(i for d, i in index.items() if d.weekday() >= 5)
    holidays = frozenset(index[d] for d in problem.holidays if d in index)
    nights = frozenset(s.id for s in problem.shift_types() if s.night)
    skills = sorted({_skill(role, unit) for _, role, unit in posts.values()})
    goals = []
    for skill in skills:
        if nights and not skill.startswith(LEADER):
            goals.append(FairnessGoal(f"nights:{skill}", skill, weights.night_fairness, nights))
        if weekend:
            goals.append(
                FairnessGoal(f"weekends:{skill}", skill, weights.weekend_fairness, days=weekend)
            )
        if holidays:
            goals.append(
                FairnessGoal(f"holidays:{skill}", skill, weights.holiday_fairness, days=holidays)
            )
    return tuple(goals)


def duty_assignments(translation: Translation, duties: Sequence[Duty]) -> tuple[Assignment, ...]:
    """Duties as general-model assignments (site -> its class); others are dropped."""
    post_of = {(cls, role, unit): post for post, (cls, role, unit) in translation.posts.items()}
    class_of = {site: c for c, sites in translation.classes.items() for site in sites}
    result = []
    for duty in duties:
        if duty.day not in translation.day_index:
            continue
        if duty.site is None:
            post = post_of.get((None, duty.role, duty.unit))
        elif duty.role == LEADER:
            post = site_leader_post(duty.site)
            post = post if post in translation.leader_sites else None
        else:
            cls = class_of.get(duty.site)
            unit = next((u for c, _, u in translation.posts.values() if c == cls), None)
            post = post_of.get((cls, duty.role, unit)) if unit is not None else None
        if post is not None:
            result.append(Assignment(duty.staff, translation.day_index[duty.day], duty.shift, post))
    return tuple(result)


def restricted(problem: PoliceProblem, unit: str, guests: bool = True) -> PoliceProblem:
    """The part of ``problem`` one unit rosters: its sites and the staff who may serve it.

    With ``guests``, people of other units who may also serve this one are included.
    """
    sites = tuple(s for s in problem.sites if s.unit == unit)
    site_ids = {s.id for s in sites}
    staff = []
    for person in problem.staff:
        if unit not in (person.units if guests else {person.unit}):
            continue
        own = None if person.sites is None else person.sites & site_ids
        home = person.home_site if person.home_site in site_ids else None
        staff.append(
            replace(person, unit=unit, shared_units=frozenset(), sites=own, home_site=home)
        )
    ids = {p.id for p in staff}
    return replace(
        problem,
        sites=sites,
        staff=tuple(staff),
        requests=tuple(r for r in problem.requests if r.staff in ids),
        post_leaders=tuple(b for b in problem.post_leaders if b.site in site_ids),
        previous=tuple(
            d for d in problem.previous if d.staff in ids and _in_unit(d, unit, site_ids)
        ),
    )


def _in_unit(duty: Duty, unit: str, site_ids: set[str]) -> bool:
    return duty.site in site_ids if duty.site is not None else duty.unit == unit
