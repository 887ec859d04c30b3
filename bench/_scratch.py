"""Where a benchmark's Django keeps its data: a throw-away data directory, and with
``--postgres`` a scratch database on that URL's server, both gone afterwards."""

from __future__ import annotations

import argparse
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
