"""A published roster at a Ganzhou post for today's day shift (08:00–16:00 Beijing time),
with two officers and an auxiliary on it, and the clock at 09:00."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import time_machine

from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Role
from fangkong.roster.choices import DutyRole, RosterStatus
from fangkong.roster.models import Roster, RosterAssignment
from tests.factories import SiteFactory, StaffFactory, UserFactory

TODAY = date(2026, 2, 10)
NOW = "2026-02-10T09:00:00+08:00"


@dataclass
class Post:
    site: Any
    roster: Roster
    alice: Any  # an officer on duty, with a login
    bob: Any  # an officer on duty, with a login
    carol: Any  # an auxiliary on duty
    leader: Any  # the brigade's duty leader (a user)


def person(unit: Any, username: str, kind: str = StaffKind.OFFICER, *roles: str) -> Any:
    user = UserFactory(username=username)
    staff = StaffFactory(unit=unit, user=user, name=username, kind=kind)
    staff.roles.set(Role.objects.filter(code__in=roles))
    return user


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def post(tree: Any, clock: Any) -> Post:
    site = SiteFactory(unit=tree.ganzhou, lng=100.45, lat=38.93, required_auxiliaries=1)
    roster = Roster.objects.create(
        unit=tree.ganzhou, start=TODAY, days=7, status=RosterStatus.PUBLISHED, version=1
    )
    alice = person(tree.ganzhou, "alice", StaffKind.OFFICER, RoleCode.CHECKPOINT)
    bob = person(tree.ganzhou, "bob", StaffKind.OFFICER, RoleCode.CHECKPOINT)
    carol = person(tree.ganzhou, "carol", StaffKind.AUXILIARY, RoleCode.CHECKPOINT)
    for user, role in (
        (alice, DutyRole.OFFICER),
        (bob, DutyRole.OFFICER),
        (carol, DutyRole.AUXILIARY),
    ):
        RosterAssignment.objects.create(
            roster=roster, date=TODAY, shift="day", site=site, staff=user.staff, role=role
        )
    leader = person(tree.ganzhou, "leader", StaffKind.OFFICER, RoleCode.DUTY_LEADER)
    return Post(site, roster, alice, bob, carol, leader)
