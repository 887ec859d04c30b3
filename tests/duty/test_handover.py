"""Shift handover: the outgoing team records, the incoming leader acknowledges once, and the
per-post log is searchable and scoped."""

from __future__ import annotations

from typing import Any

import pytest

from fangkong.duty.models import Handover
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty/handovers"


def test_handover_recorded_acknowledged_and_found(post: Any, other_officer: Any) -> None:
    outgoing = login(post.alice)
    data = {
        "site_id": post.site.pk,
        "vehicles": "甘G12345 滞留待核酸结果",
        "persons": "张某 移交卫健",
    }
    created = outgoing.post(URL, data, content_type="application/json")
    assert created.status_code == 201
    handover_id = created.json()["id"]
    own = outgoing.post(f"{URL}/{handover_id}/acknowledge")
    assert own.status_code == 422
    assert own.json()["code"] == "own_handover"
    taken = login(post.leader).post(f"{URL}/{handover_id}/acknowledge")
    assert taken.status_code == 200
    assert taken.json()["acknowledged_by_name"] == "leader"
    again = login(post.leader).post(f"{URL}/{handover_id}/acknowledge")
    assert again.json()["code"] == "already_acknowledged"

    search = f"{URL}/search"
    found = login(post.leader).post(
        search, {"q": "甘G12345", "site": post.site.pk}, content_type="application/json"
    )
    assert [h["id"] for h in found.json()] == [handover_id]
    nothing = login(post.leader).post(search, {"q": "没有"}, content_type="application/json")
    assert nothing.json() == []
    assert login(other_officer).get(URL).json() == []
    assert login(other_officer).post(f"{URL}/{handover_id}/acknowledge").status_code == 404


def test_empty_handover_is_refused(post: Any) -> None:
    answer = login(post.alice).post(URL, {"site_id": post.site.pk}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["code"] == "handover_empty"
    naive = {"site_id": post.site.pk, "notes": "交接", "at": "2026-02-10T08:00:00"}
    answer = login(post.alice).post(URL, naive, content_type="application/json")
    assert (answer.status_code, answer.json()["code"]) == (422, "naive_datetime")


def test_handover_page(post: Any) -> None:
    client = login(post.alice)
    sent = client.post("/duty/handovers/", {"site": post.site.pk, "incidents": "护栏损坏"})
    assert sent.status_code == 302
    assert Handover.objects.get().incidents == "护栏损坏"
    page = login(post.leader).post("/duty/handovers/", {"search": "1", "q": "护栏"})
    assert "护栏损坏" in page.content.decode()
    missed = login(post.leader).post("/duty/handovers/", {"search": "1", "q": "没有"})
    assert "护栏损坏" not in missed.content.decode()
    handover = Handover.objects.get()
    login(post.leader).post(f"/duty/handovers/{handover.pk}/acknowledge")
    handover.refresh_from_db()
    assert handover.acknowledged_by == post.leader.staff
