"""Recording checks, showing a checked person's full identity for a reason, and the purge.

The recommendation is computed here, under the policy in force at the check's time, whatever
the officer's phone showed; each write runs in a transaction with its audit record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.rollups import record_check
from fangkong.core.actors import Actor
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import sees_everything, unit_in_scope
from fangkong.core.validation import (
    clean_client_key,
    clean_document,
    clean_phone,
    client_key_or_none,
    reject_naive,
)
from fangkong.intel import services as intel_services
from fangkong.lib.plate import PlateError, normalize_plate
from fangkong.org.models import Staff
from fangkong.org.permissions import can_reveal_identity
from fangkong.passes.selectors import vehicle_pass_state
from fangkong.registration.choices import DocumentType, VehicleKind
from fangkong.registration.models import Person, Registration, TravelGroup, Vehicle
from fangkong.registration.people import person_get_or_create
from fangkong.registration.selectors import registration_get_for_user
from fangkong.screening import cases, rules
from fangkong.screening.choices import Outcome, RevealReason
from fangkong.screening.messages import outcome_label
from fangkong.screening.models import Check
from fangkong.screening.selectors.policy import policy_in_force, rule_set_current
from fangkong.screening.services.vehicles import (
    ManualVehicle,
    clean_manual_vehicle,
    manual_group,
)
from fangkong.sites.models import Site

# Phones keep their own time; a clock a little fast must not lose a check.
FUTURE_TOLERANCE = timedelta(minutes=5)
PREVIEW_RANGE = timedelta(days=36525)


@dataclass(frozen=True)
class WalkUp:
    """A person the officer enters by hand: no phone, or no registration."""

    name: str
    doc_number: str
    doc_type: str = DocumentType.RESIDENT_ID
    phone: str = ""


class Recorded(NamedTuple):
    check: Check
    created: bool


def _actor_parts(actor: Actor | Staff) -> tuple[Actor, Staff | None]:
    if isinstance(actor, Staff):
        return actor.user, actor
    return actor, getattr(actor, "staff", None) if actor is not None else None


def _covers(user: Any, staff: Staff | None, site: Site) -> bool:
    if user is not None and sees_everything(user):
        return True
    return staff is not None and site.unit.path.startswith(staff.unit.path)


def _existing(idempotency_key: str) -> Check | None:
    return (
        Check.objects.select_related("site__unit").filter(idempotency_key=idempotency_key).first()
    )


def _same_key(user: Any, staff: Staff | None, key: str) -> Recorded | None:
    existing = _existing(key)
    if existing is None:
        return None
    if not _covers(user, staff, existing.site):
        # A key is made by the phone (a UUID): another jurisdiction's check with the same key
        # is not ours to return.
        errors = FieldErrors()
        errors.add("idempotency_key", _("This key is already used."), "idempotency_key_taken")
        errors.raise_if_any()
    return Recorded(existing, False)


class IdempotencyKeyReusedError(Exception):
    """A stored check's key came again with a different check: the phone made a key twice,
    or a client reuses keys. The stored check is not what was sent, so it is not an answer."""

    def __init__(self, check: Check) -> None:
        super().__init__(check.pk)
        self.check = check


def check_differs(
    check: Check,
    *,
    site_id: int,
    outcome: str,
    checked_at: datetime,
    temperature: Any = None,
    registration_id: int | None = None,
) -> bool:
    """Whether a check sent again under ``check``'s key says something else than the stored
    one (what a retry cannot change: where, when, which registration, outcome, reading)."""
    try:
        reading = None if temperature in (None, "") else Decimal(str(temperature))
        same_reading = reading == check.temperature or (
            reading is not None and reading.quantize(Decimal("0.1")) == check.temperature
        )
        same_time = checked_at == check.checked_at
    except (InvalidOperation, ValueError, TypeError):  # A naive time cannot be compared.
        return True
    same_registration = registration_id is None or registration_id == check.registration_id
    return not (
        site_id == check.site_id
        and outcome == check.outcome
        and same_time
        and same_reading
        and same_registration
    )


def _clean_temperature(errors: FieldErrors, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        reading = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors.add("temperature", _("Enter the temperature as a number, such as 36.5."), "invalid")
        return None
    low, high = rules.PLAUSIBLE_TEMPERATURE_C
    if not Decimal(str(low)) <= reading <= Decimal(str(high)):
        message = _("A temperature between %(low)s and %(high)s ℃; measure again.") % {
            "low": low,
            "high": high,
        }
        errors.add("temperature", message, "temperature_implausible")
        return None
    return reading


def _clean_checked_at(errors: FieldErrors, checked_at: datetime, now: datetime) -> None:
    if reject_naive(errors, "checked_at", checked_at):
        return
    if checked_at > now + FUTURE_TOLERANCE:
        message = _("The check time is in the future: check the phone's clock.")
        errors.add("checked_at", message, "checked_at_future")
    elif checked_at < now - timedelta(days=settings.RETENTION_DAYS):
        message = _("The check is older than the retention period and cannot be stored.")
        errors.add("checked_at", message, "checked_at_too_old")


def _clean_walk_up(errors: FieldErrors, walk_up: WalkUp) -> WalkUp:
    name = " ".join(walk_up.name.split())
    if not name:
        errors.add("person.name", _("Enter the name."), "name_required")
    elif len(name) > 50:
        errors.add("person.name", _("At most 50 characters."), "too_long")
    number = ""
    if not walk_up.doc_number.strip():
        errors.add("person.doc_number", _("Enter the document number."), "document_empty")
    else:
        number = clean_document(errors, "person.doc_number", walk_up.doc_type, walk_up.doc_number)
    phone = clean_phone(errors, "person.phone", walk_up.phone, doc_type=walk_up.doc_type)
    return WalkUp(name=name, doc_number=number, doc_type=walk_up.doc_type, phone=phone)


def _clean_observed(errors: FieldErrors, observed: Mapping[str, Any]) -> None:
    checks = (
        ("health_code", rules.HealthCode),
        ("itinerary", rules.ItineraryCard),
        ("nat_result", rules.NatResult),
    )
    for name, kind in checks:
        value = observed.get(name)
        allowed = kind._value2member_map_
        if name == "nat_result" and value == cases.NO_TEST:
            continue
        if value is not None and value not in allowed:
            errors.add(f"facts.{name}", _("Choose one of the listed values."), "invalid_choice")
    origin = observed.get("origin_code")
    if origin and not re.fullmatch(r"\d{6}", str(origin)):
        message = _("A division code has exactly six digits.")
        errors.add("facts.origin_code", message, "division_format")
    nat_at = observed.get("nat_at")
    if nat_at and cases.parse_moment(nat_at) is None:
        errors.add("facts.nat_at", _("Not a date and time."), "invalid")


def check_for_key(*, actor: Actor, idempotency_key: str) -> Check | None:
    """The check already stored under this key, if any (a retried or re-synced check)."""
    user, staff = _actor_parts(actor)
    key = client_key_or_none(idempotency_key)
    if key is None:
        return None
    again = _same_key(user, staff, key)
    return again.check if again is not None else None


def validate_observed(observed: Mapping[str, Any]) -> None:
    errors = FieldErrors()
    _clean_observed(errors, observed)
    errors.raise_if_any()


def validate_temperature(value: Any) -> Decimal | None:
    errors = FieldErrors()
    reading = _clean_temperature(errors, value)
    errors.raise_if_any()
    return reading


def registration_for_check(
    *, user: Actor, registration_id: int | None = None, token: str | None = None
) -> Registration:
    """The registration a check refers to, by id or pass token; a field error if it is not
    found in the user's jurisdiction (offline checks show the message to the officer)."""
    try:
        return registration_get_for_user(user=user, registration_id=registration_id, token=token)
    except Registration.DoesNotExist:
        message = _("No such registration in your jurisdiction.")
        error = ValidationError(message, code="registration_not_found")
        raise ValidationError({"registration": error}) from None


