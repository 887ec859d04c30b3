"""The general shift-rostering problem and its solution, as plain dataclasses.

Days are indexes ``0 .. days - 1`` from the start of the period. A person works at most one
shift a day, at one post. A *post* is a place and skill that cover demands count (in the police
configuration a post is one role at one site); the benchmark format has a single anonymous post.
The police rules in :mod:`.police` are a configuration of this model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

WEEKEND = (5, 6)  # Saturday and Sunday, as ``date.weekday()`` numbers them.


class RosterInputError(ValueError):
    """Bad input, with a machine-readable ``code`` and the ``field`` that caused it."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(f"{field}: {message} [{code}]")
        self.code = code
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    # Minutes after midnight of the day the shift belongs to; rest rules use it.
    start_minute: int = 0
    night: bool = False
    label: str = ""

    @property
    def end_minute(self) -> int:
        return self.start_minute + self.minutes


@dataclass(frozen=True)
class Succession:
    """Shift ``then`` may not be worked ``gap_days`` after shift ``first``."""

    first: str
    then: str
    gap_days: int = 1


@dataclass(frozen=True)
class Rules:
    """Per-person limits (a contract). ``None`` switches a rule off.

    Minimum run lengths (shifts and days off) bind only runs that start and end inside the
    period: a run touching the first or last day may continue outside it.
    """

    max_shifts: Mapping[str, int] = field(default_factory=dict)  # per shift type id
    min_total_minutes: int | None = None
    max_total_minutes: int | None = None
    min_consecutive_shifts: int | None = None
    max_consecutive_shifts: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    max_consecutive_nights: int | None = None
    # Checked over every 7 consecutive days of the period (the whole period if shorter).
    max_minutes_per_week: int | None = None


@dataclass(frozen=True)
class Post:
    id: str
    skill: str | None = None  # None: anybody may stand it
    group: str = ""  # the site; continuity goals keep people on one group


@dataclass(frozen=True)
class Person:
    id: str
    skills: frozenset[str] = frozenset()
    rules: Rules = Rules()
    days_off: frozenset[int] = frozenset()
    unavailable: frozenset[tuple[int, str]] = frozenset()  # (day, shift id)
    # Shifts worked outside this problem (another unit's roster): they cover nothing here
    # but count towards every rule.
    busy: Mapping[int, str] = field(default_factory=dict)
    groups: frozenset[str] | None = None  # groups (sites) the person may serve; None: all
    home_group: str | None = None
    # Minutes worked on each day just before day 0, oldest first (the last is day -1): the
    # consecutive-day and weekly-minute limits look back into it (hours actually worked).
    history: tuple[int, ...] = ()


def history_run(person: Person) -> int:
    """The run of days worked that ends the day before the period."""
    run = 0
    for minutes in reversed(person.history):
        if not minutes:
            break
        run += 1
    return run


def history_minutes(person: Person, width: int, limit: int | None) -> list[int]:
    """The minutes of the ``width - 1`` days before the period, as the weekly windows that
    reach back into them count them: each window's share is at most ``limit``, so that a
    person who worked more than the limit is kept off until the excess drops out of the
    window, rather than making the model infeasible."""
    days = list(person.history[-(width - 1) :]) if width > 1 else []
    days = [0] * (width - 1 - len(days)) + days
    if limit is None:
        return days
    left = limit
    for day in range(len(days) - 1, -1, -1):  # suffix sums at most the limit
        days[day] = max(0, min(days[day], left))
        left -= days[day]
    return days


@dataclass(frozen=True)
class CoverDemand:
    day: int
    shift: str
    post: str
    required: int
    under_weight: int = 1
    over_weight: int = 0


@dataclass(frozen=True)
class Request:
    """A wish to work (``on``) or not to work a shift; ``shift=None`` means any shift."""

    person: str
    day: int
    shift: str | None
    on: bool
    weight: int = 1


@dataclass(frozen=True)
class Dependency:
    """Anyone on post ``post`` needs at least one person on ``needs`` in the same shift."""

    post: str
    needs: str


@dataclass(frozen=True)
class FairnessGoal:
    """Spread the cells matching ``shifts`` and ``days`` over the people with ``skill``.

    Each person gets a target proportional to their available days; every assignment above
    the target costs ``weight``.
    """

    name: str
    skill: str | None
    weight: int
    shifts: frozenset[str] | None = None
    days: frozenset[int] | None = None


@dataclass(frozen=True)
class SpreadGroup:
    """Missing cover summed over ``demands`` ((day, shift, post) keys) costs ``weight`` times
    its square, so that a shortage spread over many groups costs less than one piled on a
    few (no day emptied while the others are full)."""

    name: str
    demands: frozenset[tuple[int, str, str]]
    weight: int


@dataclass(frozen=True)
class Assignment:
    person: str
    day: int
    shift: str
    post: str


