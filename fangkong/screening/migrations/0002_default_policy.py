"""Store the built-in screening policy as version 1, so a version is always in force and every
check can name the version it was decided under."""

import datetime

from django.db import migrations

DEFAULT_RULES = {
    "actions": {
        "temperature_high": "refer_health",
        "symptoms": "refer_health",
        "health_code_red": "refer_health",
        "health_code_yellow": "test_then_pass",
        "health_code_unknown": "pass",
        "itinerary_risk": "persuade_return",
        "itinerary_star": "test_then_pass",
        "itinerary_unknown": "pass",
        "nat_positive": "refer_health",
        "nat_missing": "test_then_pass",
        "nat_expired": "test_then_pass",
        "nat_pending": "test_then_pass",
        "origin_high_risk": "persuade_return",
        "origin_medium_risk": "test_then_pass",
        "passed_high_risk": "persuade_return",
        "passed_medium_risk": "test_then_pass",
        "special_vehicle": "priority_pass",
        "vehicle_pass_valid": "priority_pass",
        "vehicle_pass_expired": "pass",
        "vehicle_pass_revoked": "pass",
    },
    "temperature_threshold_c": 37.3,
    "nat_max_age_hours": 48.0,
    "lookback_days": 14,
    "priority_vehicle_kinds": ["ambulance", "fire", "official", "police"],
}


def add_default_policy(apps, schema_editor):
    Policy = apps.get_model("screening", "Policy")
    if not Policy.objects.filter(version=1).exists():
        Policy.objects.create(
            version=1,
            effective_from=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
            rules=DEFAULT_RULES,
            note="Built-in defaults",
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(add_default_policy, migrations.RunPython.noop)]
