"""The dashboard page, the wall display, the phone view and the units workbook."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import time_machine
from openpyxl import load_workbook

from fangkong.core.models import AuditLog
from tests.command.conftest import make_check
from tests.conftest import login
from tests.factories import SiteFactory

NOW = datetime(2026, 11, 22, 4, 30, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_dashboard_page_in_chinese(sites: Any, commander: Any) -> None:
    make_check(sites["ganzhou"][0], at=NOW - timedelta(minutes=10))
    html = login(commander).get("/command/").content.decode()
    assert "指挥中心" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "vendor/leaflet/leaflet.js" in html
    assert 'id="command-data"' in html
    assert "静默卡点" in html and "劝返" in html and "来源地" in html
    assert "body" in html and 'class="command"' in html


@time_machine.travel(NOW, tick=False)
def test_dashboard_page_in_english_and_wall_mode(sites: Any, commander: Any) -> None:
    client = login(commander)
    client.cookies["django_language"] = "en"
    html = client.get("/command/?wall=1").content.decode()
    assert "Command centre" in html and "Quiet sites" in html
    assert 'class="command wall"' in html


def test_dashboard_needs_login_and_stays_in_jurisdiction(
    sites: Any, brigade_officer: Any, tree: Any
) -> None:
    from django.test import Client

    assert Client().get("/command/").status_code == 302
    client = login(brigade_officer)
    assert client.get("/command/").status_code == 200
    assert client.get(f"/command/?unit={tree.linze.pk}").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_phone_view_shows_my_unit_today(sites: Any, brigade_officer: Any) -> None:
    make_check(sites["ganzhou"][0], at=NOW - timedelta(minutes=10), outcome="refer_health")
    make_check(sites["linze"][0], at=NOW - timedelta(minutes=10))
    response = login(brigade_officer).get("/command/me/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "甘州大队" in html and "临泽大队" not in html
    assert response.context["totals"]["today"] == 1
    assert response.context["outcomes"]["outcome_refer_health"] == 1


@time_machine.travel(NOW, tick=False)
def test_phone_view_lists_every_quiet_site_with_the_rest_behind_more(
    tree: Any, brigade_officer: Any
) -> None:
    names = [f"静默卡点{n:02d}" for n in range(12)]
    for name in names:
        SiteFactory(unit=tree.ganzhou, name=name)
    html = login(brigade_officer).get("/command/me/").content.decode()
    assert all(name in html for name in names)
    assert '<details class="more">' in html
    assert "另有 4 个" in html


@time_machine.travel(NOW, tick=False)
def test_units_workbook_reopens_with_the_figures(sites: Any, commander: Any) -> None:
    for _ in range(3):
        make_check(sites["linze"][0], at=NOW - timedelta(minutes=10))
    make_check(sites["linze"][0], at=NOW - timedelta(days=1))
    sites_linze_name = sites["linze"][0].name
    response = login(commander).post("/command/units.xlsx", {"reason": "每日通报"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["临泽大队"][1:4] == (3, 1, 0)
    assert rows["临泽大队"][4] == 200.0
    assert "单位" in [c.value for c in sheet[2]]
    assert AuditLog.objects.filter(action="command.units_export").count() == 1
    # Every other table of the dashboard has its sheet.
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "单位",
        "防控点",
        "分时段",
        "逐日",
        "来源地",
        "静默卡点",
        "当班警力不足",
    ]
    sites = {r[0]: r for r in book["防控点"].iter_rows(min_row=3, values_only=True)}
    assert sites[sites_linze_name][3] == 3
    assert sites[sites_linze_name][2] in {"公安检查站", "收费站", "国道卡口", "县乡道路卡口"} or (
        sites[sites_linze_name][2] and not sites[sites_linze_name][2].isascii()
    )  # a label, not a code
    assert "截至" in book["防控点"]["A1"].value  # the title row, to what time
    hours = list(book["分时段"].iter_rows(min_row=3, values_only=True))
    assert len(hours) == 24 and sum(h[1] or 0 for h in hours) == 3


@time_machine.travel(NOW, tick=False)
def test_pages_run_in_bounded_queries(
    sites: Any, commander: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    make_check(sites["ganzhou"][0], at=NOW - timedelta(minutes=10))
    client = login(commander)
    client.get("/command/me/")
    # The figures, the alerts (quiet sites, understaffed posts from the published rosters) and
    # the page's own (session, user, roles).
    with django_assert_max_num_queries(15):
        assert client.get("/command/?first=2026-11-01").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/command/me/").status_code == 200
    # The report reads each of its sections once, whatever the number of units and sites.
    with django_assert_max_num_queries(24):
        assert client.get(f"/command/reports/{tree.detachment.pk}/2026-11-22/").status_code == 200
    page = client.get("/command/?first=2026-11-01")
    assert page.context["data"]["trends"][0]["date"].isoformat() == "2026-11-01"
