"""The supplies API: the error contract, jurisdiction (a brigade sees its stores and posts
only) and the number of queries of every list, which must not grow with the rows."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.org.choices import RoleCode
from fangkong.supplies import services
from fangkong.supplies.choices import IssueStatus
from fangkong.supplies.models import StockLevel
from fangkong.supplies.services import Line
from tests.conftest import _persona, login
from tests.supplies.conftest import signature_png

pytestmark = pytest.mark.django_db
API = "/api/v1/supplies"


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def stocked(stores, items, commander) -> Any:
    for store in (stores.detachment, stores.ganzhou, stores.linze):
        services.stock_receive(
            actor=commander,
            store=store,
            lines=[Line(items["MASK-SURG"], 1000), Line(items["GLOVE"], 100)],
        )
    return stores


def test_a_brigade_sees_its_stores_and_posts_only(
    stocked, sites, brigade_officer, other_officer, commander
) -> None:
    services.post_location(sites["ganzhou"][0])
    services.post_location(sites["linze"][0])

    def names(user: Any) -> set[str]:
        return {row["name"] for row in login(user).get(f"{API}/locations").json()}

    assert names(commander) == {
        "支队物资库",
        "甘州大队物资库",
        "临泽大队物资库",
        sites["ganzhou"][0].name,
        sites["linze"][0].name,
    }
    assert names(brigade_officer) == {"甘州大队物资库", sites["ganzhou"][0].name}
    assert names(other_officer) == {"临泽大队物资库", sites["linze"][0].name}
    stock = login(brigade_officer).get(f"{API}/stock").json()
    assert {row["location"] for row in stock} == {"甘州大队物资库"}
    ledger = login(other_officer).get(f"{API}/movements").json()
    assert {row["location"] for row in ledger} == {"临泽大队物资库"}


def test_another_brigades_store_is_not_found(stocked, items, other_officer) -> None:
    body = {"location": stocked.ganzhou.pk, "lines": [{"item": items["GLOVE"].pk, "quantity": 1}]}
    response = post(login(other_officer), f"{API}/counts", body)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert login(other_officer).get(f"{API}/movements?location={stocked.ganzhou.pk}").json() == []


def test_errors_are_coded(stocked, items, brigade_officer, tree) -> None:
    client = login(brigade_officer)
    body = {
        "source": stocked.ganzhou.pk,
        "target": stocked.detachment.pk,
        "lines": [{"item": items["GLOVE"].pk, "quantity": 5000}],
    }
    response = post(client, f"{API}/transfers", body)
    assert response.status_code == 422
    assert response.json()["code"] == "not_enough_stock"
    assert response.json()["errors"]["lines"][0]["message"]
    body["lines"] = [{"item": 999999, "quantity": 1}]
    assert post(client, f"{API}/transfers", body).json()["code"] == "item_unknown"
    body["lines"] = [{"item": items["GLOVE"].pk, "quantity": "many"}]
    assert post(client, f"{API}/transfers", body).json()["code"] == "invalid_input"
    receipt = {"store": stocked.ganzhou.pk, "lines": [{"item": items["GLOVE"].pk, "quantity": 1}]}
    duty_leader = _persona(tree.ganzhou, "gz-duty", RoleCode.DUTY_LEADER)  # sees, runs no store
    forbidden = post(login(duty_leader), f"{API}/receipts", receipt)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    from django.test import Client

    assert Client().get(f"{API}/items").json()["code"] == "unauthenticated"


def test_request_approve_and_sign_through_the_api(
    stocked, items, logistics, post_leader, sites
) -> None:
    site = sites["ganzhou"][2]
    mask = items["MASK-SURG"]
    leader = login(post_leader)
    created = post(
        leader,
        f"{API}/requests",
        {"site": site.pk, "lines": [{"item": mask.pk, "quantity": 200}], "note": "白班"},
    )
    assert created.status_code == 201, created.json()
    request_id = created.json()["id"]
    approved = post(
        login(logistics),
        f"{API}/requests/{request_id}/approve",
        {"lines": [{"item": mask.pk, "quantity": 150}]},
    )
    assert approved.status_code == 201
    issue_id = approved.json()["id"]
    blank = post(
        leader,
        f"{API}/issues/{issue_id}/sign",
        {"signed_name": "王班长", "signature": data_url(signature_png(blank=True))},
    )
    assert blank.status_code == 422 and blank.json()["code"] == "signature_blank"
    signed = post(
        leader,
        f"{API}/issues/{issue_id}/sign",
        {"signed_name": "王班长", "signature": data_url(signature_png())},
    )
    assert signed.status_code == 200 and signed.json()["status"] == IssueStatus.SIGNED
    again = post(
        leader,
        f"{API}/issues/{issue_id}/sign",
        {"signed_name": "王班长", "signature": data_url(signature_png())},
    )
    assert again.status_code == 422 and again.json()["code"] == "issue_signed"
    post_level = StockLevel.objects.get(location__site=site, item=mask).quantity
    assert post_level == 150
    assert StockLevel.objects.get(location=stocked.ganzhou, item=mask).quantity == 850


def test_days_left_names_the_posts_running_low(stocked, items, commander, sites) -> None:
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    site = sites["ganzhou"][0]
    glove = items["GLOVE"]
    post_ = services.post_location(site)
    start = timezone.now() - timedelta(days=7)
    with time_machine.travel(start, tick=False):
        issue = services.issue_create(
            actor=commander, store=stocked.ganzhou, site=site, lines=[Line(glove, 80)]
        )
        services.issue_sign(
            actor=commander, issue=issue, signed_name="李", signature=signature_png()
        )
    for day in range(1, 7):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            services.stock_count(
                actor=commander, location=post_, lines=[Line(glove, 80 - 12 * day)]
            )
    body = login(commander).get(f"{API}/days-left").json()
    row = next(r for r in body["rows"] if r["location_id"] == post_.pk)
    assert (row["balance"], row["consumed_7d"]) == (8, 72)
    assert row["days_left"] == pytest.approx(8 / (72 / 7), abs=0.1)
    assert [p["name"] for p in body["posts_low"]] == [site.name]
    store_row = next(
        r
        for r in body["rows"]
        if (r["location_id"], r["item_id"]) == (stocked.ganzhou.pk, glove.pk)
    )
    # The store's 20 gloves last 1.75 days at 80 a week: low, and 14 days' worth is 140 more.
    assert store_row["consumed_7d"] == 80 and store_row["low"] and store_row["reorder"] == 140


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def _more_rows(stores: Any, items: Any, commander: Any, sites: Any, n: int) -> None:
    glove, mask = items["GLOVE"], items["MASK-SURG"]
    for i in range(n):
        site = sites["ganzhou"][i % 3]
        request = services.request_create(actor=commander, site=site, lines=[Line(glove, 1)])
        issue = services.request_approve(actor=commander, request=request)
        services.issue_sign(
            actor=commander, issue=issue, signed_name="李", signature=signature_png()
        )
        services.donation_record(
            actor=commander,
            store=stores.ganzhou,
            donor_name=f"捐赠单位{i}",
            donor_kind="company",
            received_on=issue.prepared_at.date(),
            lines=[services.DonatedLine(mask, 10)],
        )


LISTS = [
    "items",
    "locations",
    "stock",
    "days-left",
    "movements",
    "requests",
    "issues",
    "donations",
    "log/missing",
]


def test_list_queries_do_not_grow_with_rows(stocked, items, commander, sites) -> None:
    client = login(commander)
    _more_rows(stocked, items, commander, sites, 1)
    before = {name: _queries(client, f"{API}/{name}") for name in LISTS}
    _more_rows(stocked, items, commander, sites, 4)
    after = {name: _queries(client, f"{API}/{name}") for name in LISTS}
    assert after == before
    assert max(before.values()) <= 8, before


def test_the_posts_log_through_the_api(post_leader, sites, stores) -> None:
    from django.utils import timezone

    from tests.supplies.conftest import photo_upload

    site = sites["ganzhou"][2]
    client = login(post_leader)
    welfare = {"site": site.pk, "day": timezone.localdate().isoformat(), "shift": "night",
               "meals": 4, "water": True}  # fmt: skip
    assert post(client, f"{API}/welfare", welfare).status_code == 201
    assert post(client, f"{API}/welfare", welfare | {"shift": "dawn"}).json()["code"] == (
        "shift_invalid"
    )
    response = client.post(
        f"{API}/disinfections",
        {"site": site.pk, "done_by": "李辅警", "areas": "booth,desk", "photo": photo_upload()},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["areas"] == ["booth", "desk"]
    missing = client.post(f"{API}/disinfections", {"site": site.pk, "done_by": "李", "areas": "x"})
    assert missing.status_code == 422
    odd_times = [
        ("2020-02-03T09:30", "naive_datetime"),
        ("昨天", "done_at_invalid"),
        ("2020-02-30T09:30+08:00", "done_at_invalid"),  # no 30 February: a 422, not a 500
    ]
    for done_at, code in odd_times:
        odd = {"site": site.pk, "done_by": "李", "areas": "desk", "done_at": done_at}
        answer = client.post(f"{API}/disinfections", odd | {"photo": photo_upload()})
        assert (answer.status_code, answer.json()["code"]) == (422, code)
    gaps = client.get(f"{API}/log/missing").json()
    assert all(g["site_id"] != sites["ganzhou"][0].pk for g in gaps)  # not the leader's post
