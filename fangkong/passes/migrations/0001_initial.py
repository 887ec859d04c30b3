"""Vehicle passes move here from ``screening``: their tables stay where they are.

The standard recipe for moving models between apps: this migration creates the models in the
migration state only (``db_table`` keeps the old table names), ``registration`` 0009 points
the travel group's foreign key at the new model, and ``screening`` 0006 removes the models
from its state only. No table, column, index or constraint changes, and no row moves.

The content types follow the models, so that anything pointing at them (permissions, the
admin's log) keeps pointing at the same rows.
"""

from typing import Any

import django.db.models.deletion
import fangkong.core.identity
from django.conf import settings
from django.db import migrations, models


MODELS = ("vehiclepass", "vehiclepassdriver")


def _relabel(apps: Any, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "screening", "passes")


def move_content_types_back(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, "passes", "screening")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("screening", "0005_drivers_on_their_own_rows"),
        ('org', '0005_staff_id_number'),
        ('registration', '0008_person_verified_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='VehiclePass',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=20, unique=True, verbose_name='pass number')),
                        ('token', models.CharField(max_length=43, unique=True, verbose_name='token')),
                        ('company', models.CharField(max_length=100, verbose_name='company')),
                        ('contact_name', models.CharField(max_length=50, verbose_name='contact person')),
                        ('contact_phone', fangkong.core.identity.EncryptedTextField(verbose_name='contact phone')),
                        ('contact_phone_index', fangkong.core.identity.BlindIndexField(blank=True, db_index=True, editable=False, kind='phone', max_length=64, source='contact_phone')),
                        ('plate', models.CharField(db_index=True, max_length=12, verbose_name='licence plate')),
                        ('vehicle_kind', models.CharField(choices=[('car', 'Car'), ('truck', 'Truck'), ('bus', 'Bus'), ('motorcycle', 'Motorcycle'), ('ambulance', 'Ambulance'), ('police', 'Police vehicle'), ('fire', 'Fire engine'), ('official', 'Official vehicle'), ('supply', 'Supply vehicle')], max_length=20, verbose_name='vehicle kind')),
                        ('cargo_kind', models.CharField(choices=[('medical', 'Medical supplies'), ('living', 'Daily necessities'), ('production', 'Production materials'), ('energy', 'Coal, electricity and oil')], max_length=16, verbose_name='cargo')),
                        ('route', models.CharField(max_length=200, verbose_name='route')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('valid_to', models.DateField(verbose_name='valid until')),
                        ('status', models.CharField(choices=[('applied', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('revoked', 'Revoked')], default='applied', max_length=12, verbose_name='status')),
                        ('decision_reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='applied')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='approving unit')),
                    ],
                    options={
                        'verbose_name': 'vehicle pass',
                        'verbose_name_plural': 'vehicle passes',
                        'db_table': 'screening_vehiclepass',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='VehiclePassDriver',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', fangkong.core.identity.EncryptedTextField(blank=True, verbose_name='declared name')),
                        ('name_index', fangkong.core.identity.BlindIndexField(blank=True, db_index=True, editable=False, kind='name', max_length=64, source='name')),
                        ('phone', fangkong.core.identity.EncryptedTextField(blank=True, verbose_name='declared mobile phone')),
                        ('phone_index', fangkong.core.identity.BlindIndexField(blank=True, db_index=True, editable=False, kind='phone', max_length=64, source='phone')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pass_drivers', to='registration.person', verbose_name='person')),
                        ('vehicle_pass', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='drivers', to='passes.vehiclepass', verbose_name='vehicle pass')),
                    ],
                    options={
                        'verbose_name': 'driver',
                        'verbose_name_plural': 'drivers',
                        'db_table': 'screening_vehiclepassdriver',
                        'ordering': ['vehicle_pass', 'position', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('vehicle_pass', 'person'), name='pass_driver_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
