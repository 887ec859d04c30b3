"""Writes to units and staff: validated, in a transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors
from fangkong.core.validation import clean_division, clean_phone
from fangkong.org.choices import StaffKind
from fangkong.org.models import Role, Staff, Unit


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    division_code: str = "",
    short_name: str = "",
    sort_order: int = 0,
) -> Unit:
    errors = FieldErrors()
    if Unit.objects.filter(code=code).exists():
        errors.add("code", _("Another unit already has this code."), "unit_code_taken")
    clean_division(errors, "division_code", division_code)
    errors.raise_if_any()
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        division_code=division_code,
        short_name=short_name,
        sort_order=sort_order,
    )
    unit.path = unit.build_path()
    unit.save()
    audit_record(actor=actor, action="unit.create", target=unit)
    return unit


def _validate_staff(
    errors: FieldErrors, *, badge_number: str, kind: str, rank: str, exclude_pk: int | None
) -> None:
    taken = Staff.objects.filter(badge_number=badge_number).exclude(pk=exclude_pk)
    if taken.exists():
        errors.add("badge_number", _("This badge number is already in use."), "badge_taken")
    if rank and kind != StaffKind.OFFICER:
        errors.add("rank", _("Only sworn officers hold a police rank."), "rank_not_officer")


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    kind: str,
    badge_number: str,
    rank: str = "",
    position: str = "",
    phone: str = "",
    roles: Iterable[str] = (),
    user: Any = None,
) -> Staff:
    errors = FieldErrors()
    badge_number = badge_number.strip().upper()
    _validate_staff(errors, badge_number=badge_number, kind=kind, rank=rank, exclude_pk=None)
    phone = clean_phone(errors, "phone", phone)
    errors.raise_if_any()
    staff = Staff.objects.create(
        unit=unit,
        name=name.strip(),
        kind=kind,
        badge_number=badge_number,
        rank=rank,
        position=position,
        phone=phone,
        user=user,
    )
    staff.roles.set(Role.objects.filter(code__in=list(roles)))
    audit_record(actor=actor, action="staff.create", target=staff)
    return staff


@transaction.atomic
def staff_update(*, actor: Any, staff: Staff, **changes: Any) -> Staff:
    errors = FieldErrors()
    badge_number = str(changes.get("badge_number", staff.badge_number)).strip().upper()
    kind = changes.get("kind", staff.kind)
    rank = changes.get("rank", staff.rank)
    _validate_staff(errors, badge_number=badge_number, kind=kind, rank=rank, exclude_pk=staff.pk)
    if "phone" in changes:
        changes["phone"] = clean_phone(errors, "phone", changes["phone"])
    errors.raise_if_any()
    roles = changes.pop("roles", None)
    changes["badge_number"] = badge_number
    for field, value in changes.items():
        setattr(staff, field, value)
    staff.save()
    if roles is not None:
        staff.roles.set(Role.objects.filter(code__in=list(roles)))
    audit_record(
        actor=actor, action="staff.update", target=staff, extra={"fields": sorted(changes)}
    )
    return staff
