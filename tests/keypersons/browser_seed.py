"""Seed of the key-person browser test: a Ganzhou police station with one community, its
community officer ``community``, its grid worker ``grid`` and one key person under home
observation, whose self-report link is written to ``selfreport.txt`` in the data directory;
in a second cell of the community (not the grid worker's) an outsider under observation since
yesterday with no follow-up, for the end-of-day check; and a toll station whose checks ended
in 劝返 and 移交卫健, candidates in the review queue, the handover recorded by a staff member."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from fangkong.grid import services as grid_services
from fangkong.grid.models import Building, Door, GridCell
from fangkong.keypersons import services
from fangkong.keypersons.models import Category
from fangkong.lib.idnumber import checksum_char
from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Role, Staff, Unit
from fangkong.screening.models import Check
from fangkong.sites.choices import SiteKind
from fangkong.sites.models import Site

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
    officer_user = users.create(
        username="community", first_name="社区民警", password=make_password(PASSWORD)
    )
    officer = Staff.objects.create(
        unit=station, user=officer_user, name="马社区", kind=StaffKind.OFFICER, badge_number="C1"
    )
    officer.roles.set(Role.objects.filter(code=RoleCode.COMMUNITY_OFFICER))
    community = grid_services.community_create(
        actor=root, code="620702001001", station=station, officer=officer
    )
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
    _unvisited_since_yesterday(root, community)
    Path(os.environ["FANGKONG_DATA_DIR"], "selfreport.txt").write_text(token)
    _candidates(station, episode.person, root)


def _unvisited_since_yesterday(root: object, community: object) -> None:
    other_cell = GridCell.objects.create(community=community, code="C2", name="交通巷第2网格")
    first17 = "62070219900202234"
    services.keyperson_create(
        actor=root,
        data=services.EpisodeIn(
            doc_type="resident_id", doc_number=first17 + checksum_char(first17), name="赵小红",
            category=Category.objects.get(code="outsider"), source="grid_sweep",
            community=community, cell=other_cell,
            start_on=timezone.localdate() - timedelta(days=1), reason="入户摸排发现外来人员",
        ),
    )  # fmt: skip


def _candidates(station: Unit, person: object, root: object) -> None:
    site = Site.objects.create(
        code="620702-T01", name="甘州区平山湖甘蒙界公安检查站", kind=SiteKind.TOLL_STATION,
        unit=station, lng=100.45, lat=38.93, division_code="620702",
    )  # fmt: skip
    recorder = get_user_model().objects.create(username="brigade7", password="!")
    Staff.objects.create(
        unit=station, user=recorder, name="赵建国", kind=StaffKind.OFFICER, badge_number="B7023"
    )
    for n, outcome in enumerate(["persuade_return", "refer_health", "refer_health"]):
        check = Check.objects.create(
            site=site, person=person, temperature="37.9", recommended=outcome, outcome=outcome,
            reasons=[], policy_version=1, idempotency_key=f"seed-{n}",
            checked_at=timezone.now() - timedelta(hours=2 + n),
        )  # fmt: skip
        services.candidate_from_check(check)
        if n == 1:
            services.handover_record(
                actor=recorder, check=check, receiver_name="李医生",
                receiver_unit="甘州区人民医院发热门诊",
            )  # fmt: skip
