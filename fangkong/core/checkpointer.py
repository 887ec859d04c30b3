"""Checkpoints of the embedded SQLite database, in the background of each server process.

In WAL mode a commit appends the pages it changed to the write-ahead log; a checkpoint copies
them back into the database file and syncs both files to disk. By default SQLite does that in
whichever commit takes the log past 1,000 pages: one request in some thirty pays for a
thousand page copies and two fsyncs, and it does so holding the write lock, so every other
writer waits with it. In the server, a thread of each process does it instead, every
``SQLITE_CHECKPOINT_S`` seconds, on a connection of its own, and the process's own
connections stop checkpointing on commit. A PASSIVE checkpoint never waits for readers or
writers: it copies what no reader still needs and leaves the rest for the next round. A page
changed by many commits between two rounds is copied once instead of once per thousand pages.

The log starts again from its beginning only when a writer begins while everything in it has
been copied. Under a steady stream of commits that moment never comes (a commit lands during
every passive round), and the log grew by 120 MB a second, 2 GB in the benchmark's first
eighteen seconds of registrations, slowing every read that has to look a page up in it. So a
round that leaves more than ``RESTART_PAGES`` in the log ends with a RESTART checkpoint: it
copies the few pages committed since the passive one and makes the next writer start the log
again. It takes the writers' turn first (fangkong/core/writers.py), so that the registrations
it holds back queue in the kernel rather than in SQLite's sleeps, and waits at most
``RESTART_WAIT_MS`` for a reader of an older snapshot (it then gives up until the next round).
``journal_size_limit`` (settings.py) truncates the file when the log starts again.

Started by ``fangkong.wsgi`` (gunicorn, ``runserver``), not by management commands or tests:
they keep SQLite's own checkpoints on commit.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created

from fangkong.core import writers

logger = logging.getLogger(__name__)

# A log this many pages long after a round means readers keep old snapshots for long.
WARN_PAGES = 250_000
# A log longer than this (64 MB of 4 KB pages) after a passive round is started again.
RESTART_PAGES = 16_384
# The most a RESTART checkpoint waits for readers of older snapshots, holding writers back.
RESTART_WAIT_MS = 50


def checkpoint(db: sqlite3.Connection, mode: str = "PASSIVE") -> tuple[int, int, int]:
    """One checkpoint (PASSIVE or RESTART): (busy, pages in the log, pages copied back)."""
    if mode not in ("PASSIVE", "RESTART"):
        raise ValueError(mode)
    busy, log, copied = db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return busy, log, copied


class Checkpointer:
    """A daemon thread checkpointing the database at ``path`` every ``interval`` seconds."""

    def __init__(self, path: str, interval: float) -> None:
        self.path = path
        self.interval = interval
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        db = sqlite3.connect(self.path, timeout=RESTART_WAIT_MS / 1000, isolation_level=None)
        try:
            with open(writers.lock_path(self.path), "a") as turn:
                while not self._stop.wait(self.interval):
                    self._round(db, turn)
        finally:
            db.close()

    def _round(self, db: sqlite3.Connection, turn: Any = None) -> None:
        """A passive checkpoint, and a RESTART one if the log is long, in the writers' turn
        (the open lock file ``turn``) where there is one."""
        try:
            _busy, log, copied = checkpoint(db)
            if log > RESTART_PAGES:
                with writers.holding(turn):
                    _busy, log, copied = checkpoint(db, "RESTART")
        except sqlite3.Error:
            logger.exception("checkpoint of %s failed", self.path)
            return
        self.rounds += 1
        if log - copied > WARN_PAGES:
            logger.warning(
                "checkpoint of %s: %d pages of the log still wait", self.path, log - copied
            )


_running: Checkpointer | None = None


def _no_checkpoint_on_commit(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.alias == DEFAULT_DB_ALIAS and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=0")


def _database_file() -> str | None:
    """The default database's file, if it is SQLite on disk in WAL mode."""
    settings = connections.settings[DEFAULT_DB_ALIAS]
    if not settings["ENGINE"].endswith("sqlite3"):
        return None
    name = str(settings["NAME"])
    if name.startswith("file:") or name == ":memory:" or not Path(name).is_file():
        return None
    # ``with`` on a sqlite3 connection ends a transaction; ``closing`` closes it.
    with closing(sqlite3.connect(name)) as db:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    return name if mode == "wal" else None


def start(interval: float) -> Checkpointer | None:
    """Checkpoint the default database in the background of this process, if it is SQLite in
    WAL mode on disk and ``interval`` > 0; a process started by ``fork`` gets its own thread."""
    global _running
    if _running is not None or interval <= 0:
        return _running
    path = _database_file()
    if path is None:
        return None
    connection_created.connect(_no_checkpoint_on_commit, dispatch_uid="fangkong_checkpointer")
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.connection is not None:  # Opened before us: settings the hook would set.
        _no_checkpoint_on_commit(None, connection)
    _running = Checkpointer(path, interval)
    _running.start()
    logger.info("checkpointing %s every %.1f s in the background", path, interval)
    return _running


def _after_fork() -> None:
    # Threads do not survive fork: a worker forked from a process that had one needs its own.
    global _running
    if _running is not None:
        parent, _running = _running, None
        start(parent.interval)


os.register_at_fork(after_in_child=_after_fork)
