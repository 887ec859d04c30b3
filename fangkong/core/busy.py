"""Failing fast when the database is busy, instead of hanging a worker.

A request that needs the write lock waits for it at most ``DB_BUSY_TIMEOUT_S`` (a few
seconds; SQLite's busy timeout, PostgreSQL's ``lock_timeout``) and a statement runs at most
``DB_STATEMENT_TIMEOUT_S`` on PostgreSQL; then it fails, and the answer is a 503 with
``Retry-After`` (fangkong/core/middleware.py). Only the server's connections get these short
limits (:func:`install`, from ``fangkong.wsgi``): management commands, the purge and the
rebuilds keep the long wait of ``settings.py``.

After one such failure, the writes of this process do not wait for the lock for
``BUSY_HOLD_S`` (:data:`busy_hold`, :func:`without_waiting`): each tries once and is answered
503 at once if the lock is still taken, and goes through if it is free again. A lock held for
long (a backup, a bulk import in another process) would otherwise cost every write the whole
timeout in turn: the workers could answer a few writes a second, the rest would queue behind
them, and the reads with them, though reads themselves never wait for a writer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections
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

    def clear(self) -> None:
        with self._lock:
            self._until = 0.0


busy_hold = BusyHold()


def _set_lock_wait(connection: Any, ms: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {ms:d}")
        elif connection.vendor == "postgresql":
            # 0 would mean "wait for ever" to PostgreSQL: 1 ms is "do not wait".
            cursor.execute(f"SET lock_timeout = {max(ms, 1):d}")


def _default_wait_ms(connection: Any) -> int:
    if _installed:
        return int(_installed[0].busy_ms)
    if connection.vendor == "sqlite":
        return int(float(connection.settings_dict["OPTIONS"].get("timeout", 5)) * 1000)
    return 0  # PostgreSQL's default: no lock_timeout.


@contextmanager
def without_waiting() -> Iterator[None]:
    """Run a request's writes without waiting for the lock: they fail at once if it is taken."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    _set_lock_wait(connection, 0)
    try:
        yield
    finally:
        try:
            if connection.vendor == "postgresql" and not _installed:
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = 0")
            else:
                _set_lock_wait(connection, _default_wait_ms(connection))
        except DatabaseError:
            connection.close()  # A fresh connection gets the usual limits.


def _timeouts(busy_ms: int, statement_ms: int) -> Any:
    def on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.alias != DEFAULT_DB_ALIAS:
            return
        _set_lock_wait(connection, busy_ms)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {statement_ms:d}")

    on_connect.busy_ms = busy_ms  # type: ignore[attr-defined]
    return on_connect


_installed: list[Any] = []


def install(busy_s: float, statement_s: float) -> None:
    """Short limits on every connection this (server) process opens from now on."""
    if _installed:
        return
    receiver = _timeouts(int(busy_s * 1000), int(statement_s * 1000))
    _installed.append(receiver)  # connect() keeps only a weak reference
    connection_created.connect(receiver, dispatch_uid="fangkong_request_timeouts")
