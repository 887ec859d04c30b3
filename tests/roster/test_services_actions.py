"""The roster's page actions as services: the export writes one audit record, and the rules
page's pattern and rules are saved both or neither."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from fangkong.core.models import AuditLog
from fangkong.roster import services
from fangkong.roster.models import RosterRules, ShiftPattern
from tests.roster.test_app import generate, make_brigade

RULES = {
    "min_rest_hours": 12,
    "forbid_night_to_morning": True,
    "max_consecutive_days": 6,
    "max_consecutive_nights": 4,
    "max_hours_per_week": 40,
    "wartime": False,
    "wartime_min_rest_hours": 8,
    "wartime_max_consecutive_days": 14,
    "wartime_max_consecutive_nights": 7,
    "wartime_max_hours_per_week": 72,
}


def test_export_writes_one_audit_record(tree: Any, brigade_officer: Any) -> None:
    brigade = make_brigade(tree)
    roster = generate(brigade_officer, brigade.unit, days=2, time_limit_s=1)
    before = AuditLog.objects.count()
    content = services.roster_export(
        actor=brigade_officer, roster=roster, reason="排班备案", ip="10.0.0.9"
    )
    assert "按点位" in load_workbook(BytesIO(content)).sheetnames
    assert AuditLog.objects.count() == before + 1
    entry = AuditLog.objects.get(action="roster.export")
    assert (entry.target_id, entry.reason, entry.ip) == (str(roster.pk), "排班备案", "10.0.0.9")


def test_settings_save_pattern_and_rules_both_or_neither(tree: Any, brigade_officer: Any) -> None:
    unit = make_brigade(tree).unit
    with pytest.raises(ValidationError):
        services.roster_settings_set(
            actor=brigade_officer, unit=unit, pattern="two", **RULES | {"max_hours_per_week": 4}
        )
    assert not ShiftPattern.objects.filter(unit=unit).exists()
    assert not RosterRules.objects.filter(unit=unit).exists()
    services.roster_settings_set(actor=brigade_officer, unit=unit, pattern="two", **RULES)
    assert ShiftPattern.objects.get(unit=unit, site=None).kind == "two"
    assert RosterRules.objects.get(unit=unit).max_hours_per_week == 40
    assert set(
        AuditLog.objects.filter(action__in=["roster.pattern", "roster.rules"]).values_list(
            "action", flat=True
        )
    ) == {"roster.pattern", "roster.rules"}
