"""The demo logins as they are in the database, and what each of them may see.

The figures come from the same scoping selectors that the pages use, so they stay true when
the jurisdiction rules change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from fangkong.demo.keypersons import LOGINS as GRID_LOGINS
from fangkong.demo.prefecture import LOGINS as PREFECTURE_LOGINS
from fangkong.org.selectors import staff_list_for_user, unit_list_for_user
from fangkong.sites.models import Site
from fangkong.sites.selectors import site_list_for_user


@dataclass(frozen=True)
class DemoLogin:
    username: str
    staff_name: str
    position: str
    unit_name: str
    roles: tuple[str, ...]
    assigned_sites: tuple[str, ...]
    units_seen: int
    sites_seen: int
    staff_seen: int


# The prefecture's logins, then those of the grid (``fangkong/demo/keypersons.py``).
LOGINS = PREFECTURE_LOGINS + GRID_LOGINS


def demo_login_list() -> list[DemoLogin]:
    """The demo logins present in the database, in the order of ``LOGINS``."""
    users = get_user_model().objects.filter(username__in=LOGINS, staff__isnull=False)
    users = users.select_related("staff__unit").prefetch_related("staff__roles")
    by_name = {user.username: user for user in users}
    return [_describe(by_name[name]) for name in LOGINS if name in by_name]


def _describe(user: Any) -> DemoLogin:
    staff = user.staff
    assigned = Site.objects.filter(staff=staff).order_by("code").values_list("name", flat=True)
    return DemoLogin(
        username=user.get_username(),
        staff_name=staff.name,
        position=staff.position,
        unit_name=staff.unit.name,
        roles=tuple(sorted(role.code for role in staff.roles.all())),
        assigned_sites=tuple(assigned),
        units_seen=unit_list_for_user(user=user).count(),
        sites_seen=site_list_for_user(user=user).count(),
        staff_seen=staff_list_for_user(user=user).count(),
    )
