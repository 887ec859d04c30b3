"""The travel group's pass is now ``passes.VehiclePass``: the same table, so only the
migration state changes (see ``passes`` 0001)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('passes', '0001_initial'),
        ('registration', '0008_person_verified_only'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='travelgroup',
                    name='vehicle_pass',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to='passes.vehiclepass', verbose_name='vehicle pass'),
                ),
            ],
            database_operations=[],
        ),
    ]
