"""Declared versus verified identity in screening, step 1: a check keeps the name and phone it
was made with and the vehicle kind the officer confirmed; a pass keeps its drivers' names and
phones on a driver row of its own (until now the persons held them)."""

import django.db.models.deletion
from django.db import migrations, models

import fangkong.core.identity

VEHICLE_KINDS = [
    ("car", "Car"),
    ("truck", "Truck"),
    ("bus", "Bus"),
    ("motorcycle", "Motorcycle"),
    ("ambulance", "Ambulance"),
    ("police", "Police vehicle"),
    ("fire", "Fire engine"),
    ("official", "Official vehicle"),
    ("supply", "Supply vehicle"),
]


def _index(source: str, kind: str) -> fangkong.core.identity.BlindIndexField:
    return fangkong.core.identity.BlindIndexField(
        blank=True, db_index=True, editable=False, kind=kind, max_length=64, source=source
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0007_copy_declared_identity"),
        ("screening", "0002_default_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="check",
            name="name",
            field=fangkong.core.identity.EncryptedTextField(blank=True, verbose_name="declared name"),
        ),
        migrations.AddField(model_name="check", name="name_index", field=_index("name", "name")),
        migrations.AddField(
            model_name="check",
            name="phone",
            field=fangkong.core.identity.EncryptedTextField(
                blank=True, verbose_name="declared mobile phone"
            ),
        ),
        migrations.AddField(model_name="check", name="phone_index", field=_index("phone", "phone")),
        migrations.AddField(
            model_name="check",
            name="vehicle_kind",
            field=models.CharField(
                blank=True,
                choices=VEHICLE_KINDS,
                max_length=20,
                verbose_name="vehicle kind confirmed by the officer",
            ),
        ),
        migrations.CreateModel(
            name="VehiclePassDriver",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    fangkong.core.identity.EncryptedTextField(
                        blank=True, verbose_name="declared name"
                    ),
                ),
                ("name_index", _index("name", "name")),
                (
                    "phone",
                    fangkong.core.identity.EncryptedTextField(
                        blank=True, verbose_name="declared mobile phone"
                    ),
                ),
                ("phone_index", _index("phone", "phone")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pass_drivers",
                        to="registration.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "vehicle_pass",
                    # Renamed "drivers" in 0005, once the old many-to-many of that name is gone.
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="driver_rows",
                        to="screening.vehiclepass",
                        verbose_name="vehicle pass",
                    ),
                ),
            ],
            options={
                "verbose_name": "driver",
                "verbose_name_plural": "drivers",
                "ordering": ["vehicle_pass", "position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("vehicle_pass", "person"), name="pass_driver_once"
                    )
                ],
            },
        ),
    ]
