"""A fixed-window rate limit on the public registration POST, kept in Django's cache.

The key is the browser (its session, or its CSRF cookie: we do not make a database session for
every citizen), the phone number typed and the site, never the IP address alone: the citizens
at one checkpoint often share a single carrier NAT address.

With the default local-memory cache each server process counts on its own, so the real limit
is the configured one times the number of worker processes; the limit is generous for that
reason. ``FANGKONG_CACHE_URL`` (Redis) shares one count among all processes and makes it exact.
"""

from __future__ import annotations

import hashlib
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpRequest

from fangkong.lib import phone as phonelib

DEFAULT_RATE = "10/600"


@cache
def _parse(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds)


def rate() -> tuple[int, int]:
    """(requests, seconds) from ``settings.REGISTRATION_RATE``, such as "10/600"."""
    return _parse(getattr(settings, "REGISTRATION_RATE", DEFAULT_RATE))


def _browser(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return key or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")


def _phone(text: str) -> str:
    try:
        return phonelib.normalize_phone(text)
    except phonelib.PhoneError:
        return text.strip()


def registration_rate_key(request: HttpRequest, *, site_id: int, phone: str) -> str:
    raw = f"{_browser(request)}|{_phone(phone)}|{site_id}"
    return "reg-rate:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def over_limit(key: str) -> bool:
    """Count one attempt under ``key``; True once the window's allowance is used up."""
    limit, window = rate()
    if django_cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = django_cache.incr(key)
    except ValueError:  # Expired between add and incr.
        django_cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