def check_recommend(
    *,
    facts: cases.Facts,
    temperature: Decimal | float | None,
    group: Any,
    at: datetime,
    confirmed_kind: str = "",
) -> rules.Decision:
    """The recommendation for one person under the policy in force at ``at``; a vehicle's
    kind counts for priority only as the officer confirmed it (``confirmed_kind``)."""
    rule_set = rule_set_current(at)
    case = rules.ScreeningCase(
        cases.rules_person(facts, temperature),
        cases.rules_vehicle(group, at, confirmed_kind=confirmed_kind),
    )
    return rules.decide(case, rule_set, now=timezone.localtime(at))


@dataclass(frozen=True)
class PreviewPerson:
    """One person of a preview: their registration if any, what the officer saw, and the
    reading."""

    registration_id: int | None = None
    observed: Mapping[str, Any] | None = None
    temperature: float | None = None


@dataclass(frozen=True)
class PreviewVehicle:
    """The vehicle as the officer gives it; ``kind_confirmed`` when they saw it and vouch
    for ``kind``."""

    kind: str = "car"
    plate: str = ""
    kind_confirmed: bool = False


class Preview(NamedTuple):
    decision: rules.Decision | rules.GroupDecision
    area_names: dict[str, str]


def check_preview(
    *,
    actor: Actor,
    people: Sequence[PreviewPerson],
    vehicle: PreviewVehicle | None = None,
    at: datetime | None = None,
) -> Preview:
    """The recommendation for people checked together at ``at`` (now by default), with what
    the officer saw, stored nowhere: what ``/checks/decide`` answers. Registrations are read
    in the actor's jurisdiction; the vehicle is the first registration's travel group's,
    unless the officer gives one."""
    at = _clean_preview_at(at) if at is not None else timezone.now()
    persons = []
    group = None
    for person in people:
        facts = cases.Facts()
        if person.registration_id is not None:
            registration = registration_for_check(
                user=actor, registration_id=person.registration_id
            )
            facts = cases.registration_facts(registration)
            group = group or registration.group
        observed = person.observed or {}
        validate_observed(observed)
        facts = cases.facts_observed(facts, observed)
        persons.append(cases.rules_person(facts, validate_temperature(person.temperature)))
    rules_vehicle = cases.rules_vehicle(group, at)
    if vehicle is not None:
        rules_vehicle = _preview_vehicle(vehicle, at)
    in_force = policy_in_force(at)
    decision = cases.decide_people(persons, rules_vehicle, at, in_force.rule_set)
    return Preview(decision, in_force.area_names)


