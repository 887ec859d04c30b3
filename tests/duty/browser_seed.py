"""Seed of the duty browser test: a Ganzhou post with two officers, alice and bob, on every
shift of today's published rosters (one roster per shift, as one duty a day is a roster's
rule), and the brigade's duty leader."""

from __future__ import annotations

from django.utils import timezone

from fangkong.org.choices import RoleCode, UnitKind
from fangkong.org.models import Staff, Unit
from fangkong.roster.choices import DutyRole, RosterStatus
from fangkong.roster.models import Roster, RosterAssignment
from fangkong.sites.models import Site
from tests.browser import people

PASSWORD = "duty-browser-1"
SITE = {"lng": 100.5, "lat": 38.95}
# Another brigade's post and officer (dave), apart from Ganzhou's duties: the offline page test.
OTHER_SITE = {"lng": 100.16, "lat": 39.14}


def person(unit_: Unit, username: str, name: str, role: str, badge: str) -> Staff:
    return people.officer(unit_, username, name, role, badge=badge, password=PASSWORD)


def run() -> None:
    people.roles()
    top = people.unit("620700", "张掖市公安局交警支队", UnitKind.DETACHMENT)
    ganzhou = people.unit("620702", "甘州大队", UnitKind.BRIGADE, top)
    site = Site.objects.create(
        code="GZ-001", name="G30张掖东收费站", kind="toll_station", unit=ganzhou, **SITE
    )
    alice = person(ganzhou, "alice", "李警官", RoleCode.CHECKPOINT, "200001")
    bob = person(ganzhou, "bob", "赵警官", RoleCode.CHECKPOINT, "200002")
    person(ganzhou, "leader", "王带班", RoleCode.DUTY_LEADER, "200003")
    today = timezone.localdate()
    for version, shift in enumerate(("night", "day", "evening"), start=1):
        roster = Roster.objects.create(
            unit=ganzhou, start=today, days=1, status=RosterStatus.PUBLISHED, version=version
        )
        for staff in (alice, bob):
            RosterAssignment.objects.create(
                roster=roster,
                date=today,
                shift=shift,
                site=site,
                staff=staff,
                role=DutyRole.OFFICER,
            )
    linze = people.unit("620723", "临泽大队", UnitKind.BRIGADE, top)
    Site.objects.create(
        code="LZ-001", name="G30临泽收费站", kind="toll_station", unit=linze, **OTHER_SITE
    )
    person(linze, "dave", "孙警官", RoleCode.CHECKPOINT, "200004")
