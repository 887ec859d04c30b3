"""Reserve squads dispatched to a post (presence follows), and recall orders cancelling
future leave with a notice to each person affected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fangkong.duty import selectors
from fangkong.duty.models import Presence, RecallNotice, RecallOrder
from fangkong.roster.models import Leave
from tests.conftest import login
from tests.duty.conftest import person

pytestmark = pytest.mark.django_db


def test_a_squad_dispatched_counts_at_the_post(post: Any, tree: Any) -> None:
    leader = login(post.leader)
    members = [person(tree.ganzhou, f"reserve{i}", "officer").staff.pk for i in range(2)]
    data = {"unit_id": tree.ganzhou.pk, "name": "突击队", "member_ids": members}
    created = leader.post("/api/v1/duty/squads", data, content_type="application/json")
    assert created.status_code == 201
    squad_id = created.json()["id"]
    assert [p["id"] for p in selectors.posts_short_now(path=tree.ganzhou.path)] == [post.site.pk]
    sent = leader.post(
        f"/api/v1/duty/squads/{squad_id}/move", {"state": "dispatched", "site_id": post.site.pk},
        content_type="application/json",
    )  # fmt: skip
    assert sent.json()["state"] == "dispatched"
    assert Presence.objects.filter(site=post.site, present=True).count() == 2
    # Two officers present: one fills the officer's place, the other the auxiliary's.
    assert selectors.posts_short_now(path=tree.ganzhou.path) == []
    back = leader.post(
        f"/api/v1/duty/squads/{squad_id}/move",
        {"state": "returned"},
        content_type="application/json",
    )
    assert back.json()["site_id"] is None
    assert not Presence.objects.filter(present=True).exists()
    no_site = leader.post(
        f"/api/v1/duty/squads/{squad_id}/move",
        {"state": "dispatched"},
        content_type="application/json",
    )
    assert no_site.json()["code"] == "site_required"
    assert login(post.alice).get("/duty/squads/").status_code == 200


def test_recall_cancels_future_leave_and_notifies(post: Any, tree: Any, other_officer: Any) -> None:
    today = timezone.localdate()

    def leave(user: Any, first: int, last: int) -> Leave:
        return Leave.objects.create(
            staff=user.staff,
            starts_on=today + timedelta(days=first),
            ends_on=today + timedelta(days=last),
            kind="leave",
        )

    future, ongoing, past = (
        leave(post.bob, 3, 6),
        leave(post.carol, -2, 2),
        leave(post.alice, -9, -5),
    )
    data = {"unit_id": tree.ganzhou.pk, "starts_on": today.isoformat(), "reason": "疫情防控升级"}
    assert (
        login(post.alice)
        .post("/api/v1/duty/recalls", data, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        login(other_officer)
        .post("/api/v1/duty/recalls", data, content_type="application/json")
        .status_code
        == 404
    )
    issued = login(post.leader).post("/api/v1/duty/recalls", data, content_type="application/json")
    assert issued.status_code == 201
    assert issued.json()["leave_cancelled"] == 2
    assert not Leave.objects.filter(pk=future.pk).exists()
    ongoing.refresh_from_db()
    assert ongoing.ends_on == today - timedelta(days=1)
    assert Leave.objects.filter(pk=past.pk).exists()
    assert set(RecallNotice.objects.values_list("staff__user__username", flat=True)) == {
        "bob",
        "carol",
    }
    assert "recall-notice" in login(post.bob).get("/duty/me/").content.decode()
    assert "recall-notice" not in login(post.alice).get("/duty/me/").content.decode()


@pytest.mark.parametrize("starts_on", ["2026-02-30", "someday"])
def test_a_recall_from_no_day_is_refused_on_the_page(post: Any, starts_on: str) -> None:
    data = {"action": "recall", "starts_on": starts_on, "reason": "疫情防控升级"}
    answer = login(post.leader).post("/duty/squads/", data, follow=True)
    assert answer.status_code == 200
    assert "停止休假起始日期：请按“年-月-日”填写日期" in answer.content.decode()
    assert not RecallOrder.objects.exists()
