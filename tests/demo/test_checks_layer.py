"""The demo's week of synthetic checks: real-looking travellers, counted in the rollups.

One load for the whole module (a few seconds of a prefecture each time), rolled back at its end."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fangkong.command.models import SiteDayRollup, SiteHourRollup
from fangkong.command.rollups import hour_start
from fangkong.command.selectors import Scope, daily_trends
from fangkong.demo.loader import DemoLoadResult, demo_load
from fangkong.org.models import Unit
from fangkong.registration.choices import RegistrationKind
from fangkong.registration.models import Registration
from fangkong.registration.selectors import site_accepted_kinds
from fangkong.screening.models import Check
from fangkong.sites.choices import SiteKind, SiteStatus
from fangkong.sites.models import Site

NOW = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
CHECKS = 3_000


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Load the demo once; each test's own transaction nests inside this one."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load(now=NOW, checks=CHECKS)
        transaction.set_rollback(True)


def test_a_week_of_checks_fills_the_dashboard(loaded: DemoLoadResult, db: Any) -> None:
    assert loaded.counts["checks"] == Check.objects.count() == CHECKS
    first = Check.objects.order_by("checked_at").first()
    assert first is not None and NOW - timedelta(days=9, hours=1) <= first.checked_at < NOW
    # Travellers have real-looking names, and every check is in the rollups.
    names = {check.name for check in Check.objects.all()}
    assert "测试人员" not in names and all(2 <= len(name) <= 3 for name in names)
    top = Unit.objects.get(parent__isnull=True)
    day = timezone.localdate(NOW)
    trends = daily_trends(scope=Scope(unit=top), first=day - timedelta(days=9), last=day)
    assert sum(t["persons"] for t in trends) == CHECKS
    assert sum(SiteDayRollup.objects.values_list("persons", flat=True)) == CHECKS
    # Busier at expressway exits than on county roads.
    per_site = Counter(Check.objects.values_list("site_id", flat=True))
    assert (
        _mean_by_kind(per_site)[SiteKind.TOLL_STATION]
        > 2 * _mean_by_kind(per_site)[SiteKind.COUNTY_ROAD]
    )


def test_checks_carry_real_looking_documents_plates_temperatures_and_officers(
    loaded: DemoLoadResult, db: Any
) -> None:
    from fangkong.lib.idnumber import validate
    from fangkong.lib.plate import parse_plate
    from fangkong.registration.models import Vehicle

    checks = list(Check.objects.select_related("person", "officer", "site"))
    numbers = {c.person.doc_number for c in checks if c.person.doc_type == "resident_id"}
    assert len(numbers) > 50 and not [c for c in checks if c.person.doc_type != "resident_id"]
    assert all(not validate(number).warnings for number in numbers)
    kinds = Counter(parse_plate(v.plate).kind_hint for v in Vehicle.objects.all())
    assert kinds["ordinary"] and kinds["small_new_energy"]
    assert sum(1 for v in Vehicle.objects.all() if v.plate.startswith("甘G")) > 0
    assert all(c.temperature is not None and 35 < c.temperature < 39 for c in checks)
    assert sum(c.officer is not None for c in checks) > 0.9 * len(checks)
    assert all(c.officer is None or c.officer.unit_id for c in checks)


def _mean_by_kind(per_site: Counter) -> dict[str, float]:
    by_kind: dict[str, list[int]] = {}
    for site in Site.objects.all():
        by_kind.setdefault(site.kind, []).append(per_site[site.pk])
    return {kind: sum(n) / len(n) for kind, n in by_kind.items()}


def test_a_week_of_registrations_by_hour_and_kind_of_site(loaded: DemoLoadResult, db: Any) -> None:

    registrations = list(Registration.objects.select_related("site", "group"))
    forms = {r.submission_key for r in registrations}
    assert loaded.counts["registrations"] == len(forms) == CHECKS // 10
    times = [r.created_at for r in registrations]
    assert NOW - timedelta(days=7) <= min(times) and max(times) <= NOW
    assert min(times) < NOW - timedelta(days=5)  # spread over the week, not the last hours
    # Passes stay valid as long after their (moved) registration as the service gave them.
    hours = getattr(settings, "PASS_VALID_HOURS", 24)
    validity = [r.valid_until - r.created_at - timedelta(hours=hours) for r in registrations]
    assert all(abs(v) < timedelta(seconds=1) for v in validity)
    assert all(r.group.created_at == r.created_at for r in registrations if r.group)
    # Every open site has a fresh pass for each kind it takes, from the last two hours.
    fresh = {(r.site_id, r.kind) for r in registrations if r.created_at > NOW - timedelta(hours=2)}
    open_sites = Site.objects.filter(status=SiteStatus.OPEN)
    assert fresh >= {(s.pk, kind) for s in open_sites for kind in site_accepted_kinds(s)}
    # Busier by day than by night (local time), and at toll stations than on county roads.
    local_hours = Counter(timezone.localtime(t).hour for t in times)
    assert sum(local_hours[h] for h in range(9, 17)) > 4 * sum(local_hours[h] for h in range(8))
    older = Counter(r.site_id for r in registrations if r.created_at < NOW - timedelta(hours=2))
    mean = _mean_by_kind(older)
    assert mean[SiteKind.TOLL_STATION] > 2 * mean[SiteKind.COUNTY_ROAD]
    # The hourly rollups count each registration in the hour it was moved to.
    counted = Counter()
    for row in SiteHourRollup.objects.all():
        for kind in RegistrationKind.values:
            counted[(row.site_id, row.hour, kind)] += getattr(row, f"reg_{kind}")
    expected = Counter((r.site_id, hour_start(r.created_at), r.kind) for r in registrations)
    assert +counted == expected


def test_passes_in_every_state_and_health_codes_on_checks(loaded: DemoLoadResult, db: Any) -> None:
    from fangkong.passes.models import VehiclePass
    from fangkong.passes.selectors import local_today

    states = Counter(VehiclePass.objects.values_list("status", flat=True))
    assert set(states) == {"applied", "approved", "rejected", "revoked"}
    today = local_today()
    expired = VehiclePass.objects.filter(status="approved", valid_to__lt=today)
    valid = VehiclePass.objects.filter(status="approved", valid_to__gte=today)
    assert expired.exists() and valid.exists()
    decided = VehiclePass.objects.exclude(status="applied")
    assert not decided.filter(decided_by__isnull=True).exists()
    assert not VehiclePass.objects.filter(drivers__isnull=True).exists()
    red = Check.objects.filter(reasons__0__code="health_code_red").count()
    yellow = Check.objects.filter(reasons__0__code="health_code_yellow").count()
    assert 0 < red < yellow < CHECKS * 0.1
