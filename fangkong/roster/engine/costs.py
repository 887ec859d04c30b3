"""The objective of a roster of the general model, computed directly in Python.

Neighbourhood search compares whole rosters with it, since a neighbourhood model only holds
part of the objective. It follows the model's definitions term by term (a test checks that it
agrees with CP-SAT's objective).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from .model import Assignment, Problem


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
    group_of = {p.id: p.group for p in problem.posts}
    # Everything each person works, day by day, including shifts worked for other units.
    worked: dict[int, dict[int, str]] = {i: dict(p.busy) for i, p in enumerate(problem.people)}
    place: dict[int, dict[int, str]] = defaultdict(dict)  # group ("" for none) per day
    for person, day, shift, post in roster:
        worked[person][day] = shift
        place[person][day] = group_of[post]
    costs: Counter[str] = Counter()
    index = {p.id: i for i, p in enumerate(problem.people)}

    staffed = Counter((day, shift, post) for _, day, shift, post in roster)
    for d in problem.demands:
        have = staffed[(d.day, d.shift, d.post)]
        costs["cover_under"] += d.under_weight * max(0, d.required - have)
        costs["cover_over"] += d.over_weight * max(0, have - d.required)

    for r in problem.requests:
        shift = worked[index[r.person]].get(r.day)
        hit = shift is not None if r.shift is None else shift == r.shift
        costs["requests"] += r.weight * (hit != r.on)

    for goal in problem.fairness:
        for i in range(len(problem.people)):
            target = targets.get((goal.name, i))
            if target is None:
                continue
            count = sum(
                1
                for day, shift in worked[i].items()
                if (goal.days is None or day in goal.days)
                and (goal.shifts is None or shift in goal.shifts)
            )
            costs[f"fairness:{goal.name}"] += goal.weight * max(0, count - target)

    for i, person in enumerate(problem.people):
        costs.update(_continuity(problem, person.home_group, worked[i], place[i]))

    if problem.previous and problem.change_weight:
        before = {(a.person, a.day): (a.shift, a.post) for a in problem.previous}
        ids = [p.id for p in problem.people]
        after = {(ids[p], d): (s, post) for p, d, s, post in roster}
        for person in problem.people:
            for day in range(problem.days):
                if (person.id, day) in problem.frozen or day in person.busy:
                    continue
                key = (person.id, day)
                costs["changes"] += problem.change_weight * (before.get(key) != after.get(key))
    return dict(costs)


def _continuity(
    problem: Problem, home: str | None, worked: Mapping[int, str], place: Mapping[int, str]
) -> dict[str, int]:
    if home is not None:
        away = sum(1 for group in place.values() if group and group != home)
        return {"home": problem.home_weight * away}
    changes = sum(
        1
        for day in range(1, problem.days)
        if place.get(day - 1) and day in worked and place.get(day) != place[day - 1]
    )
    return {"group_change": problem.group_change_weight * changes}
