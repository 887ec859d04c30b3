"""Who may change what. Reading is governed by jurisdiction alone; changing configuration
needs a role as well, held by a staff member of a unit above or at the target."""

from __future__ import annotations

from typing import Any

from fangkong.core.jurisdiction import sees_everything, unit_in_scope, user_unit
from fangkong.org.choices import RoleCode
from fangkong.org.models import Unit

ADMIN_ROLES = frozenset({RoleCode.UNIT_ADMIN, RoleCode.COMMANDER})


def user_roles(user: Any) -> frozenset[str]:
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        return frozenset()
    # Kept on the staff object, which lives for one request: the menu and the view both ask.
    roles = getattr(staff, "_role_codes", None)
    if roles is None:
        roles = staff._role_codes = frozenset(role.code for role in staff.roles.all())
    return roles


def can_administer(user: Any, unit: Unit) -> bool:
    if sees_everything(user):
        return True
    return bool(user_roles(user) & ADMIN_ROLES) and unit_in_scope(user, unit)


def can_administer_any(user: Any) -> bool:
    return sees_everything(user) or (
        bool(user_roles(user) & ADMIN_ROLES) and user_unit(user) is not None
    )
