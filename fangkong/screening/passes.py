"""Vehicle passes (通行证): services (writes) and selectors (reads).

A company applies on a public form; the brigade it names approves or rejects the application;
the brigade may revoke an approved pass at any time, with immediate effect. A checkpoint
checks a pass by the token in its QR code or by the vehicle's plate, and the screening rules
give a vehicle with a valid pass ``priority_pass`` (see :func:`vehicle_pass_state`).

Pass dates are calendar days in Asia/Shanghai, whatever the server's time zone: a pass printed
"valid until 30 November" must work until midnight in Zhangye.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import scope_q
from fangkong.core.validation import clean_document, clean_phone, clean_plate
from fangkong.lib import plate as platelib
from fangkong.org.choices import UnitKind
from fangkong.org.models import Unit
from fangkong.org.permissions import can_administer
from fangkong.registration.choices import DocumentType, VehicleKind
from fangkong.registration.people import persons_prepare
from fangkong.screening.choices import CargoKind, PassStatus
from fangkong.screening.models import VehiclePass, VehiclePassDriver
from fangkong.screening.rules import VehiclePassState

PASS_TIME_ZONE = ZoneInfo("Asia/Shanghai")
MAX_PASS_DAYS = 30  # counting both the first and the last day
MAX_DRIVERS = 3
NUMBER_PREFIX = "TX"
SUBMISSION_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
_QR_URL_RE = re.compile(r"/passes/scan/(?P<token>[A-Za-z0-9_-]{43})/?(?:[?#].*)?$")

STATE_LABELS = {
    VehiclePassState.NONE: gettext_lazy("No valid pass"),
    VehiclePassState.VALID: gettext_lazy("Valid pass"),
    VehiclePassState.EXPIRED: gettext_lazy("Pass expired"),
    VehiclePassState.REVOKED: gettext_lazy("Pass revoked"),
}


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


def local_date(at: datetime) -> date:
    """The calendar day in Asia/Shanghai of an aware datetime."""
    return timezone.localtime(at, PASS_TIME_ZONE).date()


def local_today() -> date:
    return local_date(timezone.now())


def vehicle_pass_token_for(submission_key: str) -> str:
    """The pass token is derived from the form's submission key, so the unique token is also
    the guard against a double submit: the same key always makes the same token. Without the
    server's secret the token cannot be guessed from the key."""
    digest = salted_hmac("fangkong.vehicle_pass", submission_key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def vehicle_pass_token_from_qr(text: str) -> str | None:
    """The token in a scanned QR code: the scan URL we print, or a bare token."""
    text = text.strip()
    if TOKEN_RE.fullmatch(text):
        return text
    match = _QR_URL_RE.search(text)
    return match["token"] if match else None


def display_plate(plate: str) -> str:
    """``甘G·12345``: the dotted form printed on plates, for people to read."""
    try:
        return platelib.format_plate(platelib.parse_plate(plate))
    except platelib.PlateError:
        return plate


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


@transaction.atomic
def vehicle_pass_approve(*, actor: Any, vehicle_pass: VehiclePass, note: str = "") -> VehiclePass:
    locked = _lock_for_decision(actor, vehicle_pass)
    errors = FieldErrors()
    _require_status(errors, locked, PassStatus.APPLIED)
    if locked.valid_to < local_today():
        message = _("The period of this pass is over; it can only be rejected.")
        errors.add("valid_to", message, "pass_period_over")
    errors.raise_if_any()
    return _decide(actor, locked, PassStatus.APPROVED, note.strip(), "vehicle_pass.approve")


@transaction.atomic
def vehicle_pass_reject(*, actor: Any, vehicle_pass: VehiclePass, reason: str) -> VehiclePass:
    locked = _lock_for_decision(actor, vehicle_pass)
    errors = FieldErrors()
    _require_status(errors, locked, PassStatus.APPLIED)
    reason = _require_reason(errors, reason)
    errors.raise_if_any()
    return _decide(actor, locked, PassStatus.REJECTED, reason, "vehicle_pass.reject")


@transaction.atomic
def vehicle_pass_revoke(*, actor: Any, vehicle_pass: VehiclePass, reason: str) -> VehiclePass:
    """Revocation takes effect at once: the next scan of the pass shows it revoked."""
    locked = _lock_for_decision(actor, vehicle_pass)
    errors = FieldErrors()
    _require_status(errors, locked, PassStatus.APPROVED)
    reason = _require_reason(errors, reason)
    errors.raise_if_any()
    return _decide(actor, locked, PassStatus.REVOKED, reason, "vehicle_pass.revoke")


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


def _require_reason(errors: FieldErrors, reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        errors.add("reason", _("Give the reason."), "reason_required")
    elif len(reason) > 200:
        message = _("Ensure this value has at most %(max)d characters.") % {"max": 200}
        errors.add("reason", message, "too_long")
    return reason


def _decide(
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


# Reading -------------------------------------------------------------------------------------


def _with_details(passes: QuerySet[VehiclePass]) -> QuerySet[VehiclePass]:
    return passes.select_related("unit", "decided_by").prefetch_related("drivers__person")


def vehicle_pass_list_for_user(*, user: Any, status: str | None = None) -> QuerySet[VehiclePass]:
    """The passes approved by units in the user's jurisdiction, newest first."""
    passes = _with_details(VehiclePass.objects.filter(scope_q(user)))
    if status:
        passes = passes.filter(status=status)
    return passes.order_by("-created_at", "-id")


def vehicle_pass_get_for_user(*, user: Any, pass_id: int) -> VehiclePass:
    """The pass, if the user's jurisdiction covers its unit; ``DoesNotExist`` otherwise."""
    return vehicle_pass_list_for_user(user=user).get(pk=pass_id)


def vehicle_pass_get(*, pass_id: int) -> VehiclePass:
    """Any pass, for the decision services, which check the actor's permission themselves."""
    return _with_details(VehiclePass.objects.all()).get(pk=pass_id)


def vehicle_pass_get_by_token(token: str) -> VehiclePass:
    """The pass behind a QR code or a status link; ``DoesNotExist`` for an unknown token."""
    if not TOKEN_RE.fullmatch(token):
        raise VehiclePass.DoesNotExist
    return _with_details(VehiclePass.objects.all()).get(token=token)


def drivers_of(vehicle_pass: VehiclePass) -> list[VehiclePassDriver]:
    """The drivers in the order the company listed them (the prefetch keeps this free of
    queries), each with the name and phone given on this pass."""
    return sorted(vehicle_pass.drivers.all(), key=lambda driver: (driver.position, driver.pk))


# The state of a pass at a checkpoint ---------------------------------------------------------


def vehicle_pass_state_of(vehicle_pass: VehiclePass, at: datetime) -> VehiclePassState:
    """One pass's own state: valid within its dates when approved, expired outside them; a
    revoked pass reads as revoked until its last day, then as expired like any other."""
    day = local_date(at)
    if vehicle_pass.status == PassStatus.REVOKED:
        return (
            VehiclePassState.REVOKED if day <= vehicle_pass.valid_to else VehiclePassState.EXPIRED
        )
    if vehicle_pass.status == PassStatus.APPROVED:
        in_period = vehicle_pass.valid_from <= day <= vehicle_pass.valid_to
        return VehiclePassState.VALID if in_period else VehiclePassState.EXPIRED
    return VehiclePassState.NONE


def vehicle_pass_state_label(
    vehicle_pass: VehiclePass | None, state: VehiclePassState, at: datetime
) -> str:
    """The label for people: an approved pass before its first day counts as expired for
    the rules (it gives no priority), but the company and the officer read "not valid yet"."""
    not_started = vehicle_pass is not None and local_date(at) < vehicle_pass.valid_from
    if state == VehiclePassState.EXPIRED and not_started:
        return _("Not valid yet")
    return str(STATE_LABELS[state])


def vehicle_pass_for_plate(
    *, plate: str, at: datetime
) -> tuple[VehiclePassState, VehiclePass | None]:
    """The state of a vehicle's passes at a moment, and the pass that decides it (see
    :func:`_deciding_pass`)."""
    try:
        plate = platelib.normalize_plate(plate)
    except platelib.PlateError:
        return VehiclePassState.NONE, None
    decided = VehiclePass.objects.filter(
        plate=plate, status__in=[PassStatus.APPROVED, PassStatus.REVOKED]
    )
    return _deciding_pass(list(_with_details(decided)), at)


def vehicle_pass_states(*, plates: Iterable[str], at: datetime) -> dict[str, str]:
    """The state of each plate's passes at a moment (as :func:`vehicle_pass_state`), in one
    query for any number of plates: the officer's look-up shows many vehicles at once.
    Plates are keyed as given; one that is not a plate reads ``none``."""
    normal: dict[str, str] = {}
    for plate in plates:
        try:
            normal[plate] = platelib.normalize_plate(plate)
        except platelib.PlateError:
            normal[plate] = ""
    decided = VehiclePass.objects.filter(
        plate__in={p for p in normal.values() if p},
        status__in=[PassStatus.APPROVED, PassStatus.REVOKED],
    )
    by_plate: dict[str, list[VehiclePass]] = {}
    for vehicle_pass in decided:
        by_plate.setdefault(vehicle_pass.plate, []).append(vehicle_pass)
    return {
        given: str(_deciding_pass(by_plate.get(plate, []), at)[0])
        for given, plate in normal.items()
    }


def _deciding_pass(
    passes: list[VehiclePass], at: datetime
) -> tuple[VehiclePassState, VehiclePass | None]:
    """Of one plate's decided passes, the state at ``at`` and the pass that decides it.

    Revoked wins: a pass revoked within its period outranks a valid pass approved before the
    revocation (a pass the brigade approves after revoking another is a new decision and
    stands). Then valid, then expired (the latest one), then none."""
    states = [(vehicle_pass_state_of(p, at), p) for p in passes]
    day = local_date(at)
    in_force = [
        (state, p)
        for state, p in states
        if state == VehiclePassState.VALID
        or (state == VehiclePassState.REVOKED and p.valid_from <= day)
    ]
    if in_force:
        rank = {VehiclePassState.REVOKED: 1, VehiclePassState.VALID: 0}
        return max(in_force, key=lambda sp: (sp[1].decided_at or sp[1].created_at, rank[sp[0]]))
    for wanted in (VehiclePassState.REVOKED, VehiclePassState.EXPIRED):
        matching = [p for state, p in states if state == wanted]
        if matching:
            return wanted, max(matching, key=lambda p: (p.valid_to, p.pk))
    return VehiclePassState.NONE, None


def vehicle_pass_state(*, plate: str, at: datetime) -> str:
    """The state of a plate's passes at a moment: ``none``, ``valid``, ``expired`` or
    ``revoked`` (see :func:`vehicle_pass_for_plate`). The officer app gives a vehicle whose
    state is ``valid`` the green channel (``priority_pass``)."""
    return str(vehicle_pass_for_plate(plate=plate, at=at)[0])
