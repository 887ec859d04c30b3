"""Short statements on the DB-API cursor, for the hot paths (a registration, its rollup).

Django's cursor wrapper does bookkeeping that costs more than running a short statement on
SQLite. :func:`execute` skips it and keeps what matters: errors are still Django's
(``IntegrityError`` and the rest), and statements are still logged when Django logs queries
(``DEBUG``, tests that count them).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


def default_connection() -> BaseDatabaseWrapper:
    # The connection itself: every attribute read through ``django.db.connection`` goes
    # through a context-local look-up, and a registration makes dozens.
    return connections[DEFAULT_DB_ALIAS]


@cache
def _native(sql: str, vendor: str) -> str:
    # sqlite3 takes qmark placeholders; psycopg takes Django's own %s.
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def execute(sql: str, params: Sequence[Any]) -> Any:
    """Run ``sql`` (with %s placeholders) and return the DB-API cursor to fetch from."""
    db = default_connection()
    db.ensure_connection()
    with db.wrap_database_errors:
        cursor = db.connection.cursor()
        if not db.queries_logged:
            cursor.execute(_native(sql, db.vendor), params)
            return cursor
        began = time.monotonic()
        cursor.execute(_native(sql, db.vendor), params)
    db.queries_log.append(
        {"sql": f"{sql} {list(params)!r}", "time": f"{time.monotonic() - began:.3f}"}
    )
    return cursor
