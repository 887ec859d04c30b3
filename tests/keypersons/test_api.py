"""The key-person and grid API: scoping answered as 404, masking, idempotent follow-ups,
the self-report without login, and the figures."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.models import AuditLog
from fangkong.keypersons.models import Category
from tests.conftest import login
from tests.factories import _resident_id
from tests.grid.world import World
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_create_list_detail_transition(world: World) -> None:
    client = login(world.users["community"])
    body = {
        "doc_number": _resident_id(11), "name": "李四", "phone": "13912345678",
        "category_id": Category.objects.get(code="close_contact").pk,
        "community_id": world.community.pk, "cell_id": world.cell.pk,
        "door_id": world.door.pk, "reason": "流调推送", "source": "tracing",
    }  # fmt: skip
    created = client.post(f"{API}/keypersons", body, content_type="application/json")
    assert created.status_code == 201, created.content
    kp = created.json()
    assert kp["name"] != "李四" and "*" in kp["document"]
    again = client.post(f"{API}/keypersons", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == kp["id"]
    listed = client.get(f"{API}/keypersons").json()
    assert [row["id"] for row in listed] == [kp["id"]]
    no_reason = client.post(f"{API}/keypersons/{kp['id']}/detail", {"reason": ""},
                            content_type="application/json")  # fmt: skip
    assert no_reason.status_code == 422
    detail = client.post(f"{API}/keypersons/{kp['id']}/detail", {"reason": "核查住址"},
                         content_type="application/json").json()  # fmt: skip
    assert detail["full"] and detail["name"] == "李四" and detail["document"] == _resident_id(11)
    assert AuditLog.objects.filter(action="keyperson.view", reason="核查住址").exists()
    moved = client.post(f"{API}/keypersons/{kp['id']}/transitions",
                        {"status": "released", "reason": "期满解除"},
                        content_type="application/json")  # fmt: skip
    assert moved.status_code == 200 and moved.json()["status"] == "released"


def test_out_of_scope_is_404(world: World) -> None:
    kp = episode(world)
    client = login(world.users["grid2"])
    assert client.post(f"{API}/keypersons/{kp.pk}/detail", {"reason": "看看"},
                       content_type="application/json").status_code == 404  # fmt: skip
    body = {"temperature": "36.5"}
    assert client.post(f"{API}/keypersons/{kp.pk}/followups", body,
                       content_type="application/json").status_code == 404  # fmt: skip
    assert login(world.users["linze_station"]).get(f"{API}/grid/doors").json() != []
    assert world.door.pk not in [
        d["id"] for d in login(world.users["linze_station"]).get(f"{API}/grid/doors").json()
    ]


def test_followup_sync_is_exactly_once_and_today_lists_it(world: World) -> None:
    kp = episode(world)
    client = login(world.users["grid"])
    body = {"temperature": "36.6", "symptoms": [], "idempotency_key": "outbox-0001"}
    first = client.post(
        f"{API}/keypersons/{kp.pk}/followups", body, content_type="application/json"
    )
    second = client.post(
        f"{API}/keypersons/{kp.pk}/followups", body, content_type="application/json"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    today = client.get(f"{API}/keypersons/today").json()
    [due] = today["due"]
    assert (due["done"], due["outstanding"]) == (1, 1)
    assert len(today["doors"]) == 2
    visit = client.post(f"{API}/grid/doors/{world.door.pk}/visits",
                        {"residents_seen": 2, "idempotency_key": "visit-0001"},
                        content_type="application/json")  # fmt: skip
    assert visit.status_code == 201
    coverage = client.get(f"{API}/grid/coverage").json()
    assert coverage[0]["visited"] == 1 and coverage[0]["percent"] == 50.0


def test_self_report_without_login(world: World) -> None:
    kp = episode(world)
    link = login(world.users["grid"]).post(f"{API}/keypersons/{kp.pk}/report-link")
    assert link.status_code == 201
    token = link.json()["url"].rstrip("/").rsplit("/", 1)[1]
    anonymous = Client()
    body = {"token": token, "temperature": "37.8", "symptoms": ["cough"]}
    answer = anonymous.post(f"{API}/keypersons/self-report", body, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["abnormal"] is True
    body["token"] = "nope"
    answer = anonymous.post(f"{API}/keypersons/self-report", body, content_type="application/json")
    assert answer.status_code == 404


def test_summary_and_health_masked_for_an_analyst(world: World, tree) -> None:
    kp = episode(world)
    body = {"temperature": "36.6"}
    url = f"{API}/keypersons/{kp.pk}/followups"
    login(world.users["grid"]).post(url, body, content_type="application/json")
    from tests.grid.world import persona

    analyst = persona(tree.ganzhou, "analyst_g", "officer", "analyst")
    client = login(analyst)
    summary = client.get(f"{API}/keypersons/summary").json()
    assert summary["total"] == 1 and summary["grids"][0]["due"] == 1
    [followup] = client.get(f"{API}/keypersons/{kp.pk}/followups").json()
    assert followup["temperature"] is None and followup["symptoms"] == []


def test_pages_render(world: World) -> None:
    kp = episode(world)
    grid = login(world.users["grid"])
    page = grid.get("/keypersons/today/")
    assert page.status_code == 200 and kp.name_masked in page.content.decode()
    posted = grid.post(f"/keypersons/{kp.pk}/followup/", {"temperature": "36.5", "at_home": "on"})
    assert posted.status_code == 302
    assert grid.get(f"/keypersons/{kp.pk}/").status_code == 200
    shown = grid.post(f"/keypersons/{kp.pk}/", {"reason": "入户随访"})
    assert shown.status_code == 200 and kp.name in shown.content.decode()
    assert login(world.users["station"]).get("/keypersons/").status_code == 200
    assert login(world.users["grid2"]).get(f"/keypersons/{kp.pk}/").status_code == 404


@pytest.mark.parametrize(
    "at,code",
    [
        ("2026-02-10T08:00:00", "naive_datetime"),  # no time zone: which 08:00?
        ("2020-01-01T08:00:00+08:00", "at_before_start"),
        ("0001-01-01T00:00:00+08:00", "value_error"),  # outside the years the API takes
        ("9999-12-31T23:59:59+00:00", "value_error"),
    ],
)
def test_a_followups_odd_time_is_a_422_on_its_field(world: World, at: str, code: str) -> None:
    """The time a phone's outbox sends: never a 500, never recorded in year 1."""
    kp = episode(world)
    client = login(world.users["grid"])
    body = {"temperature": "36.6", "at": at}
    answer = client.post(
        f"{API}/keypersons/{kp.pk}/followups", body, content_type="application/json"
    )
    assert answer.status_code == 422, answer.content
    errors = answer.json()["errors"]["at"]
    assert errors and "Value error" not in errors[0]["message"], errors
    if code:
        assert errors[0]["code"] == code, errors
