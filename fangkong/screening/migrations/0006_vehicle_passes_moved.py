"""Vehicle passes moved to the ``passes`` app, tables and all: they leave this app's
migration state only (see ``passes`` 0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registration', '0009_vehicle_pass_in_passes'),
        ('screening', '0005_drivers_on_their_own_rows'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='vehiclepassdriver',
                    name='vehicle_pass',
                ),
                migrations.RemoveField(
                    model_name='vehiclepassdriver',
                    name='person',
                ),
                migrations.DeleteModel(
                    name='VehiclePass',
                ),
                migrations.DeleteModel(
                    name='VehiclePassDriver',
                ),
            ],
            database_operations=[],
        ),
    ]
