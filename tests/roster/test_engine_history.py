"""Leaders bound to key posts (包保) and the hours actually worked before the period: the
engine places the bound leader or says why not, and the run of days, the weekly hours and
the rest after the last work done continue into the new roster (issue 22, items 4 and 5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from fangkong.roster.engine.greedy import greedy_roster
from fangkong.roster.engine.police import (
    AUXILIARY,
    LEADER,
    OFFICER,
    PoliceProblem,
    PostLeader,
    ShiftRequest,
    Site,
    Staff,
    translate,
)
from fangkong.roster.engine.rostering import roster_solve
from fangkong.roster.engine.swap import Exchanges
from fangkong.roster.engine.validate import validate

START = date(2026, 2, 2)  # a Monday
ROAD = {s: {OFFICER: 1, AUXILIARY: 1} for s in ("night", "day", "evening")}


def person(number: int, role: str, **extra: object) -> Staff:
    return Staff(f"{role[0]}{number}", f"{role}{number}", frozenset({role}), unit="u", **extra)  # type: ignore[arg-type]


def problem(days: int = 7, **extra: object) -> PoliceProblem:
    people = (
        [person(i, OFFICER) for i in range(6)]
        + [person(i, AUXILIARY) for i in range(5)]
        + [person(i, LEADER) for i in range(5)]  # 7 days of 24-hour leads need 4, one spare
    )
    return PoliceProblem(
        start=START,
        days=days,
        sites=(Site("s1", "G30 张掖东收费站", ROAD, unit="u", key=True),),
        staff=tuple(people),
        **extra,  # type: ignore[arg-type]
    )


def days(first: int, count: int) -> frozenset[date]:
    return frozenset(START + timedelta(days=first + k) for k in range(count))


def with_staff(base: PoliceProblem, staff_id: str, **changes: object) -> PoliceProblem:
    people = tuple(replace(p, **changes) if p.id == staff_id else p for p in base.staff)  # type: ignore[arg-type]
    return replace(base, staff=people)


# -- 包保: the bound leader leads the key post ------------------------------------------------


def test_the_bound_leader_leads_the_key_post_on_the_days_the_rules_allow() -> None:
    bound = PostLeader("s1", "l0", days(0, 3))
    base = problem(post_leaders=(bound,))
    result = roster_solve(base, time_limit_s=3)
    assert validate(base, result.duties) == []
    led = sorted(d.day for d in result.duties if d.site == "s1" and d.role == LEADER)
    # A 24-hour lead leaves no rest for the next day's: the 1st and the 3rd day.
    assert led == [START, START + timedelta(days=2)]
    assert all(
        d.staff == "l0" and d.shift == "lead" for d in result.duties if d.role == LEADER and d.site
    )
    # The unit still has its own duty leader every day (someone else than l0 on those days).
    unit_leads = [d for d in result.duties if d.role == LEADER and d.site is None]
    assert sorted(d.day for d in unit_leads) == base.dates
    # The day between is a shortage that says why: the rest after the lead.
    (gap,) = [s for s in result.shortages if s.role == LEADER]
    assert gap.site == "s1" and gap.day == START + timedelta(days=1)
    assert gap.eligible == 1 and gap.reasons == ("rest_rules",)


def test_nobody_else_leads_a_post_whose_leader_is_on_leave() -> None:
    base = problem(days=3, post_leaders=(PostLeader("s1", "l0", days(0, 3)),))
    base = with_staff(base, "l0", leave=days(0, 3))
    result = roster_solve(base, time_limit_s=2)
    assert validate(base, result.duties) == []
    assert not [d for d in result.duties if d.site == "s1" and d.role == LEADER]
    gaps = [s for s in result.shortages if s.role == LEADER]
    assert [(g.day, g.reasons) for g in gaps] == [(d, ("leave",)) for d in base.dates]


def test_an_auxiliary_or_a_stranger_bound_to_a_post_is_reported_not_placed() -> None:
    for staff_id in ("a0", "nobody"):
        base = problem(days=2, post_leaders=(PostLeader("s1", staff_id, days(0, 2)),))
        result = roster_solve(base, time_limit_s=2)
        assert validate(base, result.duties) == []
        gaps = [s for s in result.shortages if s.role == LEADER]
        assert len(gaps) == 2
        assert all(g.reasons == ("no_eligible_staff",) for g in gaps)


def test_a_validator_refuses_a_post_leader_who_is_not_bound() -> None:
    base = problem(days=2, post_leaders=(PostLeader("s1", "l0", days(0, 1)),))
    result = roster_solve(base, time_limit_s=2)
    lead = next(d for d in result.duties if d.site == "s1" and d.role == LEADER)
    wrong = replace(lead, staff="l1")
    others = [d for d in result.duties if d != lead]
    codes = {v.code for v in validate(base, [*others, wrong])}
    assert "not_eligible" in codes


# -- hours actually worked before the period ------------------------------------------------


def worked(count: int, minutes: int = 480, gap_days: frozenset[int] = frozenset()) -> dict:
    """Minutes on each of the ``count`` days before the start (day -1 is the last)."""
    return {
        START - timedelta(days=back): minutes
        for back in range(1, count + 1)
        if back not in gap_days
    }


def keen(staff_id: str, first: int, count: int) -> tuple[ShiftRequest, ...]:
    """Strong wishes to work each of those days, so only a rule keeps the person off."""
    return tuple(
        ShiftRequest(staff_id, START + timedelta(days=first + k), None, on=True, weight=900)
        for k in range(count)
    )


def first_run(result_duties: object, staff_id: str) -> int:
    on = {d.day for d in result_duties if d.staff == staff_id}  # type: ignore[attr-defined]
    run = 0
    while START + timedelta(days=run) in on:
        run += 1
    return run


def test_twelve_days_straight_gets_rest_first() -> None:
    base = problem(requests=keen("o0", 0, 4))
    plain = roster_solve(base, time_limit_s=2)
    assert first_run(plain.duties, "o0") >= 1  # the wish is honoured without history
    tired = with_staff(base, "o0", history=worked(12))
    result = roster_solve(tired, time_limit_s=2)
    assert validate(tired, result.duties) == []
    assert first_run(result.duties, "o0") == 0
    assert any(d.staff == "o0" for d in result.duties)  # rested, then back


def test_a_run_before_the_period_shortens_the_first_run_in_it() -> None:
    # Four short days before (the weekly hours do not bind): 4 + 2 is the 6-day limit.
    base = with_staff(problem(requests=keen("o0", 0, 5)), "o0", history=worked(4, minutes=60))
    result = roster_solve(base, time_limit_s=2)
    assert validate(base, result.duties) == []
    assert first_run(result.duties, "o0") <= 2
    on = [d for d in result.duties if d.staff == "o0" and d.day < START + timedelta(5)]
    assert len(on) == 4  # one day off among the five wished, no more


def test_weekly_hours_before_the_period_count() -> None:
    # 10 h on five of the six days before (50 h, over the 48 h week), last run 3 days.
    history = worked(6, minutes=600, gap_days=frozenset({4}))
    base = with_staff(problem(requests=keen("o0", 0, 2)), "o0", history=history)
    result = roster_solve(base, time_limit_s=2)
    assert validate(base, result.duties) == []
    assert first_run(result.duties, "o0") == 0
    # Without the hours the run alone would allow the wish.
    shorter = with_staff(base, "o0", history=worked(3, minutes=600))
    assert first_run(roster_solve(shorter, time_limit_s=2).duties, "o0") >= 1


def test_rest_after_the_last_work_done() -> None:
    # Signed out at 22:00 the evening before: with 12 h rest, nothing before 10:00.
    off = datetime.combine(START - timedelta(days=1), datetime.min.time()) + timedelta(hours=22)
    wish = (
        ShiftRequest("o0", START, "day", on=True, weight=900),
        ShiftRequest("o0", START, "night", on=True, weight=900),
    )
    base = with_staff(problem(days=2, requests=wish), "o0", last_off=off)
    result = roster_solve(base, time_limit_s=2)
    assert validate(base, result.duties) == []
    first = [d for d in result.duties if d.staff == "o0" and d.day == START]
    assert all(d.shift == "evening" for d in first)
    early = replace(result.duties[0], staff="o0", day=START, shift="day", site="s1", role=OFFICER)
    assert "short_rest" in {v.code for v in validate(base, [early])}


def test_hours_over_a_fair_week_ask_for_rest_at_the_start() -> None:
    base = with_staff(problem(), "o0", history=worked(7, minutes=540))  # 63 h: 23 over 40
    requests = translate(base).problem.requests
    asked = sorted(r.day for r in requests if r.person == "o0" and not r.on)
    assert asked == [0, 1, 2]
    result = roster_solve(base, time_limit_s=3)
    assert validate(base, result.duties) == []
    assert first_run(result.duties, "o0") == 0
    assert not [d for d in result.duties if d.staff == "o0" and d.day < START + timedelta(3)]


def test_greedy_and_exchanges_keep_the_rules_that_reach_back() -> None:
    base = problem()
    base = with_staff(base, "o0", history=worked(12))
    base = with_staff(base, "o1", history=worked(6, minutes=600, gap_days=frozenset({4})))
    general = translate(base).problem
    roster = greedy_roster(general, {})
    index = {p.id: i for i, p in enumerate(general.people)}
    assert (index["o0"], 0) not in roster and (index["o1"], 0) not in roster
    exchanges = Exchanges(general, {}, [])
    row = exchanges.row(roster, index["o0"])
    assert exchanges.keeps_rules(index["o0"], row)
    first_day = [("day", "x"), *row[1:]]
    assert not exchanges.keeps_rules(index["o0"], first_day)
    assert not exchanges.keeps_rules(
        index["o1"], [("day", "x"), *exchanges.row(roster, index["o1"])[1:]]
    )
