"""With ``FANGKONG_CACHE_URL`` pointing at a Redis that does not answer, the citizens' form,
the registration and staff logins keep working on each process's memory; ``/healthz`` says
503 and names the cache; the degradation is logged once per interval, not on every call."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from fangkong.registration.models import Registration
from tests.redis_cache import REDIS_URL, SharedCache
from tests.registration.conftest import road_data, road_site  # noqa: F401 - fixture
from tests.registration.test_views import form_post

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fallback_cache(location: str, prefix: str = "fk-test") -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "fangkong.core.cache.FallbackRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = fallback_cache(f"redis://:secret@127.0.0.1:{closed_port()}/1")


@pytest.mark.django_db
def test_the_citizens_form_registers_while_redis_is_down(redis_down: None, road_site) -> None:  # noqa: F811
    client = Client()
    form = client.get(f"/r/{road_site.code}/road/")
    assert form.status_code == 200
    response = client.post(f"/r/{road_site.code}/road/", form_post(road_data(1)))
    assert response.status_code == 303
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_a_staff_login_succeeds_while_redis_is_down(redis_down: None, commander: Any) -> None:
    client = Client()
    login = client.post("/accounts/login/", {"username": "commander", "password": "pw-for-tests"})
    assert login.status_code == 302
    assert client.get("/command/").status_code == 200


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_cache(redis_down: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["cache"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"] == {"ok": False, "required": True, "detail": "ConnectionError"}
    assert "secret" not in response.content.decode()


def test_the_degradation_is_logged_once_per_interval(
    redis_down: None, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No pause between attempts, so that every call tries Redis and fails again.
    monkeypatch.setattr("fangkong.core.cache.RETRY_SECONDS", 0)
    with caplog.at_level(logging.WARNING, logger="fangkong.core.cache"):
        for i in range(5):
            cache.set(f"k{i}", i)
            assert cache.get(f"k{i}") == i  # from this process's memory
    warnings = [r for r in caplog.records if r.name == "fangkong.core.cache"]
    assert len(warnings) == 1
    assert "cache unreachable" in warnings[0].getMessage()


@pytest.mark.django_db
def test_with_redis_up_the_cache_is_shared_and_healthy(
    settings: Any, shared_cache: SharedCache
) -> None:
    settings.CACHES = fallback_cache(REDIS_URL, shared_cache.prefix)
    cache.set("seen-by-all", "yes")
    assert shared_cache.other_process.keys(f"{shared_cache.prefix}:*seen-by-all")
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == {"ok": True, "required": True, "detail": "redis"}


@pytest.fixture
def redis_with_password() -> Iterator[str]:
    """A Redis of this test's own that wants a password; yields its URL without one."""
    if not shutil.which("redis-server"):
        pytest.skip("no redis-server")
    port, password = closed_port(), "fk-test-password"
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--requirepass", password, "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port, password=password, socket_connect_timeout=0.2)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"127.0.0.1:{port}/1"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_the_cache_url_carries_the_redis_password(settings: Any, redis_with_password: str) -> None:
    settings.CACHES = fallback_cache(f"redis://:fk-test-password@{redis_with_password}")
    cache.set("with-password", "yes")
    assert cache.get("with-password") == "yes"
    assert Client().get("/healthz").status_code == 200
    settings.CACHES = fallback_cache(f"redis://:wrong@{redis_with_password}")
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["detail"] == "AuthenticationError"


def _setting(tmp_path: Path, name: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FANGKONG_")}
    environ.update(
        DJANGO_SETTINGS_MODULE="fangkong.settings", FANGKONG_DATA_DIR=str(tmp_path), **env
    )
    code = f"from django.conf import settings; print(settings.{name})"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_sessions_stay_in_the_database_whatever_the_cache(tmp_path: Path) -> None:
    database = "django.contrib.sessions.backends.db"
    assert _setting(tmp_path, "SESSION_ENGINE") == database
    assert _setting(tmp_path, "SESSION_ENGINE", FANGKONG_CACHE_URL=REDIS_URL) == database
