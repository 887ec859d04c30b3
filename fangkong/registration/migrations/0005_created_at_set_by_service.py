"""``created_at`` of registrations and travel groups: set by the service (the moment of the
form) instead of ``auto_now_add``. The columns stay exactly as they are (a Python default is
not in the schema), so only Django's state changes: SQLite would otherwise copy both tables."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0004_leaner_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="registration",
                    name="created_at",
                    field=models.DateTimeField(
                        db_index=True,
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="registered",
                    ),
                ),
                migrations.AlterField(
                    model_name="travelgroup",
                    name="created_at",
                    field=models.DateTimeField(
                        db_index=True,
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="created",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
