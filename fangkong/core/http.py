"""Small facts about the request that services record (the audit's "from where")."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from. Behind a trusted reverse proxy
    (``FANGKONG_TRUSTED_PROXIES``), the last address in X-Forwarded-For that is not one of
    those proxies (nginx appends the address it saw); otherwise the connection's own, as a
    client can put anything in the header."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.TRUSTED_PROXIES
    if remote is None or remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            return remote
        if address not in trusted:
            return address
    return remote
