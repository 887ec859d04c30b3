"""Declared versus verified identity, step 2: each record gets what its person showed.

Until now a person's name and phone were the last ones anybody declared, and every record
showed them; they are the best there is for the records that point at the person, so each
registration gets a copy. A host's or landlord's name and phone move out of the clear JSON
into encrypted columns. A travel group keeps the vehicle kind its vehicle had (the last
declaration), and the vehicle's kind is cleared: it was never confirmed by an officer. The
birth date is kept only as a blind index.

Works in batches through the ORM (``bulk_update`` encrypts; the blind indexes are computed
here, as ``bulk_update`` does not call ``pre_save``), so it runs alike on SQLite and PostgreSQL.
"""

from datetime import date
from typing import Any

from django.db import migrations

from fangkong.core.identity import blind_index_of

BATCH = 1000
CONTACT_KEYS = (("host_name", "host_phone"), ("landlord_name", "landlord_phone"))


def _birth_key(person: Any) -> str:
    if isinstance(person.birth_date, date):
        return person.birth_date.isoformat()
    number = person.doc_number or ""
    if person.doc_type == "resident_id" and len(number) == 18:
        return f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    return ""


def _index(kind: str, value: str) -> str:
    return blind_index_of(kind, value) if value else ""


def _batches(queryset: Any) -> Any:
    last = 0
    while batch := list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH]):
        yield batch
        last = batch[-1].pk


def _persons(Person: Any) -> None:
    for batch in _batches(Person.objects.all()):
        for person in batch:
            person.birth_index = _index("birth_date", _birth_key(person))
        Person.objects.bulk_update(batch, ["birth_index"])


def _contact(registration: Any) -> None:
    declared = dict(registration.declared or {})
    for name_key, phone_key in CONTACT_KEYS:
        name, phone = declared.pop(name_key, ""), declared.pop(phone_key, "")
        if name or phone:
            registration.contact_name = str(name or "")
            registration.contact_phone = str(phone or "")
    registration.contact_phone_index = _index("phone", registration.contact_phone)
    registration.declared = declared


def _registrations(Registration: Any) -> None:
    fields = [
        "name",
        "name_index",
        "phone",
        "phone_index",
        "phone_tail",
        "contact_name",
        "contact_phone",
        "contact_phone_index",
        "declared",
    ]
    for batch in _batches(Registration.objects.select_related("person")):
        for registration in batch:
            person = registration.person
            registration.name = person.name
            registration.name_index = _index("name", person.name)
            registration.phone = person.phone
            registration.phone_index = _index("phone", person.phone)
            registration.phone_tail = person.phone_tail
            _contact(registration)
        Registration.objects.bulk_update(batch, fields)


def _vehicle_kinds(TravelGroup: Any, Vehicle: Any) -> None:
    for batch in _batches(TravelGroup.objects.exclude(vehicle=None).select_related("vehicle")):
        for group in batch:
            group.vehicle_kind = group.vehicle.kind
        TravelGroup.objects.bulk_update(batch, ["vehicle_kind"])
    Vehicle.objects.update(kind="")


def forwards(apps: Any, schema_editor: Any) -> None:
    _persons(apps.get_model("registration", "Person"))
    _registrations(apps.get_model("registration", "Registration"))
    _vehicle_kinds(
        apps.get_model("registration", "TravelGroup"), apps.get_model("registration", "Vehicle")
    )


class Migration(migrations.Migration):
    dependencies = [("registration", "0006_declared_identity")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
