"""The demo's list and trace: a messy health list with matches and candidates, and one case
traced to its contacts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction

from fangkong.demo.loader import demo_load
from fangkong.intel.models import Match, TraceContact, WatchList

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo_load(now=NOW, checks=3000)
        yield result
        transaction.set_rollback(True)


def test_the_demo_list_matches_and_a_case_is_traced(loaded: Any, db: Any) -> None:
    watch_list = WatchList.objects.get()
    assert 250 <= watch_list.entry_count <= 310
    assert watch_list.duplicate_count >= 2 and watch_list.problem_count >= 2
    assert Match.objects.filter(status="matched").values("entry").distinct().count() >= 20
    assert TraceContact.objects.exists()
    assert loaded.counts["intel contacts"] >= 1
