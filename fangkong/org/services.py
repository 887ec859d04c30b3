"""Writes to units and staff: validated, in a transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors
from fangkong.core.validation import clean_division, clean_phone
from fangkong.lib.divisions import Division, DivisionError, division_validate
from fangkong.org.choices import RoleCode, StaffKind, UnitKind
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


@transaction.atomic
def staff_password_changed(*, user: Any) -> None:
    """The user chose a new password: a forced change (``password_change_required``) is done."""
    staff = getattr(user, "staff", None)
    if staff is not None and staff.password_change_required:
        staff.password_change_required = False
        staff.save(update_fields=["password_change_required"])
    audit_record(actor=user, action="account.password_change", target=user)


@dataclass(frozen=True)
class Bootstrap:
    """What ``installation_bootstrap`` found already there and what it made."""

    roles_created: int
    unit: Unit
    unit_created: bool
    user: Any
    user_created: bool


def _unit_kind_for(division: Division) -> str:
    # A prefecture's bureau commands its detachment, a county's its brigade.
    return UnitKind.DETACHMENT if division.level != "county" else UnitKind.BRIGADE


@transaction.atomic
def installation_bootstrap(
    *,
    division_code: str,
    unit_name: str,
    username: str,
    password: str,
    staff_name: str,
    badge_number: str,
    unit_kind: str = "",
) -> Bootstrap:
    """The roles, the top unit and its first commander, each only if missing, so that running
    it again changes nothing. The commander must choose a new password at first login."""
    errors = FieldErrors()
    try:
        division = division_validate(division_code)
    except DivisionError:
        errors.add("division_code", _("Not a known administrative division code."), "division")
        errors.raise_if_any()
    roles_created = _roles_ensure()
    unit = Unit.objects.filter(code=division_code).first()
    if unit is None and Unit.objects.filter(parent=None).exists():
        message = _("This installation already has a top unit with another code.")
        errors.add("division_code", message, "top_unit_exists")
    errors.raise_if_any()
    unit_created = unit is None
    if unit is None:
        kind = unit_kind or _unit_kind_for(division)
        unit = unit_create(
            actor=None,
            code=division_code,
            name=unit_name,
            kind=kind,
            parent=None,
            division_code=division_code,
        )
    user = get_user_model().objects.filter(username=username).first()
    user_created = user is None
    if user is None:
        user = _commander_create(
            unit=unit,
            username=username,
            password=password,
            staff_name=staff_name,
            badge_number=badge_number,
        )
    return Bootstrap(roles_created, unit, unit_created, user, user_created)


def _roles_ensure() -> int:
    existing = set(Role.objects.values_list("code", flat=True))
    missing = [Role(code=code) for code in RoleCode.values if code not in existing]
    Role.objects.bulk_create(missing)
    return len(missing)


def _commander_create(
    *, unit: Unit, username: str, password: str, staff_name: str, badge_number: str
) -> Any:
    user = get_user_model()(username=username, is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors = FieldErrors()
        for message in exc.messages:
            errors.add("password", message, "password_invalid")
        errors.raise_if_any()
    user.set_password(password)
    user.save()
    staff = staff_create(
        actor=None,
        unit=unit,
        name=staff_name,
        kind=StaffKind.OFFICER,
        badge_number=badge_number,
        roles=[RoleCode.COMMANDER, RoleCode.UNIT_ADMIN],
        user=user,
    )
    staff.password_change_required = True
    staff.save(update_fields=["password_change_required"])
    return user
