"""Seed of the command browser test's throw-away database: a detachment with two brigades,
their sites, a commander, and a morning of checks."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fangkong.command.rollups import record_check
from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Role, Staff, Unit
from fangkong.registration.models import Person
from fangkong.screening.models import Check
from fangkong.sites.models import Site

PASSWORD = "browser-pw-123"


def unit(code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    path = (parent.path if parent else "/") + code + "/"
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent, path=path)


def add_checks(site_code: str, n: int, *, minutes_ago: int = 5) -> None:
    """``n`` checks a few minutes ago, but never before today's local midnight: the dashboard
    counts today's, and a test run just after midnight must still find them."""
    site = Site.objects.get(code=site_code)
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    at = max(timezone.now() - timedelta(minutes=minutes_ago), midnight)
    for _ in range(n):
        person = Person.objects.create(doc_type="passport", doc_number=uuid.uuid4().hex[:10])
        check = Check.objects.create(
            site=site,
            person=person,
            name="测试",
            recommended="pass",
            outcome="pass",
            policy_version=1,
            checked_at=at,
            idempotency_key=uuid.uuid4().hex,
        )
        record_check(check)


def run() -> None:
    Role.objects.get_or_create(code=RoleCode.COMMANDER)
    top = unit("620700", "张掖市公安局交警支队", UnitKind.DETACHMENT)
    ganzhou = unit("620702", "甘州大队", UnitKind.BRIGADE, top)
    linze = unit("620723", "临泽大队", UnitKind.BRIGADE, top)
    for code, name, owner, lng, lat in (
        ("B1", "甘州东收费站", ganzhou, 100.50, 38.95),
        ("B2", "甘州西卡点", ganzhou, 100.35, 38.90),
        ("B3", "临泽收费站", linze, 100.16, 39.15),
    ):
        Site.objects.create(code=code, name=name, kind="toll_station", unit=owner, lng=lng, lat=lat)
    user = get_user_model().objects.create_user("commander", password=PASSWORD)
    staff = Staff.objects.create(
        unit=top, user=user, name="指挥长", kind=StaffKind.OFFICER, badge_number="000001"
    )
    staff.roles.set(Role.objects.filter(code=RoleCode.COMMANDER))
    add_checks("B1", 3)
    add_checks("B3", 2)
