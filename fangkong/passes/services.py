"""Vehicle passes (通行证): the writes. The reads are in ``selectors``.

A company applies on a public form; the brigade it names approves or rejects the application;
the brigade may revoke an approved pass at any time, with immediate effect. Passes go some
time after they stopped counting (:func:`vehicle_pass_purge`, a step of ``purge_expired``).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.validation import clean_document, clean_phone, clean_plate
from fangkong.org.choices import UnitKind
from fangkong.org.models import Unit
from fangkong.org.permissions import can_administer
from fangkong.passes.choices import CargoKind, PassDecision, PassStatus
from fangkong.passes.models import VehiclePass, VehiclePassDriver
from fangkong.passes.pdf import vehicle_pass_pdf
from fangkong.passes.selectors import local_today
from fangkong.registration.choices import DocumentType, VehicleKind
from fangkong.registration.people import persons_prepare

MAX_PASS_DAYS = 30  # counting both the first and the last day
MAX_DRIVERS = 3
NUMBER_PREFIX = "TX"
SUBMISSION_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
PURGE_BATCH = 500


@dataclass(frozen=True)
class DriverData:
    name: str
    doc_type: str
    doc_number: str
    phone: str


@dataclass(frozen=True)
class PassApplication:
    """What the company filled in, as typed: the service validates and normalises it."""

    company: str
    contact_name: str
    contact_phone: str
    plate: str
    vehicle_kind: str
    cargo_kind: str
    route: str
    valid_from: date | None
    valid_to: date | None
    unit_id: int | None
    drivers: tuple[DriverData, ...] = field(default_factory=tuple)


def vehicle_pass_token_for(submission_key: str) -> str:
    """The pass token is derived from the form's submission key, so the unique token is also
    the guard against a double submit: the same key always makes the same token. Without the
    server's secret the token cannot be guessed from the key."""
    digest = salted_hmac("fangkong.vehicle_pass", submission_key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# Applying ------------------------------------------------------------------------------------


@transaction.atomic
def vehicle_pass_apply(
    *, application: PassApplication, submission_key: str
) -> tuple[VehiclePass, bool]:
    """Create the application, or return the one this submission key already made.
    Returns the pass and whether it was created now."""
    errors = FieldErrors()
    if not SUBMISSION_KEY_RE.fullmatch(submission_key):
        message = _("This form has expired. Reload the page and submit it again.")
        errors.add("submission_key", message, "submission_key_invalid")
        errors.raise_if_any()
    token = vehicle_pass_token_for(submission_key)
    existing = VehiclePass.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    data = _clean_application(errors, application)
    drivers = _clean_drivers(errors, application.drivers)
    errors.raise_if_any()
    vehicle_pass = _create_numbered(token=token, **data)
    if vehicle_pass is None:  # a concurrent request saved the same submission first
        return VehiclePass.objects.get(token=token), False
    _drivers_create(vehicle_pass, drivers)
    audit_record(
        actor=None,
        action="vehicle_pass.apply",
        target=vehicle_pass,
        extra={"number": vehicle_pass.number, "plate": vehicle_pass.plate},
    )
    return vehicle_pass, True


def _clean_application(errors: FieldErrors, app: PassApplication) -> dict[str, Any]:
    data = {
        "company": _required_text(errors, "company", app.company, 100),
        "contact_name": _required_text(errors, "contact_name", app.contact_name, 50),
        "contact_phone": clean_phone(errors, "contact_phone", app.contact_phone, required=True),
        "plate": _clean_required_plate(errors, app.plate),
        "vehicle_kind": _choice(errors, "vehicle_kind", app.vehicle_kind, VehicleKind.values),
        "cargo_kind": _choice(errors, "cargo_kind", app.cargo_kind, CargoKind.values),
        "route": _required_text(errors, "route", app.route, 200),
        "unit": _brigade(errors, app.unit_id),
        "valid_from": app.valid_from,
        "valid_to": app.valid_to,
    }
    check_pass_dates(errors, app.valid_from, app.valid_to)
    return data


def _required_text(errors: FieldErrors, name: str, value: str, max_length: int) -> str:
    value = " ".join(value.split())
    if not value:
        errors.add(name, _("This field is required."), "required")
    elif len(value) > max_length:
        message = _("Ensure this value has at most %(max)d characters.") % {"max": max_length}
        errors.add(name, message, "too_long")
    return value


def _clean_required_plate(errors: FieldErrors, value: str) -> str:
    if not value.strip():
        errors.add("plate", _("Enter the licence plate."), "required")
        return ""
    return clean_plate(errors, "plate", value)


def _choice(errors: FieldErrors, name: str, value: str, allowed: Iterable[str]) -> str:
    if value not in allowed:
        errors.add(name, _("Select a valid choice."), "invalid_choice")
    return value


def _brigade(errors: FieldErrors, unit_id: int | None) -> Unit | None:
    unit = Unit.objects.filter(pk=unit_id, kind=UnitKind.BRIGADE).first() if unit_id else None
    if unit is None:
        errors.add("unit", _("Choose the brigade that approves the pass."), "unit_not_brigade")
    return unit


def check_pass_dates(errors: FieldErrors, valid_from: date | None, valid_to: date | None) -> None:
    """Not in the past, in order, at most MAX_PASS_DAYS days (shared with the form)."""
    if valid_from is None:
        errors.add("valid_from", _("Enter the first day of the pass."), "required")
    if valid_to is None:
        errors.add("valid_to", _("Enter the last day of the pass."), "required")
    if valid_from is None or valid_to is None:
        return
    if valid_from < local_today():
        errors.add("valid_from", _("A pass cannot start in the past."), "pass_date_past")
    if valid_to < valid_from:
        message = _("The last day cannot be before the first day.")
        errors.add("valid_to", message, "pass_dates_order")
    elif (valid_to - valid_from).days + 1 > MAX_PASS_DAYS:
        message = _("A pass is valid for at most %(days)d days.") % {"days": MAX_PASS_DAYS}
        errors.add("valid_to", message, "pass_too_long")


def _clean_drivers(errors: FieldErrors, drivers: Iterable[DriverData]) -> list[DriverData]:
    drivers = list(drivers)
    if not 1 <= len(drivers) <= MAX_DRIVERS:
        message = _("Name one to %(max)d drivers.") % {"max": MAX_DRIVERS}
        errors.add("drivers", message, "drivers_count")
        return []
    cleaned, seen = [], set()
    for i, driver in enumerate(drivers):
        prefix = f"drivers.{i}."
        name = _required_text(errors, prefix + "name", driver.name, 50)
        doc_type = _choice(errors, prefix + "doc_type", driver.doc_type, DocumentType.values)
        number = clean_document(errors, prefix + "doc_number", doc_type, driver.doc_number)
        phone = clean_phone(
            errors, prefix + "phone", driver.phone, required=True, doc_type=doc_type
        )
        if (doc_type, number) in seen:
            message = _("This driver is already listed.")
            errors.add(prefix + "doc_number", message, "driver_duplicate")
        seen.add((doc_type, number))
        cleaned.append(DriverData(name, doc_type, number, phone))
    return cleaned


def _drivers_create(vehicle_pass: VehiclePass, drivers: list[DriverData]) -> None:
    """The pass's drivers with the names and phones the company gave, which stay on the pass:
    the persons they point at are found or created by document, never changed."""
    persons, insert = persons_prepare([(d.doc_type, d.doc_number) for d in drivers])
    insert.run()
    VehiclePassDriver.objects.bulk_create(
        VehiclePassDriver(
            vehicle_pass=vehicle_pass, person=person, position=i, name=d.name, phone=d.phone
        )
        for i, (person, d) in enumerate(zip(persons, drivers, strict=True))
    )


def _create_numbered(**fields: Any) -> VehiclePass | None:
    """Save the pass under the day's next number. Two applications at once may pick the same
    number; the loser retries with the next one. None if the token is already taken."""
    for _attempt in range(10):
        number = _next_number(local_today())
        try:
            with transaction.atomic():
                return VehiclePass.objects.create(number=number, **fields)
        except IntegrityError:
            if VehiclePass.objects.filter(token=fields["token"]).exists():
                return None
    raise RuntimeError("could not allocate a vehicle pass number")


def _next_number(day: date) -> str:
    prefix = f"{NUMBER_PREFIX}{day:%Y%m%d}"
    last = (
        VehiclePass.objects.filter(number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


# Deciding ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
    """A decision's move: the status it needs, the status it gives, and whether it needs a
    reason (an approval takes an optional note instead)."""

    needs: str
    gives: str
    reason_required: bool


_MOVES = {
    PassDecision.APPROVE: _Move(PassStatus.APPLIED, PassStatus.APPROVED, reason_required=False),
    PassDecision.REJECT: _Move(PassStatus.APPLIED, PassStatus.REJECTED, reason_required=True),
    PassDecision.REVOKE: _Move(PassStatus.APPROVED, PassStatus.REVOKED, reason_required=True),
}


@transaction.atomic
def vehicle_pass_decide(
    *, actor: Any, vehicle_pass: VehiclePass, decision: PassDecision, reason: str = ""
) -> VehiclePass:
    """Approve, reject or revoke a pass, audited as ``vehicle_pass.<decision>``. The HTML
    view and the API call this one service; a revocation takes effect at once: the next scan
    of the pass shows it revoked."""
    decision = PassDecision(decision)
    move = _MOVES[decision]
    locked = _lock_for_decision(actor, vehicle_pass)
    errors = FieldErrors()
    _require_status(errors, locked, move.needs)
    if decision == PassDecision.APPROVE and locked.valid_to < local_today():
        message = _("The period of this pass is over; it can only be rejected.")
        errors.add("valid_to", message, "pass_period_over")
    reason = _clean_reason(errors, reason, required=move.reason_required)
    errors.raise_if_any()
    return _record_decision(actor, locked, move.gives, reason, f"vehicle_pass.{decision}")


def _lock_for_decision(actor: Any, vehicle_pass: VehiclePass) -> VehiclePass:
    # Locked, so that an approval and a rejection clicked at once cannot both succeed.
    locked = VehiclePass.objects.select_for_update().select_related("unit").get(pk=vehicle_pass.pk)
    if not can_administer(actor, locked.unit):
        raise PermissionDeniedError(_("You may not decide on passes of this unit."))
    return locked


def _require_status(errors: FieldErrors, vehicle_pass: VehiclePass, status: str) -> None:
    if vehicle_pass.status == status:
        return
    if status == PassStatus.APPLIED:
        errors.add("status", _("This application has already been decided."), "pass_not_pending")
    else:
        errors.add("status", _("Only an approved pass can be revoked."), "pass_not_approved")


def _clean_reason(errors: FieldErrors, reason: str, *, required: bool) -> str:
    reason = " ".join(reason.split())
    if not reason and required:
        errors.add("reason", _("Give the reason."), "reason_required")
    elif len(reason) > 200:
        message = _("Ensure this value has at most %(max)d characters.") % {"max": 200}
        errors.add("reason", message, "too_long")
    return reason


def _record_decision(
    actor: Any, vehicle_pass: VehiclePass, status: str, reason: str, action: str
) -> VehiclePass:
    previous = vehicle_pass.status
    vehicle_pass.status = status
    vehicle_pass.decision_reason = reason
    vehicle_pass.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    vehicle_pass.decided_at = timezone.now()
    vehicle_pass.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=action,
        target=vehicle_pass,
        reason=reason,
        extra={"number": vehicle_pass.number, "from": previous, "to": status},
    )
    return vehicle_pass


# Purging -------------------------------------------------------------------------------------


def vehicle_pass_print(
    *, actor: Any, vehicle_pass: VehiclePass, scan_url: str, reason: str = "", ip: str | None = None
) -> bytes:
    """The pass as a PDF to print, its QR code pointing at ``scan_url``; audited as
    ``vehicle_pass.print`` (with the reason when staff print it)."""
    content = vehicle_pass_pdf(vehicle_pass, scan_url=scan_url)
    audit_record(
        actor=actor, action="vehicle_pass.print", target=vehicle_pass, reason=reason, ip=ip
    )
    return content


def expired_passes(*, now: datetime, days: int) -> Q:
    """Passes whose last day passed ``days`` days ago, and revoked or rejected ones decided
    that long ago. An application nobody decided ends with its period like a pass."""
    last_day = timezone.localdate(now) - timedelta(days=days)
    decided_before = now - timedelta(days=days)
    ended = Q(valid_to__lt=last_day)
    withdrawn = Q(
        status__in=[PassStatus.REVOKED, PassStatus.REJECTED], decided_at__lt=decided_before
    )
    return ended | withdrawn


def vehicle_pass_purge(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete passes past ``FANGKONG_PASS_RETENTION_DAYS`` (or ``days``), except those with a
    driver on hold. Their drivers go in the persons' step once nothing else refers to them.
    A step of ``manage.py purge_expired``, after the checks and before the persons."""
    now = now or timezone.now()
    days = settings.PASS_RETENTION_DAYS if days is None else days
    expired = VehiclePass.objects.filter(expired_passes(now=now, days=days)).exclude(
        drivers__person__hold=True
    )
    count = 0
    while ids := list(expired.order_by("pk").values_list("pk", flat=True)[:PURGE_BATCH]):
        with transaction.atomic():
            _, deleted = VehiclePass.objects.filter(pk__in=ids).delete()
        count += deleted.get("passes.VehiclePass", 0)
    audit_record(
        actor=None,
        action="vehicle_pass.purge",
        extra={"vehicle_passes": count, "days": days},
    )
    return {"vehicle_passes": count}
