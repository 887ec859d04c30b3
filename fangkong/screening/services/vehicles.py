"""A vehicle the officer enters by hand with its driver and passengers (no registration).

Each person's check is sent on its own from the phone's outbox, in any order and perhaps more
than once; they all carry the vehicle and a group key the phone made (a UUID). The first of
them to arrive makes the travel group, and the others find it by the key, so the vehicle's
checks are one group as a registered vehicle's are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core.errors import FieldErrors
from fangkong.core.validation import clean_client_key, clean_plate
from fangkong.registration.choices import TravelRole, VehicleKind
from fangkong.registration.models import TravelGroup
from fangkong.registration.vehicles import vehicle_get_or_create
from fangkong.sites.models import Site


@dataclass(frozen=True)
class ManualVehicle:
    """The vehicle a walk-up came in, as the officer entered it: ``kind`` as they saw it
    (blank if not confirmed), and this person's ``role`` in it."""

    group_key: str
    plate: str
    kind: str = ""
    role: str = TravelRole.PASSENGER


def clean_manual_vehicle(errors: FieldErrors, vehicle: ManualVehicle) -> ManualVehicle:
    """The vehicle with its plate normalised (GA 36, as a registration's); each problem is a
    field error under ``vehicle.``."""
    key = clean_client_key(errors, "vehicle.group_key", vehicle.group_key)
    plate = ""
    if not (vehicle.plate or "").strip():
        errors.add("vehicle.plate", _("Enter the licence plate."), "plate_required")
    else:
        plate = clean_plate(errors, "vehicle.plate", vehicle.plate)
    if vehicle.kind and vehicle.kind not in VehicleKind.values:
        errors.add("vehicle.kind", _("Choose one of the listed values."), "invalid_choice")
    if vehicle.role not in TravelRole.values:
        errors.add("vehicle.role", _("Choose one of the listed values."), "invalid_choice")
    return replace(vehicle, group_key=key, plate=plate)


def manual_group(*, site: Site, vehicle: ManualVehicle, at: datetime, origin: str) -> TravelGroup:
    """The travel group of ``vehicle`` at ``site``: the one its key made already, or a new one
    (with the plate's vehicle, found or made as a registration's is). The first check to
    arrive gives the group its time, and the first with an origin its origin (the outbox sends
    them in any order). Nobody declared the vehicle's kind: what the officer saw is confirmed
    on the vehicle by the check itself, never written as the group's declared kind. A key
    that made another vehicle's group, or one at another site, is a field error: the phone
    made a key twice, and no check joins a group it was not in."""
    group = _by_key(vehicle.group_key)
    if group is None:
        plate = vehicle_get_or_create(plate=vehicle.plate)
        try:
            with transaction.atomic():
                group = TravelGroup.objects.create(
                    client_key=vehicle.group_key,
                    site=site,
                    vehicle=plate,
                    origin_division=origin,
                    created_at=at,
                )
        except IntegrityError:
            # Another check of the same vehicle made it between our look-up and our insert.
            group = _by_key(vehicle.group_key)
            if group is None:
                raise
    if group.site_id != site.pk or group.vehicle is None or group.vehicle.plate != vehicle.plate:
        errors = FieldErrors()
        message = _("This key belongs to another vehicle; make a new key.")
        errors.add("vehicle.group_key", message, "group_key_reused")
        errors.raise_if_any()
    if origin and not group.origin_division:
        first = TravelGroup.objects.filter(pk=group.pk, origin_division="")
        if first.update(origin_division=origin):
            group.origin_division = origin
        else:  # another check of the group gave its origin first: that one stands
            group.refresh_from_db(fields=["origin_division"])
    return group


def _by_key(key: str) -> TravelGroup | None:
    return TravelGroup.objects.select_related("vehicle").filter(client_key=key).first()
