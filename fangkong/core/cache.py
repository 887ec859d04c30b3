"""The shared cache (Redis), with this process's memory standing in while Redis is down.

What the cache holds (rate-limit counts, sites looked up by the public form) can be rebuilt or
counted again, so an unreachable Redis must not turn the citizens' form into a 500. While it
is down, each operation goes to a local-memory cache instead: rate limits then count per
process, as without ``FANGKONG_CACHE_URL``. Redis is tried again after ``RETRY_SECONDS``; the
degradation is logged at most once per ``LOG_SECONDS`` per process, and ``/healthz`` reports
it (``ping``). Sessions are not kept here (settings.py: database sessions), so a logout is
never undone by a cache that comes back with old entries.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
LOG_SECONDS = 60.0
# Errors that mean "Redis cannot be reached", not "the call was wrong".
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError, OSError)


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(f"fallback-{server}", params)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at = -LOG_SECONDS

    def ping(self) -> None:
        """Raise unless Redis answers now (the health check; it ignores the retry pause)."""
        self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]  # not in stubs

    def _went_down(self, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_SECONDS
            if now - self._logged_at < LOG_SECONDS:
                return
            self._logged_at = now
        logger.warning("cache unreachable, using this process's memory instead: %s", exc)

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._down_until:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._went_down(exc)
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._either("clear")
