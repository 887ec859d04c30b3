"""The client's address for the audit: from a trusted proxy's header, never a client's own."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from fangkong.core.http import client_ip


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.1.2.3", "", "10.1.2.3"),
        # A client's own header is ignored: it could name anybody.
        ("10.1.2.3", "192.0.2.9", "10.1.2.3"),
        # nginx on the same host appends the address it saw: the last untrusted one.
        ("127.0.0.1", "192.0.2.9", "192.0.2.9"),
        ("127.0.0.1", "203.0.113.7, 192.0.2.9", "192.0.2.9"),
        ("127.0.0.1", "192.0.2.9, 127.0.0.1", "192.0.2.9"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("", "192.0.2.9", None),
    ],
)
def test_client_ip(remote: str, forwarded: str, expected: str | None, settings) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