def _clean_preview_at(at: datetime) -> datetime:
    """A preview's time, aware and within a century of now: the policy and the risk areas are
    looked up around it, which a time near year 1 or 9999 would take out of the calendar."""
    errors = FieldErrors()
    naive = reject_naive(errors, "at", at)
    if not naive and abs(at - timezone.now()) > PREVIEW_RANGE:
        errors.add("at", _("Give a time within a century of now."), "at_out_of_range")
    errors.raise_if_any()
    return at


def _preview_vehicle(vehicle: PreviewVehicle, at: datetime) -> rules.Vehicle:
    try:
        plate = normalize_plate(vehicle.plate) if vehicle.plate else ""
    except PlateError:
        plate = ""
    state = vehicle_pass_state(plate=plate, at=at) if plate else "none"
    known = vehicle.kind in rules.VehicleKind._value2member_map_
    return rules.Vehicle(
        rules.VehicleKind(vehicle.kind if known else "car"),
        rules.VehiclePassState(state),
        kind_confirmed=vehicle.kind_confirmed and known,
    )


@transaction.atomic
def check_record(
    *,
    actor: Actor,
    site: Site,
    idempotency_key: str,
    checked_at: datetime,
    outcome: str,
    temperature: Decimal | float | str | None = None,
    registration: Registration | None = None,
    walk_up: WalkUp | None = None,
    observed: Mapping[str, Any] | None = None,
    override_reason: str = "",
    note: str = "",
    shown_recommendation: str | None = None,
    vehicle_kind: str = "",
    manual_vehicle: ManualVehicle | None = None,
) -> Recorded:
    """Record an officer's check of one person. The recommendation is computed here under the
    policy in force at ``checked_at``, whatever the phone showed. The same idempotency key
    again returns the stored check and stores nothing.

    ``vehicle_kind`` is the kind the officer saw and confirmed (or corrected), blank if they
    did not: only a confirmed kind, or a valid vehicle pass, gives the green channel. A
    walk-up's name and phone stay on the check; an existing person is never changed.

    ``manual_vehicle``, with a walk-up only, is the vehicle the officer entered with its
    people: the checks that carry its group key make one travel group (``manual_group``),
    and its kind is the one the officer saw, in place of ``vehicle_kind``."""
    user, staff = _actor_parts(actor)
    key = _clean_key(idempotency_key)
    again = _same_key(user, staff, key)
    if again is not None:
        _raise_if_differs(again.check, site, outcome, checked_at, temperature, registration)
        return again
    if not _covers(user, staff, site):
        raise PermissionDeniedError(_("You cannot record checks at this site."))
    if registration is not None and not _covers(user, staff, registration.site):
        raise PermissionDeniedError(_("This registration is outside your jurisdiction."))
    reading, walk_up, manual_vehicle = _check_validate(
        checked_at=checked_at,
        temperature=temperature,
        outcome=outcome,
        registration=registration,
        manual=(walk_up, manual_vehicle),
        observed=observed,
        vehicle_kind=vehicle_kind,
        texts={"note": note, "override_reason": override_reason},
    )
    group, role = _check_group(site, registration, manual_vehicle, checked_at, observed)
    if manual_vehicle is not None:
        vehicle_kind = manual_vehicle.kind
    vehicle_kind = vehicle_kind if group is not None and group.vehicle_id else ""
    base = cases.registration_facts(registration) if registration else cases.Facts()
    decision = check_recommend(
        facts=cases.facts_observed(base, observed),
        temperature=reading,
        group=group,
        at=checked_at,
        confirmed_kind=vehicle_kind,
    )
    reason = _check_override(
        outcome=outcome,
        recommended=decision.outcome.value,
        override_reason=override_reason,
        shown_recommendation=shown_recommendation,
    )
    person, declared = _checked_person(registration, walk_up)
    check = Check(
        site=site,
        person=person,
        registration=registration,
        group=group,
        role=role,
        name=declared.name,
        phone=declared.phone,
        officer=staff,
        temperature=reading,
        vehicle_kind=vehicle_kind,
        recommended=decision.outcome.value,
        outcome=outcome,
        reasons=[{"code": r.code.value, "params": dict(r.params)} for r in decision.reasons],
        override_reason=reason,
        note=note.strip(),
        policy_version=decision.policy_version,
        checked_at=checked_at,
        idempotency_key=key,
    )
    return _check_save(check, user=user)


