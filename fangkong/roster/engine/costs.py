"""The objective of a roster of the general model, computed directly in Python.

Neighbourhood search compares whole rosters with it, since a neighbourhood model only holds
part of the objective. It follows the model's definitions term by term (a test checks that it
agrees with CP-SAT's objective).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from .model import Assignment, FairnessGoal, Problem


def roster_costs(
    problem: Problem,
    assignments: Iterable[Assignment],
    targets: Mapping[tuple[str, int], int],
) -> dict[str, int]:
    """Cost of each objective term; ``sum(...values())`` is the objective."""
    index = {p.id: i for i, p in enumerate(problem.people)}
    cells = [(index[a.person], a.day, a.shift, a.post) for a in assignments]
    return cell_costs(problem, cells, targets)


def cell_costs(
    problem: Problem,
    cells: Iterable[tuple[int, int, str, str]],
    targets: Mapping[tuple[str, int], int],
) -> dict[str, int]:
    """:func:`roster_costs` of ``(person index, day, shift, post)`` cells."""
    roster = list(cells)
    # Everything each person works, day by day, including shifts worked for other units.
    rows: list[Row] = [[None] * problem.days for _ in problem.people]
    for i, person in enumerate(problem.people):
        for day, shift in person.busy.items():
            rows[i][day] = (shift, "")
    for who, day, shift, post in roster:
        rows[who][day] = (shift, post)
    costs: Counter[str] = Counter()
    staffed = Counter((day, shift, post) for _, day, shift, post in roster)
    missing: dict[tuple[int, str, str], int] = {}
    for d in problem.demands:
        have = staffed[(d.day, d.shift, d.post)]
        missing[(d.day, d.shift, d.post)] = max(0, d.required - have)
        costs["cover_under"] += d.under_weight * max(0, d.required - have)
        costs["cover_over"] += d.over_weight * max(0, have - d.required)
    for group in problem.spread:
        total = sum(missing.get(key, 0) for key in group.demands)
        costs["cover_spread"] += group.weight * total * total
    own = PersonCosts(problem, targets)
    for i, row in enumerate(rows):
        costs.update(own.terms(i, row))
    return dict(costs)


# One person's duties, per day: (shift, post), (shift, "") for a shift worked elsewhere, or None.
Row = list[tuple[str, str] | None]


class PersonCosts:
    """What one person's duties cost, term by term: everything but cover is a person's own.

    The neighbourhood search's walks (:mod:`.swap`) cost the rows of two people with it, and
    :func:`cell_costs` every row of a roster.
    """

    def __init__(self, problem: Problem, targets: Mapping[tuple[str, int], int]) -> None:
        self.problem = problem
        index = {p.id: i for i, p in enumerate(problem.people)}
        self.group = {p.id: p.group for p in problem.posts}
        self.requests: list[list[tuple[int, str | None, bool, int]]] = [[] for _ in index]
        for r in problem.requests:
            self.requests[index[r.person]].append((r.day, r.shift, r.on, r.weight))
        self.goals: list[list[tuple[FairnessGoal, int]]] = [[] for _ in index]
        for goal in problem.fairness:
            for i in range(len(problem.people)):
                target = targets.get((goal.name, i))
                if target is not None:
                    self.goals[i].append((goal, target))
        # Cells that are decided here: not frozen, not worked elsewhere.
        self.open = [
            [d not in p.busy and (p.id, d) not in problem.frozen for d in range(problem.days)]
            for p in problem.people
        ]
        self.previous: dict[tuple[int, int], tuple[str, str]] = {
            (index[a.person], a.day): (a.shift, a.post)
            for a in problem.previous
            if a.person in index
        }
        self.counts_changes = bool(problem.previous and problem.change_weight)

    def terms(self, person: int, row: Row) -> dict[str, int]:
        problem = self.problem
        shifts = [duty[0] if duty else None for duty in row]
        terms: dict[str, int] = {}
        if self.requests[person]:
            terms["requests"] = sum(
                weight
                * ((shifts[day] is not None if wanted is None else shifts[day] == wanted) != on)
                for day, wanted, on, weight in self.requests[person]
            )
        worked = [(day, shift) for day, shift in enumerate(shifts) if shift]
        for goal, target in self.goals[person]:
            count = sum(
                1
                for day, shift in worked
                if (goal.days is None or day in goal.days)
                and (goal.shifts is None or shift in goal.shifts)
            )
            terms[f"fairness:{goal.name}"] = goal.weight * max(0, count - target)
        places = [self.group.get(duty[1], "") if duty else "" for duty in row]
        home = problem.people[person].home_group
        if home is not None:
            terms["home"] = problem.home_weight * sum(1 for g in places if g and g != home)
        else:
            # A change: working at one site, then the next day anywhere else (or elsewhere).
            terms["group_change"] = problem.group_change_weight * sum(
                1
                for day in range(1, problem.days)
                if places[day - 1] and shifts[day] and places[day] != places[day - 1]
            )
        if self.counts_changes:
            is_open, previous = self.open[person], self.previous
            terms["changes"] = problem.change_weight * sum(
                1
                for day, duty in enumerate(row)
                if is_open[day] and previous.get((person, day)) != duty
            )
        return terms
