"""Sign-in at the post: exactly once per key, flagged outside the radius, late / absent /
unplanned against the published roster, and posts short now from presence."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fangkong.duty import attendance, selectors, services
from fangkong.duty.attendance import Event, Window
from fangkong.duty.models import PostSettings, Presence, SignIn
from fangkong.roster.choices import RosterStatus
from tests.conftest import login
from tests.duty.conftest import person

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty/signins"


def body(post: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "site_id": post.site.pk,
        "kind": "in",
        "at": timezone.now().isoformat(),
        "lat": post.site.lat,
        "lng": post.site.lng,
        "accuracy_m": 10,
    }
    data.update(changes)
    return data


def test_sign_in_is_stored_once_per_key(post: Any) -> None:
    client = login(post.alice)
    data = body(post)
    first = client.post(URL, data, content_type="application/json")
    again = client.post(URL, data, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["planned"] is True
    assert SignIn.objects.count() == 1


def test_key_reused_for_another_sign_in_is_refused(post: Any) -> None:
    client = login(post.alice)
    data = body(post)
    client.post(URL, data, content_type="application/json")
    changed = client.post(URL, {**data, "kind": "out"}, content_type="application/json")
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency_key_reused"
    # Another person's key: refused too, without the stored sign-in's id.
    other = login(post.bob).post(URL, data, content_type="application/json")
    assert other.status_code == 409
    assert other.json()["sign_in_id"] is None


def test_outside_the_radius_is_kept_and_flagged(post: Any) -> None:
    PostSettings.objects.create(site=post.site, radius_m=200)
    client = login(post.alice)
    far = body(post, lat=post.site.lat + 0.01, reason="在前方路口分流")
    answer = client.post(URL, far, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()["flag"] == "outside"
    assert answer.json()["distance_m"] > 1000
    no_gps = client.post(URL, body(post, lat=None, lng=None), content_type="application/json")
    assert no_gps.json()["flag"] == "no_position"


def test_bad_input_is_a_422(post: Any) -> None:
    client = login(post.alice)
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert (
        client.post(URL, body(post, at=future), content_type="application/json").status_code == 422
    )
    assert (
        client.post(URL, body(post, kind="x"), content_type="application/json").status_code == 422
    )
    assert (
        client.post(
            URL, body(post, idempotency_key="short"), content_type="application/json"
        ).status_code
        == 422
    )
    half = body(post, lng=None)
    assert client.post(URL, half, content_type="application/json").status_code == 422
    naive = client.post(URL, body(post, at="2026-02-10T08:00:00"), content_type="application/json")
    assert (naive.status_code, naive.json()["code"]) == (422, "naive_datetime")


def test_a_post_of_another_brigade_is_not_found(post: Any, tree: Any) -> None:
    from tests.factories import SiteFactory

    elsewhere = SiteFactory(unit=tree.linze)
    answer = login(post.alice).post(
        URL, body(post, site_id=elsewhere.pk), content_type="application/json"
    )
    assert answer.status_code == 404


def test_attendance_late_absent_and_unplanned(post: Any, tree: Any, clock: Any) -> None:
    # The day shift began at 08:00; it is 09:00. Alice came at 07:55, Carol at 08:40, Bob
    # not at all; Dave is there without a duty.
    start = timezone.now() - timedelta(hours=1)
    services.sign_in_record(
        actor=post.alice,
        site=post.site,
        kind="in",
        at=start - timedelta(minutes=5),
        idempotency_key="alice-0001",
        lat=post.site.lat,
        lng=post.site.lng,
    )
    services.sign_in_record(
        actor=post.carol,
        site=post.site,
        kind="in",
        at=start + timedelta(minutes=40),
        idempotency_key="carol-0001",
        lat=post.site.lat,
        lng=post.site.lng,
    )
    dave = person(tree.ganzhou, "dave")
    services.sign_in_record(
        actor=dave,
        site=post.site,
        kind="in",
        at=start,
        idempotency_key="dave-00001",
        lat=post.site.lat,
        lng=post.site.lng,
    )
    [row] = selectors.attendance_now(user=post.leader)
    states = {r.staff.name: r.state for r in row.planned}
    assert states == {"alice": "present", "bob": "absent", "carol": "late"}
    assert [s.staff.name for s in row.unplanned] == ["dave"]
    assert SignIn.objects.get(idempotency_key="carol-0001").late_minutes == 40

    page = login(post.leader).get("/duty/")
    assert page.status_code == 200
    assert 'data-state="absent"' in page.content.decode()


def test_other_brigade_leader_sees_nothing(post: Any, other_officer: Any) -> None:
    assert selectors.attendance_now(user=other_officer) == []
    answer = login(other_officer).get("/api/v1/duty/attendance")
    assert answer.json() == []


def test_posts_short_now_follows_presence(post: Any, tree: Any) -> None:
    path = tree.ganzhou.path
    [short] = selectors.posts_short_now(path=path)
    assert (short["missing_officers"], short["missing_auxiliaries"]) == (1, 1)
    for user, key in ((post.alice, "alice-0002"), (post.carol, "carol-0002")):
        services.sign_in_record(
            actor=user,
            site=post.site,
            kind="in",
            at=timezone.now(),
            idempotency_key=key,
            lat=post.site.lat,
            lng=post.site.lng,
        )
    assert selectors.posts_short_now(path=path) == []
    services.sign_in_record(
        actor=post.carol,
        site=post.site,
        kind="out",
        at=timezone.now(),
        idempotency_key="carol-0003",
    )
    [short] = selectors.posts_short_now(path=path)
    assert short["missing_auxiliaries"] == 1
    answer = login(post.leader).get("/api/v1/duty/posts-short")
    assert answer.json()["count"] == 1
    block = login(post.leader).get("/duty/dashboard-block")
    assert post.site.name in block.content.decode()


def test_a_late_synced_older_event_does_not_overwrite_presence(post: Any) -> None:
    now = timezone.now()
    services.sign_in_record(
        actor=post.alice, site=post.site, kind="out", at=now, idempotency_key="alice-out-1"
    )
    services.sign_in_record(
        actor=post.alice,
        site=post.site,
        kind="in",
        at=now - timedelta(hours=2),
        idempotency_key="alice-in-01",
    )
    assert Presence.objects.get(staff=post.alice.staff).present is False


def test_unpublished_rosters_plan_nothing(post: Any) -> None:
    post.roster.status = RosterStatus.DRAFT
    post.roster.save(update_fields=["status"])
    assert selectors.attendance_now(user=post.leader) == []
    recorded = services.sign_in_record(
        actor=post.alice, site=post.site, kind="in", at=timezone.now(), idempotency_key="alice-0009"
    )
    assert recorded.sign_in.duty is None


def test_attendance_queries_do_not_grow(post: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(6):
        selectors.attendance_now(user=post.leader)
    with django_assert_max_num_queries(4):
        selectors.posts_short_now(path=post.site.unit.path)


# The pure rules.
T0 = datetime(2026, 2, 10, 8, 0, tzinfo=timezone.get_fixed_timezone(480))
WINDOW = Window(T0, T0 + timedelta(hours=8))


def test_duty_state_rules() -> None:
    early = Event("in", T0 - timedelta(minutes=30))
    late = Event("in", T0 + timedelta(minutes=30))
    out = Event("out", T0 + timedelta(hours=3))
    assert attendance.duty_state(WINDOW, [], T0)[0] == "expected"
    assert attendance.duty_state(WINDOW, [], T0 + timedelta(minutes=11))[0] == "absent"
    assert attendance.duty_state(WINDOW, [early], T0 + timedelta(hours=1))[0] == "present"
    assert attendance.duty_state(WINDOW, [late], T0 + timedelta(hours=1))[0] == "late"
    assert attendance.duty_state(WINDOW, [early, out], T0 + timedelta(hours=4))[0] == "left"
    too_early = Event("in", T0 - timedelta(hours=3))
    assert attendance.duty_state(WINDOW, [too_early], T0 + timedelta(hours=1))[0] == "absent"


def test_the_grace_is_the_bureaus_choice() -> None:
    """FANGKONG_DUTY_GRACE_MINUTES: the rules take the grace the selectors pass in."""
    five_past = T0 + timedelta(minutes=5)
    came = Event("in", T0 + timedelta(minutes=4))
    assert attendance.duty_state(WINDOW, [], five_past)[0] == "expected"
    assert attendance.duty_state(WINDOW, [], five_past, timedelta(0))[0] == "absent"
    assert attendance.duty_state(WINDOW, [came], five_past)[0] == "present"
    assert attendance.duty_state(WINDOW, [came], five_past, timedelta(minutes=3))[0] == "late"
    assert (
        attendance.duty_state(WINDOW, [], T0 + timedelta(minutes=20), timedelta(minutes=30))[0]
        == "expected"
    )


def test_the_sign_in_pages_service_worker_is_scoped_to_it(post: Any) -> None:
    response = login(post.alice).get("/duty/post/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/duty/post/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "const APP_URL = '/duty/post/';" in body
    assert "/static/duty/signin.js" in body and "/static/screening/outbox.js" in body
    page = login(post.alice).get("/duty/post/").content.decode()
    assert '"sw": "/duty/post/sw.js"' in page
