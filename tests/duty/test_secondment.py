"""Staff seconded to another unit (机关警力下沉): in the period the receiving unit counts them
(sign-in at its posts, sign-in lists, fatigue, squads and pickers, the leader's page); the
home unit still sees them, marked; outside the period nothing changes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fangkong.duty import selectors
from fangkong.duty.models import Secondment, SignIn
from fangkong.org.choices import RoleCode
from tests.conftest import login
from tests.duty.conftest import person
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty/secondments"


@pytest.fixture
def linze(tree: Any) -> Any:
    return SiteFactory(unit=tree.linze, lng=100.16, lat=39.14)


@pytest.fixture
def dave(tree: Any) -> Any:
    """An officer of Ganzhou's squad: his brigade's leader may second him."""
    return person(tree.ganzhou_squad, "dave", "officer", RoleCode.CHECKPOINT)


def second(leader: Any, dave: Any, unit: Any, first: int = -1, last: int = 5) -> Any:
    today = timezone.localdate()
    data = {
        "staff_id": dave.staff.pk,
        "to_unit_id": unit.pk,
        "starts_on": (today + timedelta(days=first)).isoformat(),
        "ends_on": (today + timedelta(days=last)).isoformat(),
        "reason": "机关警力下沉",
    }
    return login(leader).post(URL, data, content_type="application/json")


def sign_in(user: Any, site: Any) -> Any:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "site_id": site.pk,
        "kind": "in",
        "at": timezone.now().isoformat(),
        "lat": site.lat,
        "lng": site.lng,
    }
    return login(user).post("/api/v1/duty/signins", data, content_type="application/json")


def test_home_leader_seconds_and_the_period_is_checked(
    post: Any, tree: Any, dave: Any, other_officer: Any
) -> None:
    assert second(other_officer, dave, tree.linze).status_code == 404  # not Linze's to send
    created = second(post.leader, dave, tree.linze)
    assert created.status_code == 201, created.json()
    assert created.json()["from_unit"] == tree.ganzhou_squad.name
    assert second(post.leader, dave, tree.detachment).json()["code"] == "overlap"
    assert second(post.leader, dave, tree.linze, 20, 10).json()["code"] == "period"
    # Both units list it.
    for user in (post.leader, other_officer):
        assert [r["staff_id"] for r in login(user).get(URL).json()] == [dave.staff.pk]


def test_seconded_officer_signs_in_at_the_receiving_units_posts(
    post: Any, tree: Any, dave: Any, linze: Any, other_officer: Any
) -> None:
    assert sign_in(dave, linze).status_code == 404  # not a post of his
    assert linze not in selectors.own_posts(staff=dave.staff)
    second(post.leader, dave, tree.linze)
    assert linze in selectors.own_posts(staff=dave.staff)
    assert sign_in(dave, linze).status_code == 201
    label = f"{tree.ganzhou_squad.name} → {tree.linze.name}"
    # The receiving unit sees the sign-in at its post, the home unit sees it too, both marked.
    for user in (other_officer, post.leader):
        rows = login(user).get("/api/v1/duty/signins").json()
        assert [(r["staff_id"], r["seconded"]) for r in rows] == [(dave.staff.pk, label)]
    # Outside the period the home unit does not see its people's sign-ins elsewhere.
    SignIn.objects.update(at=timezone.now() - timedelta(days=3))
    assert login(post.leader).get("/api/v1/duty/signins").json() == []
    assert len(login(other_officer).get("/api/v1/duty/signins").json()) == 1


def test_both_units_leader_pages_and_fatigue_show_the_seconded(
    post: Any, tree: Any, dave: Any, linze: Any, other_officer: Any
) -> None:
    second(post.leader, dave, tree.linze)
    sign_in(dave, linze)
    page = login(other_officer).get("/duty/").content.decode()
    assert 'id="seconded"' in page and 'data-direction="in"' in page
    home = login(post.leader).get("/duty/").content.decode()
    assert 'data-direction="out"' in home and linze.name in home
    for path in (tree.linze.path, tree.ganzhou.path):
        [row] = selectors.fatigue_list(path=path, over_only=False)
        assert row.staff == dave.staff and row.seconded is not None
    assert login(other_officer).get("/api/v1/duty/fatigue?over_only=false").json()[0]["seconded"]


def test_receiving_unit_picks_the_seconded_only_in_the_period(
    post: Any, tree: Any, dave: Any, linze: Any, other_officer: Any, clock: Any
) -> None:
    squad = {"unit_id": tree.linze.pk, "name": "应急分队", "member_ids": [dave.staff.pk]}
    squads = "/api/v1/duty/squads"
    client = login(other_officer)
    assert client.post(squads, squad, content_type="application/json").status_code == 404
    second(post.leader, dave, tree.linze)
    assert client.post(squads, squad, content_type="application/json").status_code == 201
    today = timezone.localdate()
    bound = {
        "site_id": linze.pk,
        "leader_id": dave.staff.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=2)).isoformat(),
    }
    made = client.post("/api/v1/duty/post-leaders", bound, content_type="application/json")
    assert made.status_code == 201
    assert [r.staff for r in selectors.seconded_now(path=tree.linze.path)] == [dave.staff]
    clock.shift(timedelta(days=7))  # the period is over: Linze's views drop him
    client = login(other_officer)  # the session did not last the week
    assert client.post(squads, squad, content_type="application/json").status_code == 404
    assert selectors.seconded_now(path=tree.linze.path) == []
    assert Secondment.objects.count() == 1
