"""Small general-model problems shared by the engine tests."""

from __future__ import annotations

from dataclasses import replace

from fangkong.roster.engine.model import (
    Assignment,
    CoverDemand,
    FairnessGoal,
    Person,
    Post,
    Problem,
    Request,
    ShiftType,
)

DAY = ShiftType("D", 480, 480)
NIGHT = ShiftType("N", 600, 1200, night=True)


def two_sites(people: tuple[Person, ...], **changes) -> Problem:
    """A week of day and night shifts at two sites (groups g1 and g2, skill x) in which every
    soft cost is in play: cover, requests of P1 and P2, night fairness, duties away from home,
    changes of site and changes from P0's previous duty."""
    problem = Problem(
        days=7,
        shifts=(DAY, NIGHT),
        people=people,
        posts=(Post("p1", "x", "g1"), Post("p2", "x", "g2")),
        demands=tuple(
            CoverDemand(d, s, p, 1, under_weight=50, over_weight=2)
            for d in range(7)
            for s in ("D", "N")
            for p in ("p1", "p2")
        ),
        requests=(Request("P1", 2, None, on=False, weight=4), Request("P2", 3, "N", True, 3)),
        fairness=(FairnessGoal("nights", "x", 5, frozenset({"N"})),),
        home_weight=2,
        group_change_weight=3,
        previous=(Assignment("P0", 0, "D", "p1"),),
        change_weight=1,
    )
    return replace(problem, **changes)
