"""The demo's week of synthetic checks: real-looking travellers, counted in the rollups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from fangkong.command.models import SiteDayRollup
from fangkong.command.selectors import Scope, daily_trends
from fangkong.demo.loader import demo_load
from fangkong.org.models import Unit
from fangkong.screening.models import Check

NOW = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_a_week_of_checks_fills_the_dashboard() -> None:
    result = demo_load(now=NOW, checks=700)
    assert result.counts["checks"] == Check.objects.count() == 700
    first = Check.objects.order_by("checked_at").first()
    assert first is not None and NOW - timedelta(days=7, hours=1) <= first.checked_at < NOW
    # Travellers have real-looking names, and every check is in the rollups.
    assert not Check.objects.filter(person__name="测试人员").exists()
    top = Unit.objects.get(parent__isnull=True)
    day = timezone.localdate(NOW)
    trends = daily_trends(scope=Scope(unit=top), first=day - timedelta(days=7), last=day)
    assert sum(t["persons"] for t in trends) == 700
    assert sum(SiteDayRollup.objects.values_list("persons", flat=True)) == 700