def _check_group(
    site: Site,
    registration: Registration | None,
    manual_vehicle: ManualVehicle | None,
    checked_at: datetime,
    observed: Mapping[str, Any] | None,
) -> tuple[TravelGroup | None, str]:
    """The travel group a check belongs to, and the person's role in it: the registration's,
    or the one the officer's hand-entered vehicle makes."""
    if registration is not None:
        return registration.group, registration.role if registration.group_id else ""
    if manual_vehicle is None:
        return None, ""
    origin = str((observed or {}).get("origin_code") or "")
    group = manual_group(site=site, vehicle=manual_vehicle, at=checked_at, origin=origin)
    return group, manual_vehicle.role


def _checked_person(
    registration: Registration | None, walk_up: WalkUp | None
) -> tuple[Person, Registration | WalkUp]:
    """The person checked, and what they declared of their name and phone this time."""
    if registration is not None:
        return registration.person, registration
    assert walk_up is not None  # noqa: S101 - checked by _check_validate
    person = person_get_or_create(doc_type=walk_up.doc_type, doc_number=walk_up.doc_number)
    return person, walk_up


def _clean_key(idempotency_key: str) -> str:
    errors = FieldErrors()
    key = clean_client_key(errors, "idempotency_key", idempotency_key)
    errors.raise_if_any()
    return key


