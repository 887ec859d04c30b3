"""Where a benchmark's Django keeps its data: a throw-away data directory, and with
``--postgres`` a scratch database on that URL's server, both gone afterwards."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def add_postgres_option(
    parser: argparse.ArgumentParser,
    db_name: str,
    server: str = "postgres://postgres@127.0.0.1:5432/postgres",
) -> None:
    """``--postgres [URL]``, for :func:`scratch_environment`: the server that gets the scratch
    database ``db_name`` (``server`` when the option comes without a URL)."""
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=server,
        help="run on PostgreSQL; the URL's server gets a scratch database " + db_name,
    )


def postgres_admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


@contextmanager
def scratch_environment(postgres: str | None, db_name: str) -> Iterator[None]:
    """Set the environment for ``fangkong.settings`` (call before Django is set up)."""
    os.environ["FANGKONG_ENV"] = "development"
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    with tempfile.TemporaryDirectory(prefix="fangkong-bench-") as data_dir:
        os.environ["FANGKONG_DATA_DIR"] = data_dir
        os.environ["FANGKONG_MEDIA_ROOT"] = str(Path(data_dir) / "media")
        admin = None
        if postgres:
            admin = postgres_admin(postgres)
            admin.execute(f"DROP DATABASE IF EXISTS {db_name}")
            admin.execute(f"CREATE DATABASE {db_name}")
            os.environ["FANGKONG_DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/" + db_name
        else:
            os.environ.pop("FANGKONG_DATABASE_URL", None)
        try:
            yield
        finally:
            if admin is not None:
                from django.db import connections

                connections.close_all()
                admin.execute(f"DROP DATABASE IF EXISTS {db_name}")


@contextmanager
def secondary_indexes_dropped(*tables: str) -> Iterator[None]:
    """The tables' secondary indexes dropped while a bulk load runs and made again afterwards:
    one sort per index instead of a B-tree insert per row. Indexes that back a primary key or
    a unique constraint stay (PostgreSQL will not drop those on their own)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [list(tables)],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master, json_each(%s)"
                " WHERE sqlite_master.type = 'index' AND sql IS NOT NULL"
                " AND tbl_name = json_each.value",
                [json.dumps(tables)],
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, sql in found:
                cursor.execute(sql)
