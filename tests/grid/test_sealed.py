"""Sealed compounds (封控小区): who may seal, who sees them, the gate log (出入登记) and the
supplies deliveries (物资配送), by service, page and API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.audit import AuditLog
from fangkong.core.errors import PermissionDeniedError
from fangkong.grid import sealed
from fangkong.grid.models import Delivery, GateEntry, SealedArea
from tests.conftest import login
from tests.grid.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(world: World) -> SealedArea:
    now = timezone.now()
    return sealed.sealed_create(
        actor=world.users["community"], community=world.community, name="交通巷小区",
        gate="南门", reason="发现密接者", starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=12),
    )  # fmt: skip


def test_who_may_seal(world: World) -> None:
    now = timezone.now()
    kwargs = {"name": "甘泉小区", "reason": "排查", "starts_at": now,
              "ends_at": now + timedelta(days=14)}  # fmt: skip
    for username in ("grid", "linze_station"):
        with pytest.raises(PermissionDeniedError):
            sealed.sealed_create(actor=world.users[username], community=world.community2, **kwargs)
    with pytest.raises(PermissionDeniedError):  # the officer of another community
        sealed.sealed_create(actor=world.users["community"], community=world.community2, **kwargs)
    made = sealed.sealed_create(actor=world.users["station"], community=world.community2, **kwargs)
    assert made.is_sealed(now + timedelta(hours=1))
    assert not made.is_sealed(now + timedelta(days=15))


def test_bad_periods_are_refused(world: World) -> None:
    now = timezone.now()
    kwargs = {"actor": world.users["community"], "community": world.community, "name": "x小区",
              "reason": "排查", "starts_at": now}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        sealed.sealed_create(**kwargs, ends_at=now)
    assert exc.value.error_dict["ends_at"][0].code == "ends_before_start"
    with pytest.raises(ValidationError) as exc:
        sealed.sealed_create(**kwargs, ends_at=now + timedelta(days=90))
    assert exc.value.error_dict["ends_at"][0].code == "too_long"


@pytest.mark.parametrize(
    ("username", "sees"),
    [("grid", True), ("community", True), ("station", True), ("grid2", False),
     ("linze_station", False)],
)  # fmt: skip
def test_jurisdiction(world: World, area: SealedArea, username: str, sees: bool) -> None:
    user = world.users[username]
    assert list(sealed.sealed_list_for_user(user=user)) == ([area] if sees else [])
    assert login(user).get(f"/keypersons/sealed/{area.pk}/").status_code == (200 if sees else 404)
    answer = login(user).get(f"/api/v1/grid/sealed/{area.pk}")
    assert answer.status_code == (200 if sees else 404)


def test_gate_log_once_per_key_and_within_the_seal(world: World, area: SealedArea) -> None:
    grid = world.users["grid"]
    kwargs = {"direction": "in", "role": "medical", "name": "李医生", "phone": "13900000001",
              "temperature": Decimal("36.5"), "idempotency_key": "gate-key-0001"}  # fmt: skip
    entry, created = sealed.entry_record(actor=grid, area=area, **kwargs)
    again, created_again = sealed.entry_record(actor=grid, area=area, **kwargs)
    assert created and not created_again and again.pk == entry.pk
    assert GateEntry.objects.count() == 1 and entry.recorded_by == grid.staff
    assert entry.name_masked != "李医生"
    with pytest.raises(ValidationError) as exc:
        sealed.entry_record(actor=grid, area=area, direction="in", role="medical", name="李医生",
                            at=area.starts_at - timedelta(hours=1))  # fmt: skip
    assert exc.value.error_dict["at"][0].code == "not_sealed"
    with pytest.raises(ValidationError) as exc:
        sealed.entry_record(actor=grid, area=area, direction="up", role="x", name="")
    assert set(exc.value.error_dict) == {"direction", "role", "name"}


def test_deliveries_go_to_doors_of_the_compound(world: World, area: SealedArea) -> None:
    grid = world.users["grid"]
    delivery, _ = sealed.delivery_record(
        actor=grid, area=area, items="大米", quantity=Decimal("10"), unit="kg",
        delivered_by="志愿者王某", door_id=world.door.pk,
    )  # fmt: skip
    assert delivery.door == world.door
    with pytest.raises(ValidationError) as exc:
        sealed.delivery_record(actor=grid, area=area, items="蔬菜", quantity=Decimal("1"),
                               delivered_by="王某", door_id=world.other_door.pk)  # fmt: skip
    assert exc.value.error_dict["door_id"][0].code == "door_elsewhere"
    with pytest.raises(ValidationError) as exc:
        sealed.delivery_record(actor=grid, area=area, items="", quantity=Decimal("0"),
                               delivered_by="")  # fmt: skip
    assert set(exc.value.error_dict) == {"items", "quantity", "delivered_by"}


def test_passes_and_lifting(world: World, area: SealedArea) -> None:
    with pytest.raises(PermissionDeniedError):
        sealed.pass_add(actor=world.users["grid"], area=area, role="medical", name="李医生")
    allowed = sealed.pass_add(actor=world.users["community"], area=area, role="medical",
                              name="李医生", phone="13900000001")  # fmt: skip
    entry, _ = sealed.entry_record(actor=world.users["grid"], area=area, direction="out",
                                   role="medical", name="李医生", pass_id=allowed.pk)  # fmt: skip
    assert entry.sealed_pass == allowed
    with pytest.raises(ValidationError):
        sealed.sealed_lift(actor=world.users["community"], area=area, reason="")
    sealed.sealed_lift(actor=world.users["community"], area=area, reason="14天无新增")
    area.refresh_from_db()
    assert not area.is_sealed(timezone.now())
    with pytest.raises(ValidationError):
        sealed.sealed_lift(actor=world.users["community"], area=area, reason="再次解封")


def test_opening_a_compound_is_audited(world: World, area: SealedArea) -> None:
    sealed.sealed_view(actor=world.users["grid"], area=area, ip="10.0.0.5")

    viewed = AuditLog.objects.get(action="grid.sealed_view")
    assert (viewed.target_id, viewed.ip) == (str(area.pk), "10.0.0.5")
    assert viewed.actor_id == world.users["grid"].pk


def test_pages_list_detail_and_plain_forms(world: World, area: SealedArea) -> None:
    grid = login(world.users["grid"])
    listing = grid.get("/keypersons/sealed/").content.decode()
    assert "封控小区" in listing and "交通巷小区" in listing and "实施封控" not in listing
    assert "实施封控" in login(world.users["community"]).get("/keypersons/sealed/").content.decode()
    detail = grid.get(f"/keypersons/sealed/{area.pk}/")
    body = detail.content.decode()
    assert "出入登记" in body and "物资配送" in body and "封控中" in body
    assert AuditLog.objects.filter(action="grid.sealed_view", target_id=str(area.pk)).exists()
    posted = grid.post(f"/keypersons/sealed/{area.pk}/", {
        "form": "entry", "direction": "in", "role": "supplies", "name": "快递员赵某",
        "temperature": "36.6", "idempotency_key": "page-key-0001",
    })  # fmt: skip
    assert posted.status_code == 302
    grid.post(f"/keypersons/sealed/{area.pk}/", {
        "form": "delivery", "items": "蔬菜包", "quantity": "2", "unit": "份",
        "delivered_by": "社区志愿者", "door_id": str(world.door2.pk),
    })  # fmt: skip
    assert GateEntry.objects.get().name == "快递员赵某"
    assert Delivery.objects.get().door == world.door2
    bad = grid.post(f"/keypersons/sealed/{area.pk}/", {"form": "entry", "direction": "in"})
    assert bad.status_code == 422


def test_community_officer_seals_from_the_page(world: World) -> None:
    officer = login(world.users["community"])
    now = timezone.localtime()
    response = officer.post("/keypersons/sealed/", {
        "community": world.community.pk, "name": "交通巷3号院", "gate": "北门",
        "reason": "阳性病例", "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip
    assert response.status_code == 302
    assert SealedArea.objects.get().name == "交通巷3号院"
    refused = officer.post("/keypersons/sealed/", {"community": world.community2.pk,
                                                   "name": "x", "reason": "y"})  # fmt: skip
    assert refused.status_code == 422 and not SealedArea.objects.filter(name="x").exists()


def test_api(world: World, area: SealedArea) -> None:
    grid, officer = login(world.users["grid"]), login(world.users["community"])
    assert [a["id"] for a in grid.get("/api/v1/grid/sealed").json()] == [area.pk]
    assert login(world.users["grid2"]).get("/api/v1/grid/sealed").json() == []
    body = {"direction": "in", "role": "police", "name": "王警官", "temperature": "36.4",
            "idempotency_key": "api-key-0001"}  # fmt: skip
    url = f"/api/v1/grid/sealed/{area.pk}/entries"
    first = grid.post(url, body, content_type="application/json")
    second = grid.post(url, body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and second.json()["created"] is False
    assert [e["name"] for e in grid.get(url).json()] == [first.json()["name"]]
    bad = grid.post(url, {**body, "role": "king", "idempotency_key": None},
                    content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_choice"
    deliveries = f"/api/v1/grid/sealed/{area.pk}/deliveries"
    made = grid.post(deliveries, {"items": "口罩", "quantity": "200", "unit": "只",
                                  "delivered_by": "物业", "door_id": world.door.pk},
                     content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and made.json()["door"] == world.door.address
    created = officer.post("/api/v1/grid/sealed", {
        "community_id": world.community.pk, "name": "1号楼", "reason": "密接",
        "starts_at": timezone.now().isoformat(),
        "ends_at": (timezone.now() + timedelta(days=7)).isoformat(),
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201 and created.json()["sealed"] is True
    forbidden = grid.post("/api/v1/grid/sealed", {
        "community_id": world.community.pk, "name": "1号楼", "reason": "密接",
        "starts_at": timezone.now().isoformat(),
        "ends_at": (timezone.now() + timedelta(days=7)).isoformat(),
    }, content_type="application/json")  # fmt: skip
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    outside = officer.post("/api/v1/grid/sealed", {
        "community_id": world.community2.pk, "name": "1号楼", "reason": "密接",
        "starts_at": "2026-01-01T00:00:00", "ends_at": "2026-01-05T00:00:00",
    }, content_type="application/json")  # fmt: skip
    assert outside.status_code == 404
