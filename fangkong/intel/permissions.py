"""Who may work on lists, matches and traces: the command centre's analysts and those who
answer for a unit, each within their jurisdiction."""

from __future__ import annotations

from typing import Any

from fangkong.core.jurisdiction import sees_everything, unit_in_scope
from fangkong.org.choices import RoleCode
from fangkong.org.models import Unit
from fangkong.org.permissions import user_roles

INTEL_ROLES = frozenset(
    {RoleCode.COMMANDER, RoleCode.UNIT_ADMIN, RoleCode.ANALYST, RoleCode.IDENTITY_REVIEW}
)


def can_work_intel(user: Any, unit: Unit | None = None) -> bool:
    if sees_everything(user):
        return True
    if not user_roles(user) & INTEL_ROLES:
        return False
    return unit is None or unit_in_scope(user, unit)
