"""With ``FANGKONG_CACHE_URL`` set, the registration rate limit is one count in Redis that every
server process shares, not a count per process."""

from __future__ import annotations

from typing import Any

from fangkong.registration.ratelimit import over_limit
from tests.redis_cache import SharedCache


def test_the_limit_is_one_count_in_redis(settings: Any, shared_cache: SharedCache) -> None:
    settings.REGISTRATION_RATE = "3/60"
    other_process = shared_cache.other_process
    assert [over_limit("reg-rate:one-browser") for _ in range(4)] == [False] * 3 + [True]
    # What another server process would read: the same key, counted four times, expiring.
    (key,) = other_process.keys(f"{shared_cache.prefix}:*reg-rate:one-browser")
    assert int(other_process.get(key)) == 4
    assert 0 < other_process.ttl(key) <= 60
    assert over_limit("reg-rate:another-browser") is False
