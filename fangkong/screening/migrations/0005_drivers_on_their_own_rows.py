"""Declared versus verified identity in screening, step 3: the old drivers many-to-many goes,
and the driver rows take its name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_copy_declared_identity")]

    operations = [
        migrations.RemoveField(model_name="vehiclepass", name="drivers"),
        migrations.AlterField(
            model_name="vehiclepassdriver",
            name="vehicle_pass",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="drivers",
                to="screening.vehiclepass",
                verbose_name="vehicle pass",
            ),
        ),
    ]
