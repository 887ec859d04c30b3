"""The duty records feed the next roster (issue 22, items 4 and 5): the leader bound to a key
post (包保) leads it, and the hours actually worked before the period (sign-ins, then the
published roster for days not over) continue into its rules and balance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fangkong.duty.models import PostLeader, SignIn
from fangkong.roster import history, selectors, services
from fangkong.roster.choices import RosterStatus
from fangkong.roster.engine import police
from fangkong.roster.engine.rostering import roster_solve
from fangkong.roster.engine.validate import validate
from tests.roster.test_app import START, engine_violations, generate, make_brigade

pytestmark = pytest.mark.django_db

CST = ZoneInfo("Asia/Shanghai")


def test_the_leader_bound_to_a_key_post_leads_it(tree: Any, brigade_officer: Any) -> None:
    brigade = make_brigade(tree, officers=10, auxiliaries=8, leaders=6)
    site, leader = brigade.sites[0], brigade.leaders[0]
    PostLeader.objects.create(
        site=site, leader=leader, starts_on=START - timedelta(days=3), ends_on=START + timedelta(1)
    )
    data = services.build_input(unit=brigade.unit, start=START, days=4, wartime=False)
    assert data.problem.post_leaders == (
        police.PostLeader(str(site.pk), str(leader.pk), frozenset({START, START + timedelta(1)})),
    )
    roster = generate(brigade_officer, brigade.unit, time_limit_s=3)
    assert engine_violations(roster) == []
    led = roster.assignments.filter(site=site, role="leader")
    assert [(d.date, d.staff_id, d.shift) for d in led] == [(START, leader.pk, "lead")]
    # The day after a 24-hour lead is rest: the roster says so instead of leaving it out.
    (gap,) = roster.shortages.filter(site=site, role="leader")
    assert gap.date == START + timedelta(1)
    assert [code for code, _count in gap.reasons] == ["rest_rules"]
    # The calendar shows the post's lead above its shifts.
    rows = selectors.site_calendar(
        roster, list(roster.assignments.select_related("staff", "site")), [gap]
    )
    lead_row = next(r for r in rows if r.site == site and r.shift == "lead")
    assert lead_row.cells[0].names == [leader.name] and lead_row.cells[1].missing == 1


def sign_ins(staff: Any, site: Any, days: int, hours: int, last: datetime) -> None:
    """``days`` days of work ending the day of ``last``, each ``hours`` long from 08:00."""
    rows = []
    for back in range(days):
        begin = (last - timedelta(days=back)).replace(hour=8, minute=0)
        for kind, at in (("in", begin), ("out", begin + timedelta(hours=hours))):
            key = f"h{staff.pk}-{back}-{kind}"
            rows.append(SignIn(staff=staff, site=site, kind=kind, at=at, idempotency_key=key))
    SignIn.objects.bulk_create(rows)


@time_machine.travel(datetime(2026, 2, 2, 7, 0, tzinfo=CST), tick=False)
def test_twelve_days_worked_rest_first_in_the_next_roster(tree: Any, brigade_officer: Any) -> None:
    brigade = make_brigade(tree, officers=10, auxiliaries=8, leaders=6)
    tired, fresh = brigade.officers[0], brigade.officers[1]
    yesterday = datetime(2026, 2, 1, 12, 0, tzinfo=CST)
    sign_ins(tired, brigade.sites[0], days=12, hours=9, last=yesterday)
    sign_ins(fresh, brigade.sites[0], days=1, hours=8, last=yesterday)
    data = services.build_input(unit=brigade.unit, start=START, days=4, wartime=False)
    engine = {p.id: p for p in data.problem.staff}
    worked = engine[str(tired.pk)]
    assert len(worked.history) == 12 and set(worked.history.values()) == {540}
    assert worked.last_off == datetime(2026, 2, 1, 17, 0, tzinfo=CST)
    assert sum(engine[str(fresh.pk)].history.values()) == 480
    # The hours over a fair week ask the tired one off the first days (63 h: 3 days).
    asked = [r for r in police.translate(data.problem).problem.requests if not r.on]
    assert {(r.person, r.day) for r in asked} == {(str(tired.pk), d) for d in range(3)}
    roster = generate(brigade_officer, brigade.unit, time_limit_s=3)
    assert engine_violations(roster) == []
    assert not roster.assignments.filter(staff=tired, date=START).exists()
    # The engine's own validator refuses putting them on the first day: 13 days running.
    on_first_day = police.Duty(
        str(tired.pk), START, "evening", str(brigade.sites[0].pk), police.OFFICER, ""
    )
    codes = {v.code for v in validate(data.problem, [on_first_day])}
    assert "too_many_days" in codes


@time_machine.travel(datetime(2026, 2, 2, 7, 0, tzinfo=CST), tick=False)
def test_published_duties_count_for_the_days_not_over(tree: Any, brigade_officer: Any) -> None:
    brigade = make_brigade(tree, officers=10, auxiliaries=8, leaders=6)
    first = generate(brigade_officer, brigade.unit, days=3, time_limit_s=2)
    services.roster_publish(actor=brigade_officer, roster=first, accept_shortfall=True)
    first.refresh_from_db()
    assert first.status == RosterStatus.PUBLISHED
    later = START + timedelta(days=3)
    worked = history.worked_before([s.pk for s in brigade.officers], later)
    for duty in first.assignments.filter(staff__in=brigade.officers):
        assert worked[duty.staff_id].minutes[duty.date] == 480  # the three-shift pattern
    data = services.build_input(unit=brigade.unit, start=later, days=3, wartime=False)
    result = roster_solve(data.problem, time_limit_s=2)
    assert validate(data.problem, result.duties) == []  # rules kept across the two periods
