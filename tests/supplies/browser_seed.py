"""Seed of the supplies browser test: Ganzhou's store with masks, a post in its squad, the
squad's duty leader (who works at the post) and the brigade's logistics clerk."""

from __future__ import annotations

from fangkong.org.choices import RoleCode, UnitKind
from fangkong.org.models import Staff, Unit
from fangkong.sites.models import Site
from fangkong.supplies import services
from fangkong.supplies.choices import ItemCategory, MeasureUnit
from fangkong.supplies.models import Item
from tests.browser import people

PASSWORD = "supplies-browser-1"
SITE_CODE = "GZ1-001"


def person(unit_: Unit, username: str, name: str, role: str, badge: str) -> Staff:
    return people.officer(unit_, username, name, role, badge=badge, password=PASSWORD)


def run() -> None:
    people.roles()
    top = people.unit("620700", "张掖市公安局交警支队", UnitKind.DETACHMENT)
    ganzhou = people.unit("620702", "甘州大队", UnitKind.BRIGADE, top)
    squad = people.unit("620702-1", "甘州一中队", UnitKind.SQUAD, ganzhou)
    Site.objects.create(
        code=SITE_CODE,
        name="G30张掖东收费站",
        kind="toll_station",
        unit=squad,
        lng=100.5,
        lat=38.95,
    )
    clerk = person(ganzhou, "logistics", "刘后勤", RoleCode.LOGISTICS, "100001").user
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
