"""With ``FANGKONG_CACHE_URL`` set, the registration rate limit is one count in Redis that every
server process shares, not a count per process."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
import redis

from fangkong.registration.ratelimit import over_limit

REDIS_URL = os.environ.get("FANGKONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_URL}")


def test_the_limit_is_one_count_in_redis(settings: Any) -> None:
    prefix = f"fk-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.REGISTRATION_RATE = "3/60"
    other_process = redis.Redis.from_url(REDIS_URL)
    try:
        assert [over_limit("reg-rate:one-browser") for _ in range(4)] == [False] * 3 + [True]
        # What another server process would read: the same key, counted four times, expiring.
        (key,) = other_process.keys(f"{prefix}:*reg-rate:one-browser")
        assert int(other_process.get(key)) == 4
        assert 0 < other_process.ttl(key) <= 60
        assert over_limit("reg-rate:another-browser") is False
    finally:
        for key in other_process.scan_iter(f"{prefix}:*"):
            other_process.delete(key)
