"""The two limits on the public registration POST (counted by ``fangkong.core.ratelimit``).

- Per client (``FANGKONG_REGISTRATION_RATE``, 10/600): the browser (its session, or its CSRF
  cookie: we do not make a database session for every citizen), the phone number typed and the
  site. It stops one citizen's repeated submissions without holding back the next citizen.
- Per address (``FANGKONG_REGISTRATION_ADDRESS_RATE``, 300/600): a ceiling on everything from
  one network address, which a script cannot dodge by changing the phone or dropping the
  cookie. The citizens queueing at a checkpoint often share one carrier-grade NAT address, so
  the ceiling sits above the busiest real case: a six-lane toll station screens about one
  vehicle per lane every 30 s, 120 vehicles in ten minutes, each registering once, even if
  every phone in the queue came through the same address; 300 in ten minutes is more than
  twice that, and far below the 60 a second a script sends.

With the default local-memory cache each server process counts on its own, so the real limits
are the configured ones times the number of worker processes. ``FANGKONG_CACHE_URL`` (Redis)
shares one count among all processes and makes them exact.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from fangkong.core import ratelimit
from fangkong.core.http import client_address
from fangkong.lib import phone as phonelib

DEFAULT_RATE = "10/600"
DEFAULT_ADDRESS_RATE = "300/600"


def _browser(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return key or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")


def _phone(text: str) -> str:
    try:
        return phonelib.normalize_phone(text, international=True)
    except phonelib.PhoneError:
        return text.strip()


def registration_hit(request: HttpRequest, *, site_id: int, phone: str) -> ratelimit.Verdict:
    """Count one registration attempt against both limits; the verdict to answer with."""
    client_rate = ratelimit.parse_rate(getattr(settings, "REGISTRATION_RATE", DEFAULT_RATE))
    address_rate = ratelimit.parse_rate(
        getattr(settings, "REGISTRATION_ADDRESS_RATE", DEFAULT_ADDRESS_RATE)
    )
    address = ratelimit.address_identity(client_address(request))
    client = f"{_browser(request)}|{_phone(phone)}|{site_id}"
    return ratelimit.worst(
        ratelimit.hit("registration", client, client_rate),
        ratelimit.hit("registration-address", address, address_rate),
    )


def limited_message(verdict: ratelimit.Verdict) -> str:
    return _(
        "Too many registrations in a short time. What you typed is kept below: submit it "
        "again after %(time)s, or ask the officer on duty for help."
    ) % {"time": ratelimit.retry_time(verdict)}


def limited_api_message(verdict: ratelimit.Verdict) -> str:
    return _("Too many attempts. Wait %(seconds)s seconds and try again.") % {
        "seconds": verdict.retry_after
    }
