"""Fixed-window rate limits on the public writes, counted in Django's cache.

A limit is a number of requests per window of seconds ("10/600"). Windows are aligned on the
clock (the window of a request is ``now // seconds``), so every server process agrees on which
window a request falls in and on how long is left of it, without asking the cache for a TTL.
A burst across a window's edge can reach twice the limit; the limits are ceilings against
scripts, not a quota, so that is accepted.

With ``FANGKONG_CACHE_URL`` (Redis) all processes share one count. When the cache cannot be
reached, the limits must not turn into 500s on the citizens' form: the count falls back to one
kept in this process (each process then counts on its own, as with the default local-memory
cache), the cache is tried again after ``CACHE_RETRY_S`` seconds, and the degradation is logged
once per retry interval rather than once per request.

Counted values are identities such as an address or a browser with a phone; they are keyed by
an HMAC, so the cache holds no addresses or phone numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import DatabaseError
from django.utils import timezone

logger = logging.getLogger(__name__)

# Errors of the cache backends we may run with: Redis, a database cache, a socket.
try:
    from redis import RedisError
except ImportError:  # pragma: no cover - redis is in requirements.txt
    _BACKEND_ERRORS: tuple[type[BaseException], ...] = (OSError, DatabaseError)
else:
    _BACKEND_ERRORS = (RedisError, OSError, DatabaseError)

CACHE_RETRY_S = 30.0
# The fallback counter keeps at most this many keys; past it, expired ones are dropped.
LOCAL_KEYS_MAX = 10_000


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@cache
def parse_rate(text: str) -> Rate:
    """``"10/600"`` -> ``Rate(10, 600)``; ``ValueError`` on anything else."""
    count, slash, seconds = text.partition("/")
    if not (slash and count.isdigit() and seconds.isdigit() and int(seconds) > 0):
        raise ValueError(f"a rate is requests/seconds such as 10/600, not {text!r}")
    return Rate(int(count), int(seconds))


@dataclass(frozen=True)
class Verdict:
    limited: bool
    retry_after: int  # seconds until the current window ends


class RateLimited(Exception):  # noqa: N818 - the API's name for the answer, as in 429's text
    """Raised by API handlers past a limit; ``fangkong.api`` answers 429 with Retry-After."""

    code = "rate_limited"

    def __init__(self, verdict: Verdict, message: str) -> None:
        super().__init__(message)
        self.verdict = verdict
        self.message = message


def hit(scope: str, identity: str, rate: Rate, *, now: float | None = None) -> Verdict:
    """Count one request of ``identity`` under ``scope`` and say whether it is over ``rate``."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = f"rl:{scope}:{_digest(identity)}:{window}"
    count = _count(key, rate.seconds, now)
    retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
    return Verdict(limited=count > rate.count, retry_after=retry_after)


def worst(*verdicts: Verdict) -> Verdict:
    """The verdict to answer with: limited if any is, waiting for the longest limited one."""
    limited = [v for v in verdicts if v.limited]
    if not limited:
        return verdicts[0]
    return max(limited, key=lambda v: v.retry_after)


def retry_time(verdict: Verdict) -> str:
    """The local clock time ("14:32") from which a refused request will be let through."""
    # Rounded up to the minute, so that the time shown is never too early.
    at = timezone.localtime(timezone.now() + timedelta(seconds=verdict.retry_after + 59))
    return at.strftime("%H:%M")


def _digest(identity: str) -> str:
    # "surrogatepass": JSON may carry a lone surrogate in a phone, which must not be a 500.
    data = identity.encode("utf-8", "surrogatepass")
    mac = hmac.new(settings.SECRET_KEY.encode(), data, hashlib.sha256)
    return mac.hexdigest()[:32]


# --- counting --------------------------------------------------------------------------------


class _LocalCounts:
    """The per-process count used while the cache is down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}  # key -> (expires at, count)

    def incr(self, key: str, timeout: int, now: float) -> int:
        with self._lock:
            expires, count = self._counts.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + timeout, 0
            self._counts[key] = (expires, count + 1)
            if len(self._counts) > LOCAL_KEYS_MAX:
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
            return count + 1

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class _CacheHealth:
    """Whether to try the cache, and the log of its outages (once per retry interval)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_until = 0.0

    def usable(self, now: float) -> bool:
        return now >= self.down_until

    def failed(self, exc: BaseException, now: float) -> None:
        with self._lock:
            if now < self.down_until:  # Another thread has logged this outage already.
                return
            self.down_until = now + CACHE_RETRY_S
        logger.warning(
            "rate limits: the cache is unreachable (%s: %s); counting in this process "
            "for the next %d s",
            type(exc).__name__,
            exc,
            CACHE_RETRY_S,
        )

    def recovered(self) -> None:
        with self._lock:
            was_down, self.down_until = self.down_until > 0, 0.0
        if was_down:
            logger.warning("rate limits: the cache answers again; counting there")

    def reset(self) -> None:
        with self._lock:
            self.down_until = 0.0


_local = _LocalCounts()
_health = _CacheHealth()


def _count(key: str, timeout: int, now: float) -> int:
    if not _health.usable(now):
        return _local.incr(key, timeout, now)
    try:
        count = _cache_incr(key, timeout)
    except _COUNT_FAILURES as exc:
        _health.failed(exc, now)
        return _local.incr(key, timeout, now)
    if _health.down_until:
        _health.recovered()
    return count


class CacheNotCounting(Exception):  # noqa: N818 - a state of the cache, not a mistake
    """The cache answered without keeping the count (a backend that hides its errors)."""


_COUNT_FAILURES: tuple[type[BaseException], ...] = (*_BACKEND_ERRORS, CacheNotCounting)


def _cache_incr(key: str, timeout: int) -> int:
    if django_cache.add(key, 1, timeout=timeout):
        return 1
    try:
        count = django_cache.incr(key)
    except ValueError:  # Expired between add and incr, or never stored.
        if django_cache.add(key, 1, timeout=timeout):
            return 1
        raise CacheNotCounting("the cache neither adds nor increments the key") from None
    if not isinstance(count, int):
        raise CacheNotCounting(f"the cache counted {count!r}")
    return count


def reset() -> None:
    """Forget the fallback counts and any outage (for tests, between cases)."""
    _local.clear()
    _health.reset()


# --- the client's address --------------------------------------------------------------------


def address_identity(address: str) -> str:
    """What one subscriber is: an IPv4 address, or the /64 network of an IPv6 address (a
    mobile subscriber is given a whole /64 and can change addresses within it at will)."""
    parsed = _parse(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
