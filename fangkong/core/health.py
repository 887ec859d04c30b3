"""What ``/healthz`` checks: each dependency the app server needs, one small function each.

``settings.HEALTH_CHECKS`` lists them as dotted paths, so another part of the platform adds
its own without touching this module: a function that takes nothing and returns a
:class:`Check` (the job worker's, for instance: ``Check("worker", ok=..., required=True)``
from the age of the worker's last heartbeat). A check that raises counts as down.

Details name what failed in general terms (an exception's class), never a host, a path or a
message that could carry a password, since the answer is readable without logging in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string

from fangkong.core.cache import FallbackRedisCache

# The named storages the app writes to (settings.STORAGES, without the static files).
FILE_STORAGES = ("default", "reports", "exports")
# A job worker silent for longer than this is reported down.
WORKER_SILENT_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    required: bool = True
    detail: str = ""


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        return Check("database", ok=False, detail=type(exc).__name__)
    return Check("database", ok=True, detail=connection.vendor)


def cache() -> Check:
    """Redis when ``FANGKONG_CACHE_URL`` is set; then required, since the app servers are
    counting rate limits apart from each other while it is down."""
    shared = caches["default"]
    if not isinstance(shared, FallbackRedisCache):
        return Check("cache", ok=True, required=False, detail="local memory")
    try:
        shared.ping()
    except Exception as exc:  # noqa: BLE001 - unreachable, refused, wrong password...
        return Check("cache", ok=False, detail=type(exc).__name__)
    return Check("cache", ok=True, detail="redis")


def storage() -> Check:
    """Writes, reads back and deletes a small file in each named storage."""
    failed = []
    for alias in FILE_STORAGES:
        store = storages[alias]
        try:
            name = store.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
            with store.open(name) as probe:
                readable = probe.read() == b"ok"
            store.delete(name)
        except Exception:  # noqa: BLE001 - any failure means the storage is down
            readable = False
        if not readable:
            failed.append(alias)
    if failed:
        return Check("storage", ok=False, detail="failed: " + ", ".join(failed))
    return Check("storage", ok=True, detail=settings.STORAGE)


def run_checks() -> list[Check]:
    results = []
    for path in settings.HEALTH_CHECKS:
        try:
            results.append(import_string(path)())
        except Exception as exc:  # noqa: BLE001 - a broken check reports itself as down
            results.append(Check(path.rsplit(".", 1)[-1], ok=False, detail=type(exc).__name__))
    return results


def worker() -> Check:
    """A job worker gave a sign of life within the last minute (they beat every 10 s).
    Required in production, where rosters, reports and imports wait for one; in development
    `make demo` starts workers beside the server, and a bare `runserver` does without."""
    from fangkong.jobs.selectors import worker_last_heartbeat

    last = worker_last_heartbeat()
    recent = last is not None and timezone.now() - last <= WORKER_SILENT_AFTER
    detail = last.isoformat() if last is not None else "never seen"
    return Check("worker", ok=recent, required=settings.PRODUCTION, detail=detail)
