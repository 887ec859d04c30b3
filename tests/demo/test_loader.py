"""The demo as loaded into the database: once for the whole module, rolled back at its end."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import connection, transaction
from django.http import HttpRequest

from fangkong.core.identity import blind_index_of, keyring
from fangkong.core.models import AuditLog
from fangkong.demo.loader import DemoLoadRefused, DemoLoadResult, demo_load
from fangkong.demo.prefecture import LOGINS, RESPONSE_DAYS, Prefecture, build
from fangkong.org.models import Staff, Unit
from fangkong.org.selectors import staff_list_for_user
from fangkong.sites.models import Site, SiteAssignment, SiteStatusChange
from fangkong.sites.selectors import site_list_for_user

NOW = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Load the demo once; each test's own transaction nests inside this one."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_load(now=NOW)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: DemoLoadResult, db: Any) -> Prefecture:
    return build(seed=loaded.seed)


def _kinds(rows: Any) -> Counter[str]:
    return Counter(rows.values_list("kind", flat=True))


def test_counts_match_the_specs(demo: Prefecture, loaded: DemoLoadResult) -> None:
    assert loaded.loaded
    assert _kinds(Unit.objects) == Counter(unit.kind for unit in demo.units)
    assert _kinds(Site.objects) == Counter(site.kind for site in demo.sites)
    assert _kinds(Staff.objects) == Counter(person.kind for person in demo.staff)
    assert Staff.objects.count() == 1172
    assert Staff.roles.through.objects.count() == sum(len(p.roles) for p in demo.staff)
    assert SiteAssignment.objects.count() == sum(len(p.site_codes) for p in demo.staff)
    assert SiteStatusChange.objects.count() == sum(len(s.history) for s in demo.sites)
    assert loaded.counts["units"] == 31
    assert loaded.counts["sites"] == 95


def test_unit_paths_follow_the_parents(demo: Prefecture) -> None:
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == unit.build_path()
    root = Unit.objects.get(parent=None)
    assert root.name == "张掖市公安局交通警察支队"
    assert Unit.objects.filter(path__startswith=root.path).count() == 31


def test_phones_are_encrypted_with_a_correct_blind_index(demo: Prefecture) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT badge_number, phone, phone_index FROM org_staff")
        rows = cursor.fetchall()
    phones = {person.badge_number: person.phone for person in demo.staff}
    assert len(rows) == 1172
    for badge, stored, index in rows:
        assert stored != phones[badge]
        assert phones[badge] not in stored
        assert keyring().decrypt(stored, context=b"org_staff.phone") == phones[badge]
        assert index == blind_index_of("phone", phones[badge])
    person = demo.staff[123]
    found = Staff.objects.get(phone_index=blind_index_of("phone", person.phone))
    assert (found.badge_number, found.phone) == (person.badge_number, person.phone)


def test_status_and_history_are_dated_from_the_start_of_the_response(demo: Prefecture) -> None:
    start = datetime(2026, 1, 25, tzinfo=UTC) - timedelta(hours=8)  # local midnight
    assert NOW - start == timedelta(days=RESPONSE_DAYS, hours=10, minutes=30)
    spec = next(site for site in demo.sites if site.name == "G227线扁都口公安检查站")
    site = Site.objects.get(code=spec.code)
    changes = list(site.status_changes.order_by("effective_at"))
    assert [change.status for change in changes] == ["open", "suspended", "open"]
    assert [change.effective_at - start for change in changes] == [
        change.after for change in spec.history
    ]
    assert site.status == "open"
    assert site.status_since == changes[-1].effective_at
    closed = Site.objects.filter(status="closed")
    assert closed.exists()
    assert all(s.status_changes.first().reason for s in closed)


def test_the_four_logins_authenticate_and_are_staff(demo: Prefecture) -> None:
    for username in LOGINS:
        user = authenticate(HttpRequest(), username=username, password=settings.DEMO_PASSWORD)
        assert user is not None, username
        assert user.staff.badge_number == demo.login_staff(username).badge_number
        assert not user.is_superuser and not user.is_staff
    users = get_user_model().objects.filter(username__in=LOGINS)
    assert len({user.password for user in users}) == 1
    assert authenticate(HttpRequest(), username="commander", password="wrong") is None


def _user(username: str) -> Any:
    return get_user_model().objects.select_related("staff__unit").get(username=username)


@pytest.mark.parametrize("username", LOGINS)
def test_each_login_sees_its_own_jurisdiction(demo: Prefecture, username: str) -> None:
    user = _user(username)
    seen = set(site_list_for_user(user=user).values_list("code", flat=True))
    assert seen == {site.code for site in demo.sites_for_login(username)}
    staff = staff_list_for_user(user=user).count()
    assert staff == len(demo.staff_for_unit_code(demo.jurisdiction_code(username)))


def test_commander_sees_everything_and_brigade_only_ganzhou(demo: Prefecture) -> None:
    assert site_list_for_user(user=_user("commander")).count() == 95
    brigade = _user("brigade")
    assert brigade.staff.unit.name == "甘州大队"
    sites = site_list_for_user(user=brigade)
    assert sites.count() == 46
    assert set(sites.values_list("division_code", flat=True)) == {"620702"}
    assert not sites.filter(unit__name__startswith="临泽").exists()
    officer = _user("officer")
    assert officer.staff.site_set.get().name == "G30连霍高速张掖东收费站"


def test_the_load_is_audited_and_not_repeated(loaded: DemoLoadResult, db: Any) -> None:
    record = AuditLog.objects.get(action="demo.load")
    assert record.actor is None
    assert record.extra["counts"]["staff"] == 1172
    assert record.extra["seed"] == loaded.seed
    assert not demo_load(if_empty=True).loaded
    with pytest.raises(DemoLoadRefused) as refused:
        demo_load()
    assert refused.value.code == "not_empty"
    assert AuditLog.objects.filter(action="demo.load").count() == 1
