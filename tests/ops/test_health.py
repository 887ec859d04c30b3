"""``/healthz``: each dependency reported, 503 naming whichever required one is down, and a
place (``settings.HEALTH_CHECKS``) where another part adds its own check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from fangkong.core.health import Check

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
    assert set(body["checks"]) == {"database", "cache", "storage"}
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
