"""Failing fast when the database is busy, instead of hanging a worker.

A request that needs the write lock waits for it at most ``DB_BUSY_TIMEOUT_S`` (a few
seconds; SQLite's busy timeout, PostgreSQL's ``lock_timeout``) and a statement runs at most
``DB_STATEMENT_TIMEOUT_S`` on PostgreSQL; then it fails, and the answer is a 503 with
``Retry-After`` (fangkong/core/middleware.py). Only the server's connections get these short
limits (:func:`install`, from ``fangkong.wsgi``): management commands, the purge and the
rebuilds keep the long wait of ``settings.py``.

After one such failure, the writes of this process fail at once for ``BUSY_HOLD_S``
(:data:`busy_hold`) rather than each waiting out the timeout again: a lock held for long
(a backup, a bulk import in another process) would otherwise keep every worker waiting in
turn, and the reads queued behind them too, though reads themselves never wait for a writer.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError
from django.db.backends.signals import connection_created

# After a write found the database locked, this process's writes fail at once for so long.
BUSY_HOLD_S = 1.0
# What SQLite says when its busy timeout ran out, and PostgreSQL's lock_not_available
# (lock_timeout) and query_canceled (statement_timeout).
_LOCKED_SQLITE = ("database is locked", "database table is locked", "database is busy")
_LOCKED_SQLSTATES = frozenset({"55P03", "57014"})


def is_busy_error(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.__cause__, "sqlstate", None) in _LOCKED_SQLSTATES:
        return True
    return any(text in str(exc) for text in _LOCKED_SQLITE)


class BusyHold:
    """Until when this process answers writes with 503 without trying (a monotonic time)."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            self._until = time.monotonic() + BUSY_HOLD_S

    def active(self) -> bool:
        return time.monotonic() < self._until

    def raise_if_active(self) -> None:
        """For writers that queued behind one that has just given up: give up too."""
        if self.active():
            raise OperationalError("database is locked")

    def clear(self) -> None:
        with self._lock:
            self._until = 0.0


busy_hold = BusyHold()


def _timeouts(busy_ms: int, statement_ms: int) -> Any:
    def on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.alias != DEFAULT_DB_ALIAS:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA busy_timeout = {busy_ms:d}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"SET lock_timeout = {busy_ms:d}")
                cursor.execute(f"SET statement_timeout = {statement_ms:d}")

    return on_connect


_installed: list[Any] = []


def install(busy_s: float, statement_s: float) -> None:
    """Short limits on every connection this (server) process opens from now on."""
    if _installed:
        return
    receiver = _timeouts(int(busy_s * 1000), int(statement_s * 1000))
    _installed.append(receiver)  # connect() keeps only a weak reference
    connection_created.connect(receiver, dispatch_uid="fangkong_request_timeouts")
