"""Declared versus verified identity, step 1: the new columns.

What a registration declared (name, phone, host or landlord, vehicle kind) gets columns of its
own; a person gets the verified ones and a blind index of the birth date. Step 2 (0007) fills
them from the person; 0008 drops the person's declared and clear columns.
"""

import django.db.models.deletion
from django.conf import settings
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


def _index(source: str, kind: str, *, db_index: bool = True) -> fangkong.core.identity.BlindIndexField:
    return fangkong.core.identity.BlindIndexField(
        blank=True, db_index=db_index, editable=False, kind=kind, max_length=64, source=source
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0005_created_at_set_by_service"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Only the field's description changes: a unique column has its unique index anyway.
        migrations.AlterField(
            model_name="person",
            name="doc_index",
            field=fangkong.core.identity.BlindIndexField(
                blank=True,
                db_index=False,
                editable=False,
                kind="document",
                max_length=64,
                source="doc_key",
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="birth_index",
            field=_index("birth_key", "birth_date", db_index=False),
        ),
        migrations.AddField(
            model_name="person",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="verified"),
        ),
        migrations.AddField(
            model_name="person",
            name="verified_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="verified by",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="verified_name",
            field=fangkong.core.identity.EncryptedTextField(blank=True, verbose_name="verified name"),
        ),
        migrations.AddField(
            model_name="person",
            name="verified_name_index",
            field=_index("verified_name", "name", db_index=False),
        ),
        migrations.AddField(
            model_name="person",
            name="verified_phone",
            field=fangkong.core.identity.EncryptedTextField(
                blank=True, verbose_name="verified mobile phone"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="verified_phone_index",
            field=_index("verified_phone", "phone", db_index=False),
        ),
        migrations.AddField(
            model_name="registration",
            name="contact_name",
            field=fangkong.core.identity.EncryptedTextField(
                blank=True, verbose_name="host or landlord"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="contact_phone",
            field=fangkong.core.identity.EncryptedTextField(
                blank=True, verbose_name="host's or landlord's phone"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="contact_phone_index",
            field=_index("contact_phone", "phone", db_index=False),
        ),
        migrations.AddField(
            model_name="registration",
            name="name",
            field=fangkong.core.identity.EncryptedTextField(blank=True, verbose_name="declared name"),
        ),
        migrations.AddField(
            model_name="registration",
            name="name_index",
            field=_index("name", "name"),
        ),
        migrations.AddField(
            model_name="registration",
            name="phone",
            field=fangkong.core.identity.EncryptedTextField(
                blank=True, verbose_name="declared mobile phone"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="phone_index",
            field=_index("phone", "phone"),
        ),
        migrations.AddField(
            model_name="registration",
            name="phone_tail",
            field=models.CharField(
                blank=True, db_index=True, max_length=4, verbose_name="phone last digits"
            ),
        ),
        migrations.AddField(
            model_name="travelgroup",
            name="vehicle_kind",
            field=models.CharField(
                blank=True,
                choices=VEHICLE_KINDS,
                max_length=20,
                verbose_name="declared vehicle kind",
            ),
        ),
        migrations.AlterField(
            model_name="vehicle",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=VEHICLE_KINDS,
                max_length=20,
                verbose_name="confirmed vehicle kind",
            ),
        ),
    ]
