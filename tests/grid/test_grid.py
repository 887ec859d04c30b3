"""The grid's structure and who sees which part of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.errors import PermissionDeniedError
from fangkong.grid import selectors, services
from fangkong.grid.divisions import county_table, sub_division
from fangkong.grid.models import Community
from tests.grid.world import World

pytestmark = pytest.mark.django_db


def test_packaged_divisions_know_ganzhou_streets_and_communities() -> None:
    table = county_table("620702")
    assert table["620702001000"].name == "东街街道"
    community = sub_division("620702001001")
    assert community is not None and community.parent_code == "620702001000"
    assert community.short_name == "交通巷社区"
    assert sub_division("620702999999") is None
    assert sub_division("62070200100x") is None
    assert county_table("../../etc") == {}


def test_community_created_from_the_table_with_its_street(world: World) -> None:
    assert world.community.name == "交通巷社区"
    assert world.community.street.name == "东街街道"
    assert world.community.station == world.station


def test_community_code_must_be_known_and_station_a_station(world: World, tree) -> None:
    root = world.users["community"]
    with pytest.raises(PermissionDeniedError):
        services.community_create(actor=root, code="620702001006", station=world.station)
    from tests.factories import UserFactory

    admin = UserFactory(username="admin2", is_superuser=True)
    with pytest.raises(ValidationError) as exc:
        services.community_create(actor=admin, code="620702001999", station=world.station)
    assert exc.value.error_dict["code"][0].code == "division_unknown"
    with pytest.raises(ValidationError) as exc:
        services.community_create(actor=admin, code="620702001006", station=tree.ganzhou)
    assert exc.value.error_dict["station"][0].code == "not_a_station"


@pytest.mark.parametrize(
    ("username", "communities", "cells", "doors"),
    [
        ("grid", {"620702001001"}, {"C1"}, 2),
        ("grid2", {"620702001005"}, {"C2"}, 2),
        ("community", {"620702001001"}, {"C1"}, 2),
        ("station", {"620702001001", "620702001005"}, {"C1", "C2"}, 4),
        ("linze_station", {"620723100001"}, {"L1"}, 2),
    ],
)
def test_scoping_matrix(world: World, username, communities, cells, doors) -> None:
    user = world.users[username]
    seen = set(selectors.community_list_for_user(user=user).values_list("code", flat=True))
    assert seen == communities
    assert set(selectors.cell_list_for_user(user=user).values_list("code", flat=True)) == cells
    assert selectors.door_list_for_user(user=user).count() == doors


def test_outside_door_is_not_found(world: World) -> None:
    with pytest.raises(Exception) as exc:
        selectors.door_get_for_user(user=world.users["grid"], door_id=world.other_door.pk)
    assert exc.type.__name__ == "DoesNotExist"


def test_door_visit_is_recorded_once_and_counts_in_coverage(world: World) -> None:
    grid = world.users["grid"]
    visit, created = services.door_visit_record(
        actor=grid, door=world.door, residents_seen=3, outsiders=1, idempotency_key="k1"
    )
    again, created_again = services.door_visit_record(
        actor=grid, door=world.door, residents_seen=3, idempotency_key="k1"
    )
    assert created and not created_again and again.pk == visit.pk
    since = timezone.now() - timedelta(days=7)
    [row] = selectors.sweep_coverage_for_user(user=grid, since=since)
    assert (row.doors, row.visited, row.percent) == (2, 1, 50.0)
    todo = selectors.doors_to_sweep(user=grid, cell_ids=[world.cell.pk], since=since, limit=10)
    assert [d.pk for d in todo] == [world.door2.pk]


def test_resident_added_with_encrypted_document_and_moved_out(world: World) -> None:
    from tests.factories import _resident_id

    resident = services.resident_add(
        actor=world.users["grid"], door=world.door, doc_type="resident_id",
        doc_number=_resident_id(7), name="张三", phone="13800001111", outsider=True,
    )  # fmt: skip
    assert resident.person.doc_number == _resident_id(7)
    assert resident.phone_masked.startswith("138") and "*" in resident.phone_masked
    with pytest.raises(ValidationError):
        services.resident_add(
            actor=world.users["grid"], door=world.door, doc_type="resident_id",
            doc_number=_resident_id(7), name="张三",
        )  # fmt: skip
    services.resident_move_out(
        actor=world.users["grid"], resident=resident, day=timezone.localdate(), reason="搬走"
    )
    assert not selectors.resident_list_for_user(user=world.users["grid"]).exists()


def test_community_officer_scope_includes_only_own_community(world: World) -> None:
    user = world.users["community"]
    assert not Community.objects.filter(pk=world.community2.pk).filter(
        pk__in=selectors.community_list_for_user(user=user)
    )


def test_doors_never_visited_come_before_those_visited_long_ago(world: World) -> None:
    """The longest unvisited first, on either database: a door never visited before one last
    visited a month ago (PostgreSQL sorts NULL last unless told)."""
    from fangkong.grid.models import Door

    Door.objects.filter(pk=world.door.pk).update(swept_at=timezone.now() - timedelta(days=30))
    Door.objects.filter(pk=world.door2.pk).update(swept_at=None)
    since = timezone.now() - timedelta(days=7)
    todo = selectors.doors_to_sweep(
        user=world.users["grid"], cell_ids=[world.cell.pk], since=since, limit=10
    )
    assert [d.pk for d in todo] == [world.door2.pk, world.door.pk]