def _check_validate(
    *,
    checked_at: datetime,
    temperature: Any,
    outcome: str,
    registration: Registration | None,
    manual: tuple[WalkUp | None, ManualVehicle | None],
    observed: Mapping[str, Any] | None,
    vehicle_kind: str,
    texts: Mapping[str, str],
) -> tuple[Decimal | None, WalkUp | None, ManualVehicle | None]:
    """Every field error of a check at once; the reading, the walk-up person and their
    vehicle cleaned."""
    walk_up, vehicle = manual
    errors = FieldErrors()
    _clean_checked_at(errors, checked_at, timezone.now())
    reading = _clean_temperature(errors, temperature)
    if outcome not in Outcome.values:
        errors.add("outcome", _("Choose an outcome."), "outcome_invalid")
    if (registration is None) == (walk_up is None):
        message = _("Give either a registration or the person's details.")
        errors.add("registration", message, "person_required")
    if walk_up is not None:
        walk_up = _clean_walk_up(errors, walk_up)
    if vehicle is not None and walk_up is None:
        message = _("Only a person entered by hand comes with a vehicle entered by hand.")
        errors.add("vehicle", message, "vehicle_needs_person")
    elif vehicle is not None:
        vehicle = clean_manual_vehicle(errors, vehicle)
    _clean_observed(errors, observed or {})
    if vehicle_kind and vehicle_kind not in VehicleKind.values:
        errors.add("vehicle_kind", _("Choose one of the listed values."), "invalid_choice")
    too_long = [name for name, text in texts.items() if len(text) > 200]
    if too_long:
        errors.add(too_long[0], _("At most 200 characters."), "too_long")
    errors.raise_if_any()
    return reading, walk_up, vehicle


def _check_override(
    *, outcome: str, recommended: str, override_reason: str, shown_recommendation: str | None
) -> str:
    """The reason stored with an outcome that differs from the recommendation (blank when it
    does not): the officer's, else the phone's recommendation they followed; a field error
    if there is neither."""
    if outcome == recommended:
        return ""
    reason = " ".join(override_reason.split()) or _offline_reason(
        shown_recommendation, outcome, recommended
    )
    if not reason:
        message = _(
            "The outcome differs from the recommendation (%(recommended)s): give the reason."
        )
        errors = FieldErrors()
        errors.add(
            "override_reason",
            message % {"recommended": outcome_label(recommended)},
            "override_reason_required",
        )
        errors.raise_if_any()
    return reason


def _check_save(check: Check, *, user: Any) -> Recorded:
    """Store a new check with its effects on other records, in the caller's transaction:
    the command centre's rollups, the vehicle's confirmed kind, the audit of an override.
    Every check recorded passes here; a check already stored under its key (a concurrent
    retry) is returned instead."""
    try:
        with transaction.atomic():
            check.save()
            record_check(check)
    except IntegrityError:
        # The same key was stored by a concurrent request between our look-up and insert.
        stored = Check.objects.get(idempotency_key=check.idempotency_key)
        _raise_if_differs(
            stored,
            check.site,
            check.outcome,
            check.checked_at,
            check.temperature,
            check.registration,
        )
        return Recorded(stored, False)
    # A kind is kept only for a group with a vehicle (check_record).
    if check.vehicle_kind and check.group is not None and check.group.vehicle is not None:
        _vehicle_confirm(check.group.vehicle, check.vehicle_kind)
    check.alerts = intel_services.alerts_for(check=check)  # a person or plate on a list
    if check.overridden:
        audit_record(
            actor=user,
            action="check.override",
            target=check,
            reason=check.override_reason,
            extra={
                "recommended": check.recommended,
                "outcome": check.outcome,
                "site": check.site_id,
            },
        )
    return Recorded(check, True)


