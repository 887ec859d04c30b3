"""Episodes: creation with defaults from the category, merging by document, status changes
with reasons, and the person's retention hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.keypersons import selectors, services
from fangkong.keypersons.choices import Status
from fangkong.keypersons.models import Category, KeyPerson
from tests.grid.world import World
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db


def test_categories_are_seeded_with_the_four_categories() -> None:
    four = set(Category.objects.filter(four_categories=True).values_list("code", flat=True))
    assert four == {"confirmed", "suspected", "fever", "close_contact"}
    assert Category.objects.count() >= 10


def test_create_takes_defaults_from_category_grid_and_community(world: World) -> None:
    kp = episode(world)
    assert kp.planned_end_on - kp.start_on == timedelta(days=14)
    assert kp.measure == "central_quarantine" and kp.followups_per_day == 2
    assert kp.grid_worker == world.cell.worker and kp.officer == world.community.officer
    assert kp.address == world.door.address
    assert kp.person.hold is True
    assert kp.status_changes.get().to_status == Status.ACTIVE


def test_same_document_is_merged_into_the_open_episode(world: World) -> None:
    first = episode(world)
    second = episode(world)
    assert second.pk == first.pk
    assert KeyPerson.objects.count() == 1
    assert AuditLog.objects.filter(action="keyperson.merge").count() == 1


def test_grid_worker_and_other_station_may_not_open_episodes(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        episode(world, actor=world.users["grid"])
    with pytest.raises(PermissionDeniedError):
        episode(world, actor=world.users["linze_station"])
    episode(world, actor=world.users["station"])


def test_bad_period_and_missing_reason_are_refused(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        episode(world, start_on=today, planned_end_on=today)
    assert exc.value.error_dict["planned_end_on"][0].code == "invalid_period"


def test_transitions_need_a_reason_and_follow_the_map(world: World) -> None:
    kp = episode(world)
    community = world.users["community"]
    with pytest.raises(ValidationError) as exc:
        services.keyperson_transition(actor=community, key_person=kp, to_status="lost", reason="")
    assert exc.value.error_dict["reason"][0].code == "reason_required"
    services.keyperson_transition(
        actor=community, key_person=kp, to_status="lost", reason="电话不通"
    )
    services.keyperson_transition(
        actor=community, key_person=kp, to_status="active", reason="已找到，返回居所"
    )
    services.keyperson_transition(
        actor=community, key_person=kp, to_status="released", reason="14天期满，核酸阴性"
    )
    kp.refresh_from_db()
    assert kp.status == Status.RELEASED and kp.ended_on == timezone.localdate()
    assert kp.person.hold is False
    assert [c.to_status for c in kp.status_changes.all()] == [
        "active",
        "lost",
        "active",
        "released",
    ]
    with pytest.raises(ValidationError) as exc:
        services.keyperson_transition(
            actor=community, key_person=kp, to_status="active", reason="重新管控"
        )
    assert exc.value.error_dict["status"][0].code == "invalid_transition"


def test_a_new_episode_after_release(world: World) -> None:
    kp = episode(world)
    services.keyperson_transition(
        actor=world.users["community"], key_person=kp, to_status="released", reason="期满"
    )
    again = episode(world, category="risk_area_returnee")
    assert again.pk != kp.pk and again.person_id == kp.person_id
    assert again.person.hold is True


def test_detail_read_is_scoped_and_audited_with_reason(world: World) -> None:
    kp = episode(world)
    grid2 = world.users["grid2"]
    with pytest.raises(KeyPerson.DoesNotExist):
        selectors.keyperson_detail_for_user(user=grid2, key_person_id=kp.pk, reason="核查")
    seen = selectors.keyperson_detail_for_user(
        user=world.users["grid"], key_person_id=kp.pk, reason="入户随访"
    )
    assert seen.pk == kp.pk
    log = AuditLog.objects.get(action="keyperson.view")
    assert log.reason == "入户随访" and log.actor_name == "grid"


@pytest.mark.parametrize(
    ("username", "seen"),
    [("grid", 1), ("grid2", 1), ("community", 1), ("station", 2), ("linze_station", 0)],
)
def test_list_scoping_matrix(world: World, username: str, seen: int) -> None:
    episode(world, 1)
    episode(world, 2, door=world.other_door, actor=world.users["station"])
    assert selectors.keyperson_list_for_user(user=world.users[username]).count() == seen
