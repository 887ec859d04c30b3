"""Read the Shift Scheduling Benchmark text format (Curtois & Qu) into a :class:`Problem`.

The instances start on a Monday. All their hard constraints map onto :class:`Rules`; the soft
ones (shift-on/off requests, cover under/over) onto requests and cover demands with weights.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import evaluate
from .model import (
    CoverDemand,
    Person,
    Problem,
    Request,
    RosterInputError,
    Rules,
    ShiftType,
    Solution,
    Succession,
)
from .solver import SolveOptions, solve

OFF = ""  # a day off in a roster table


def parse(text: str) -> Problem:
    sections = dict(_sections(text))
    try:
        days = int(sections["SECTION_HORIZON"][0][0])
        shifts, forbidden = _shifts(sections["SECTION_SHIFTS"])
        days_off: dict[str, set[int]] = {}
        for row in sections.get("SECTION_DAYS_OFF", []):
            days_off.setdefault(row[0], set()).update(int(d) for d in row[1:] if d)
        people = tuple(
            _person(row, frozenset(days_off.get(row[0], ()))) for row in sections["SECTION_STAFF"]
        )
        requests = tuple(
            Request(row[0], int(row[1]), row[2], on=on, weight=int(row[3]))
            for name, on in (
                ("SECTION_SHIFT_ON_REQUESTS", True),
                ("SECTION_SHIFT_OFF_REQUESTS", False),
            )
            for row in sections.get(name, [])
        )
        demands = tuple(
            CoverDemand(
                int(r[0]), r[1], "", int(r[2]), under_weight=int(r[3]), over_weight=int(r[4])
            )
            for r in sections.get("SECTION_COVER", [])
        )
    except (KeyError, IndexError, ValueError) as error:
        raise RosterInputError(
            "bad_format", "instance", f"cannot read the instance: {error}"
        ) from error
    problem = Problem(
        days=days,
        shifts=shifts,
        people=people,
        demands=demands,
        requests=requests,
        forbidden=forbidden,
        start_weekday=0,
    )
    problem.check()
    return problem


def load(path: str | Path) -> Problem:
    return parse(Path(path).read_text(encoding="utf-8"))


def _sections(text: str) -> Iterator[tuple[str, list[list[str]]]]:
    name: str | None = None
    rows: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if name is not None:
                yield name, rows
            name, rows = line, []
        else:
            rows.append([field.strip() for field in line.split(",")])
    if name is not None:
        yield name, rows


def _shifts(rows: list[list[str]]) -> tuple[tuple[ShiftType, ...], tuple[Succession, ...]]:
    shifts = tuple(ShiftType(row[0], int(row[1])) for row in rows)
    forbidden = tuple(
        Succession(row[0], then)
        for row in rows
        for then in (row[2].split("|") if len(row) > 2 else [])
        if then
    )
    return shifts, forbidden


def _person(row: list[str], days_off: frozenset[int]) -> Person:
    max_shifts = {}
    for item in row[1].split("|"):
        if item:
            shift, count = item.split("=")
            max_shifts[shift] = int(count)
    rules = Rules(
        max_shifts=max_shifts,
        max_total_minutes=int(row[2]),
        min_total_minutes=int(row[3]),
        max_consecutive_shifts=int(row[4]),
        min_consecutive_shifts=int(row[5]),
        min_consecutive_days_off=int(row[6]),
        max_weekends=int(row[7]),
    )
    return Person(row[0], rules=rules, days_off=days_off)


def roster_table(problem: Problem, solution: Solution) -> dict[str, list[str]]:
    """The roster as ``{person: [shift id or "" per day]}``, the evaluator's input."""
    table = {person.id: [OFF] * problem.days for person in problem.people}
    for assignment in solution.assignments:
        table[assignment.person][assignment.day] = assignment.shift
    return table


@dataclass(frozen=True)
class InstanceResult:
    objective: int  # recomputed by the independent evaluator from the roster
    solver_objective: float
    bound: float
    status: str
    wall_time_s: float
    roster: Mapping[str, list[str]]
    violations: tuple[str, ...]  # hard-constraint breaches found by the evaluator


def solve_instance(path: str | Path, options: SolveOptions | None = None) -> InstanceResult:
    return solve_instance_text(Path(path).read_text(encoding="utf-8"), options)


def solve_instance_text(text: str, options: SolveOptions | None = None) -> InstanceResult:
    """Solve an instance and report the objective the independent evaluator gives its roster."""
    problem = parse(text)
    solution = solve(problem, options)
    roster = roster_table(problem, solution)
    report = evaluate.evaluate(text, roster)
    return InstanceResult(
        objective=report.penalty,
        solver_objective=solution.objective,
        bound=solution.bound,
        status=solution.status,
        wall_time_s=solution.wall_time_s,
        roster=roster,
        violations=report.violations,
    )
