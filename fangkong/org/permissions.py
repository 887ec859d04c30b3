"""Who may change what. Reading is governed by jurisdiction alone; changing configuration
needs a role as well, held by a staff member of a unit above or at the target."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects

from fangkong.core.jurisdiction import sees_everything, unit_in_scope, user_unit
from fangkong.org.choices import RoleCode
from fangkong.org.models import Unit

ADMIN_ROLES = frozenset({RoleCode.UNIT_ADMIN, RoleCode.COMMANDER})
# Who may see a person's full document number and phone (for a listed reason, audited), and
# set a person's verified details: those who stand before the person or answer for the site,
# and staff given the role for it. Not every analyst: an analyst works on counts.
IDENTITY_ROLES = frozenset(
    {RoleCode.COMMANDER, RoleCode.DUTY_LEADER, RoleCode.CHECKPOINT, RoleCode.IDENTITY_REVIEW}
)


def user_roles(user: Any) -> frozenset[str]:
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        return frozenset()
    # Prefetched once on the staff object, which lives for one request (the menu and the view
    # both ask); changing the roles through the relation clears Django's prefetch cache.
    if "roles" not in getattr(staff, "_prefetched_objects_cache", {}):
        prefetch_related_objects([staff], "roles")
    return frozenset(role.code for role in staff.roles.all())


def can_administer(user: Any, unit: Unit) -> bool:
    if sees_everything(user):
        return True
    return bool(user_roles(user) & ADMIN_ROLES) and unit_in_scope(user, unit)


def can_administer_any(user: Any) -> bool:
    return sees_everything(user) or (
        bool(user_roles(user) & ADMIN_ROLES) and user_unit(user) is not None
    )


def can_reveal_identity(user: Any) -> bool:
    """Whether the user's roles allow a reveal at all; each reveal also checks that the
    record lies in the user's jurisdiction."""
    return sees_everything(user) or bool(user_roles(user) & IDENTITY_ROLES)


def can_verify_identity(user: Any) -> bool:
    return can_reveal_identity(user)
