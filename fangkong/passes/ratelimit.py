"""The limit on vehicle-pass applications (the public form and the API), per network address.

``FANGKONG_PASS_APPLY_RATE`` (60/600): a company's clerk types a pass with its drivers in a
minute or more, so ten minutes hold a handful by hand; 60 leaves room for a fleet sent by a
script of the company's, or several companies behind one address, and stops a flood. A larger
integration raises the setting.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from fangkong.core import ratelimit
from fangkong.core.http import client_address

DEFAULT_RATE = "60/600"


def pass_apply_hit(request: HttpRequest) -> ratelimit.Verdict:
    rate = ratelimit.parse_rate(getattr(settings, "PASS_APPLY_RATE", DEFAULT_RATE))
    address = ratelimit.address_identity(client_address(request))
    return ratelimit.hit("pass-apply", address, rate)


def limited_message(verdict: ratelimit.Verdict) -> str:
    return _(
        "Too many applications from your network in a short time. What you typed is kept "
        "below: submit it again after %(time)s."
    ) % {"time": ratelimit.retry_time(verdict)}


def limited_api_message(verdict: ratelimit.Verdict) -> str:
    return _("Too many applications. Wait %(seconds)s seconds and try again.") % {
        "seconds": verdict.retry_after
    }
