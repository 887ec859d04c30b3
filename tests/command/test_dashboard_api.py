"""Dashboard figures: right numbers, within the caller's jurisdiction, in a bounded number
of queries, from the rollups only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from fangkong.command import selectors
from fangkong.screening.models import Check
from fangkong.sites.choices import SiteStatus
from tests.command.conftest import make_check, make_group
from tests.conftest import login

NOW = datetime(2026, 11, 22, 4, 30, tzinfo=UTC)  # 12:30 in Zhangye


@pytest.fixture
def traffic(sites: Any) -> dict[str, Any]:
    """Ganzhou: 3 checks today (one persuaded back), 2 yesterday, 1 a week ago; Linze: 4
    today (one referred to health), from Sichuan and Beijing."""
    g, gsquad, lz = sites["ganzhou"][0], sites["ganzhou"][2], sites["linze"][0]
    make_check(g, at=NOW - timedelta(hours=1), group=make_group(g, origin="620702"))
    make_check(g, at=NOW - timedelta(hours=1), outcome="persuade_return")
    make_check(gsquad, at=NOW - timedelta(hours=3))
    for hours in (24, 25):
        make_check(g, at=NOW - timedelta(hours=hours))
    make_check(g, at=NOW - timedelta(days=7))
    for i in range(4):
        group = make_group(lz, origin="510104" if i < 3 else "110105", plate=f"川A1234{i}")
        make_check(
            lz,
            at=NOW - timedelta(minutes=5),
            group=group,
            outcome="refer_health" if i == 0 else "pass",
        )
    # Closed Linze site never counts as quiet; the second Linze site is open and silent.
    sites["linze"][1].status = SiteStatus.OPEN
    sites["linze"][1].save()
    return sites


@time_machine.travel(NOW, tick=False)
def test_commander_sees_each_brigade_summing_its_subtree(
    traffic: Any, commander: Any, tree: Any
) -> None:
    body = login(commander).get("/api/v1/command/dashboard").json()
    units = {u["name"]: u for u in body["units"]}
    assert (units["甘州大队"]["today"], units["甘州大队"]["yesterday"]) == (3, 2)
    # To 12:30: the 12:00 hour of the earlier days counts for half (rounded up).
    assert units["甘州大队"]["last_week"] == units["甘州大队"]["last_week_full"] == 1
    assert units["甘州大队"]["yesterday_full"] == 2
    assert units["甘州大队"]["persuade_return"] == 1
    assert units["甘州大队"]["change_day"] == 50.0
    assert (units["临泽大队"]["today"], units["临泽大队"]["refer_health"]) == (4, 1)
    assert body["totals"]["today"] == 7
    assert body["origins"][0] == {"code": "510000", "name": "四川省", "count": 3}
    assert sum(p["persons"] or 0 for p in body["hourly"]) == 7
    assert body["hourly"][12]["persons"] == 4  # 12:25 local
    assert body["hourly"][13]["persons"] is None  # still to come: not drawn as a zero
    assert body["until"].startswith("2026-11-22T12:30")
    assert body["outcomes"]["vehicles"] == 4
    assert body["trends"][-1]["refer_health"] == 1
    quiet = {s["name"] for s in body["quiet"]}
    assert traffic["linze"][1].name in quiet
    assert traffic["linze"][0].name not in quiet
    volumes = {s["id"]: s for s in body["sites"]}
    assert volumes[traffic["linze"][0].pk]["volume"] == 4


@time_machine.travel(NOW, tick=False)
def test_brigade_sees_only_its_part(traffic: Any, brigade_officer: Any, tree: Any) -> None:
    client = login(brigade_officer)
    body = client.get("/api/v1/command/dashboard").json()
    assert body["totals"]["today"] == 3
    assert {u["name"] for u in body["units"]} == {"甘州一中队", "甘州大队"}
    assert {o["code"] for o in body["origins"]} == {"620000"}
    assert all(s["unit"] in ("甘州大队", "甘州一中队") for s in body["sites"])
    assert all(q["unit"] != "临泽大队" for q in body["quiet"])
    refused = client.get(f"/api/v1/command/dashboard?unit={tree.linze.pk}")
    assert refused.status_code == 404
    narrowed = client.get(f"/api/v1/command/units?unit={tree.ganzhou_squad.pk}").json()
    # A squad has no units below it: one row, for the sites it holds itself.
    assert [(u["name"], u["today"]) for u in narrowed] == [("甘州一中队", 1)]
    hourly = client.get(f"/api/v1/command/hourly?unit={tree.ganzhou_squad.pk}").json()
    assert sum(p["persons"] or 0 for p in hourly) == 1


@time_machine.travel(NOW, tick=False)
def test_each_endpoint_answers(traffic: Any, commander: Any) -> None:
    client = login(commander)
    for name in ("units", "hourly", "outcomes", "origins", "trends", "quiet", "sites"):
        response = client.get(f"/api/v1/command/{name}?kind=toll_station")
        assert response.status_code == 200, name
    assert (
        client.get("/api/v1/command/dashboard?kind=community_gate").json()["totals"]["today"] == 0
    )
    assert client.get("/api/v1/command/dashboard?quiet_hours=0").status_code == 422


def test_anonymous_is_refused(db: Any) -> None:
    from django.test import Client

    assert Client().get("/api/v1/command/dashboard").status_code == 401


@time_machine.travel(NOW, tick=False)
def test_dashboard_reads_only_rollups_in_bounded_queries(
    traffic: Any, commander: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(commander)
    client.get("/api/v1/command/dashboard")  # warm the session
    Check.objects.all().delete()  # the purge: the dashboard must not need raw checks
    with django_assert_max_num_queries(14):
        body = client.get("/api/v1/command/dashboard").json()
    assert body["totals"]["today"] == 7


@time_machine.travel(NOW, tick=False)
def test_a_site_is_quiet_against_its_own_usual_traffic(sites: Any, commander: Any) -> None:
    # 12:30 local. Each site is judged by its own last days in the same hours.
    busy, night, checked = sites["ganzhou"][0], sites["ganzhou"][1], sites["ganzhou"][2]
    never = sites["linze"][1]
    for site in (busy, night, checked, never):
        site.status = SiteStatus.OPEN
        site.save()
    for days in (1, 2, 3):
        for _ in range(5):  # five persons at 11:40 every day
            make_check(busy, at=NOW - timedelta(days=days, minutes=50))
            make_check(checked, at=NOW - timedelta(days=days, minutes=50))
        make_check(night, at=NOW - timedelta(days=days, hours=9))  # one at 03:30
    make_check(checked, at=NOW - timedelta(minutes=10))
    scope = selectors.scope_for_user(user=commander)
    quiet = {s["name"]: s["usual"] for s in selectors.quiet_sites(scope=scope, quiet_hours=2)}
    assert quiet.get(busy.name) == 5.0  # silent since 11:00, usually five by now
    assert night.name not in quiet  # a county road at noon: nobody expected
    assert checked.name not in quiet
    assert never.name in quiet and quiet[never.name] is None  # open, no check in two weeks
    # Over the last hour only, the busy site's usual traffic is none: not raised.
    quiet = {s["name"] for s in selectors.quiet_sites(scope=scope, quiet_hours=1)}
    assert busy.name not in quiet and never.name in quiet


@time_machine.travel(NOW, tick=False)
def test_usual_traffic_is_kept_for_the_hour_and_dropped_by_a_late_check(
    sites: Any, commander: Any, django_assert_num_queries: Any
) -> None:
    night = sites["ganzhou"][1]
    night.status = SiteStatus.OPEN
    night.save()
    for days in (1, 2, 3):
        make_check(night, at=NOW - timedelta(days=days, hours=9))  # one at 03:30
    scope = selectors.scope_for_user(user=commander)
    assert night.name not in {s["name"] for s in selectors.quiet_sites(scope=scope)}
    with django_assert_num_queries(1):  # the silent sites; their usual traffic is kept
        selectors.quiet_sites(scope=scope)
    for _ in range(10):  # yesterday at 11:40, synced late from an officer's phone
        make_check(night, at=NOW - timedelta(days=1, minutes=50))
    quiet = {s["name"]: s["usual"] for s in selectors.quiet_sites(scope=scope)}
    assert quiet[night.name] == 3.3  # ten persons over its three days


@time_machine.travel(NOW, tick=False)
def test_no_roster_published_is_said_as_such(traffic: Any, commander: Any) -> None:
    body = login(commander).get("/api/v1/command/dashboard").json()
    assert body["roster_published"] is False and body["understaffed"] == []
    page = login(commander).get("/command/").content.decode()
    assert "今日未发布勤务排班" in page


def test_understaffed_sites_of_the_shift_on_duty(sites: Any, tree: Any, commander: Any) -> None:
    # Published rosters' shortages on the shift running now (12:30: the day shift) are raised;
    # another shift's, a draft's and another brigade's (for a brigade user) are not.
    from fangkong.roster.models import Roster, RosterShortage

    g, lz = sites["ganzhou"][0], sites["linze"][0]
    today = NOW.date()
    published = Roster.objects.create(unit=tree.ganzhou, start=today, days=7, status="published")
    draft = Roster.objects.create(unit=tree.ganzhou, start=today, days=7)
    linze = Roster.objects.create(unit=tree.linze, start=today, days=7, status="published")
    for roster, site, shift, role in (
        (published, g, "day", "officer"),
        (published, g, "day", "auxiliary"),
        (published, g, "evening", "officer"),
        (draft, sites["ganzhou"][1], "day", "officer"),
        (linze, lz, "day", "officer"),
    ):
        RosterShortage.objects.create(
            roster=roster, date=today, shift=shift, site=site, role=role, missing=1
        )
    with time_machine.travel(NOW, tick=False):
        body = login(commander).get("/api/v1/command/dashboard").json()
        brigade = selectors.dashboard(scope=selectors.Scope(unit=tree.ganzhou), day=today)
    short = {s["name"]: s["missing"] for s in body["understaffed"]}
    assert short == {g.name: {"officer": 1, "auxiliary": 1}, lz.name: {"officer": 1}}
    assert "1" in body["understaffed"][0]["text"]
    assert [s["name"] for s in brigade["understaffed"]] == [g.name]


@pytest.mark.parametrize(
    ("pattern", "local", "expected"),
    [
        ("three", "2026-11-22 00:10", ("2026-11-22", "night")),
        ("three", "2026-11-22 12:30", ("2026-11-22", "day")),
        ("three", "2026-11-22 23:59", ("2026-11-22", "evening")),
        ("two", "2026-11-22 07:59", ("2026-11-21", "night")),  # began yesterday at 20:00
        ("two", "2026-11-22 08:00", ("2026-11-22", "day")),
        ("two", "2026-11-22 20:00", ("2026-11-22", "night")),
    ],
)
def test_running_shift(pattern: str, local: str, expected: tuple[str, str]) -> None:
    from fangkong.roster.selectors import running_shift

    day, shift = running_shift(pattern, datetime.fromisoformat(local))
    assert (day.isoformat(), shift) == expected
