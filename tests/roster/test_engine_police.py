"""The police configuration: hard rules (checked by the independent validator), shortages,
bad input, wartime, re-rostering and rostering unit by unit."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest
from ortools.sat.python import cp_model

from fangkong.roster.engine import synthetic
from fangkong.roster.engine.build import fairness_targets, frozen_assignments
from fangkong.roster.engine.greedy import greedy_roster
from fangkong.roster.engine.lns import Incumbent, Search
from fangkong.roster.engine.model import RosterInputError
from fangkong.roster.engine.police import (
    AUXILIARY,
    LEADER,
    OFFICER,
    Duty,
    PoliceProblem,
    PoliceRules,
    ShiftRequest,
    Site,
    Staff,
    check,
    translate,
)
from fangkong.roster.engine.rostering import roster_resolve, roster_solve, roster_solve_units
from fangkong.roster.engine.shortage import shortage_text
from fangkong.roster.engine.solver import Progress
from fangkong.roster.engine.validate import validate

START = date(2026, 2, 2)  # a Monday
ROAD = {s: {OFFICER: 1, AUXILIARY: 1} for s in ("night", "day", "evening")}


def staff(number: int, role: str, **extra) -> Staff:
    return Staff(f"{role[0]}{number}", f"{role}{number}", frozenset({role}), unit="u", **extra)


def small(days: int = 7, officers: int = 6, auxiliaries: int = 5, **extra) -> PoliceProblem:
    """One road site (1 officer + 1 auxiliary a shift) and a duty leader a day."""
    people = (
        [staff(i, OFFICER) for i in range(officers)]
        + [staff(i, AUXILIARY) for i in range(auxiliaries)]
        + [staff(i, LEADER) for i in range(4)]
    )
    return PoliceProblem(
        start=START,
        days=days,
        sites=(Site("s1", "G30 张掖东收费站", ROAD, unit="u"),),
        staff=tuple(people),
        **extra,
    )


def test_full_cover_keeps_every_hard_rule() -> None:
    problem = small()
    result = roster_solve(problem, time_limit_s=3)
    assert validate(problem, result.duties) == []
    assert result.shortages == ()
    assert result.missing == 0
    leaders = [d for d in result.duties if d.role == LEADER]
    assert sorted(d.day for d in leaders) == problem.dates  # one duty leader a day
    assert not result.wartime and result.rules == problem.rules


def test_synthetic_brigade_roster_keeps_every_hard_rule() -> None:
    shape = synthetic.Shape(staff=60, sites=5, days=14, leaders=4)
    problem = synthetic.brigade(shape=shape)
    result = roster_solve(problem, time_limit_s=4)
    assert validate(problem, result.duties) == []
    assert result.duties


def test_shortage_is_explained_not_infeasible() -> None:
    problem = small(officers=2, auxiliaries=5)  # 3 officer shifts a day, 2 officers
    result = roster_solve(problem, time_limit_s=3)
    assert validate(problem, result.duties) == []
    assert result.status in ("optimal", "feasible")
    assert result.missing > 0
    item = result.shortages[0]
    assert item.site == "s1" and item.missing >= 1 and item.eligible >= 1
    assert set(item.reasons) <= {
        "on_duty",
        "rest_rules",
        "consecutive_days",
        "consecutive_nights",
        "weekly_hours",
        "no_officer",
        "leave",
        "other",
    }
    # Auxiliaries may not stand alone, so an uncovered officer post leaves them off too.
    officer_gaps = {(s.day, s.shift) for s in result.shortages if s.role == OFFICER}
    for s in result.shortages:
        if s.role == AUXILIARY:
            assert (s.day, s.shift) in officer_gaps


def test_site_without_eligible_staff_is_a_shortage() -> None:
    problem = small(days=2)
    problem = replace(problem, staff=tuple(p for p in problem.staff if OFFICER not in p.roles))
    result = roster_solve(problem, time_limit_s=2)
    assert validate(problem, result.duties) == []
    officer_items = [s for s in result.shortages if s.role == OFFICER]
    assert len(officer_items) == 6  # 2 days x 3 shifts
    assert all(s.reasons == ("no_eligible_staff",) for s in officer_items)
    aux_items = [s for s in result.shortages if s.role == AUXILIARY]
    assert aux_items and all("no_officer" in s.reasons for s in aux_items)
    text = shortage_text(officer_items[0], {"s1": "G30 张掖东收费站"}, {"night": "夜班"})
    assert text == "2026-02-02 夜班 G30 张掖东收费站: 缺民警 1 人"


def test_leave_over_the_whole_period_just_removes_the_person() -> None:
    problem = small(days=3)
    everyone_off = frozenset(problem.dates)
    first = replace(problem.staff[0], leave=everyone_off)
    problem = replace(problem, staff=(first, *problem.staff[1:]))
    result = roster_solve(problem, time_limit_s=2)
    assert not [d for d in result.duties if d.staff == first.id]
    assert validate(problem, result.duties) == []


def test_requests_are_honoured_when_possible() -> None:
    wish = ShiftRequest("o0", START + timedelta(days=1), None, on=False, weight=50)
    want = ShiftRequest("o1", START + timedelta(days=2), "evening", on=True, weight=50)
    result = roster_solve(small(requests=(wish, want)), time_limit_s=3)
    assert not [d for d in result.duties if d.staff == "o0" and d.day == wish.day]
    assert [d for d in result.duties if d.staff == "o1" and d.day == want.day][0].shift == "evening"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"days": 0}, "period_empty", "days"),
        (
            {"rules": PoliceRules(min_consecutive_days=7, max_consecutive_days=5)},
            "rules_contradictory",
            "rules.min_consecutive_days",
        ),
        (
            # 40 hours of rest forbids working two days running, which min 2 days requires.
            {"rules": PoliceRules(min_rest_hours=40, min_consecutive_days=2)},
            "rules_contradictory",
            "rules.min_rest_hours",
        ),
        (
            {"rules": PoliceRules(min_rest_hours=24 * 8)},
            "rules_contradictory",
            "rules.min_rest_hours",
        ),
        (
            {"rules": PoliceRules(max_hours_per_week=4)},
            "rules_contradictory",
            "rules.max_hours_per_week",
        ),
        ({"shift_pattern": "four"}, "invalid_value", "shift_pattern"),
        (
            {"sites": (Site("s1", "x", {"morning": {OFFICER: 1}}),)},
            "unknown_shift",
            "sites.s1.requirements",
        ),
        ({"requests": (ShiftRequest("nobody", START, None, False),)}, "unknown_staff", "requests"),
    ],
)
def test_bad_input_raises_a_clear_error(change: dict, code: str, field: str) -> None:
    problem = replace(small(days=3), **change)
    with pytest.raises(RosterInputError) as raised:
        check(problem)
    assert (raised.value.code, raised.value.field) == (code, field)
    with pytest.raises(RosterInputError):
        roster_solve(problem, time_limit_s=1)


def test_wartime_raises_the_limits_and_says_so() -> None:
    # Two officers cannot cover three 8-hour shifts a day under a 48-hour week; wartime's
    # 72 hours and shorter rest cover more.
    peace = roster_solve(small(officers=2), time_limit_s=3)
    war = roster_solve(small(officers=2, wartime=True), time_limit_s=3)
    assert war.wartime and war.rules.max_hours_per_week == 72
    assert validate(small(officers=2, wartime=True), war.duties) == []
    assert war.missing < peace.missing
    assert validate(small(officers=2), war.duties)  # breaks the peacetime rules


def test_twelve_hour_pattern_keeps_rest_after_nights() -> None:
    problem = small(days=7, shift_pattern="two", officers=5, auxiliaries=5)
    problem = replace(
        problem, sites=(Site("s1", "x", {"day": ROAD["day"], "night": ROAD["night"]}),)
    )
    result = roster_solve(problem, time_limit_s=3)
    assert validate(problem, result.duties) == []
    by_person: dict[str, dict[date, str]] = {}
    for d in result.duties:
        by_person.setdefault(d.staff, {})[d.day] = d.shift
    for days in by_person.values():
        for day, shift in days.items():
            assert not (shift == "night" and days.get(day + timedelta(days=1)) == "day")


def test_reroster_after_sick_leave_changes_little() -> None:
    problem = small(days=10, officers=7, auxiliaries=7)
    first = roster_solve(problem, time_limit_s=3)
    sick = next(
        d.staff for d in first.duties if d.role == OFFICER and d.day == START + timedelta(4)
    )
    sick_days = frozenset(START + timedelta(days=d) for d in (3, 4, 5))
    people = tuple(replace(p, leave=sick_days) if p.id == sick else p for p in problem.staff)
    again = replace(problem, staff=people, previous=first.duties)
    result = roster_resolve(again, time_limit_s=3)
    assert validate(again, result.duties) == []
    assert not [d for d in result.duties if d.staff == sick and d.day in sick_days]
    lost = [d for d in first.duties if d.staff == sick and d.day in sick_days]
    assert lost and result.changes
    assert all(c.day in {START + timedelta(days=d) for d in range(1, 8)} for c in result.changes)
    assert result.missing <= first.missing
    # Outside the neighbourhood nothing moved.
    far = {d for d in first.duties if d.day > START + timedelta(days=7)}
    assert far <= set(result.duties)


def test_a_covered_search_that_goes_quiet_returns_early() -> None:
    # The rule re-rostering uses: covered, and nothing better for a while, is good enough.
    problem = translate(small()).problem
    targets, frozen = fairness_targets(problem), frozen_assignments(problem)
    started = time.perf_counter()
    search = Search(problem, targets, frozen, deadline=started + 60, threads=1, seed=0, quiet_s=0.3)
    start = search.incumbent(greedy_roster(problem, {}, repair_s=5))
    assert start.under == 0
    found = search.run(start)
    assert found.objective <= start.objective
    assert time.perf_counter() - started < 30  # without the rule it searches all 60 s


def two_units_sharing_people() -> PoliceProblem:
    base = small(days=5, officers=4, auxiliaries=4)
    other = Site("s2", "G312 党寨检查站", ROAD, unit="v")
    shared = [replace(p, shared_units=frozenset({"v"})) for p in base.staff if p.id in ("o0", "a0")]
    own_v = [
        Staff(f"v{p.id}", p.name, p.roles, unit="v") for p in base.staff if p.id not in ("o0", "a0")
    ]
    rest = [p for p in base.staff if p.id not in ("o0", "a0")]
    return replace(base, sites=(*base.sites, other), staff=(*shared, *rest, *own_v))


def test_units_solved_in_turn_share_people_safely() -> None:
    problem = two_units_sharing_people()
    result = roster_solve_units(problem, time_limit_s=4)
    assert validate(problem, result.duties) == []
    assert {d.unit for d in result.duties} == {"u", "v"}


def test_several_units_as_one_problem() -> None:
    problem = two_units_sharing_people()
    result = roster_solve(problem, time_limit_s=3)
    assert validate(problem, result.duties) == []
    leaders = {(d.unit, d.day) for d in result.duties if d.role == LEADER}
    assert len(leaders) == 2 * problem.days  # each unit its own duty leader every day


def test_reroster_after_someone_leaves() -> None:
    problem = small(days=6, officers=7, auxiliaries=7)
    first = roster_solve(problem, time_limit_s=2)
    gone = next(d.staff for d in first.duties if d.role == AUXILIARY)
    again = replace(
        problem,
        staff=tuple(p for p in problem.staff if p.id != gone),
        previous=first.duties,
    )
    result = roster_resolve(again, time_limit_s=2)
    assert validate(again, result.duties) == []
    assert not [d for d in result.duties if d.staff == gone]
    assert result.missing <= first.missing + 1


def test_validator_catches_broken_rules() -> None:
    problem = small(days=8)
    bad = [
        Duty("a0", START, "day", "s1", AUXILIARY, "u"),  # no officer on that shift
        Duty("o0", START, "evening", "s1", OFFICER, "u"),
        Duty("o0", START + timedelta(1), "day", "s1", OFFICER, "u"),  # 8 h after the evening
        Duty("o1", START, "night", "s1", OFFICER, "u"),
        Duty("o1", START + timedelta(1), "day", "s1", OFFICER, "u"),  # night -> day
        Duty("a1", START + timedelta(2), "night", "s1", OFFICER, "u"),  # wrong role
    ]
    bad += [Duty("o2", START + timedelta(d), "night", "s1", OFFICER, "u") for d in range(7)]
    codes = {v.code for v in validate(problem, bad)}
    assert {
        "auxiliary_alone",
        "short_rest",
        "forbidden_succession",
        "wrong_role",
        "too_many_days",
        "too_many_nights",
        "weekly_hours",
    } <= codes


def test_a_short_look_is_limited_in_work_not_seconds() -> None:
    # Once covered, looks are limited in CP-SAT's deterministic time, so that the search
    # behaves alike on machines of different speed; the seconds are only a safety net.
    problem = translate(synthetic.brigade()).problem
    targets, frozen = fairness_targets(problem), frozen_assignments(problem)
    search = Search(problem, targets, frozen, deadline=time.perf_counter() + 120, threads=1, seed=0)
    start = search.incumbent(greedy_roster(problem, {}, repair_s=5))
    assert start.under == 0
    free = search._cells(range(40), 0, problem.days)
    started = time.perf_counter()
    status, _ = search._solve_part(start, free, limit=60.0, work=0.001)
    assert status != cp_model.OPTIMAL
    # Without the work limit CP-SAT works on this part for the whole minute.
    assert time.perf_counter() - started < 30


def test_looks_grow_longer_once_only_a_few_costs_are_left() -> None:
    problem = translate(synthetic.brigade()).problem
    targets, frozen = fairness_targets(problem), frozen_assignments(problem)
    search = Search(
        problem,
        targets,
        frozen,
        deadline=time.perf_counter() + 60,
        threads=1,
        seed=0,
        polish_dtime=0.06,
        finish=(30, 0.3),
    )

    def costing(**costs: int) -> Incumbent:
        return Incumbent({}, costs)

    assert search._work_limit(costing(cover_under=10_000, group_change=3)) is None
    assert search._work_limit(costing(group_change=33)) == 0.06
    assert search._work_limit(costing(group_change=30)) == 0.3
    assert search._work_limit(costing(group_change=3, home=2)) == 0.3
    # Re-rostering keeps its limit in seconds throughout.
    search.polish_dtime = None
    assert search._work_limit(costing(group_change=3)) is None


def test_a_solve_reports_progress_and_stops_when_asked() -> None:
    problem = synthetic.brigade(shape=synthetic.Shape(days=7))
    stop = threading.Event()
    heard = []

    def progress(found: Progress) -> None:
        heard.append(found)
        stop.set()  # as a leader pressing "stop" once a first roster shows

    started = time.perf_counter()
    result = roster_solve(problem, time_limit_s=30, stop=stop, progress=progress)
    assert time.perf_counter() - started < 10, "the stop was not heard"
    assert heard and heard[0].missing >= 0 and heard[0].elapsed_s >= 0
    assert result.duties and not validate(problem, result.duties)
    assert heard[-1].missing == sum(
        s.missing for s in result.shortages if s.site is not None or s.role == LEADER
    )
