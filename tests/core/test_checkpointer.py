"""The background checkpointer of the embedded SQLite database (fangkong/core/checkpointer.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from fangkong.core import checkpointer, writers

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def _wal_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)")
    return db


def test_a_round_copies_the_log_back_into_the_database(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = _wal_database(path)
    for _ in range(200):
        db.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
    # Nothing checkpoints on commit: the rows live in the log only.
    assert path.stat().st_size < 10 * PAGE
    assert (tmp_path / "db.sqlite3-wal").stat().st_size > 200 * PAGE

    thread = checkpointer.Checkpointer(str(path), interval=0.01)
    thread.start()
    deadline = time.monotonic() + 10
    while thread.rounds == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    thread.stop()

    assert thread.rounds > 0
    assert not thread.is_alive()
    assert path.stat().st_size > 200 * PAGE
    busy, log, copied = checkpointer.checkpoint(db)
    assert (busy, log) == (0, copied)
    assert db.execute("SELECT count(*) FROM t").fetchone() == (200,)


def test_a_checkpoint_waits_for_no_reader(tmp_path: Path) -> None:
    """A reader's open snapshot holds back only the pages it may still need."""
    path = tmp_path / "db.sqlite3"
    writer = _wal_database(path)
    writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)
    for _ in range(50):
        writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")

    began = time.monotonic()
    busy, log, copied = checkpointer.checkpoint(sqlite3.connect(path, isolation_level=None))
    assert time.monotonic() - began < 5
    assert busy == 0 and 0 < copied < log
    reader.execute("COMMIT")


def test_a_log_held_back_is_logged_with_what_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "db.sqlite3"
    writer = _wal_database(path)
    writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchone()
    for _ in range(50):
        writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
    monkeypatch.setattr(checkpointer, "WARN_PAGES", 10)

    checkpointer.Checkpointer(str(path), interval=1)._round(sqlite3.connect(path))

    _, log, copied = checkpointer.checkpoint(sqlite3.connect(path))
    assert [r.getMessage() for r in caplog.records] == [
        f"checkpoint of {path}: {log - copied} pages of the log still wait"
    ]
    reader.execute("COMMIT")


SERVER_START = """
import os, sys
import fangkong.wsgi
from django.db import connection
from fangkong.core import checkpointer, writers
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_autocheckpoint")
    print("parent", checkpointer._running is not None, cursor.fetchone()[0])
pid = os.fork()
if pid == 0:
    running = checkpointer._running
    print("child", running is not None and running.is_alive(), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
"""


def _serve(tmp_path: Path, interval: str) -> list[str]:
    _wal_database(tmp_path / "fangkong.sqlite3").close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        "FANGKONG_DATA_DIR": str(tmp_path),
        "FANGKONG_SQLITE_CHECKPOINT_S": interval,
        "FANGKONG_LOG_LEVEL": "WARNING",
    }
    env.pop("FANGKONG_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SERVER_START],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn forks its workers")
def test_the_server_checkpoints_in_the_background(tmp_path: Path) -> None:
    # The server's connections leave checkpoints to the thread, and a forked worker has one.
    assert _serve(tmp_path, "0.5") == ["parent", "True", "0", "child", "True"]


def test_without_an_interval_commits_checkpoint(tmp_path: Path) -> None:
    assert _serve(tmp_path, "0") == ["parent", "False", "1000", "child", "False"]


def test_not_for_the_test_database(db: None) -> None:
    """In memory, or PostgreSQL: nothing to checkpoint."""
    assert checkpointer._database_file() is None


@pytest.mark.parametrize("restart_pages", [64, None])
def test_a_steady_stream_of_commits_does_not_grow_the_log_without_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restart_pages: int | None
) -> None:
    """Under load a commit lands while each passive round copies: the log is never all copied
    when the next writer begins, and SQLite starts it again only then. Here a reader's snapshot
    keeps the passive checkpoint from a commit made after it, as if it came during it."""
    path = tmp_path / "db.sqlite3"
    writer = _wal_database(path)
    reader = sqlite3.connect(path, isolation_level=None)
    passive = checkpointer.checkpoint

    def commit_during(db: sqlite3.Connection, mode: str = "PASSIVE") -> tuple[int, int, int]:
        if mode != "PASSIVE":
            return passive(db, mode)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM t").fetchone()
        writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
        result = passive(db, mode)
        reader.execute("COMMIT")
        return result

    monkeypatch.setattr(checkpointer, "checkpoint", commit_during)
    monkeypatch.setattr(checkpointer, "RESTART_PAGES", restart_pages or 10**9)
    rounds = checkpointer.Checkpointer(str(path), interval=1)
    db = sqlite3.connect(path, isolation_level=None)
    for _ in range(10):
        for _ in range(100):
            writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
        rounds._round(db)
    writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
    _, log, _ = passive(db)
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (1011,)
    if restart_pages is None:  # Passive rounds alone: the log keeps every page.
        assert log > 1011
    else:  # Started again after the last round: the one commit made since.
        assert log < 10


@pytest.mark.skipif(writers.fcntl is None, reason="flock")
def test_a_restart_waits_for_the_writers_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.sqlite3"
    writer = _wal_database(path)
    for _ in range(50):
        writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
    monkeypatch.setattr(checkpointer, "RESTART_PAGES", 10)
    registration = open(writers.lock_path(str(path)), "a")  # noqa: SIM115
    writers.fcntl.flock(registration, writers.fcntl.LOCK_EX)
    done = threading.Event()

    def round_in_turn() -> None:
        with open(writers.lock_path(str(path)), "a") as turn:
            db = sqlite3.connect(path, isolation_level=None)
            checkpointer.Checkpointer(str(path), interval=1)._round(db, turn)
        done.set()

    threading.Thread(target=round_in_turn, daemon=True).start()
    assert not done.wait(0.3)  # A registration is writing: the restart waits its turn.
    writers.fcntl.flock(registration, writers.fcntl.LOCK_UN)
    assert done.wait(10)
    registration.close()
    writer.execute("INSERT INTO t (data) VALUES (randomblob(3000))")
    _, log, _ = checkpointer.checkpoint(sqlite3.connect(path, isolation_level=None))
    assert log < 10  # The log started again.
