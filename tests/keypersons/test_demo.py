"""The demo's grid and key persons, loaded once for the module."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from fangkong.demo.loader import demo_load
from fangkong.grid.models import Community, Door, GridCell
from fangkong.grid.selectors import cell_list_for_user, community_list_for_user
from fangkong.keypersons.figures import summary_for_user
from fangkong.keypersons.models import FollowUp, KeyPerson, Task
from fangkong.keypersons.selectors import keyperson_list_for_user, today_for_user

NOW = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_load(now=NOW)
        yield result
        transaction.set_rollback(True)


def _login(username: str) -> Any:
    user = authenticate(HttpRequest(), username=username, password=settings.DEMO_PASSWORD)
    assert user is not None, username
    return user


def test_grid_of_the_three_ganzhou_stations(loaded: Any, db: Any) -> None:
    assert Community.objects.count() == 12
    stations = Counter(Community.objects.values_list("station__name", flat=True))
    assert set(stations) == {"甘州区东街派出所", "甘州区西街派出所", "甘州区南街派出所"}
    assert GridCell.objects.filter(worker__isnull=True).count() == 0
    assert Community.objects.filter(officer__isnull=True).count() == 0
    assert 3000 <= Door.objects.count() <= 5000


def test_key_persons_in_every_status_with_two_weeks_of_followups(loaded: Any, db: Any) -> None:
    statuses = Counter(KeyPerson.objects.values_list("status", flat=True))
    assert set(statuses) == {"active", "hospital", "lost", "released", "cancelled"}
    assert sum(statuses.values()) == 300
    assert FollowUp.objects.filter(abnormal=True).exists()
    assert Task.objects.filter(kind="followup_missing").exists()
    assert Task.objects.filter(status="open").exists()
    days = FollowUp.objects.values_list("day", flat=True).distinct().count()
    assert days == 14


def test_grid_and_community_logins_see_their_part(loaded: Any, db: Any) -> None:
    grid, community = _login("grid"), _login("community")
    assert cell_list_for_user(user=grid).count() == 1
    assert community_list_for_user(user=community).count() == 1
    assert cell_list_for_user(user=community).count() == 2
    mine = keyperson_list_for_user(user=grid)
    assert 0 < mine.count() < keyperson_list_for_user(user=community).count()
    day = today_for_user(user=grid)
    assert day.doors
    commander = _login("commander")
    assert summary_for_user(user=commander).total == 300


@pytest.mark.parametrize("username", ["grid", "community", "commander", "analyst"])
def test_pages_answer_for_the_logins(loaded: Any, db: Any, username: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(_login(username))
    for url in ("/keypersons/", "/keypersons/today/"):
        assert client.get(url).status_code == 200, url


def test_a_sealed_compound_with_its_gate_log_and_deliveries(loaded: Any, db: Any) -> None:
    from fangkong.grid.sealed import sealed_list_for_user

    grid, community = _login("grid"), _login("community")
    (area,) = sealed_list_for_user(user=grid)
    assert list(sealed_list_for_user(user=community)) == [area]
    assert area.is_sealed(NOW) and area.building is not None
    assert area.entries.count() > 50 and area.deliveries.count() > 20 and area.passes.exists()
    assert not area.deliveries.exclude(door__building=area.building).exists()
    # Gate traffic and deliveries by day, local time (visits 07:00–18:59 and out within 90
    # minutes, deliveries 08:00–18:59), as a compound's gate log reads.
    hours = {timezone.localtime(e.at).hour for e in area.entries.all()}
    hours |= {timezone.localtime(d.at).hour for d in area.deliveries.all()}
    assert hours and min(hours) >= 7 and max(hours) <= 20, sorted(hours)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(grid)
    for url in ("/keypersons/sealed/", f"/keypersons/sealed/{area.pk}/"):
        assert client.get(url).status_code == 200, url
