"""Leaders bound to key posts (包保), and hours actually worked with the fatigue alerts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fangkong.duty import attendance, selectors
from fangkong.duty.attendance import Event
from fangkong.duty.models import FatigueLimits, SignIn
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_leader_is_bound_to_a_post_for_a_period(post: Any, tree: Any) -> None:
    client = login(post.leader)
    data = {
        "site_id": post.site.pk,
        "leader_id": post.leader.staff.pk,
        "starts_on": "2026-02-01",
        "ends_on": "2026-02-28",
    }
    created = client.post("/api/v1/duty/post-leaders", data, content_type="application/json")
    assert created.status_code == 201
    overlap = client.post(
        "/api/v1/duty/post-leaders", {**data, "starts_on": "2026-02-20", "ends_on": "2026-03-05"},
        content_type="application/json",
    )  # fmt: skip
    assert overlap.json()["code"] == "overlap"
    refused = login(post.alice).post(
        "/api/v1/duty/post-leaders", data, content_type="application/json"
    )
    assert refused.status_code == 403
    assert (
        selectors.post_leaders_on(path=tree.ganzhou.path)[post.site.pk].leader == post.leader.staff
    )
    page = client.get("/duty/")
    assert 'class="post-leader"' in page.content.decode()


def _worked(staff: Any, site: Any, days: int, hours: int) -> None:
    now = timezone.now()
    rows = []
    for d in range(days):
        start = now - timedelta(days=d, hours=hours + 1)
        for kind, at in (("in", start), ("out", start + timedelta(hours=hours))):
            key = f"w{staff.pk}-{d}-{kind}"
            rows.append(SignIn(staff=staff, site=site, kind=kind, at=at, idempotency_key=key))
    SignIn.objects.bulk_create(rows)


def test_fatigue_alerts_on_the_leaders_list_and_the_persons_page(post: Any, tree: Any) -> None:
    _worked(post.alice.staff, post.site, days=14, hours=10)
    _worked(post.bob.staff, post.site, days=3, hours=8)
    [row] = selectors.fatigue_list(path=tree.ganzhou.path)
    assert row.staff == post.alice.staff
    assert row.fatigue.consecutive_days == 14
    assert row.fatigue.hours_7d == 70
    assert row.over == ["days", "hours"]
    listed = login(post.leader).get("/api/v1/duty/fatigue").json()
    assert [r["staff_name"] for r in listed] == ["alice"]
    assert "fatigue-alert" in login(post.alice).get("/duty/me/").content.decode()
    assert "fatigue-alert" not in login(post.bob).get("/duty/me/").content.decode()
    assert login(post.bob).get("/api/v1/duty/fatigue/me").json()["over"] == []
    # A unit with wartime limits of its own.
    FatigueLimits.objects.create(unit=tree.ganzhou, max_days=20, max_hours_7d=80)
    assert selectors.fatigue_list(path=tree.ganzhou.path) == []
    assert login(post.leader).get("/duty/fatigue/").status_code == 200


TZ = timezone.get_fixed_timezone(480)


def test_worked_spans_and_fatigue_rules() -> None:
    t = datetime(2026, 2, 10, 8, tzinfo=TZ)
    events = [
        Event("out", t - timedelta(hours=1)),
        Event("in", t),
        Event("out", t + timedelta(hours=8)),
    ]
    assert attendance.worked_spans(events, t + timedelta(days=1)) == [(t, t + timedelta(hours=8))]
    never_closed = attendance.worked_spans([Event("in", t)], t + timedelta(days=2))
    assert never_closed == [(t, t + attendance.OPEN_SHIFT_CAP)]
    tired = attendance.fatigue(
        [(t - timedelta(days=1), t - timedelta(days=1) + timedelta(hours=8))], date(2026, 2, 10), t
    )
    assert tired.consecutive_days == 1  # yesterday counts while today is not over
