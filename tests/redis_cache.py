"""The local Redis as the shared cache of several server processes, for the tests of what
``FANGKONG_CACHE_URL`` changes. Skipped where no Redis answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis

REDIS_URL = os.environ.get("FANGKONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@dataclass
class SharedCache:
    prefix: str  # this test's keys, apart from any other's
    other_process: redis.Redis  # Redis as another server process would read it


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def shared_cache(settings: Any) -> Iterator[SharedCache]:
    """Django's cache set to Redis under a prefix of the test's own; its keys removed after."""
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"fk-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    other_process = redis.Redis.from_url(REDIS_URL)
    try:
        yield SharedCache(prefix, other_process)
    finally:
        for key in other_process.scan_iter(f"{prefix}:*"):
            other_process.delete(key)
