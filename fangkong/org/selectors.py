from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from fangkong.core.jurisdiction import scope_q
from fangkong.org.models import Staff, Unit


def unit_list_for_user(*, user: Any) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(scope_q(user, unit_field=""))
        .select_related("parent")
        .annotate(staff_count=Count("staff", distinct=True))
        .order_by("path")
    )


def unit_get_for_user(*, user: Any, unit_id: int) -> Unit:
    """The unit, if the user's jurisdiction covers it; ``Unit.DoesNotExist`` otherwise."""
    return Unit.objects.filter(scope_q(user, unit_field="")).get(pk=unit_id)


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
