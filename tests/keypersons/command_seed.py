"""Seed of the command-view browser test: a Ganzhou station with two communities (one placed
on the map), key persons with today's follow-ups, and two checks of its site that ended in
劝返 and 移交卫健. Everyone logs in as ``root``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from fangkong.grid import services as grid_services
from fangkong.grid.models import Building, Door, GridCell
from fangkong.keypersons import services
from fangkong.keypersons.models import Category
from fangkong.org.choices import RoleCode, UnitKind
from fangkong.org.models import Role
from fangkong.screening.models import Check
from tests.factories import PersonFactory, SiteFactory, _resident_id
from tests.keypersons.browser_seed import PASSWORD, unit

HOSTILE_STATION = "甘州区东街派出所<img src=x onerror=window.__xss=1>"


def run() -> None:
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    top = unit("620700", "张掖市公安局", UnitKind.CITY_BUREAU)
    # A station name as an org import could bring it: the map's tooltip must show it as text.
    station = unit("620702200100", HOSTILE_STATION, UnitKind.STATION, top)
    root = get_user_model().objects.create(
        username="root", is_superuser=True, is_staff=True, password=make_password(PASSWORD)
    )
    site = SiteFactory(unit=station, name="甘州东收费站", lng=100.47, lat=38.94)
    places = [("620702001001", 100.451, 38.928), ("620702001005", None, None)]
    for n, (code, lng, lat) in enumerate(places):
        community = grid_services.community_create(actor=root, code=code, station=station)
        community.lng, community.lat = lng, lat
        community.save(update_fields=["lng", "lat"])
        cell = GridCell.objects.create(community=community, code=f"C{n}", name=f"第{n + 1}网格")
        building = Building.objects.create(cell=cell, name="1号楼")
        door = Door.objects.create(building=building, cell=cell, label="101", address="1号楼101")
        for k in range(3 - n):
            kp, _created = services.keyperson_create(
                actor=root,
                data=services.EpisodeIn(
                    doc_type="resident_id", doc_number=_resident_id(500 + 10 * n + k),
                    name=f"居民{k}", category=Category.objects.get(code="close_contact"),
                    source="manual", community=community, cell=cell, door=door,
                    reason="流调推送密接",
                ),
            )  # fmt: skip
            if k == 0:
                services.followup_record(
                    actor=root, key_person=kp,
                    data=services.FollowUpIn(temperature=Decimal("38.1")),
                )  # fmt: skip
    for key, outcome in (("r", "persuade_return"), ("h", "refer_health")):
        Check.objects.create(
            site=site, person=PersonFactory(), temperature="37.9", recommended=outcome,
            outcome=outcome, reasons=[], policy_version=1,
            checked_at=timezone.now() - timedelta(hours=1), idempotency_key=key,
        )  # fmt: skip
    services.candidates_collect(since=timezone.now() - timedelta(days=1))
    _list_match(site, root)


def _list_match(site: Any, root: Any) -> None:
    """A person a health list found among the registrations: a candidate from a list match,
    next to the checks' in the queue."""
    from fangkong.intel import listfile
    from fangkong.intel.models import WatchList
    from fangkong.intel.services import lists, matching
    from fangkong.lib import tabular
    from tests.factories import RegistrationFactory

    registration: Any = RegistrationFactory(site=site)
    data = f"姓名,身份证号\n某,{registration.person.doc_number}\n".encode()
    read = listfile.read_list(tabular.read_sheets("list.csv", data, max_rows=10))
    watch_list = WatchList.objects.create(
        name="卫健委密接名单", source="市卫健委", purpose="close_contact",
        legal_basis="《传染病防治法》", expires_on=timezone.localdate() + timedelta(days=14),
        unit=site.unit, status="active", created_by=root,
    )  # fmt: skip
    lists.entries_store(watch_list=watch_list, entries=read.entries)
    matching.match_run(watch_list=watch_list)
