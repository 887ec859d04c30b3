"""Vehicle passes (通行证): the reads. The writes are in ``services``.

A checkpoint checks a pass by the token in its QR code or by the vehicle's plate, and the
screening rules give a vehicle with a valid pass ``priority_pass`` (see
:func:`vehicle_pass_state`).

Pass dates are calendar days in Asia/Shanghai, whatever the server's time zone: a pass printed
"valid until 30 November" must work until midnight in Zhangye.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.jurisdiction import scope_q
from fangkong.lib import plate as platelib
from fangkong.passes.choices import PassStatus
from fangkong.passes.models import VehiclePass, VehiclePassDriver
from fangkong.screening.rules import VehiclePassState

PASS_TIME_ZONE = ZoneInfo("Asia/Shanghai")
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
_QR_URL_RE = re.compile(r"/passes/scan/(?P<token>[A-Za-z0-9_-]{43})/?(?:[?#].*)?$")

STATE_LABELS = {
    VehiclePassState.NONE: gettext_lazy("No valid pass"),
    VehiclePassState.VALID: gettext_lazy("Valid pass"),
    VehiclePassState.EXPIRED: gettext_lazy("Pass expired"),
    VehiclePassState.REVOKED: gettext_lazy("Pass revoked"),
}


def local_date(at: datetime) -> date:
    """The calendar day in Asia/Shanghai of an aware datetime."""
    return timezone.localtime(at, PASS_TIME_ZONE).date()


def local_today() -> date:
    return local_date(timezone.now())


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
