"""With ``FANGKONG_CACHE_URL`` set, the registration rate limits are one count in Redis that
every server process shares, not a count per process."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from fangkong.core.ratelimit import Rate, hit
from fangkong.registration.ratelimit import registration_hit
from tests.redis_cache import SharedCache


def test_the_limit_is_one_count_in_redis(shared_cache: SharedCache) -> None:
    rate = Rate(3, 60)
    other_process = shared_cache.other_process
    assert [hit("test", "one-browser", rate).limited for _ in range(4)] == [False] * 3 + [True]
    # What another server process would read: the same key, counted four times, expiring.
    (key,) = other_process.keys(f"{shared_cache.prefix}:*rl:test:*")
    assert int(other_process.get(key)) == 4
    assert 0 < other_process.ttl(key) <= 60
    assert hit("test", "another-browser", rate).limited is False


def test_the_address_ceiling_is_shared(settings: Any, shared_cache: SharedCache) -> None:
    settings.REGISTRATION_ADDRESS_RATE = "2/600"
    requests = RequestFactory()
    verdicts = [
        registration_hit(requests.post("/", REMOTE_ADDR="203.0.113.9"), site_id=1, phone=phone)
        for phone in ("13900000001", "13900000002", "13900000003")
    ]
    assert [v.limited for v in verdicts] == [False, False, True]
    (key,) = shared_cache.other_process.keys(f"{shared_cache.prefix}:*rl:registration-address:*")
    assert int(shared_cache.other_process.get(key)) == 3
    assert b"203.0.113.9" not in key  # The cache holds no addresses.
