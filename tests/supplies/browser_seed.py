"""Seed of the supplies browser test: Ganzhou's store with masks, a post in its squad, the
squad's duty leader (who works at the post) and the brigade's logistics clerk."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Role, Staff, Unit
from fangkong.sites.models import Site
from fangkong.supplies import services
from fangkong.supplies.choices import ItemCategory, MeasureUnit
from fangkong.supplies.models import Item

PASSWORD = "supplies-browser-1"
SITE_CODE = "GZ1-001"


def unit(code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    path = (parent.path if parent else "/") + code + "/"
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent, path=path)


def person(unit_: Unit, username: str, name: str, role: str, badge: str) -> object:
    user = get_user_model().objects.create(
        username=username, first_name=name, password=make_password(PASSWORD)
    )
    staff = Staff.objects.create(
        unit=unit_, user=user, name=name, kind=StaffKind.OFFICER, badge_number=badge
    )
    staff.roles.set(Role.objects.filter(code=role))
    return user


def run() -> None:
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    top = unit("620700", "张掖市公安局交警支队", UnitKind.DETACHMENT)
    ganzhou = unit("620702", "甘州大队", UnitKind.BRIGADE, top)
    squad = unit("620702-1", "甘州一中队", UnitKind.SQUAD, ganzhou)
    Site.objects.create(
        code=SITE_CODE,
        name="G30张掖东收费站",
        kind="toll_station",
        unit=squad,
        lng=100.5,
        lat=38.95,
    )
    clerk = person(ganzhou, "logistics", "刘后勤", RoleCode.LOGISTICS, "100001")
    person(squad, "leader", "王班长", RoleCode.DUTY_LEADER, "100002")
    mask = Item.objects.create(
        code="MASK-SURG", name="医用外科口罩", category=ItemCategory.MASK, measure=MeasureUnit.PIECE
    )
    Item.objects.create(
        code="GLOVE",
        name="一次性手套",
        category=ItemCategory.GLOVES,
        measure=MeasureUnit.PAIR,
        sort_order=1,
    )
    store = services.store_create(actor=clerk, unit=ganzhou, name="甘州大队物资库")
    services.stock_receive(actor=clerk, store=store, lines=[services.Line(mask, 1000, "B1")])
