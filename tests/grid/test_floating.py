"""Floating population (流动人口): a self-registration lands as a resident to verify on its door
(or as a placement task), the grid worker verifies or rejects it, a move-out closes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.audit import AuditLog
from fangkong.grid import floating, services
from fangkong.grid.choices import PlacementStatus, ResidentKind, ResidentStatus
from fangkong.grid.models import Placement, Resident
from fangkong.registration import services as registration_services
from fangkong.registration.models import Person
from fangkong.sites.choices import SiteKind
from tests.conftest import login
from tests.factories import SiteFactory
from tests.grid.world import World
from tests.registration.conftest import floating_data, id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()  # the public form's rate limit counts in the cache


@pytest.fixture
def gate(world: World) -> Any:
    """A community gate of 交通巷社区 (world.community), linked to it on the grid."""
    site = SiteFactory(code="GATE-JTX", kind=SiteKind.COMMUNITY_GATE, unit=world.station)
    world.community.gates.add(site)
    return site


def register(site: Any, n: int = 1, **overrides: Any) -> Any:
    return registration_services.registration_create(
        site=site, kind="floating", submission_key=f"key-{n}-{len(overrides)}",
        data=floating_data(n, **overrides),
    )  # fmt: skip


def test_a_chosen_door_makes_a_resident_to_verify_with_landlord_and_employer(
    world: World, gate: Any
) -> None:
    lead = register(gate, door_id=str(world.door.pk), building="", door="", address="")
    resident = Resident.objects.get(registration=lead)
    assert (resident.door, resident.cell) == (world.door, world.cell)
    assert resident.status == ResidentStatus.TO_VERIFY and not resident.active
    assert resident.kind == ResidentKind.FLOATING
    assert resident.name == "钱七" and resident.phone == lead.phone
    assert resident.landlord_name == "孙八" and resident.landlord_phone == "13800000002"
    assert resident.employer == "张掖某某公司"
    assert resident.outsider  # from 成都 (5101), not 张掖 (6207)
    assert resident.moved_in_on == timezone.localdate() - timedelta(days=3)
    # The person holds no declared name: the public never writes it.
    assert Person.objects.get(pk=resident.person_id).verified_name == ""
    # On the worker's list, not on a resident list yet.
    assert list(floating.to_verify_for_user(user=world.users["grid"])) == [resident]
    assert list(floating.to_verify_for_user(user=world.users["grid2"])) == []
    assert not Resident.objects.filter(active=True, pk=resident.pk).exists()


def test_a_typed_address_matching_one_door_lands_on_it(world: World, gate: Any) -> None:
    lead = register(gate, building=" 1号楼", door="1单元 201")
    assert Resident.objects.get(registration=lead).door == world.door2


def test_an_unknown_address_makes_a_task_to_place_them(world: World, gate: Any) -> None:
    lead = register(gate, building="99号楼", door="9单元909")
    assert not Resident.objects.filter(registration=lead).exists()
    placement = Placement.objects.get(registration=lead)
    assert placement.community == world.community and placement.status == PlacementStatus.OPEN
    # The community's grid worker and officer see it; the other community's worker does not.
    assert list(floating.placements_for_user(user=world.users["grid"])) == [placement]
    assert list(floating.placements_for_user(user=world.users["community"])) == [placement]
    assert list(floating.placements_for_user(user=world.users["grid2"])) == []
    resident = floating.placement_place(
        actor=world.users["grid"], placement=placement, door=world.door2
    )
    assert resident.status == ResidentStatus.TO_VERIFY and resident.door == world.door2
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PLACED and placement.resident == resident
    with pytest.raises(ValidationError):
        floating.placement_reject(actor=world.users["grid"], placement=placement, reason="重复")


def test_a_door_of_another_community_is_ignored(world: World, gate: Any) -> None:
    lead = register(gate, door_id=str(world.other_door.pk), building="99号楼", door="1")
    assert not Resident.objects.filter(registration=lead).exists()
    assert Placement.objects.filter(registration=lead).exists()


def test_a_placement_goes_to_a_door_of_its_community_only(world: World, gate: Any) -> None:
    placement = Placement.objects.get(registration=register(gate, building="x", door="y"))
    with pytest.raises(ValidationError) as exc:
        floating.placement_place(actor=None, placement=placement, door=world.other_door)
    assert exc.value.error_dict["door_id"][0].code == "door_elsewhere"
    floating.placement_reject(
        actor=world.users["community"], placement=placement, reason="查无此人"
    )
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.REJECTED


def test_a_site_that_is_no_communitys_gate_puts_nobody_on_the_grid(world: World) -> None:
    site = SiteFactory(code="GATE-X", kind=SiteKind.COMMUNITY_GATE, unit=world.station)
    register(site)
    assert not Resident.objects.exists() and not Placement.objects.exists()


def test_verify_makes_them_live_there(world: World, gate: Any) -> None:
    resident = Resident.objects.get(registration=register(gate, door_id=str(world.door.pk)))
    floating.resident_verify(actor=world.users["grid"], resident=resident, note="已见证件")
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.VERIFIED and resident.active
    assert resident.verified_at is not None
    assert resident.reviewed_by == world.users["grid"].staff
    assert AuditLog.objects.filter(action="grid.resident_verify").count() == 1
    with pytest.raises(ValidationError) as exc:
        floating.resident_verify(actor=world.users["grid"], resident=resident)
    assert exc.value.error_dict["status"][0].code == "invalid_state"


def test_reject_needs_a_reason_and_keeps_the_declaration(world: World, gate: Any) -> None:
    resident = Resident.objects.get(registration=register(gate, door_id=str(world.door.pk)))
    with pytest.raises(ValidationError):
        floating.resident_reject(actor=world.users["grid"], resident=resident, reason=" ")
    floating.resident_reject(actor=world.users["grid"], resident=resident, reason="查无此人")
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.REJECTED and not resident.active
    assert resident.name == "钱七"


def test_move_out_closes_the_record(world: World, gate: Any) -> None:
    resident = Resident.objects.get(registration=register(gate, door_id=str(world.door.pk)))
    floating.resident_verify(actor=world.users["grid"], resident=resident)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError):
        tomorrow = timezone.localdate() + timedelta(days=1)
        services.resident_move_out(actor=None, resident=resident, day=tomorrow, reason="搬走")
    services.resident_move_out(actor=None, resident=resident, day=yesterday, reason="退租搬离")
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.MOVED_OUT and not resident.active
    assert resident.moved_out_on == yesterday
    with pytest.raises(ValidationError):
        services.resident_move_out(actor=None, resident=resident, day=yesterday, reason="再次")


def test_a_second_declaration_changes_nothing_on_the_first(world: World, gate: Any) -> None:
    first = Resident.objects.get(registration=register(gate, door_id=str(world.door.pk)))
    floating.resident_verify(actor=world.users["grid"], resident=first)
    again = register(gate, 1, door_id=str(world.door.pk), name="冒名", phone="13911112222",
                     landlord_name="别人")  # fmt: skip
    assert again.pk != first.registration_id
    assert Resident.objects.filter(person=first.person).count() == 1
    first.refresh_from_db()
    assert (first.name, first.landlord_name, first.status) == ("钱七", "孙八", "verified")


def test_the_public_form_offers_the_communitys_doors_and_lands_them(
    client: Any, world: World, gate: Any
) -> None:
    page = client.get(f"/r/{gate.code}/floating/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'value="{world.door.pk}"' in body and f'value="{world.other_door.pk}"' not in body
    key = page.context["submission_key"]
    data = {k: v for k, v in floating_data(7).items() if not isinstance(v, list)}
    data |= {"door_id": str(world.door2.pk), "building": "", "door": "", "address": ""}
    response = client.post(f"/r/{gate.code}/floating/", {**data, "submission_key": key})
    assert response.status_code == 303, response.content.decode()[:2000]
    resident = Resident.objects.get(person__doc_index__isnull=False, door=world.door2)
    assert resident.status == ResidentStatus.TO_VERIFY


def test_the_workers_day_lists_them_and_verifies_from_the_phone(world: World, gate: Any) -> None:
    resident = Resident.objects.get(registration=register(gate, door_id=str(world.door.pk)))
    placement = Placement.objects.get(registration=register(gate, 2, building="x", door="y"))
    grid = login(world.users["grid"])
    page = grid.get("/keypersons/today/").content.decode()
    assert f'data-resident="{resident.pk}"' in page and f'data-placement="{placement.pk}"' in page
    assert "待核实" in page
    assert (
        login(world.users["grid2"]).post(f"/keypersons/residents/{resident.pk}/verify/").status_code
        == 404
    )
    assert grid.post(f"/keypersons/residents/{resident.pk}/verify/").status_code == 302
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.VERIFIED
    response = grid.post(f"/keypersons/placements/{placement.pk}/place/",
                         {"door_id": world.door2.pk})  # fmt: skip
    assert response.status_code == 302
    placed = Resident.objects.get(registration=placement.registration)
    assert placed.door == world.door2
    floating_page = grid.get("/keypersons/floating/").content.decode()
    assert "已迁出" not in floating_page and f'data-resident="{placed.pk}"' in floating_page
    today = timezone.localdate().isoformat()
    moved = grid.post("/keypersons/floating/", {"resident": resident.pk, "moved_out_on": today,
                                                "reason": "退租"})  # fmt: skip
    assert moved.status_code == 302
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.MOVED_OUT


@pytest.mark.parametrize("day", ["2026-02-30", "someday", "0001-01-01"])
def test_a_move_out_on_no_day_is_refused_not_put_on_today(
    world: World, gate: Any, day: str
) -> None:
    resident = Resident.objects.get(registration=register(gate, door_id=str(world.door.pk)))
    data = {"resident": resident.pk, "moved_out_on": day, "reason": "退租"}
    refused = login(world.users["grid"]).post("/keypersons/floating/", data)
    assert refused.status_code == 422
    assert "迁出日期：请按“年-月-日”填写日期" in refused.content.decode()
    resident.refresh_from_db()
    assert resident.moved_out_on is None and resident.status != ResidentStatus.MOVED_OUT


def test_api_verify_reject_move_out_and_scope(world: World, gate: Any) -> None:
    one = Resident.objects.get(registration=register(gate, door_id=str(world.door.pk)))
    two = Resident.objects.get(registration=register(gate, 2, door_id=str(world.door2.pk)))
    grid, grid2 = login(world.users["grid"]), login(world.users["grid2"])
    listed = grid.get("/api/v1/grid/residents/to-verify").json()
    assert {r["id"] for r in listed} == {one.pk, two.pk}
    assert listed[0]["landlord"].startswith("孙") and "八" not in listed[0]["landlord"]
    assert grid2.get("/api/v1/grid/residents/to-verify").json() == []
    assert grid2.post(f"/api/v1/grid/residents/{one.pk}/verify", {},
                      content_type="application/json").status_code == 404  # fmt: skip
    ok = grid.post(f"/api/v1/grid/residents/{one.pk}/verify", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "verified"
    again = grid.post(f"/api/v1/grid/residents/{one.pk}/verify", {},
                      content_type="application/json")  # fmt: skip
    assert again.status_code == 422 and again.json()["code"] == "invalid_state"
    rejected = grid.post(f"/api/v1/grid/residents/{two.pk}/reject", {"reason": "查无此人"},
                         content_type="application/json")  # fmt: skip
    assert rejected.json()["status"] == "rejected"
    moved = grid.post(
        f"/api/v1/grid/residents/{one.pk}/move-out",
        {"moved_out_on": timezone.localdate().isoformat(), "reason": "退租"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "moved_out"
    assert moved.json()["moved_out_on"] == timezone.localdate().isoformat()


def test_id_number_of_the_form_is_the_persons(world: World, gate: Any) -> None:
    lead = register(gate, 5, door_id=str(world.door.pk))
    resident = Resident.objects.get(registration=lead)
    assert resident.person.doc_number == id_number(5)
