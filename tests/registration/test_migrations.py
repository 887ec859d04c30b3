"""The migrations that set declared identity apart from verified identity, on real data of the
time before, in a fresh database of the leg's kind (SQLite, or PostgreSQL when the leg runs on
it): migration_seed.py seeds it, migrates, and reports what each record shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from fangkong.core.identity import blind_index_of

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a server on an empty database of the leg's own kind."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        "FANGKONG_DATA_DIR": str(tmp_path),
        "FANGKONG_ENCRYPTION_KEYS": settings.ENCRYPTION_KEYS,
        "FANGKONG_BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("FANGKONG_DATABASE_URL", None)
    if connection.vendor != "postgresql":
        yield env
        return
    db = settings.DATABASES["default"]
    name = f"fangkong_migrations_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    user, host, port = db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env["FANGKONG_DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{name}"
    try:
        yield env
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(sql: str) -> None:
    # CREATE DATABASE cannot run in the test's transaction: a connection of its own.
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def migrated(env: dict[str, str]) -> dict[str, Any]:
    code = "import tests.registration.migration_seed as s; s.run()"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_each_record_keeps_what_its_person_showed_and_the_person_only_the_verified(
    fresh_database: dict[str, str],
) -> None:
    shown = migrated(fresh_database)

    assert shown["road"] == ["张三丰", "13911112222", "2222"]
    assert shown["road_found_by_phone"] == 2  # both registrations, by the phone's blind index
    assert shown["visit_contact"] == ["赵六", "13800000001"]
    assert shown["visit_declared"] == {"gate_role": "visitor"}
    assert "赵六" not in shown["raw_declared"] and "13800000001" not in shown["raw_declared"]
    assert shown["walk_up"] == ["李师傅", "13900002222"]
    assert shown["of_road"] == ["张三丰", "13911112222"]
    assert shown["driver"] == ["李师傅", "13900002222", "62070219851231001X", 0]
    # The last declaration stays on the group; the vehicle's kind was never confirmed.
    assert (shown["group_kind"], shown["vehicle_kind"]) == ("ambulance", "")
    assert shown["victim"] == ["", blind_index_of("birth_date", "1990-01-01"), "1990-01-01"]
