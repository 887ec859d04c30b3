"""One row per vehicle: found by its normalised plate (GA 36), created if new.

Every path that meets a vehicle by its plate (a citizen's road registration, an officer's
vehicle entered by hand at a check) goes through :func:`vehicle_prepare`, so a plate is stored
in one form whichever way it came in, and none of them changes a vehicle that exists: its
kind is what an officer confirmed at a check, and a declared kind stays on the travel group.
"""

from __future__ import annotations

from fangkong.lib.plate import normalize_plate
from fangkong.registration.fastpath import PreparedInsert, prepare
from fangkong.registration.models import Vehicle


def vehicle_prepare(plate: str) -> tuple[Vehicle, PreparedInsert]:
    """The vehicle with this (validated) plate, as one prepared statement that creates it if
    new and leaves it as it is otherwise: ``INSERT ... ON CONFLICT (plate) DO UPDATE`` of the
    plate itself, a no-op that makes the database return the stored row's key. Safe under
    concurrency: the database settles who inserts.

    Once the statement has run, the object has its row's key and nothing else of an existing
    row (not its confirmed kind): use it to point at the vehicle, never save it."""
    vehicle = Vehicle(plate=normalize_plate(plate))
    return vehicle, prepare([vehicle], conflict="plate", update=["plate"])


def vehicle_get_or_create(*, plate: str) -> Vehicle:
    """The vehicle with this (validated) plate as stored, created if new; never changed if
    it exists."""
    vehicle, insert = vehicle_prepare(plate)
    insert.run()
    return Vehicle.objects.get(pk=vehicle.pk)