def _raise_if_differs(
    check: Check,
    site: Site,
    outcome: str,
    checked_at: datetime,
    temperature: Any,
    registration: Registration | None,
) -> None:
    registration_id = registration.pk if registration is not None else None
    if check_differs(
        check,
        site_id=site.pk,
        outcome=outcome,
        checked_at=checked_at,
        temperature=temperature,
        registration_id=registration_id,
    ):
        raise IdempotencyKeyReusedError(check)


def _vehicle_confirm(vehicle: Vehicle, kind: str) -> None:
    """An officer who saw the vehicle is the evidence of its kind, which the declaration of
    a form is not. The next look-up shows it; each check still confirms for itself."""
    if vehicle.kind != kind:
        vehicle.kind = kind
        vehicle.save(update_fields=["kind"])


def _offline_reason(shown: str | None, outcome: str, recommended: str) -> str:
    """An officer who followed the recommendation their phone showed (offline, or from an
    older policy) did not override anything: the difference is recorded as the reason."""
    if not shown or shown != outcome or shown not in Outcome.values:
        return ""
    return _("The phone recommended %(shown)s; recomputed on the server as %(server)s.") % {
        "shown": outcome_label(shown),
        "server": outcome_label(recommended),
    }


def _clean_reveal_reason(reason_code: str, reason: str) -> str:
    errors = FieldErrors()
    if reason_code not in RevealReason.values:
        errors.add("reason_code", _("Choose the reason from the list."), "reason_code_invalid")
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        errors.add("reason", _("State why you need the full details."), "reason_required")
    errors.raise_if_any()
    return reason[:500]


def _reveal_in_scope(user: Any, check: Check) -> bool:
    """The check, and the registration it was made from if any, captured at sites of the
    user's jurisdiction."""
    sites = [check.site, *([check.registration.site] if check.registration is not None else [])]
    return all(unit_in_scope(user, site.unit) for site in sites)


@transaction.atomic
def person_reveal(
    *, actor: Actor, check: Check, reason_code: str, reason: str, ip: str | None = None
) -> dict[str, str]:
    """The full document number, name and phone as this check captured them (what the
    officer entered for a walk-up, the registration's declaration otherwise), never what any
    other record holds. Needs a role that may reveal, a check within the actor's jurisdiction
    (else ``PermissionDeniedError``; the views answer as if it did not exist), and a reason
    from the list with a text. Audited as ``person.view`` with the address it came from, the
    reason and the fields shown."""
    if not can_reveal_identity(actor):
        raise PermissionDeniedError(_("Your roles do not allow viewing full personal details."))
    if not _reveal_in_scope(actor, check):
        raise PermissionDeniedError(_("This check is outside your jurisdiction."))
    reason = _clean_reveal_reason(reason_code, reason)
    shown = {"doc_number": check.person.doc_number, "name": check.name, "phone": check.phone}
    audit_record(
        actor=actor,
        action="person.view",
        target=check.person,
        reason=reason,
        extra={
            "check": check.pk,
            "reason_code": reason_code,
            "fields": [field for field, value in shown.items() if value],
        },
        ip=ip,
    )
    return shown


@transaction.atomic
def check_purge(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete checks older than ``RETENTION_DAYS`` (or ``days``), except those of persons on
    hold (linked to a key person or a case). A step of ``manage.py purge_expired``, run before
    the registrations' step so that it can delete the persons nothing refers to any more."""
    days = settings.RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = Check.objects.filter(checked_at__lt=cutoff, person__hold=False)
    count = expired.delete()[1].get("screening.Check", 0)
    audit_record(
        actor=None,
        action="check.purge",
        extra={"checks": count, "days": days, "cutoff": cutoff.isoformat()},
    )
    return {"checks": count}
