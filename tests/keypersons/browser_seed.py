"""Seed of the key-person browser test: a Ganzhou police station with one community, its
grid worker ``grid`` and one key person under home observation, whose self-report link is
written to ``selfreport.txt`` in the data directory."""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from fangkong.grid import services as grid_services
from fangkong.grid.models import Building, Door, GridCell
from fangkong.keypersons import services
from fangkong.keypersons.models import Category
from fangkong.lib.idnumber import checksum_char
from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Role, Staff, Unit

PASSWORD = "keypersons-browser-1"


def unit(code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    path = (parent.path if parent else "/") + code + "/"
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent, path=path)


def run() -> None:
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    top = unit("620700", "张掖市公安局", UnitKind.CITY_BUREAU)
    station = unit("620702200100", "甘州区东街派出所", UnitKind.STATION, top)
    users = get_user_model().objects
    root = users.create(username="root", is_superuser=True, password=make_password(PASSWORD))
    user = users.create(username="grid", first_name="网格员", password=make_password(PASSWORD))
    worker = Staff.objects.create(
        unit=station, user=user, name="李网格", kind=StaffKind.GRID_WORKER, badge_number="G1"
    )
    worker.roles.set(Role.objects.filter(code=RoleCode.GRID_WORKER))
    community = grid_services.community_create(actor=root, code="620702001001", station=station)
    cell = GridCell.objects.create(
        community=community, code="C1", name="交通巷第1网格", worker=worker
    )
    building = Building.objects.create(cell=cell, name="南大街1号1号楼")
    door = Door.objects.create(
        building=building,
        cell=cell,
        label="1单元101",
        address="甘州区交通巷社区南大街1号1单元101室",
    )
    first17 = "62070219800101123"
    episode, _created = services.keyperson_create(
        actor=root,
        data=services.EpisodeIn(
            doc_type="resident_id", doc_number=first17 + checksum_char(first17), name="王小明",
            category=Category.objects.get(code="secondary_contact"), source="manual",
            community=community, cell=cell, door=door, reason="流调推送次密接",
        ),
    )  # fmt: skip
    token = services.report_link_issue(actor=root, key_person=episode)
    Path(os.environ["FANGKONG_DATA_DIR"], "selfreport.txt").write_text(token)
