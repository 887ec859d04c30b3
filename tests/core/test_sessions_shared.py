"""With ``FANGKONG_CACHE_URL`` set, sessions are read from the shared cache (one query less per
staff request) and a logout ends the session for every server process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest

from tests.redis_cache import REDIS_URL, SharedCache

ROOT = Path(__file__).resolve().parents[2]


def _session_engine(tmp_path: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FANGKONG_")}
    environ.update(
        DJANGO_SETTINGS_MODULE="fangkong.settings", FANGKONG_DATA_DIR=str(tmp_path), **env
    )
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_sessions_use_the_cache_only_when_it_is_shared(tmp_path: Path) -> None:
    assert _session_engine(tmp_path) == "django.contrib.sessions.backends.db"
    shared = _session_engine(tmp_path, FANGKONG_CACHE_URL=REDIS_URL)
    assert shared == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_a_logout_ends_the_session_in_the_shared_cache(
    settings: Any, shared_cache: SharedCache, client: Any, django_user_model: Any
) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    django_user_model.objects.create_user("duty-officer", password="a-long-password-1")
    # django-axes throttles logins by the request's address: a login needs a request.
    credentials = {"username": "duty-officer", "password": "a-long-password-1"}
    assert client.login(request=HttpRequest(), **credentials)
    key = client.session.session_key
    other_process = shared_cache.other_process
    assert other_process.keys(f"{shared_cache.prefix}:*{key}")  # what every process reads
    client.logout()
    assert not other_process.keys(f"{shared_cache.prefix}:*{key}")
