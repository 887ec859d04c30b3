"""The general rostering core on small problems whose optimum is known by hand."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from fangkong.roster.engine.build import ModelBuilder, Part, fairness_targets
from fangkong.roster.engine.costs import roster_costs
from fangkong.roster.engine.model import (
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
from fangkong.roster.engine.solver import SolveOptions, solve
from tests.roster.problems import two_sites

DAY = ShiftType("D", 480)
QUICK = SolveOptions(time_limit_s=3, workers=2)


def one_person(days: int, demanded: list[int], rules: Rules) -> Problem:
    """One person, one shift; days in ``demanded`` need one person (under 10, over 1)."""
    return Problem(
        days=days,
        shifts=(DAY,),
        people=(Person("A", rules=rules),),
        demands=tuple(
            CoverDemand(d, "D", "", int(d in demanded), under_weight=10, over_weight=1)
            for d in range(days)
        ),
    )


def worked(solution) -> list[int]:
    return sorted(a.day for a in solution.assignments)


def test_cover_with_max_consecutive_and_request() -> None:
    # Two people, four days, one needed a day. A may work two days running and asks for day 1
    # off (weight 3); B is off on days 0 and 1. Someone must work day 1 and only A can, so the
    # optimum breaks A's request (cost 3) and covers every day exactly once.
    problem = Problem(
        days=4,
        shifts=(DAY,),
        people=(
            Person("A", rules=Rules(max_consecutive_shifts=2)),
            Person("B", days_off=frozenset({0, 1})),
        ),
        demands=tuple(CoverDemand(d, "D", "", 1, under_weight=10, over_weight=1) for d in range(4)),
        requests=(Request("A", 1, "D", on=False, weight=3),),
    )
    solution = solve(problem, QUICK)
    assert solution.objective == 3
    assert solution.status == "optimal"
    assert sorted(a.day for a in solution.assignments) == [0, 1, 2, 3]
    assert ("A", 1) in {(a.person, a.day) for a in solution.assignments}


def test_min_run_binds_only_inner_runs() -> None:
    # The benchmark README's rule: a run touching the first or last day is not held to the
    # minimum. A lone shift on day 0 or day 4 is fine; a lone shift on day 2 is not, so the
    # optimum there works two days (one over-cover, cost 1) rather than none (cost 10).
    rules = Rules(min_consecutive_shifts=2)
    assert solve(one_person(5, [0], rules), QUICK).objective == 0
    assert solve(one_person(5, [4], rules), QUICK).objective == 0
    inner = solve(one_person(5, [2], rules), QUICK)
    assert inner.objective == 1
    assert len(worked(inner)) == 2 and 2 in worked(inner)


def test_min_days_off_binds_only_inner_runs() -> None:
    rules = Rules(min_consecutive_days_off=2)
    # Work, one day off, work: an inner run of one day off is forbidden; cheapest is to work
    # the middle day too (over-cover 1).
    assert solve(one_person(3, [0, 2], rules), QUICK).objective == 1
    # A single day off at the end of the period touches the boundary and is fine.
    assert solve(one_person(3, [0, 1], rules), QUICK).objective == 0


def test_forbidden_succession_and_weekends() -> None:
    late = ShiftType("L", 480)
    problem = Problem(
        days=7,  # Monday to Sunday
        shifts=(DAY, late),
        people=(Person("A", rules=Rules(max_weekends=0)),),
        demands=(
            CoverDemand(0, "L", "", 1, under_weight=10),
            CoverDemand(1, "D", "", 1, under_weight=7),
            CoverDemand(5, "D", "", 1, under_weight=5),
        ),
        forbidden=(Succession("L", "D"),),
    )
    solution = solve(problem, QUICK)
    # The late shift on Monday wins over Tuesday's early one; Saturday is a weekend.
    assert solution.objective == 12
    assert [(a.day, a.shift) for a in solution.assignments] == [(0, "L")]


def test_dependency_needs_a_supporting_post() -> None:
    problem = Problem(
        days=1,
        shifts=(DAY,),
        people=(Person("aux", skills=frozenset({"aux"})),),
        posts=(Post("a", skill="aux", group="s"), Post("o", skill="off", group="s")),
        demands=(
            CoverDemand(0, "D", "a", 1, under_weight=10),
            CoverDemand(0, "D", "o", 1, under_weight=10),
        ),
        dependencies=(Dependency("a", "o"),),
    )
    solution = solve(problem, QUICK)
    assert solution.assignments == ()  # nobody may stand post a alone
    assert solution.objective == 20
    assert {(g.post, g.missing) for g in solution.gaps} == {("a", 1), ("o", 1)}


def test_python_costs_agree_with_cp_sat_objective() -> None:
    problem = two_sites(
        tuple(
            Person(
                f"P{i}",
                skills=frozenset({"x"}),
                rules=Rules(max_consecutive_shifts=3, max_minutes_per_week=2400),
                groups=frozenset({"g1", "g2"}),
                home_group="g1" if i % 2 else None,
                days_off=frozenset({i % 7}),
            )
            for i in range(5)
        )
    )
    targets = fairness_targets(problem)
    builder = ModelBuilder(problem, targets)
    model = builder.build()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 3
    solver.parameters.num_workers = 2
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    people = problem.people
    roster = [
        Assignment(people[p].id, d, s, post)
        for (p, d, s, post), lit in builder.x.items()
        if solver.boolean_value(lit)
    ]
    costs = roster_costs(problem, roster, targets)
    assert sum(costs.values()) == round(solver.objective_value)
    for name, terms in builder.costs.items():
        assert costs.get(name, 0) == round(solver.value(sum(terms))), name


def test_neighbourhood_models_cost_what_the_roster_costs() -> None:
    # A asks to work every night (10 a request missed) but her fair share is 2 of the 4 nights
    # (5 a night above it), and she may work 3 nights running. Whichever cells a neighbourhood
    # frees, its model must cost the roster it finds as the whole roster is costed: constants
    # folded in, and only the limits that cannot bind left out.
    night = ShiftType("N", 480, 1200, night=True)
    problem = Problem(
        days=4,
        shifts=(night,),
        people=(Person("A", rules=Rules(max_consecutive_shifts=3)), Person("B")),
        demands=tuple(CoverDemand(d, "N", "", 1, under_weight=50, over_weight=1) for d in range(4)),
        requests=tuple(Request("A", d, "N", on=True, weight=10) for d in range(4)),
        fairness=(FairnessGoal("nights", None, 5, frozenset({"N"})),),
    )
    targets = fairness_targets(problem)
    assert targets == {("nights", 0): 2, ("nights", 1): 2}
    start = {(0, 0): ("N", ""), (0, 1): ("N", ""), (1, 2): ("N", ""), (1, 3): ("N", "")}
    # Every person has a free cell: costs of people outside a neighbourhood are not its own.
    windows = [range(f, f + w) for w in (1, 2, 3) for f in range(problem.days - w + 1)]
    found = set()
    for days_a, days_b in itertools.product(windows, windows):
        free = frozenset([(0, d) for d in days_a] + [(1, d) for d in days_b])
        builder = ModelBuilder(problem, targets, Part(free, start))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(builder.build()) == cp_model.OPTIMAL
        roster = {cell: duty for cell, duty in start.items() if cell not in free}
        roster.update(
            {(p, d): (s, post) for (p, d, s, post), x in builder.x.items() if solver.value(x)}
        )
        assignments = [
            Assignment(problem.people[p].id, d, *duty) for (p, d), duty in roster.items()
        ]
        cost = sum(roster_costs(problem, assignments, targets).values())
        assert round(solver.objective_value) == cost, (days_a, days_b)
        found.add(cost)
    # A on days 0-2 and B on day 3: one request missed (10), one night above the share (5).
    assert min(found) == 15


@pytest.mark.parametrize(
    ("problem", "code", "field"),
    [
        (Problem(0, (DAY,), (), ()), "period_empty", "days"),
        (
            Problem(
                3,
                (DAY,),
                (Person("A", rules=Rules(min_consecutive_shifts=4, max_consecutive_shifts=2)),),
                (),
            ),
            "rules_contradictory",
            "people.A.min_consecutive_shifts",
        ),
        (Problem(3, (DAY,), (), (CoverDemand(0, "X", "", 1),)), "unknown_reference", "demands"),
        (Problem(3, (DAY, DAY), (), ()), "duplicate_id", "shifts"),
    ],
)
def test_bad_input_raises_with_code_and_field(problem: Problem, code: str, field: str) -> None:
    with pytest.raises(RosterInputError) as raised:
        solve(problem, QUICK)
    assert raised.value.code == code
    assert raised.value.field == field


def test_spread_costs_agree_with_cp_sat_and_spread_a_shortage() -> None:
    # Three people who may work four shifts each, for four posts a day: 16 of 28 missing,
    # on whichever days. The square of each day's missing people costs more piled up than
    # spread, in CP-SAT and in Python alike.
    people = tuple(
        Person(f"P{i}", skills=frozenset({"x"}), rules=Rules(max_total_minutes=4 * 480))
        for i in range(3)
    )
    base = two_sites(people)
    keys = {(x.day, x.shift, x.post) for x in base.demands}
    days = {d: frozenset(k for k in keys if k[0] == d) for d in range(7)}
    problem = replace(
        base, spread=tuple(SpreadGroup(f"day{d}", keys, 30) for d, keys in days.items())
    )
    targets = fairness_targets(problem)
    builder = ModelBuilder(problem, targets)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.num_workers = 2
    assert solver.solve(builder.build()) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    people_ids = problem.people
    roster = [
        Assignment(people_ids[p].id, d, s, post)
        for (p, d, s, post), lit in builder.x.items()
        if solver.boolean_value(lit)
    ]
    costs = roster_costs(problem, roster, targets)
    assert costs["cover_spread"] == round(solver.value(sum(builder.costs["cover_spread"])))
    assert sum(costs.values()) == round(solver.objective_value)
    per_day = Counter(a.day for a in roster)
    assert sum(per_day.values()) == 12
    assert max(4 - per_day[d] for d in range(7)) - min(4 - per_day[d] for d in range(7)) <= 1
