"""Screening API: checks (recorded online and synced from the officer's offline outbox),
recommendation previews, registration look-up for the officer, and the policy in force."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from fangkong.core.http import client_ip
from fangkong.intel import services as intel_services
from fangkong.lib.plate import PlateError, normalize_plate
from fangkong.screening import presenters, selectors, services
from fangkong.screening.schemas import (
    CheckFilter,
    CheckIn,
    CheckOut,
    DecideIn,
    DecisionOut,
    ErrorOut,
    KeyReusedOut,
    LookupFilter,
    PartyOut,
    PolicyOut,
    RevealIn,
    RevealOut,
)
from fangkong.screening.selectors.policy import area_names, policy_client_json, policy_in_force
from fangkong.sites.selectors import site_get_for_user

router = Router(tags=["screening"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _key_reused(check: Any) -> tuple[int, KeyReusedOut]:
    message = _("This key belongs to another check already stored; make a new key.")
    return 409, KeyReusedOut(code="idempotency_key_reused", message=message, check_id=check.pk)


@router.post(
    "/checks",
    response={200: CheckOut, 201: CheckOut, 409: KeyReusedOut, **ERRORS},
    operation_id="check_create",
    summary="Record a check (201), or return the check already stored under the key (200)",
    description=(
        "The same idempotency key with a different check (site, time, registration, outcome "
        "or temperature) is refused with 409 and the stored check's id."
    ),
)
def check_create(request: HttpRequest, payload: CheckIn) -> tuple[int, Any]:
    again = services.check_for_key(actor=request.user, idempotency_key=payload.idempotency_key)
    if again is not None:
        if services.check_differs(
            again,
            site_id=payload.site_id,
            outcome=payload.outcome,
            checked_at=payload.checked_at,
            temperature=payload.temperature,
            registration_id=payload.registration_id,
        ):
            return _key_reused(again)
        # A retry (the first answer was lost): the officer still gets the alerts.
        again.alerts = intel_services.alert_notices(check=again)
        return 200, presenters.check_out(again)
    site = site_get_for_user(user=request.user, site_id=payload.site_id)
    registration = None
    if payload.registration_id is not None or payload.registration_token:
        registration = services.registration_for_check(
            user=request.user,
            registration_id=payload.registration_id,
            token=payload.registration_token,
        )
    walk_up = services.WalkUp(**payload.person.model_dump()) if payload.person else None
    vehicle = services.ManualVehicle(**payload.vehicle.model_dump()) if payload.vehicle else None
    try:
        recorded = _record(request, payload, site, registration, (walk_up, vehicle))
    except services.IdempotencyKeyReusedError as exc:
        return _key_reused(exc.check)
    return (201 if recorded.created else 200), presenters.check_out(recorded.check)


def _record(
    request: HttpRequest, payload: CheckIn, site: Any, registration: Any, manual: tuple[Any, Any]
) -> services.Recorded:
    walk_up, vehicle = manual
    return services.check_record(
        actor=request.user,
        site=site,
        idempotency_key=payload.idempotency_key,
        checked_at=payload.checked_at,
        outcome=payload.outcome,
        temperature=payload.temperature,
        registration=registration,
        walk_up=walk_up,
        observed=payload.facts.model_dump() if payload.facts else None,
        override_reason=payload.override_reason,
        note=payload.note,
        shown_recommendation=payload.shown_recommendation,
        vehicle_kind=payload.vehicle_kind,
        manual_vehicle=vehicle,
    )


@router.post(
    "/checks/{check_id}/reveal",
    response={200: RevealOut, **ERRORS},
    operation_id="check_reveal",
    summary="The full document number, name and phone as this check captured them (audited)",
)
def check_reveal(request: HttpRequest, check_id: int, payload: RevealIn) -> RevealOut:
    check = selectors.check_get_for_user(user=request.user, check_id=check_id)
    shown = services.person_reveal(
        actor=request.user,
        check=check,
        reason_code=payload.reason_code,
        reason=payload.reason,
        ip=client_ip(request),
    )
    return RevealOut(**shown)


@router.get("/checks", response={200: list[CheckOut], **ERRORS}, operation_id="check_list")
def check_list(request: HttpRequest, filters: Query[CheckFilter]) -> list[CheckOut]:
    site = site_get_for_user(user=request.user, site_id=filters.site) if filters.site else None
    checks = selectors.check_list_for_user(user=request.user, site=site, since=filters.since)
    names = area_names()
    page = checks[filters.offset : filters.offset + filters.limit]
    return [presenters.check_out(check, names) for check in page]


@router.post("/checks/decide", response={200: DecisionOut, **ERRORS}, operation_id="check_decide")
def check_decide(request: HttpRequest, payload: DecideIn) -> DecisionOut:
    people = [
        services.PreviewPerson(
            registration_id=item.registration_id,
            observed=item.facts.model_dump() if item.facts else None,
            temperature=item.temperature,
        )
        for item in payload.people
    ]
    vehicle = services.PreviewVehicle(**payload.vehicle.model_dump()) if payload.vehicle else None
    preview = services.check_preview(
        actor=request.user, people=people, vehicle=vehicle, at=payload.at
    )
    return presenters.decision_out(preview.decision, preview.area_names)


@router.post(
    "/checks/lookup", response={200: list[PartyOut], **ERRORS}, operation_id="check_lookup"
)
def check_lookup(request: HttpRequest, filters: LookupFilter) -> list[PartyOut]:
    """Registrations the officer may screen, by pass token, short code, plate or the last
    four digits of a phone, grouped by vehicle. A POST with the criteria in the body, so
    that they stay out of URLs and so out of access logs."""
    site = site_get_for_user(user=request.user, site_id=filters.site) if filters.site else None
    now = timezone.now()
    plate = None
    if filters.plate:
        try:
            plate = normalize_plate(filters.plate)
        except PlateError:
            return []
    parties = selectors.party_lookup_for_user(
        user=request.user,
        site=site,
        code=filters.code,
        plate=plate,
        phone_tail=filters.phone_tail,
        token=filters.token,
        at=now,
    )
    in_force = policy_in_force(now)
    return [presenters.party_out(party, in_force, now) for party in parties]


@router.get("/policy/current", response={200: PolicyOut, **ERRORS}, operation_id="policy_current")
def policy_current(request: HttpRequest) -> dict[str, Any]:
    return policy_client_json()
