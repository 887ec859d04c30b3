"""The demo's supplies, as the demo logins see them: stores per unit, a month of movements
that never takes a store below zero, posts running low (the demo officer's among them),
donations and today's log with gaps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction

from fangkong.demo.loader import demo_load
from fangkong.demo.prefecture import OFFICER_LOGIN_SITE
from fangkong.supplies import selectors
from fangkong.supplies.models import BatchLevel, Donation, Movement, StockLevel

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)  # 17:30 in Zhangye


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_load(now=NOW)
        yield result
        transaction.set_rollback(True)


def user(name: str) -> Any:
    return get_user_model().objects.select_related("staff__unit").get(username=name)


def test_a_month_of_movements_and_no_store_below_zero(loaded: Any, db: Any) -> None:
    assert loaded.counts["supply_stores"] == 7
    assert Movement.objects.count() > 10_000
    assert not StockLevel.objects.filter(quantity__lt=0).exists()
    assert not BatchLevel.objects.filter(quantity__lt=0).exists()


def test_the_brigade_sees_its_store_and_posts_only(loaded: Any, db: Any) -> None:
    brigade = selectors.location_list_for_user(user=user("brigade"))
    commander = selectors.location_list_for_user(user=user("commander"))
    assert brigade.filter(kind="store").count() == 1
    assert commander.filter(kind="store").count() == 7
    assert 0 < brigade.filter(kind="post").count() < commander.filter(kind="post").count()


def test_posts_run_low_and_the_log_has_gaps(loaded: Any, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        rows = selectors.days_left_for_user(user=user("commander"))
        low = selectors.posts_below_threshold(rows)
        gaps = selectors.log_missing_for_user(user=user("commander"))
    assert 3 <= len(low) <= 15
    assert OFFICER_LOGIN_SITE in {post.name for post in low}
    assert gaps and len(gaps) < len({row.location_id for row in rows if row.kind == "post"})
    assert Donation.objects.filter(publish=True).count() == 2
