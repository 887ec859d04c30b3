"""Solve police rosters: one unit, a whole detachment unit by unit, and re-rostering."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .allocate import allocate
from .model import Solution
from .police import (
    Duty,
    PoliceProblem,
    PoliceRules,
    Translation,
    duty_assignments,
    restricted,
    translate,
)
from .shortage import Shortage, explain, site_gaps
from .solver import Progress, SolveOptions, solve

# Once every post is covered, a neighbourhood gets this much of CP-SAT's deterministic time
# (its measure of work done, the same on any machine; here about 0.4 s of a core): CP-SAT
# finds an improvement early when there is one, and spends the rest proving there is none, so
# many short looks beat fewer long ones. A limit in seconds was tuned on one machine and wrong
# on the next (measured: docs/roster-engine.md, "Tuning measurements").
POLISH_DTIME = 0.06
# Once the roster pays for only a few things (no more than ten site changes' worth), what is
# left is hard to mend: each look gets five times the work (measured: docs/roster-engine.md).
FINISH_SITE_CHANGES = 10
FINISH_DTIME = 5 * POLISH_DTIME


@dataclass(frozen=True)
class DutyChange:
    staff: str
    day: date
    before: Duty | None
    after: Duty | None


@dataclass(frozen=True)
class RosterResult:
    duties: tuple[Duty, ...]
    shortages: tuple[Shortage, ...]
    changes: tuple[DutyChange, ...]  # against ``PoliceProblem.previous``
    wartime: bool  # made under the raised wartime limits
    rules: PoliceRules  # the limits applied
    status: str
    objective: float
    bound: float
    wall_time_s: float
    first_full_s: float | None = None  # when the first roster with every post covered came
    penalties: Mapping[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))

    @property
    def missing(self) -> int:
        return sum(s.missing for s in self.shortages)


def roster_solve(
    problem: PoliceProblem,
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    hint: Sequence[Duty] = (),
    frozen: frozenset[tuple[str, date]] = frozenset(),
    busy: Mapping[str, Mapping[date, str]] | None = None,
    relative_gap: float = 0.0,
    seed: int = 0,
    prove: bool = False,
    stop_when_covered: bool = False,
    quiet_s: float | None = None,
    polish_dtime: float | None = POLISH_DTIME,
    stop: threading.Event | None = None,
    progress: Callable[[Progress], None] | None = None,
    work_limit: float | None = None,
) -> RosterResult:
    """The best roster found within ``time_limit_s`` (all included), shortages explained.

    ``work_limit`` limits the search in work instead (see ``SolveOptions.work_limit``): the
    same roster on any machine, ``time_limit_s`` only a safety net.

    ``prove`` spends one worker on CP-SAT over the whole model, for a proven lower bound.
    ``stop``, once set, ends the search with the best roster so far; ``progress`` hears of
    every better roster as it is found.
    """
    started = time.perf_counter()
    translation = translate(problem, busy=busy, frozen=frozen)
    hints = duty_assignments(translation, hint)
    # Keep time to place people on sites and explain shortages after the search.
    budget = time_limit_s - (time.perf_counter() - started) - _after_search_s(problem)
    options = SolveOptions(
        time_limit_s=max(0.2, budget),
        workers=workers,
        hint=hints,
        relative_gap=relative_gap,
        seed=seed,
        prove=prove,
        stop_when_covered=stop_when_covered,
        quiet_s=quiet_s,
        polish_dtime=polish_dtime,
        finish=(FINISH_SITE_CHANGES * problem.weights.site_change, FINISH_DTIME),
        stop=stop,
        progress=progress,
        work_limit=work_limit,
    )
    solution = solve(translation.problem, options)
    result = _result(problem, translation, solution)
    return replace(result, wall_time_s=time.perf_counter() - started)


def _after_search_s(problem: PoliceProblem) -> float:
    """A generous estimate of the time to allocate sites and explain shortages."""
    return 0.1 + 2e-5 * len(problem.staff) * problem.days * max(1, len(problem.sites)) ** 0.5


def _result(problem: PoliceProblem, translation: Translation, solution: Solution) -> RosterResult:
    duties = tuple(
        sorted(
            allocate(problem, translation, solution.assignments),
            key=lambda d: (d.day, d.shift, d.site or "", d.role, d.staff),
        )
    )
    gaps = site_gaps(problem, duties)
    first_full = next((t for t, _, missing in solution.timeline if missing == 0), None)
    return RosterResult(
        duties=duties,
        shortages=explain(problem, translation, gaps, duties),
        changes=_changes(problem.previous, duties),
        wartime=problem.wartime,
        rules=problem.effective_rules,
        status=solution.status,
        objective=solution.objective,
        bound=solution.bound,
        wall_time_s=solution.wall_time_s,
        first_full_s=first_full,
        penalties=solution.penalties,
    )


def _changes(previous: Sequence[Duty], duties: Sequence[Duty]) -> tuple[DutyChange, ...]:
    if not previous:
        return ()
    before = {(d.staff, d.day): d for d in previous}
    after = {(d.staff, d.day): d for d in duties}
    return tuple(
        DutyChange(staff, day, before.get((staff, day)), after.get((staff, day)))
        for staff, day in sorted(before.keys() | after.keys(), key=lambda k: (k[1], k[0]))
        if before.get((staff, day)) != after.get((staff, day))
    )


def roster_resolve(
    problem: PoliceProblem,
    *,
    changed: Iterable[tuple[str, date]] = (),
    margin_days: int = 2,
    time_limit_s: float = 5.0,
    workers: int = 2,
    stop: threading.Event | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> RosterResult:
    """Re-roster after a change (sick leave, say), keeping ``problem.previous`` where possible.

    Only a neighbourhood is re-opened: the changed days ± ``margin_days`` for every person of
    the units concerned. Everything else keeps its previous duty, and each changed assignment
    inside the neighbourhood costs ``weights.change``. Cells given in ``changed`` and previous
    duties that now clash with leave or unavailability define the changed days.
    """
    changed = list(changed)
    broken = _broken_duties(problem)
    days = {d for _, d in changed} | {d.day for d in broken}
    window = {
        day + timedelta(days=offset)
        for day in days
        for offset in range(-margin_days, margin_days + 1)
    }
    # The units concerned: those of the people named, and of the duties that fell through
    # (whose person may have left the problem altogether).
    named = {s for s, _ in changed}
    units = {u for s in problem.staff if s.id in named for u in s.units}
    units |= {d.unit for d in broken if d.unit} | {_duty_unit(problem, d) for d in broken}
    frozen = frozenset(
        (person.id, day)
        for person in problem.staff
        for day in problem.dates
        if day not in window or not (person.units & units)
    )
    return roster_solve(
        problem,
        time_limit_s=time_limit_s,
        workers=workers,
        hint=problem.previous,
        frozen=frozen,
        # A small neighbourhood: once covered, a search gone quiet rarely finds fewer changes.
        quiet_s=RESOLVE_QUIET_SHARE * time_limit_s,
        # Fewer changes matter more than speed here: each part gets its full time.
        polish_dtime=None,
        stop=stop,
        progress=progress,
    )


def _broken_duties(problem: PoliceProblem) -> list[Duty]:
    staff = {s.id: s for s in problem.staff}
    broken = []
    for duty in problem.previous:
        person = staff.get(duty.staff)
        if (
            person is None
            or duty.day in person.leave
            or (duty.day, duty.shift) in person.unavailable
        ):
            broken.append(duty)
    return broken


def _duty_unit(problem: PoliceProblem, duty: Duty) -> str:
    site = next((s for s in problem.sites if s.id == duty.site), None)
    return site.unit if site is not None else duty.unit


def roster_solve_units(
    problem: PoliceProblem,
    *,
    time_limit_s: float = 60.0,
    workers: int = 2,
    progress: Callable[[str, RosterResult], None] | None = None,
) -> RosterResult:
    """Roster a large problem unit by unit, when one model is too big.

    1. Every unit is rostered with its own staff, each stopping at its first roster that
       covers every post, so that time saved on easy units goes to hard ones.
    2. Each unit still short is rostered again with the people it shares with other units as
       well; their duties elsewhere are fixed (busy), so every rule holds across units.
    3. Time left polishes each unit's roster in turn, from where it stands.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s
    units = [u for u in problem.units() if any(s.unit == u for s in problem.sites)]
    results: dict[str, RosterResult] = {}
    first_full: list[float | None] = [None]  # when every unit first had every post covered

    def run(unit: str, share: float, guests: bool, covered: bool, left: int) -> None:
        budget = (started + share * time_limit_s - time.perf_counter()) / left
        if budget < 0.5:
            return
        before = results.get(unit)
        result = roster_solve(
            restricted(problem, unit, guests=guests),
            time_limit_s=budget,
            workers=workers,
            busy=_busy_elsewhere(results, unit) if guests else None,
            hint=before.duties if before else (),
            stop_when_covered=covered,
        )
        if before is None or result.objective < before.objective:
            results[unit] = result
            if progress is not None:
                progress(unit, result)
        if first_full[0] is None and len(results) == len(units):
            if not any(r.missing for r in results.values()):
                first_full[0] = time.perf_counter() - started

    for position, unit in enumerate(units):
        run(unit, FIRST_PASS_SHARE, guests=False, covered=True, left=len(units) - position)
        if unit not in results:  # out of time: an empty roster still explains the shortage
            results[unit] = roster_solve(restricted(problem, unit, guests=False), time_limit_s=0.5)
    short = [u for u in units if results[u].missing]
    for position, unit in enumerate(short):
        run(unit, SECOND_PASS_SHARE, guests=True, covered=True, left=len(short) - position)
    for position, unit in enumerate(units):
        if deadline - time.perf_counter() < 1.0:
            break
        run(unit, 1.0, guests=True, covered=False, left=len(units) - position)
    merged = _merge(problem, list(results.values()), time.perf_counter() - started)
    return replace(merged, first_full_s=first_full[0])


