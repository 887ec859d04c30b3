"""The screening pages: the officer app and its service worker, the policy page, a site's
counters and a check's detail."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.screening.models import Check, Policy, RiskArea
from fangkong.screening.selectors import site_counters
from fangkong.screening.services import WalkUp, check_record
from fangkong.sites.choices import SiteStatus
from tests.conftest import login
from tests.screening.conftest import NOW, declared, id_number, make_group, make_person

pytestmark = pytest.mark.django_db


def page_config(response) -> dict:
    match = re.search(
        r'<script id="officer-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_the_officer_app_needs_a_login(client: Client):
    response = client.get("/screening/officer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_officer_app_offers_the_sites_of_the_officers_unit(clock, officer, sites):
    sites["ganzhou"][2].status = SiteStatus.CLOSED
    sites["ganzhou"][2].save()
    response = login(officer).get("/screening/officer/")
    assert response.status_code == 200
    assert page_config(response)["sites"] == []  # the squad's one site is closed

    sites["ganzhou"][2].status = SiteStatus.OPEN
    sites["ganzhou"][2].save()
    config = page_config(login(officer).get("/screening/officer/"))
    assert [s["id"] for s in config["sites"]] == [sites["ganzhou"][2].pk]
    assert config["policy"]["version"] == 1
    assert config["strings"]["outcomes"]["refer_health"] == "移交卫健"
    assert config["strings"]["reasons"]["temperature_high"] == (
        "体温 %(temperature_c)s℃ ≥ %(threshold_c)s℃"
    )
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_brigade_sees_its_squads_sites_too(clock, brigade_officer, sites):
    config = page_config(login(brigade_officer).get("/screening/officer/"))
    assert {s["id"] for s in config["sites"]} == {s.pk for s in sites["ganzhou"]}


def test_the_service_worker_is_scoped_to_the_app(client: Client):
    response = client.get("/screening/officer/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/screening/officer/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert re.search(r"^const VERSION = '[0-9a-f]{12}';$", body, re.M)
    assert "const APP_URL = '/screening/officer/';" in body
    assert "/static/screening/officer.js" in body
    assert "/static/vendor/qr-scanner/qr-scanner-worker.min.js" in body


def test_the_manifest_describes_the_app(client: Client):
    data = client.get("/screening/officer/manifest.webmanifest").json()
    assert data["start_url"] == data["scope"] == "/screening/officer/"
    assert data["display"] == "standalone"


def test_the_policy_page_is_for_analysts_and_commanders(clock, analyst, brigade_officer):
    assert login(brigade_officer).get("/screening/policy/").status_code == 403
    response = login(analyst).get("/screening/policy/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "查验政策" in text and "v1" in text
    assert 'name="action_health_code_yellow"' in text


def _policy_form(**changes) -> dict:
    data = {
        "temperature_threshold_c": "37.3",
        "nat_max_age_hours": "48",
        "lookback_days": "14",
        "priority_vehicle_kinds": ["ambulance", "fire", "official", "police"],
        "effective_from": "",
        "note": "",
    }
    from fangkong.screening.rules import DEFAULT_ACTIONS

    data |= {f"action_{code.value}": outcome.value for code, outcome in DEFAULT_ACTIONS.items()}
    data.update(changes)
    return data


def test_publishing_from_the_policy_page(clock, analyst):
    client = login(analyst)

    response = client.post(
        "/screening/policy/", _policy_form(temperature_threshold_c="37.5", note="秋冬季调整")
    )

    assert response.status_code == 302
    policy = Policy.objects.get(version=2)
    assert policy.rules["temperature_threshold_c"] == 37.5
    assert policy.note == "秋冬季调整"
    assert "版本 2 已发布" in client.get("/screening/policy/").content.decode()


def test_a_bad_policy_form_shows_the_message_on_its_field(clock, analyst):
    response = login(analyst).post(
        "/screening/policy/",
        _policy_form(action_health_code_red="pass", action_health_code_yellow="test_then_pass"),
    )

    assert response.status_code == 422
    assert "“健康码红码”的处置不能轻于“健康码黄码”。" in response.content.decode()
    assert Policy.objects.count() == 1


def test_importing_risk_areas_from_the_page(clock, analyst):
    upload = SimpleUploadedFile(
        "areas.csv",
        "区划代码,名称,风险等级,起始日期,截止日期\n310104,徐汇,高,2026-11-10,\n".encode(),
    )
    client = login(analyst)

    response = client.post("/screening/policy/risk-areas/import/", {"file": upload})

    assert response.status_code == 302
    assert RiskArea.objects.get().division_code == "310104"
    bad = SimpleUploadedFile("areas.csv", "310104,徐汇,极高,2026-11-10,\n".encode())
    response = client.post("/screening/policy/risk-areas/import/", {"file": bad})
    assert response.status_code == 422
    assert "第 1 行：风险等级应为" in response.content.decode()


@pytest.fixture
def checks_today(clock, brigade_officer, sites):
    """At the first Ganzhou site: a car of two (one overridden), a walk-up referral, a check
    late yesterday evening and one at another site."""
    site = sites["ganzhou"][0]
    car = make_group(site, people=[(make_person(1), declared()), (make_person(2), declared())])
    for key, registration in (("car-driver-1", car[0]), ("car-passenger-1", car[1])):
        check_record(
            actor=brigade_officer,
            site=site,
            idempotency_key=key,
            registration=registration,
            temperature="36.6",
            outcome="pass",
            checked_at=timezone.now(),
        )
    check_record(
        actor=brigade_officer,
        site=site,
        idempotency_key="walk-up-fever",
        walk_up=WalkUp(name="马大爷", doc_number=id_number(9)),
        temperature="38.0",
        outcome="persuade_return",
        override_reason="拒绝就医",
        checked_at=timezone.now(),
    )
    late = NOW.replace(hour=0, minute=0) - timedelta(minutes=30)  # 23:30 yesterday, local
    check_record(
        actor=brigade_officer,
        site=site,
        idempotency_key="yesterday-late",
        walk_up=WalkUp(name="马大爷", doc_number=id_number(9)),
        temperature="36.5",
        outcome="test_then_pass",
        checked_at=late,
    )
    check_record(
        actor=brigade_officer,
        site=sites["ganzhou"][1],
        idempotency_key="other-site",
        walk_up=WalkUp(name="马大爷", doc_number=id_number(9)),
        temperature="36.5",
        outcome="test_then_pass",
        checked_at=timezone.now(),
    )
    return site


def test_todays_counters_follow_the_local_day(checks_today, django_assert_num_queries):
    with django_assert_num_queries(1):
        counters = site_counters(site=checks_today)

    assert (counters["persons"], counters["vehicles"], counters["checks"]) == (3, 1, 3)
    assert {o["value"]: o["count"] for o in counters["outcomes"]} == {
        "pass": 2,
        "priority_pass": 0,
        "test_then_pass": 0,
        "persuade_return": 1,
        "refer_health": 0,
    }
    assert counters["overridden"] == 1


def test_the_counters_partial_for_the_site_page(
    checks_today, brigade_officer, commander, other_officer, django_assert_max_num_queries
):
    url = f"/screening/sites/{checks_today.pk}/counters/"
    client = login(commander)
    with django_assert_max_num_queries(9):
        response = client.get(url, HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-counter="persons">3<' in text
    assert 'data-counter="persuade_return">1<' in text
    assert "马*爷" in text and id_number(9) not in text
    page = login(brigade_officer).get(url)  # opened directly: a page that polls the panel
    assert page.status_code == 200
    assert f'hx-get="{url}"' in page.content.decode()
    assert login(other_officer).get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_the_site_page_include_polls_the_counters(checks_today):
    from django.template.loader import render_to_string

    html = render_to_string("screening/partials/site_checks.html", {"site": checks_today})

    assert f'hx-get="/screening/sites/{checks_today.pk}/counters/"' in html
    assert 'hx-trigger="load, every 15s"' in html


def test_a_checks_detail_is_masked_until_a_reason_is_given(checks_today, commander, other_officer):
    check = Check.objects.get(idempotency_key="walk-up-fever")
    url = f"/screening/checks/{check.pk}/"
    client = login(commander)

    masked = client.get(url).content.decode()
    assert id_number(9) not in masked and "620702********" in masked
    refused = client.post(url, {"reason": ""})
    assert id_number(9) not in refused.content.decode()
    assert not AuditLog.objects.filter(action="person.view").exists()

    unlisted = client.post(url, {"reason_code": "curiosity", "reason": "协查通告核对身份"})
    assert id_number(9) not in unlisted.content.decode()

    shown = client.post(
        url, {"reason_code": "trace_notice", "reason": "协查通告核对身份"}, REMOTE_ADDR="10.9.8.7"
    )

    assert id_number(9) in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    audit = AuditLog.objects.get(action="person.view")
    assert (audit.actor, audit.reason, audit.ip) == (commander, "协查通告核对身份", "10.9.8.7")
    assert audit.extra["reason_code"] == "trace_notice"
    assert login(other_officer).get(url).status_code == 404


def test_the_reveal_form_is_only_for_roles_that_may_reveal(checks_today, analyst):
    check = Check.objects.get(idempotency_key="walk-up-fever")
    url = f"/screening/checks/{check.pk}/"
    client = login(analyst)

    page = client.get(url).content.decode()
    posted = client.post(url, {"reason_code": "trace_notice", "reason": "协查通告核对身份"})

    assert 'name="reason"' not in page and "620702********" in page
    assert posted.status_code == 403 and id_number(9) not in posted.content.decode()
    assert not AuditLog.objects.filter(action="person.view").exists()
