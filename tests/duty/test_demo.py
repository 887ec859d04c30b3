"""The demo's week of duty: sign-ins consistent with the published roster, some late,
absent and flagged, visits with fixes, handovers waiting for acknowledgement."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction

from fangkong.demo.loader import demo_load
from fangkong.duty import selectors
from fangkong.duty.models import Fix, Handover, Inspection, SignIn, SituationReport

NOW = datetime(2026, 3, 1, 3, 30, tzinfo=UTC)  # 11:30 in Zhangye, the day shift


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(NOW, tick=False):
        result = demo_load(now=NOW)
        yield result
        transaction.set_rollback(True)


def test_a_week_of_sign_ins_against_the_roster(loaded: Any, db: Any) -> None:
    assert loaded.counts["duty_sign_ins"] > 100
    planned = SignIn.objects.filter(duty__isnull=False)
    assert planned.count() > 100
    assert planned.filter(late_minutes__gt=10).exists()
    assert SignIn.objects.exclude(flag="").exists()
    assert SignIn.objects.filter(duty__isnull=True).exists()
    # Every planned sign-in is at the duty's own post.
    assert not planned.exclude(duty__site=models_f("site")).exists()


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def test_the_leader_sees_the_running_shift(loaded: Any, db: Any) -> None:
    leader = get_user_model().objects.get(username="brigade")
    with time_machine.travel(NOW, tick=False):
        posts = selectors.attendance_now(user=leader)
    states = {row.state for post in posts for row in post.planned}
    assert "present" in states
    assert Inspection.objects.exists()
    assert Fix.objects.filter(status="open").exists()
    assert Handover.objects.filter(acknowledged_at__isnull=True).count() == 3
    assert SituationReport.objects.filter(status="open").count() == 2


def test_a_headquarters_officer_is_seconded_to_the_brigade(loaded: Any, db: Any) -> None:
    from fangkong.org.models import Unit

    brigade = Unit.objects.get(code="620702000000")
    with time_machine.travel(NOW, tick=False):
        [row] = selectors.seconded_now(path=brigade.path)
    assert row.direction == "in" and row.site is not None
    assert row.secondment.from_unit == brigade.parent
