"""The audit log's hash chain: how a row is hashed, and how the chain is checked.

Framework-free, so that the migration that chains the rows already written, the appender and
``manage.py audit_verify`` share one definition. Each row stores the hash of the row before it
(``prev_hash``; the first row, :data:`GENESIS`) and the SHA-256 of the canonical form of all its
own fields, that previous hash included (``row_hash``). A row changed, removed or slipped in
between two others then breaks the chain at that row, unless whoever did it also rewrote every
later row: the head that ``audit_verify`` prints, kept outside the database, catches that too.

The canonical form is frozen: changing it makes every stored row fail verification.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
VERSION = 1
# The id is where a row sits, not what it says: the order is the chain's, through prev_hash.
FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "reason",
    "extra",
    "ip",
    "prev_hash",
)


def normalize_ip(value: Any) -> str | None:
    """An address as the database gives it back (PostgreSQL's ``inet`` compresses IPv6)."""
    if value is None or value == "":
        return None
    return ipaddress.ip_address(str(value)).compressed


def normalize_extra(extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """The details as they come back from a JSON column: tuples as lists, keys as strings."""
    return json.loads(json.dumps(dict(extra or {}), allow_nan=False))


def _time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit times must be aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: every field of ``row`` (see :data:`FIELDS`) as sorted,
    compact JSON, with the time in UTC to the microsecond and the address normalised."""
    content = {name: row[name] for name in FIELDS}
    content["at"] = _time(row["at"])
    content["ip"] = normalize_ip(row["ip"])
    content["actor_id"] = None if row["actor_id"] is None else int(row["actor_id"])
    content["v"] = VERSION
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode()


def row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


@dataclass(frozen=True)
class Problem:
    """The first place where the chain breaks: ``kind`` is ``changed``, ``removed`` (rows are
    missing between ``after_id`` and ``row_id``) or ``inserted``; ``after_id`` is the last
    row that is still part of the chain before it (None: the start)."""

    kind: str
    row_id: int
    after_id: int | None


@dataclass(frozen=True)
class Result:
    rows: int
    head_id: int | None
    head_hash: str
    problem: Problem | None


@dataclass
class _Walk:
    """The last two rows accepted as part of the chain."""

    last_id: int | None = None
    last_hash: str = GENESIS
    before_id: int | None = None
    before_hash: str | None = None
    count: int = 0

    def accept(self, row: Mapping[str, Any]) -> None:
        self.before_id, self.before_hash = self.last_id, self.last_hash
        self.last_id, self.last_hash = int(row["id"]), row["row_hash"]
        self.count += 1


def _pairs(rows: Iterable[Mapping[str, Any]]) -> Iterator[tuple[Mapping[str, Any], Any]]:
    """Each row with the one after it (None for the last), to look one row ahead."""
    iterator = iter(rows)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current, following
        current = following


def _diagnose(walk: _Walk, row: Mapping[str, Any], following: Any, intact: bool) -> Problem:
    row_id = int(row["id"])
    if following is not None and following["prev_hash"] == walk.last_hash:
        # The chain goes on past this row as if it were not there.
        return Problem("inserted", row_id, walk.last_id)
    if not intact:
        return Problem("changed", row_id, walk.last_id)
    if walk.last_id is not None and row["prev_hash"] == walk.before_hash:
        # This row follows the one before the last: the last was slipped in with its hash.
        return Problem("inserted", walk.last_id, walk.before_id)
    if walk.last_id is not None and row_id == walk.last_id + 1:
        # Nothing is missing between them (ids are handed out one by one): the last row was
        # changed and its hash recomputed.
        return Problem("changed", walk.last_id, walk.before_id)
    return Problem("removed", row_id, walk.last_id)


def verify(rows: Iterable[Mapping[str, Any]]) -> Result:
    """Walk ``rows`` (mappings with ``id``, :data:`FIELDS` and ``row_hash``) in id order and stop at
    the first break, telling whether a row was changed, removed or inserted there."""
    walk = _Walk()
    for row, following in _pairs(rows):
        intact = row_hash(row) == row["row_hash"]
        if not intact or row["prev_hash"] != walk.last_hash:
            problem = _diagnose(walk, row, following, intact)
            return Result(walk.count, walk.last_id, walk.last_hash, problem)
        walk.accept(row)
    return Result(walk.count, walk.last_id, walk.last_hash, None)
