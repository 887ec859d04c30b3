from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from fangkong.core.jurisdiction import scope_q
from fangkong.org.models import Staff, Unit


def unit_list_for_user(*, user: Any, counts: bool = True) -> QuerySet[Unit]:
    """The units of the user's jurisdiction by path; with ``counts``, each with its parent and
    ``staff_count`` (``counts=False`` for a plain choice of unit)."""
    units = Unit.objects.filter(scope_q(user, unit_field="")).order_by("path")
    if not counts:
        return units
    return units.select_related("parent").annotate(staff_count=Count("staff", distinct=True))


def unit_get_for_user(*, user: Any, unit_id: int) -> Unit:
    """The unit, if the user's jurisdiction covers it; ``Unit.DoesNotExist`` otherwise."""
    return Unit.objects.filter(scope_q(user, unit_field="")).get(pk=unit_id)


def unit_get_by_code(*, code: str) -> Unit:
    """The unit with this code, for commands run by the system; ``Unit.DoesNotExist`` if none."""
    return Unit.objects.get(code=code)


def unit_top() -> Unit | None:
    """The installation's one top unit, None unless there is exactly one."""
    roots = list(Unit.objects.filter(parent=None)[:2])
    return roots[0] if len(roots) == 1 else None


def staff_list_for_user(
    *, user: Any, unit: Unit | None = None, subtree: bool = False, active: bool | None = None
) -> QuerySet[Staff]:
    staff = Staff.objects.filter(scope_q(user)).select_related("unit").prefetch_related("roles")
    if active is not None:
        staff = staff.filter(active=active)
    if unit is not None:
        staff = (
            staff.filter(unit__path__startswith=unit.path) if subtree else staff.filter(unit=unit)
        )
    return staff.order_by("unit__path", "kind", "badge_number")


def staff_get_for_user(*, user: Any, staff_id: int) -> Staff:
    return staff_list_for_user(user=user).get(pk=staff_id)
