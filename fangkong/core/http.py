"""The client's address, the one way every part of Fangkong reads it: the rate limits, login
throttling and the audit log."""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: Address | None) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """``REMOTE_ADDR``, or, when that is a proxy listed in ``settings.TRUSTED_PROXIES``, the
    nearest address in X-Forwarded-For that is not one of them. Entries to the left of it
    were written by the client and are not believed."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(parse_address(remote)):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        parsed = parse_address(hop)
        if parsed is None:
            return remote
        if not _trusted(parsed):
            return hop
    return remote


def client_ip(request: HttpRequest | None) -> str | None:
    """:func:`client_address` in its canonical form, or None when it is not an address."""
    if request is None:
        return None
    parsed = parse_address(client_address(request))
    return parsed.compressed if parsed is not None else None
