"""The rate-limit counter: windows on the clock, and a cache that is down."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache.backends.base import BaseCache
from django.test import RequestFactory

from fangkong.core import ratelimit
from fangkong.core.http import client_address
from fangkong.core.ratelimit import Rate, address_identity, hit, parse_rate

UNREACHABLE_REDIS = "redis://127.0.0.1:9/0"  # The discard port: nothing answers there.


def test_parse_rate() -> None:
    assert parse_rate("10/600") == Rate(10, 600)
    for bad in ("10", "a/600", "10/0", "-1/60"):
        with pytest.raises(ValueError, match="requests/seconds"):
            parse_rate(bad)


def test_windows_follow_the_clock() -> None:
    rate = Rate(2, 60)
    start = 1_800_000_000.0 - 1_800_000_000.0 % 60  # The start of a window.
    verdicts = [hit("t", "x", rate, now=start + s) for s in (0, 10, 50)]
    assert [v.limited for v in verdicts] == [False, False, True]
    assert verdicts[2].retry_after == 10
    assert hit("t", "x", rate, now=start + 60).limited is False  # The next window.


def test_address_identity() -> None:
    assert address_identity("203.0.113.9") == "203.0.113.9"
    assert address_identity("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert address_identity("::ffff:203.0.113.9") == "203.0.113.9"
    assert address_identity("garbage") == "garbage"


def test_client_address(settings: Any) -> None:
    requests = RequestFactory()
    forged = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9"}
    assert client_address(requests.get("/", **forged)) == "10.0.0.2"
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_address(requests.get("/", **forged)) == "203.0.113.9"
    chained = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.7"}
    assert client_address(requests.get("/", **chained)) == "203.0.113.9"
    garbage = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-address"}
    assert client_address(requests.get("/", **garbage)) == "10.0.0.2"
    untrusted = {"REMOTE_ADDR": "198.51.100.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client_address(requests.get("/", **untrusted)) == "198.51.100.1"


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
        }
    }


def test_with_the_cache_down_the_limit_counts_in_the_process(redis_down, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="fangkong.core.ratelimit")
    verdicts = [hit("t", "x", Rate(3, 600)) for _ in range(50)]
    assert [v.limited for v in verdicts] == [False] * 3 + [True] * 47
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1  # Once per interval, not once per request.


def test_the_cache_is_tried_again_after_the_interval(redis_down, settings, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="fangkong.core.ratelimit")
    start = 1_800_000_000.0
    hit("t", "x", Rate(3, 600), now=start)
    hit("t", "x", Rate(3, 600), now=start + ratelimit.CACHE_RETRY_S - 1)
    hit("t", "x", Rate(3, 600), now=start + ratelimit.CACHE_RETRY_S + 1)
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert hit("t", "x", Rate(3, 600), now=start + 2 * ratelimit.CACHE_RETRY_S + 2).limited is False
    assert "answers again" in caplog.records[-1].getMessage()


class ForgetfulCache(BaseCache):
    """A cache backend that hides its outage: it stores nothing and raises nothing, as a
    wrapper that swallows Redis errors would."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def add(self, key: str, value: Any, timeout: Any = None, version: Any = None) -> bool:
        return False

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        return default

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        raise ValueError(f"Key {key!r} not found.")


def test_a_cache_that_hides_its_outage_does_not_lift_the_limit(settings, caplog) -> None:
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.ForgetfulCache"}}
    caplog.set_level(logging.WARNING, logger="fangkong.core.ratelimit")
    verdicts = [hit("t", "x", Rate(2, 600)) for _ in range(4)]
    assert [v.limited for v in verdicts] == [False, False, True, True]
    assert "neither adds nor increments" in caplog.records[0].getMessage()
