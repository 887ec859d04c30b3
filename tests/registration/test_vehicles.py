"""One row per vehicle, by its normalised plate, whichever path meets it first."""

from __future__ import annotations

import pytest

from fangkong.lib.plate import PlateError
from fangkong.registration import services
from fangkong.registration.models import TravelGroup, Vehicle
from fangkong.registration.vehicles import vehicle_get_or_create, vehicle_prepare
from tests.registration.conftest import road_data

pytestmark = pytest.mark.django_db


def test_a_plate_is_stored_in_its_canonical_form_once() -> None:
    first = vehicle_get_or_create(plate="甘g·d12345")
    again = vehicle_get_or_create(plate="甘GD 12345")
    assert first.pk == again.pk
    assert list(Vehicle.objects.values_list("plate", flat=True)) == ["甘GD12345"]


def test_a_stored_vehicle_keeps_its_confirmed_kind() -> None:
    stored = Vehicle.objects.create(plate="甘G12345", kind="ambulance")
    vehicle, insert = vehicle_prepare("甘g12345")
    insert.run()
    assert vehicle.pk == stored.pk
    assert vehicle_get_or_create(plate="甘G·12345").kind == "ambulance"
    assert Vehicle.objects.get().kind == "ambulance"


def test_a_plate_that_is_not_one_is_refused() -> None:
    with pytest.raises(PlateError):
        vehicle_prepare("甘1234")


def test_a_registration_stores_the_plate_as_the_shared_upsert_does(road_site) -> None:
    known = vehicle_get_or_create(plate="甘G·12345")
    services.registration_create(
        site=road_site, kind="road", submission_key="road-1", data=road_data(1, plate="甘g 12345")
    )
    assert Vehicle.objects.get().pk == known.pk
    assert TravelGroup.objects.get().vehicle_id == known.pk
