"""The vehicle-pass API: a company applies (no login), the brigade lists and decides, the
officer app scans. Wired into ``fangkong.api`` with ``api.add_router("/", router)``."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from fangkong.core.ratelimit import RateLimited
from fangkong.lib.mask import mask_name, mask_phone
from fangkong.passes import ratelimit as passes_ratelimit
from fangkong.passes import selectors, services
from fangkong.passes.choices import PassDecision
from fangkong.passes.models import VehiclePass
from fangkong.passes.schemas import (
    DecisionIn,
    DriverOut,
    PassAppliedOut,
    PassApplyIn,
    PassFilter,
    PassOut,
    PassScanOut,
    ScanQuery,
)
from fangkong.registration.schemas import RateLimitedOut

router = Router(tags=["vehicle passes"])


def pass_out(vehicle_pass: VehiclePass, *, at: datetime | None = None) -> PassOut:
    at = at or timezone.now()
    state = selectors.vehicle_pass_state_of(vehicle_pass, at)
    return PassOut(
        id=vehicle_pass.pk,
        number=vehicle_pass.number,
        status=vehicle_pass.status,
        status_label=str(vehicle_pass.get_status_display()),
        state=str(state),
        state_label=selectors.vehicle_pass_state_label(vehicle_pass, state, at),
        company=vehicle_pass.company,
        contact_name_masked=mask_name(vehicle_pass.contact_name),
        contact_phone_masked=mask_phone(vehicle_pass.contact_phone),
        plate=vehicle_pass.plate,
        vehicle_kind=vehicle_pass.vehicle_kind,
        vehicle_kind_label=str(vehicle_pass.get_vehicle_kind_display()),
        cargo_kind=vehicle_pass.cargo_kind,
        cargo_kind_label=str(vehicle_pass.get_cargo_kind_display()),
        route=vehicle_pass.route,
        valid_from=vehicle_pass.valid_from,
        valid_to=vehicle_pass.valid_to,
        unit_id=vehicle_pass.unit_id,
        unit=vehicle_pass.unit.name,
        drivers=[
            DriverOut(
                name_masked=p.name_masked,
                doc_type=p.doc_type,
                doc_masked=p.doc_masked,
                phone_masked=p.phone_masked,
            )
            for p in selectors.drivers_of(vehicle_pass)
        ],
        decision_reason=vehicle_pass.decision_reason,
        decided_at=vehicle_pass.decided_at,
        created_at=vehicle_pass.created_at,
    )


@router.post(
    "/passes/apply",
    response={200: PassAppliedOut, 201: PassAppliedOut, 429: RateLimitedOut},
    auth=None,
    operation_id="vehicle_pass_apply",
    summary="Apply for a vehicle pass (no login); a repeated submission_key returns 200",
)
def vehicle_pass_apply(request: HttpRequest, payload: PassApplyIn) -> tuple[int, PassAppliedOut]:
    verdict = passes_ratelimit.pass_apply_hit(request)
    if verdict.limited:
        raise RateLimited(verdict, passes_ratelimit.limited_api_message(verdict))
    application = services.PassApplication(
        **payload.dict(exclude={"submission_key", "drivers"}),
        drivers=tuple(services.DriverData(**d.dict()) for d in payload.drivers),
    )
    vehicle_pass, created = services.vehicle_pass_apply(
        application=application, submission_key=payload.submission_key
    )
    path = reverse("passes:status", args=[vehicle_pass.token])
    out = PassAppliedOut(
        number=vehicle_pass.number,
        token=vehicle_pass.token,
        status=vehicle_pass.status,
        status_label=str(vehicle_pass.get_status_display()),
        status_url=request.build_absolute_uri(path),
    )
    return (201 if created else 200), out


@router.get("/passes", response=list[PassOut], operation_id="vehicle_pass_list")
def vehicle_pass_list(request: HttpRequest, filters: Query[PassFilter]) -> list[PassOut]:
    rows = selectors.vehicle_pass_list_for_user(user=request.user, status=filters.status)
    now = timezone.now()
    return [pass_out(p, at=now) for p in rows[filters.offset : filters.offset + filters.limit]]


@router.post("/passes/scan", response=PassScanOut, operation_id="vehicle_pass_scan")
def vehicle_pass_scan(request: HttpRequest, query: ScanQuery) -> PassScanOut:
    """By ``token`` (or the scanned QR text): that pass's own state, 404 for an unknown token.
    By ``plate``: the vehicle's state (revoked wins) and the pass that decides it, if any.
    A POST with the token or plate in the body, so that neither reaches an access log."""
    now = timezone.now()
    vehicle_pass: VehiclePass | None
    if query.token:
        token = selectors.vehicle_pass_token_from_qr(query.token) or ""
        vehicle_pass = selectors.vehicle_pass_get_by_token(token)
        state = selectors.vehicle_pass_state_of(vehicle_pass, now)
    elif query.plate:
        state, found = selectors.vehicle_pass_for_plate(plate=query.plate, at=now)
        vehicle_pass = found
    else:
        message = _("Give the token of the pass or the licence plate.")
        raise ValidationError({"token": ValidationError(message, code="token_or_plate_required")})
    return PassScanOut(
        state=str(state),
        state_label=selectors.vehicle_pass_state_label(vehicle_pass, state, now),
        vehicle_pass=pass_out(vehicle_pass, at=now) if vehicle_pass is not None else None,
    )


@router.get("/passes/{pass_id}", response=PassOut, operation_id="vehicle_pass_get")
def vehicle_pass_get(request: HttpRequest, pass_id: int) -> PassOut:
    return pass_out(selectors.vehicle_pass_get_for_user(user=request.user, pass_id=pass_id))


def _decide(
    request: HttpRequest, pass_id: int, decision: PassDecision, payload: DecisionIn | None
) -> PassOut:
    # Scoped: a pass outside the caller's jurisdiction answers 404, as a missing one does.
    vehicle_pass = selectors.vehicle_pass_get_for_user(user=request.user, pass_id=pass_id)
    services.vehicle_pass_decide(
        actor=request.user,
        vehicle_pass=vehicle_pass,
        decision=decision,
        reason=payload.reason if payload is not None else "",
    )
    return pass_out(selectors.vehicle_pass_get_for_user(user=request.user, pass_id=pass_id))


@router.post("/passes/{pass_id}/approve", response=PassOut, operation_id="vehicle_pass_approve")
def vehicle_pass_approve(
    request: HttpRequest, pass_id: int, payload: DecisionIn | None = None
) -> PassOut:
    return _decide(request, pass_id, PassDecision.APPROVE, payload)


@router.post("/passes/{pass_id}/reject", response=PassOut, operation_id="vehicle_pass_reject")
def vehicle_pass_reject(
    request: HttpRequest, pass_id: int, payload: DecisionIn | None = None
) -> PassOut:
    return _decide(request, pass_id, PassDecision.REJECT, payload)


@router.post("/passes/{pass_id}/revoke", response=PassOut, operation_id="vehicle_pass_revoke")
def vehicle_pass_revoke(
    request: HttpRequest, pass_id: int, payload: DecisionIn | None = None
) -> PassOut:
    return _decide(request, pass_id, PassDecision.REVOKE, payload)
