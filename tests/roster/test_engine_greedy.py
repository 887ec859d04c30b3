"""The first roster: the day-by-day fill, and the repair that covers what the fill leaves."""

from __future__ import annotations

from collections import Counter

from fangkong.roster.engine import synthetic
from fangkong.roster.engine.greedy import greedy_roster
from fangkong.roster.engine.police import translate
from fangkong.roster.engine.rostering import roster_solve
from fangkong.roster.engine.validate import validate


def missing(problem, roster) -> int:
    staffed = Counter((d, s, post) for (_, d), (s, post) in roster.items())
    return sum(max(0, m.required - staffed[(m.day, m.shift, m.post)]) for m in problem.demands)


def test_the_repair_covers_what_the_fill_leaves_on_a_tight_brigade() -> None:
    problem = translate(synthetic.brigade()).problem
    filled = greedy_roster(problem, {})
    repaired = greedy_roster(problem, {}, repair_s=30)
    assert missing(problem, filled) > 0  # demand is about 93 % of what the rules allow
    assert missing(problem, repaired) == 0
    # Moves, not extra duties: nobody works twice a day, and no more duties than demanded.
    assert len(repaired) <= sum(m.required for m in problem.demands)


def test_a_repaired_first_roster_keeps_every_hard_rule() -> None:
    problem = synthetic.brigade()
    result = roster_solve(problem, time_limit_s=10, stop_when_covered=True)
    assert result.missing == 0
    assert validate(problem, result.duties) == []
    assert result.first_full_s is not None
