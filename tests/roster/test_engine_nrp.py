"""The benchmark format reader, its independent evaluator and the min-run semantics."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from fangkong.roster.engine import evaluate, nrp
from fangkong.roster.engine.build import fairness_targets, frozen_assignments
from fangkong.roster.engine.lns import Search
from fangkong.roster.engine.solver import SolveOptions

DATA = (
    Path(
        os.environ.get(
            "FANGKONG_BENCH_DATA",
            Path(__file__).resolve().parents[2].parent / "shared" / "bench-data",
        )
    )
    / "shift-scheduling"
)
needs_data = pytest.mark.skipif(not DATA.exists(), reason="benchmark instances not present")

SMALL = """
SECTION_HORIZON
7
SECTION_SHIFTS
D,480,
N,480,D
SECTION_STAFF
A,D=7|N=7,3360,480,5,2,2,1
SECTION_DAYS_OFF
A,3
SECTION_SHIFT_ON_REQUESTS
A,0,D,2
SECTION_SHIFT_OFF_REQUESTS
A,1,N,1
SECTION_COVER
0,D,1,100,1
1,N,1,100,1
2,D,1,100,1
"""


def test_parse_maps_every_section() -> None:
    problem = nrp.parse(SMALL)
    assert problem.days == 7 and [s.id for s in problem.shifts] == ["D", "N"]
    (person,) = problem.people
    assert person.days_off == {3}
    assert person.rules.max_consecutive_shifts == 5 and person.rules.min_consecutive_shifts == 2
    assert person.rules.max_shifts == {"D": 7, "N": 7}
    assert [(f.first, f.then) for f in problem.forbidden] == [("N", "D")]
    assert len(problem.requests) == 2 and len(problem.demands) == 3


def test_evaluator_counts_requests_cover_and_hard_rules() -> None:
    ok = {"A": ["D", "N", "", "", "", "", ""]}
    report = evaluate.evaluate(SMALL, ok)
    # Requests: A asked for D on day 0 (kept) and not N on day 1 (broken, 1).
    # Cover: day 2 D missing (100); every other demanded cell exactly met.
    assert report.penalty == 101
    assert report.violations == ()
    bad = {"A": ["", "D", "", "", "", "", "D"]}
    found = evaluate.evaluate(SMALL, bad).violations
    assert any("only 1 consecutive shifts from day 1" in v for v in found)  # an inner run
    assert not any("from day 6" in v for v in found)  # touches the last day: exempt


def test_run_at_the_horizon_edges_is_exempt_from_minimum() -> None:
    # Works only on day 0 and the last day: both runs touch the horizon.
    roster = {"A": ["D", "", "", "", "", "", "D"]}
    assert evaluate.evaluate(SMALL, roster).violations == ()


@pytest.mark.parametrize("cover_first", [0.0, 0.5])
def test_solver_keeps_the_run_rules_on_a_small_instance(cover_first: float) -> None:
    result = nrp.solve_instance_text(SMALL, SolveOptions(time_limit_s=3, cover_first=cover_first))
    assert result.violations == ()
    assert result.objective == result.solver_objective


@pytest.mark.parametrize("cover_first", [0.0, 0.5])
def test_instance1_objective_matches_the_evaluator(cover_first: float) -> None:
    instance = Path(__file__).parent / "data" / "Instance1.txt"  # a copy: see data/README.md
    options = SolveOptions(time_limit_s=10, workers=2, cover_first=cover_first)
    result = nrp.solve_instance(instance, options)
    assert result.violations == ()
    assert result.objective == result.solver_objective
    assert result.objective == 607  # proven optimal, the published best


@needs_data
def test_every_instance_parses() -> None:
    for number in range(1, 9):
        problem = nrp.load(DATA / f"Instance{number}.txt")
        assert problem.days in (14, 28)
        assert all(d.under_weight > 0 for d in problem.demands)


def test_a_limit_in_work_gives_the_same_roster_on_any_machine() -> None:
    # CP-SAT's deterministic time, not seconds: a busy machine does the same work, slower.
    instance = Path(__file__).parent / "data" / "Instance1.txt"
    options = SolveOptions(time_limit_s=300, work_limit=2.0, cover_first=0.5, part_time_s=0.2)
    first = nrp.solve_instance(instance, options)
    again = nrp.solve_instance(instance, options)
    assert first.violations == ()
    assert first.objective == first.solver_objective
    assert first.roster == again.roster


def test_a_first_roster_row_by_row_keeps_every_rule_of_each_person() -> None:
    # Minimum hours and runs: an empty roster breaks them; one person at a time keeps them.
    text = (Path(__file__).parent / "data" / "Instance1.txt").read_text(encoding="utf-8")
    problem = nrp.parse(text)
    search = Search(
        problem,
        fairness_targets(problem),
        frozen_assignments(problem),
        deadline=time.perf_counter() + 300,
        threads=1,
        seed=0,
    )
    first = search.row_by_row(limit=300, work=1.0)
    assert first is not None
    table = {person.id: [nrp.OFF] * problem.days for person in problem.people}
    for (person, day), (shift, _) in first.roster.items():
        table[problem.people[person].id][day] = shift
    assert evaluate.evaluate(text, table).violations == ()
