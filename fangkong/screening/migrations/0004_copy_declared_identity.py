"""Declared versus verified identity in screening, step 2: each check gets the name and phone
its person showed (its registration's, now that registrations have their own), each pass a
driver row with its driver's. Batched through the ORM, for SQLite and PostgreSQL alike."""

from typing import Any

from django.db import migrations

from fangkong.core.identity import blind_index_of

BATCH = 1000


def _index(kind: str, value: str) -> str:
    return blind_index_of(kind, value) if value else ""


def _checks(Check: Any) -> None:
    last = 0
    checks = Check.objects.select_related("person", "registration").order_by("pk")
    while batch := list(checks.filter(pk__gt=last)[:BATCH]):
        for check in batch:
            source = check.registration or check.person
            check.name, check.phone = source.name, source.phone
            check.name_index = _index("name", check.name)
            check.phone_index = _index("phone", check.phone)
        Check.objects.bulk_update(batch, ["name", "name_index", "phone", "phone_index"])
        last = batch[-1].pk


def _drivers(VehiclePass: Any, VehiclePassDriver: Any) -> None:
    through = VehiclePass._meta.get_field("drivers").remote_field.through
    rows = through.objects.select_related("person").order_by("vehiclepass_id", "person_id")
    drivers, positions = [], {}
    for row in rows.iterator(chunk_size=BATCH):
        position = positions[row.vehiclepass_id] = positions.get(row.vehiclepass_id, -1) + 1
        person = row.person
        drivers.append(
            VehiclePassDriver(
                vehicle_pass_id=row.vehiclepass_id,
                person_id=row.person_id,
                position=position,
                name=person.name,
                name_index=_index("name", person.name),
                phone=person.phone,
                phone_index=_index("phone", person.phone),
            )
        )
    VehiclePassDriver.objects.bulk_create(drivers, batch_size=BATCH)


def forwards(apps: Any, schema_editor: Any) -> None:
    _checks(apps.get_model("screening", "Check"))
    _drivers(apps.get_model("screening", "VehiclePass"), apps.get_model("screening", "VehiclePassDriver"))


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_declared_identity")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
