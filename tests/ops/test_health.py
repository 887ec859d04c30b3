"""``/healthz``: each dependency reported, 503 naming whichever required one is down, and a
place (``settings.HEALTH_CHECKS``) where another part adds its own check."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.core.health import Check, worker
from fangkong.jobs.models import WorkerBeat

pytestmark = pytest.mark.django_db


def worker_down() -> Check:
    return Check("worker", ok=False, detail="no heartbeat for 300 s")


def worker_broken() -> Check:
    raise RuntimeError("the check itself failed")


def test_all_up_answers_200_with_each_dependency(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "cache", "storage", "worker"}
    # No job worker runs in the tests: reported, but required only in production.
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["required"] is False
    assert body["checks"]["cache"] == {"ok": True, "required": False, "detail": "local memory"}
    assert body["checks"]["storage"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")
    assert not any((tmp_path / "healthz").iterdir())  # the probe is removed again


def test_a_storage_that_cannot_be_written_is_named(settings: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["storage"]
    assert response.json()["checks"]["storage"]["detail"] == "failed: default"


def test_an_added_check_counts_and_a_broken_one_is_down(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.HEALTH_CHECKS = [
        *settings.HEALTH_CHECKS,
        "tests.ops.test_health.worker_down",
        "tests.ops.test_health.worker_broken",
    ]
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["worker", "worker_broken"]
    assert body["checks"]["worker_broken"]["detail"] == "RuntimeError"


def test_the_job_worker_is_up_while_it_beats_and_required_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    assert worker() == Check("worker", ok=False, required=True, detail="never seen")
    now = timezone.now()
    beat = WorkerBeat.objects.create(worker_id="w1", started_at=now, seen_at=now)
    assert worker().ok is True
    beat.seen_at = now - timedelta(minutes=2)
    beat.save(update_fields=["seen_at"])
    assert worker().ok is False
    answer = Client().get("/healthz")
    assert answer.status_code == 503 and "worker" in answer.json()["down"]
