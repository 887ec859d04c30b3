"""The data directory and the SQLite files, readable by the server's user only.

The directory is made 0700 when Fangkong makes it, and the database file is made 0600 before
SQLite opens it: SQLite creates the write-ahead log (``-wal``) and its index (``-shm``) with the
permissions of the database file, so they follow. Files that exist already are brought down
to 0600 as well: nobody but the server should read the database. Imported by the settings, so
it uses the standard library only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it is missing; otherwise take away every
    permission of group and others."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
    else:
        os.close(fd)


def private_sqlite(database: Path) -> None:
    """The database file created 0600 before SQLite makes it, and its companion files (when
    they exist) brought down to 0600."""
    private_file(database)
    for suffix in SQLITE_SUFFIXES[1:]:
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            private_file(companion)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file that is 0600 from the moment it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