@dataclass(frozen=True)
class Problem:
    days: int
    shifts: tuple[ShiftType, ...]
    people: tuple[Person, ...]
    demands: tuple[CoverDemand, ...]
    posts: tuple[Post, ...] = (Post(""),)
    requests: tuple[Request, ...] = ()
    forbidden: tuple[Succession, ...] = ()
    start_weekday: int = 0  # weekday of day 0, Monday = 0
    dependencies: tuple[Dependency, ...] = ()
    fairness: tuple[FairnessGoal, ...] = ()
    home_weight: int = 0  # per assignment outside the person's home group
    group_change_weight: int = 0  # per change of group between consecutive working days
    previous: tuple[Assignment, ...] = ()
    change_weight: int = 0  # per (person, day) whose assignment differs from ``previous``
    # (person, day) cells fixed to ``previous`` (re-rostering only a neighbourhood).
    frozen: frozenset[tuple[str, int]] = frozenset()
    spread: tuple[SpreadGroup, ...] = ()

    def weekends(self) -> list[tuple[int, ...]]:
        """Days of each (possibly partial) weekend in the period."""
        result: dict[int, list[int]] = {}
        for day in range(self.days):
            weekday = (self.start_weekday + day) % 7
            if weekday in WEEKEND:
                result.setdefault((self.start_weekday + day) // 7, []).append(day)
        return [tuple(days) for days in result.values()]

    def check(self) -> None:
        """Raise :class:`RosterInputError` for contradictory or dangling input."""
        _check_problem(self)


@dataclass(frozen=True)
class CoverGap:
    day: int
    shift: str
    post: str
    required: int
    assigned: int

    @property
    def missing(self) -> int:
        return max(0, self.required - self.assigned)


@dataclass(frozen=True)
class Change:
    person: str
    day: int
    before: Assignment | None
    after: Assignment | None


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "feasible" or "infeasible"
    assignments: tuple[Assignment, ...]
    objective: float
    bound: float
    wall_time_s: float
    first_solution_s: float | None = None
    penalties: Mapping[str, int] = field(default_factory=dict)
    gaps: tuple[CoverGap, ...] = ()  # demands not fully covered
    changes: tuple[Change, ...] = ()  # differences from ``Problem.previous``
    # (seconds since the call, objective, missing cover) of each improving solution.
    timeline: tuple[tuple[float, float, int], ...] = ()

    @property
    def gap(self) -> float:
        """Relative distance between the objective and the proven bound."""
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


def _check_problem(problem: Problem) -> None:
    if problem.days <= 0:
        raise RosterInputError("period_empty", "days", "the period has no days")
    shift_ids = _unique([s.id for s in problem.shifts], "shifts")
    post_ids = _unique([p.id for p in problem.posts], "posts")
    person_ids = _unique([p.id for p in problem.people], "people")
    for shift in problem.shifts:
        if shift.minutes <= 0:
            raise RosterInputError("invalid_value", "shifts", f"shift {shift.id} has no length")
    for succession in problem.forbidden:
        _known(succession.first, shift_ids, "forbidden")
        _known(succession.then, shift_ids, "forbidden")
        if succession.gap_days < 1:
            raise RosterInputError("invalid_value", "forbidden", "gap_days must be at least 1")
    for demand in problem.demands:
        _known(demand.shift, shift_ids, "demands")
        _known(demand.post, post_ids, "demands")
        if demand.required < 0 or demand.under_weight < 0 or demand.over_weight < 0:
            raise RosterInputError("invalid_value", "demands", "negative requirement or weight")
    for request in problem.requests:
        _known(request.person, person_ids, "requests")
        if request.shift is not None:
            _known(request.shift, shift_ids, "requests")
    for dependency in problem.dependencies:
        _known(dependency.post, post_ids, "dependencies")
        _known(dependency.needs, post_ids, "dependencies")
    for person in problem.people:
        _check_rules(person.rules, shift_ids, f"people.{person.id}")
        for busy in person.busy.values():
            _known(busy, shift_ids, f"people.{person.id}.busy")


def _check_rules(rules: Rules, shift_ids: set[str], where: str) -> None:
    pairs = [
        ("min_consecutive_shifts", "max_consecutive_shifts"),
        ("min_total_minutes", "max_total_minutes"),
    ]
    for low_name, high_name in pairs:
        low, high = getattr(rules, low_name), getattr(rules, high_name)
        if low is not None and high is not None and low > high:
            raise RosterInputError(
                "rules_contradictory", f"{where}.{low_name}", f"{low_name} exceeds {high_name}"
            )
    for name in Rules.__dataclass_fields__:
        value = getattr(rules, name)
        if isinstance(value, int) and value < 0:
            raise RosterInputError("invalid_value", f"{where}.{name}", "must not be negative")
    for shift, count in rules.max_shifts.items():
        _known(shift, shift_ids, f"{where}.max_shifts")
        if count < 0:
            raise RosterInputError("invalid_value", f"{where}.max_shifts", "must not be negative")


def _unique(ids: list[str], where: str) -> set[str]:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise RosterInputError("duplicate_id", where, f"{item!r} appears twice")
        seen.add(item)
    return seen


def _known(item: str, ids: set[str], where: str) -> None:
    if item not in ids:
        raise RosterInputError("unknown_reference", where, f"{item!r} is not defined")
