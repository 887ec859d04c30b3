"""Small facts about the request that services record (the audit's "from where")."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as the server saw it. Behind a reverse proxy the
    proxy must pass the client's address on as ``REMOTE_ADDR`` (docs/deploy.md); a forwarded
    header is not trusted here, since any client can send one."""
    return request.META.get("REMOTE_ADDR") or None
