"""The cover bound: a proven minimum of missing cover, checked against rosters found."""

from __future__ import annotations

from fangkong.roster.engine import synthetic
from fangkong.roster.engine.bound import cover_bound
from fangkong.roster.engine.model import CoverDemand, Person, Post, Problem, Rules, ShiftType
from fangkong.roster.engine.police import translate
from fangkong.roster.engine.solver import SolveOptions, solve

DAY = ShiftType("D", 480)
NIGHT = ShiftType("N", 480, 1320, night=True)


def demand(days: int, post: str = "", required: int = 1, shift: str = "D") -> tuple:
    return tuple(CoverDemand(d, shift, post, required, under_weight=10) for d in range(days))


def test_weekly_hours_leave_two_days_uncovered() -> None:
    # One person, 40 hours a week at most: five of seven days, whatever the roster.
    problem = Problem(
        days=7,
        shifts=(DAY,),
        people=(Person("A", rules=Rules(max_minutes_per_week=5 * 480)),),
        demands=demand(7),
    )
    bound = cover_bound(problem)
    assert (bound.demand, bound.coverable, bound.missing, bound.cost) == (7, 5, 2, 20)
    solution = solve(problem, SolveOptions(time_limit_s=2))
    assert solution.objective == 20 and solution.bound == 20
    assert solution.status == "optimal"


def test_one_shift_a_day_days_off_and_skills() -> None:
    # Two posts a day over two shifts; A may stand both posts, B only "gate" and is off on
    # day 0; C has the wrong skill. Day 0: one of three people's worth; day 1: two.
    problem = Problem(
        days=2,
        shifts=(DAY, NIGHT),
        people=(
            Person("A", skills=frozenset({"road", "gate"})),
            Person("B", skills=frozenset({"gate"}), days_off=frozenset({0})),
            Person("C", skills=frozenset({"clerk"})),
        ),
        posts=(Post("road", skill="road"), Post("gate", skill="gate")),
        demands=demand(2, "road") + demand(2, "gate", shift="N") + demand(1, "gate"),
    )
    bound = cover_bound(problem)
    assert bound.demand == 5
    assert bound.coverable == 3  # day 0: A alone; day 1: A and B
    solution = solve(problem, SolveOptions(time_limit_s=2))
    assert solution.objective == bound.cost == 20


def test_consecutive_day_limit_counts() -> None:
    # At most three days running: of seven days, six at most (a day off after three).
    problem = Problem(
        days=7,
        shifts=(DAY,),
        people=(Person("A", rules=Rules(max_consecutive_shifts=3)),),
        demands=demand(7),
    )
    assert cover_bound(problem).missing == 1
    solution = solve(problem, SolveOptions(time_limit_s=2))
    assert solution.objective == 10 and solution.status == "optimal"


def test_bound_never_exceeds_what_a_roster_achieves() -> None:
    # A brigade with a third of its staff: much is short, and the search cannot do better
    # than the bound (valid), while the bound proves most of the shortage unavoidable.
    problem = synthetic.brigade(shape=synthetic.Shape(staff=50, sites=6, days=7))
    general = translate(problem).problem
    bound = cover_bound(general)
    solution = solve(general, SolveOptions(time_limit_s=3))
    under = solution.penalties["cover_under"]
    assert 0 < bound.cost <= under
    missing = sum(gap.missing for gap in solution.gaps)
    assert bound.missing <= missing
    assert bound.missing >= 0.8 * missing
