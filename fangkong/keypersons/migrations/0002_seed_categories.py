"""The categories of the issue: the four categories (四类人员) first, then the others. The
command centre adds its own in the admin."""

from django.db import migrations

CATEGORIES = (
    # code, name, English, four categories, measure, days, follow-ups a day
    ("confirmed", "确诊病例", "Confirmed case", True, "central_quarantine", 14, 2),
    ("suspected", "疑似病例", "Suspected case", True, "central_quarantine", 14, 2),
    ("fever", "发热待排除", "Fever not ruled out", True, "home_observation", 14, 2),
    ("close_contact", "密切接触者", "Close contact", True, "central_quarantine", 14, 2),
    ("secondary_contact", "次密切接触者", "Secondary contact", False, "home_observation", 14, 1),
    ("risk_area_returnee", "中高风险地区返回人员", "Returnee from a risk area", False,
     "home_observation", 14, 1),
    ("outsider", "外来人员", "Outsider", False, "health_monitoring", 14, 1),
    ("inbound", "境外入境人员", "Inbound from abroad", False, "central_quarantine", 14, 2),
    ("observation", "留观人员", "Under observation", False, "home_observation", 14, 1),
    ("high_risk", "高风险人员", "High-risk person", False, "health_monitoring", 14, 1),
)  # fmt: skip


def seed(apps, schema_editor):
    category = apps.get_model("keypersons", "Category")
    for order, (code, name, name_en, four, measure, days, per_day) in enumerate(CATEGORIES):
        category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "four_categories": four,
                "measure": measure,
                "days": days,
                "followups_per_day": per_day,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("keypersons", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
