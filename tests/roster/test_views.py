"""Roster pages and API: rendering within a query budget, jurisdiction, Excel, phone view."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from ninja.testing import TestClient
from openpyxl import load_workbook

from fangkong.core.models import AuditLog
from fangkong.jobs.models import Job
from fangkong.roster import services
from fangkong.roster.api import router
from fangkong.roster.choices import RosterStatus
from fangkong.roster.models import Leave, Roster, RosterRules
from tests.conftest import login
from tests.jobs.worker import run_queued_jobs
from tests.roster.test_app import START, Brigade, generate, make_brigade

# Pages are looked at on the roster's first morning, so "my duties" shows the published week.
NOW = "2026-02-02T01:00:00+00:00"


@pytest.fixture
def brigade(tree: Any) -> Brigade:
    return make_brigade(tree)


@pytest.fixture
def roster(brigade: Brigade, brigade_officer: Any) -> Roster:
    return generate(brigade_officer, brigade.unit, days=4, time_limit_s=1)


def test_list_detail_and_people_pages(
    roster: Roster, brigade_officer: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(brigade_officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("roster:list"))
    assert page.status_code == 200
    assert "甘州大队" in page.text and "排班" in page.text
    with django_assert_max_num_queries(14):
        page = client.get(reverse("roster:detail", args=[roster.pk]))
    assert page.status_code == 200
    html = page.text
    assert 'id="site-calendar"' in html and "G30张掖东收费站" in html
    assert "夜班" in html and "白班" in html and "中班" in html and "带班领导" in html
    assert "发布" in html  # the publish button of a draft
    with django_assert_max_num_queries(12):
        page = client.get(reverse("roster:people", args=[roster.pk]))
    assert page.status_code == 200
    duty = roster.assignments.select_related("staff").first()
    assert duty.staff.name in page.text


def test_pages_in_english(roster: Roster, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("roster:detail", args=[roster.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Night shift" in page.text and "Publish" in page.text


def test_generate_form(brigade: Brigade, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    page = client.get(reverse("roster:generate"))
    assert page.status_code == 200
    # The native date picker needs an ISO date, whatever the Chinese date format is.
    assert re.search(r'type="date" name="start" value="\d{4}-\d{2}-\d{2}"', page.text)
    form = {"unit": brigade.unit.pk, "start": START.isoformat(), "days": 2, "time_limit_s": 1}
    answer = client.post(reverse("roster:generate"), form | {"wartime": "on"})
    # The page does not solve: it starts a job and goes to its progress.
    job = Job.objects.get()
    assert answer.status_code == 302
    assert answer.url.startswith(reverse("jobs:detail", args=[job.pk]) + "?follow=1")
    assert not Roster.objects.exists()
    listing = client.get(reverse("roster:list"))
    assert f'id="job-{job.pk}"' in listing.text  # leave the page and come back: it is there
    run_queued_jobs()
    done = client.get(answer.url, HTTP_HX_REQUEST="true")
    roster = Roster.objects.get()
    assert done["HX-Redirect"] == reverse("roster:detail", args=[roster.pk])
    assert roster.wartime is True
    assert f'id="job-{job.pk}"' not in client.get(reverse("roster:list")).text


def test_generate_form_shows_bad_input_on_the_field(brigade: Brigade, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    form = {"unit": brigade.unit.pk, "start": START.isoformat(), "days": 0, "time_limit_s": 1}
    page = client.post(reverse("roster:generate"), form)
    assert page.status_code == 200
    assert "排班期至少为 1 天。" in page.text
    assert not Roster.objects.exists()


def test_other_brigade_cannot_see_or_generate(
    roster: Roster, brigade: Brigade, other_officer: Any
) -> None:
    client = login(other_officer)
    assert client.get(reverse("roster:detail", args=[roster.pk])).status_code == 404
    assert client.get(reverse("roster:export", args=[roster.pk])).status_code == 404
    assert client.post(reverse("roster:publish", args=[roster.pk])).status_code == 404
    assert "甘州大队" not in client.get(reverse("roster:list")).text
    form = {"unit": brigade.unit.pk, "start": START.isoformat(), "days": 2, "time_limit_s": 1}
    page = client.post(reverse("roster:generate"), form)
    assert page.status_code == 200 and Roster.objects.count() == 1  # not a choice for Linze
    site = brigade.sites[0]
    assert client.get(reverse("roster:staffing", args=[site.pk])).status_code == 404


def test_login_required(roster: Roster, client: Any) -> None:
    answer = client.get(reverse("roster:detail", args=[roster.pk]))
    assert answer.status_code == 302 and "/accounts/login/" in answer.url


def test_publish_button(roster: Roster, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    answer = client.post(reverse("roster:publish", args=[roster.pk]))
    assert answer.status_code == 302
    roster.refresh_from_db()
    assert (roster.status, roster.version) == (RosterStatus.PUBLISHED, 1)


def test_excel_export_opens_again(roster: Roster, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    answer = client.post(reverse("roster:export", args=[roster.pk]), {"reason": "排班备案"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(answer.content))
    assert book.sheetnames[:3] == ["按点位", "按人员", "缺员"]
    by_site = book["按点位"]
    title = by_site["A1"].value
    assert roster.unit.name in title and START.isoformat() in title and "勤务排班" in title
    assert all(book[name]["A1"].value == title for name in book.sheetnames)
    with translation.override("zh-hans"):
        assert by_site["A2"].value == translation.gettext("Site")
    assert by_site["C2"].value == START.isoformat()
    assert by_site["A3"].value == "带班领导"
    leader = roster.assignments.select_related("staff").get(role="leader", date=START)
    assert leader.staff.name in by_site["C3"].value
    places = {by_site.cell(row=r, column=1).value for r in range(3, by_site.max_row + 1)}
    assert "G30张掖东收费站" in places
    people = book["按人员"]
    names = {people.cell(row=r, column=1).value for r in range(3, people.max_row + 1)}
    assert names == set(roster.assignments.values_list("staff__name", flat=True))
    audit = AuditLog.objects.get(action="roster.export", target_id=str(roster.pk))
    assert (audit.reason, audit.ip) == ("排班备案", "127.0.0.1")


def test_reroster_page_lists_changes(roster: Roster, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    services.roster_publish(actor=brigade_officer, roster=roster)
    duty = roster.assignments.filter(role="officer", date=START + timedelta(days=2)).first()
    assert client.get(reverse("roster:reroster", args=[roster.pk])).status_code == 200
    day = duty.date.isoformat()
    form = {"staff": duty.staff_id, "starts_on": day, "ends_on": day, "kind": "sick"}
    answer = client.post(reverse("roster:reroster", args=[roster.pk]), form)
    assert answer.status_code == 302
    assert Leave.objects.get().kind == "sick"  # recorded at once, whatever the job does
    run_queued_jobs()
    new = Roster.objects.get(based_on=roster)
    done = client.get(answer.url, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == reverse("roster:detail", args=[new.pk])
    page = client.get(done["HX-Redirect"])
    assert "与原排班相比的调整" in page.text and duty.staff.name in page.text


@time_machine.travel(NOW)
def test_my_duties_on_the_phone(
    roster: Roster, brigade_officer: Any, django_assert_max_num_queries: Any
) -> None:
    services.roster_publish(actor=brigade_officer, roster=roster)
    duty = roster.assignments.select_related("staff").first()
    user = duty.staff.user
    if user is None:
        from tests.factories import UserFactory

        user = UserFactory()
        duty.staff.user = user
        duty.staff.save(update_fields=["user"])
    client = login(user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("roster:me"))
    assert page.status_code == 200
    assert page.text.count('class="duty ') == roster.assignments.filter(staff=duty.staff).count()
    assert 'name="viewport"' in page.text


def test_staffing_page_and_accept(brigade: Brigade, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    site = brigade.sites[0]
    page = client.get(reverse("roster:staffing", args=[site.pk]))
    assert page.status_code == 200
    assert "synthetic" in page.text and "vendor/echarts/echarts.min.js" in page.text
    assert 'id="staffing-data"' in page.text
    answer = client.post(
        reverse("roster:staffing", args=[site.pk]), {"officers": 2, "auxiliaries": 3}
    )
    assert answer.status_code == 302
    site.refresh_from_db()
    assert (site.required_officers, site.required_auxiliaries) == (2, 3)


def test_staffing_follows_the_queue_assumptions(brigade: Brigade, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    url = reverse("roster:staffing", args=[brigade.sites[0].pk])
    default = client.get(url).context["proposal"]
    slower = client.get(url, {"service": "6", "wait": "1"}).context["proposal"]
    assert (slower.service_minutes, slower.target_wait_minutes) == (6.0, 1.0)
    assert sum(slower.servers) > sum(default.servers)
    # Bad input: the message on the field, and the defaults meanwhile.
    page = client.get(url, {"wait": "abc", "service": "99"})
    assert page.status_code == 200
    assert set(page.context["queue"].errors) == {"wait", "service"}
    assert page.context["proposal"].target_wait_minutes == default.target_wait_minutes


def test_api_lists_and_gets_in_scope(
    roster: Roster, brigade_officer: Any, other_officer: Any
) -> None:
    api = TestClient(router)
    mine = api.get("/rosters", user=brigade_officer).json()
    assert [r["id"] for r in mine] == [roster.pk]
    assert api.get("/rosters", user=other_officer).json() == []
    detail = api.get(f"/rosters/{roster.pk}", user=brigade_officer).json()
    assert detail["duties"] and detail["status"] == "draft"


def test_api_starts_a_solve_as_a_job(brigade: Brigade, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    payload = {"unit_id": brigade.unit.pk, "start": START.isoformat(), "days": 2}
    answer = client.post("/api/v1/rosters", payload | {"time_limit_s": 1}, "application/json")
    assert answer.status_code == 202
    job = answer.json()
    assert job["status"] == "queued" and job["kind"] == "roster.generate"
    bad = client.post("/api/v1/rosters", payload | {"days": 0}, "application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "period_empty"
    run_queued_jobs()
    done = client.get(f"/api/v1/jobs/{job['id']}").json()
    assert done["status"] == "succeeded" and done["percent"] == 100
    roster = client.get(f"/api/v1/rosters/{done['result']['roster_id']}")
    assert roster.status_code == 200


def test_rules_page(brigade: Brigade, brigade_officer: Any) -> None:
    client = login(brigade_officer)
    url = reverse("roster:rules")
    page = client.get(url)
    assert page.status_code == 200 and "战时模式" in page.text
    form = {
        "pattern": "three",
        "min_rest_hours": 12,
        "forbid_night_to_morning": "on",
        "max_consecutive_days": 6,
        "max_consecutive_nights": 4,
        "max_hours_per_week": 4,
        "wartime_min_rest_hours": 8,
        "wartime_max_consecutive_days": 14,
        "wartime_max_consecutive_nights": 7,
        "wartime_max_hours_per_week": 72,
    }
    page = client.post(url, form)
    assert page.status_code == 200
    assert "这些规则相互矛盾" in page.text
    assert not RosterRules.objects.exists()
    answer = client.post(url, form | {"max_hours_per_week": 40, "wartime": "on"})
    assert answer.status_code == 302
    rules = RosterRules.objects.get(unit=brigade.unit)
    assert (rules.max_hours_per_week, rules.wartime) == (40, True)
    assert AuditLog.objects.filter(action="roster.rules").count() == 1


def test_leave_page(
    brigade: Brigade,
    brigade_officer: Any,
    other_officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(brigade_officer)
    url = reverse("roster:leave")
    person = brigade.officers[0]
    form = {"staff": person.pk, "kind": "training", "starts_on": "2026-02-03"}
    page = client.post(url, form | {"ends_on": "2026-02-01"})
    assert "请假结束日期早于开始日期。" in page.text and not Leave.objects.exists()
    answer = client.post(url, form | {"ends_on": "2026-02-05"})
    assert answer.status_code == 302
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert person.name in page.text and "培训" in page.text
    assert person.name not in login(other_officer).get(url).text