# Re-rostering returns once covered with no better roster found for this share of its time.
RESOLVE_QUIET_SHARE = 0.3

# Shares of the time limit by the end of each pass.
FIRST_PASS_SHARE = 0.6
SECOND_PASS_SHARE = 0.9


def _busy_elsewhere(results: Mapping[str, RosterResult], unit: str) -> dict[str, dict[date, str]]:
    busy: dict[str, dict[date, str]] = {}
    for other, result in results.items():
        if other != unit:
            for duty in result.duties:
                busy.setdefault(duty.staff, {})[duty.day] = duty.shift
    return busy


def _merge(problem: PoliceProblem, parts: list[RosterResult], wall: float) -> RosterResult:
    statuses = {r.status for r in parts}
    return RosterResult(
        duties=tuple(d for r in parts for d in r.duties),
        shortages=tuple(s for r in parts for s in r.shortages),
        changes=tuple(c for r in parts for c in r.changes),
        wartime=problem.wartime,
        rules=problem.effective_rules,
        status="optimal" if statuses == {"optimal"} else "feasible",
        objective=sum(r.objective for r in parts),
        bound=sum(r.bound for r in parts),
        wall_time_s=wall,
        first_full_s=None,
        penalties={
            k: sum(r.penalties.get(k, 0) for r in parts) for r in parts for k in r.penalties
        },
    )
