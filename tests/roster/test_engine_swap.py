"""Exchanges of duties between two people, and walks of them (engine/swap.py).

The per-person rules are checked against the CP-SAT model (which admits a row exactly when it
keeps every rule), the rows the walk costs against the roster's cost, and whole walks against
the independent evaluators of both configurations: the benchmark format's and the police one's.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from fangkong.roster.engine import evaluate, nrp, synthetic
from fangkong.roster.engine.allocate import allocate
from fangkong.roster.engine.build import ModelBuilder, fairness_targets
from fangkong.roster.engine.costs import cell_costs
from fangkong.roster.engine.greedy import greedy_roster
from fangkong.roster.engine.model import (
    Assignment,
    CoverDemand,
    Person,
    Problem,
    Rules,
    Succession,
)
from fangkong.roster.engine.police import translate
from fangkong.roster.engine.solver import SolveOptions, solve
from fangkong.roster.engine.swap import Exchanges
from fangkong.roster.engine.validate import validate
from tests.roster.problems import DAY, NIGHT, two_sites


def one_person(rules: Rules, days: int = 6) -> Problem:
    # Busy on day 2 (a day shift worked for another unit): it counts towards every rule.
    person = Person("A", rules=rules, busy={2: "D"})
    return Problem(
        days=days,
        shifts=(DAY, NIGHT),
        people=(person,),
        demands=tuple(CoverDemand(d, s, "", 1) for d in range(days) for s in ("D", "N")),
        forbidden=(Succession("N", "D"),),
    )


def model_admits(problem: Problem, row: list) -> bool:
    """Whether the CP-SAT model of ``problem`` admits the person working ``row``."""
    builder = ModelBuilder(problem)
    model = builder.build()
    for (_, day, shift, post), lit in builder.x.items():
        model.add(lit == int(row[day] == (shift, post)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) == cp_model.OPTIMAL


@pytest.mark.parametrize(
    "rules",
    [
        Rules(max_consecutive_shifts=3, max_consecutive_nights=2),
        Rules(min_consecutive_shifts=2, min_consecutive_days_off=2),
        Rules(max_shifts={"N": 2}, min_total_minutes=2000, max_total_minutes=3000),
        Rules(max_minutes_per_week=2600, max_weekends=0),
    ],
    ids=["runs", "min-runs", "totals", "week"],
)
def test_rules_of_a_row_are_the_models(rules: Rules) -> None:
    problem = one_person(rules)
    exchanges = Exchanges(problem, {}, [])
    kept = broken = 0
    for choice in itertools.product([None, ("D", ""), ("N", "")], repeat=problem.days):
        if choice[2] is not None:
            continue  # the busy day holds no duty of this problem
        row = list(choice)
        row[2] = ("D", "")
        decided = [None if d == 2 else duty for d, duty in enumerate(row)]
        expected = model_admits(problem, decided)
        assert exchanges.keeps_rules(0, row) == expected, row
        kept += expected
        broken += not expected
    assert kept and broken  # each rule set both admits and forbids rows


def test_person_costs_add_up_to_what_the_roster_costs() -> None:
    people = tuple(
        Person(
            f"P{i}",
            skills=frozenset({"x"}),
            groups=frozenset({"g1", "g2"}),
            home_group="g1" if i % 2 else None,
            busy={5: "D"} if i in (2, 3) else {},
        )
        for i in range(5)
    )
    problem = two_sites(
        people,
        previous=(Assignment("P0", 0, "D", "p1"), Assignment("P4", 1, "N", "p2")),
        frozen=frozenset({("P4", 1)}),
    )
    targets = fairness_targets(problem)
    frozen = [(4, 1, "N", "p2")]
    exchanges = Exchanges(problem, targets, frozen)
    rng = random.Random(1)
    for _ in range(50):
        roster = {
            (p, d): (rng.choice("DN"), rng.choice(["p1", "p2"]))
            for p in range(5)
            for d in range(7)
            if rng.random() < 0.6 and exchanges.open[p][d]
        }
        cells = [*frozen, *((p, d, s, post) for (p, d), (s, post) in roster.items())]
        costs = cell_costs(problem, cells, targets)
        own = sum(exchanges.cost(p, exchanges.row(roster, p)) for p in range(5))
        assert own == sum(costs.values()) - costs["cover_under"] - costs["cover_over"]


def test_a_walk_keeps_every_benchmark_rule_and_saves_what_it_says() -> None:
    text = (Path(__file__).parent / "data" / "Instance1.txt").read_text(encoding="utf-8")
    problem = nrp.parse(text)
    # A poor roster to start from: the first CP-SAT finds in a moment, without the search.
    solution = solve(problem, SolveOptions(time_limit_s=0.5, workers=1, lns=False))
    index = {p.id: i for i, p in enumerate(problem.people)}
    start = {(index[a.person], a.day): (a.shift, a.post) for a in solution.assignments}
    exchanges = Exchanges(problem, {}, [])
    walked, saved = exchanges.walk(start, random.Random(0), time.perf_counter() + 0.5)
    assert walked != start
    table = {person.id: [""] * problem.days for person in problem.people}
    for (person, day), (shift, _) in walked.items():
        table[problem.people[person].id][day] = shift
    report = evaluate.evaluate(text, table)
    assert report.feasible, report.violations
    assert (
        report.penalty
        == evaluate.evaluate(text, nrp.roster_table(problem, solution)).penalty - saved
    )
    # Every shift of every day keeps exactly the people it had.
    assert Counter((d, s) for (_, d), (s, _) in walked.items()) == Counter(
        (d, s) for (_, d), (s, _) in start.items()
    )


def test_a_walk_keeps_every_police_rule_and_lowers_the_cost() -> None:
    police = synthetic.brigade(shape=synthetic.Shape(staff=60, sites=5, days=14, leaders=4))
    translation = translate(police)
    problem = translation.problem
    targets = fairness_targets(problem)
    start = greedy_roster(problem, {})
    exchanges = Exchanges(problem, targets, [])
    walked, saved = exchanges.walk(start, random.Random(0), time.perf_counter() + 0.5)

    def cost(roster) -> int:
        cells = [(p, d, s, post) for (p, d), (s, post) in roster.items()]
        return sum(cell_costs(problem, cells, targets).values())

    assert saved > 0
    assert cost(walked) == cost(start) - saved
    assert Counter(duty for (_, d), duty in walked.items() for duty in [(d, *duty)]) == Counter(
        (d, *duty) for (_, d), duty in start.items()
    )
    people = problem.people
    assignments = [Assignment(people[p].id, d, s, post) for (p, d), (s, post) in walked.items()]
    assert validate(police, allocate(police, translation, assignments)) == []
