"""One writer at a time on the embedded SQLite database, queued in the kernel.

SQLite admits one writer; one that finds the write lock taken polls it with growing sleeps (up
to 100 ms each), so under a steady stream of registrations from several server processes most
of the time goes to sleeping. Taking an exclusive ``flock`` on a file beside the database first
makes writers queue and wake the moment the lock is free. The registration service takes its
turn so, and so does the checkpointer's RESTART checkpoint, which holds writers back while it
runs (fangkong/core/checkpointer.py). PostgreSQL has row locks and needs none of this.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Not on Windows; SQLite writers then wait on its busy handler.
    fcntl = None  # type: ignore[assignment]

from fangkong.core.sql import default_connection


def lock_path(database: str) -> str:
    """The file whose ``flock`` is the turn to write to ``database``."""
    return f"{database}.write-lock"


@contextmanager
def holding(file: Any) -> Iterator[None]:
    """Hold the exclusive lock of ``file`` (an open file of :func:`lock_path`), waiting for
    it; without a file, or without ``flock`` (Windows), go on at once."""
    if not file or fcntl is None:
        yield
        return
    fcntl.flock(file, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(file, fcntl.LOCK_UN)


class WriterTurn(threading.local):
    """The turn of this thread to write through Django's default connection.

    Per thread, because threads of one process sharing an open file would share its lock."""

    file: Any = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        db = default_connection()
        if self.file is None:
            name = str(db.settings_dict["NAME"])
            on_disk = db.vendor == "sqlite" and Path(name).is_file()
            # Kept open for the thread's life: the lock lives on the open file.
            self.file = open(lock_path(name), "a") if on_disk else False  # noqa: SIM115
        # Inside a caller's transaction we may hold SQLite's lock already: waiting for the
        # file lock then could wait on a writer that waits on us.
        with holding(None if db.in_atomic_block else self.file):
            yield


writer_turn = WriterTurn()
