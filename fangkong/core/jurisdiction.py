"""Jurisdiction: a user sees the data of their unit's subtree and no other.

Units carry a materialised path (``/620700/620702/``), so "within the subtree of unit U" is
one indexed prefix match. Every selector that returns personal data filters through
:func:`scope_q`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

if TYPE_CHECKING:
    from fangkong.org.models import Unit


def user_unit(user: Any) -> Unit | None:
    if user is None or not user.is_authenticated:
        return None
    staff = getattr(user, "staff", None)
    return staff.unit if staff is not None else None


def jurisdiction_root(user: Any) -> Unit | None:
    """The unit whose subtree the user sees: their own unit, except that a command centre
    works for the unit it belongs to (a detachment's command centre sees the detachment)."""
    unit = user_unit(user)
    if unit is not None and unit.kind == "command_centre" and unit.parent_id:
        return unit.parent
    return unit


def sees_everything(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def scope_q(user: Any, *, unit_field: str = "unit") -> Q:
    """A filter keeping rows whose ``unit_field`` lies in the user's subtree."""
    if sees_everything(user):
        return Q()
    unit = jurisdiction_root(user)
    if unit is None:
        return Q(pk__in=[])
    prefix = f"{unit_field}__path__startswith" if unit_field else "path__startswith"
    return Q(**{prefix: unit.path})


def unit_in_scope(user: Any, unit: Unit) -> bool:
    if sees_everything(user):
        return True
    mine = jurisdiction_root(user)
    return mine is not None and unit.path.startswith(mine.path)
