"""The data directory is 0700 and the SQLite files 0600, also those SQLite makes itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.gunicorn import ROOT, server_env

# Opens the database as the server does and writes to it: in WAL mode SQLite then makes the
# -wal and -shm files, which it removes again when the last connection closes, so the modes
# are read while the connection is open. The writers' turn makes its lock file.
WRITE = """
import json, os, stat
import django
django.setup()
from django.db import connection
from fangkong.core.writers import writer_turn
with writer_turn(), connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    cursor.execute("PRAGMA journal_mode")
    data = os.environ["FANGKONG_DATA_DIR"]
    modes = {n: stat.S_IMODE(os.stat(os.path.join(data, n)).st_mode) for n in os.listdir(data)}
    modes["."] = stat.S_IMODE(os.stat(data).st_mode)
    print(json.dumps({"journal": cursor.fetchone()[0], "modes": modes}))
"""


def run(data_dir: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", WRITE],
        cwd=ROOT,
        env=server_env(data_dir),
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=lambda: os.umask(0o022),  # noqa: PLW1509 - a permissive umask, as often
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_new_data_directory_and_database_are_private(tmp_path: Path) -> None:
    seen = run(tmp_path / "var")
    assert seen["journal"] == "wal"
    modes = seen["modes"]
    assert modes["."] == 0o700
    for name in (
        "fangkong.sqlite3",
        "fangkong.sqlite3-wal",
        "fangkong.sqlite3-shm",
        "dev-secrets.json",
        "fangkong.sqlite3.write-lock",
    ):
        assert modes[name] == 0o600, name


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_existing_database_files_are_brought_down_to_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    run(data_dir)
    database = data_dir / "fangkong.sqlite3"
    database.chmod(0o644)
    # A log left behind by a crash, readable by all.
    wal = data_dir / "fangkong.sqlite3-wal"
    wal.touch()
    wal.chmod(0o644)
    modes = run(data_dir)["modes"]
    assert modes["fangkong.sqlite3"] == 0o600
    assert modes["fangkong.sqlite3-wal"] == 0o600
    assert modes["fangkong.sqlite3-shm"] == 0o600
