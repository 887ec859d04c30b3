"""Re-encrypting every encrypted column under the current key and format, and reporting which
keys the stored values use (``manage.py rekey``).

Works on the raw column values, a batch of rows at a time, each batch in its own short
transaction, so the application keeps running: a value is written only if it still holds the
token that was read (a concurrent save wins, and it wrote the current format anyway), and
nothing else in the row is touched: blind indexes, timestamps and signals stay as they are.
A value already current is skipped, so an interrupted run is simply run again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from fangkong.core.identity import EncryptedTextField, column_context, keyring
from fangkong.lib.crypto import V2, Keyring, MissingKeyError, UndecryptableError

BATCH = 500


@dataclass(frozen=True)
class EncryptedTable:
    model: type[models.Model]
    fields: tuple[EncryptedTextField, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def table(self) -> str:
        return self.model._meta.db_table


@dataclass
class Tally:
    rows: int = 0
    rekeyed: int = 0
    current: int = 0
    changed_meanwhile: int = 0
    missing: Counter[str] = field(default_factory=Counter)
    undecryptable: int = 0

    @property
    def unreadable(self) -> int:
        return sum(self.missing.values()) + self.undecryptable


def encrypted_tables() -> list[EncryptedTable]:
    """Every concrete model with encrypted columns, in a stable order."""
    tables = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = tuple(f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField))
        if fields:
            tables.append(EncryptedTable(model, fields))
    return sorted(tables, key=lambda t: t.label)


def _batches(table: EncryptedTable, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """Rows as (pk, token, token, ...) in pk order, ``size`` at a time, each read when the
    one before is done."""
    quote = connection.ops.quote_name
    pk = quote(table.model._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in table.fields)
    base = f"SELECT {pk}, {columns} FROM {quote(table.table)}"  # noqa: S608 - model names
    last = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(f"{base} ORDER BY {pk} LIMIT %s", [size])
            else:
                cursor.execute(f"{base} WHERE {pk} > %s ORDER BY {pk} LIMIT %s", [last, size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def row_count(table: EncryptedTable) -> int:
    return table.model._base_manager.count()


def _fresh_token(ring: Keyring, context: bytes, token: Any) -> str:
    """The token re-encrypted under the current key, or what stands in its way: ``current``,
    ``missing:<key id>`` or ``broken``."""
    if not token or ring.is_current(token):
        return "current"
    try:
        clear = ring.decrypt(token, context=context)
    except MissingKeyError as error:
        return f"missing:{error.key_id}"
    except UndecryptableError:
        return "broken"
    return ring.encrypt(clear, context=context)


def rekey_batch(
    ring: Keyring, table: EncryptedTable, rows: list[tuple[Any, ...]], tally: Tally
) -> None:
    """Re-encrypt the values of ``rows`` (as read: pk, then a token per encrypted column) in
    one statement per column, each value only where it still holds the token read."""
    quote = connection.ops.quote_name
    pk_column = quote(table.model._meta.pk.column)
    for index, field_ in enumerate(table.fields, start=1):
        context = column_context(table.table, field_.column)
        updates = []
        for row in rows:
            fresh = _fresh_token(ring, context, row[index])
            if fresh.startswith(V2):
                updates.append((fresh, row[0], row[index]))
            else:
                _count(tally, fresh)
        if not updates:
            continue
        column = quote(field_.column)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(table.table)} SET {column} = %s "  # noqa: S608 - model names
                f"WHERE {pk_column} = %s AND {column} = %s",
                updates,
            )
            done = cursor.rowcount
        tally.rekeyed += done
        tally.changed_meanwhile += len(updates) - done


def rekey_table(
    table: EncryptedTable,
    *,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> Tally:
    """Re-encrypt every value of ``table`` that is not current; ``progress`` is told how
    many rows each batch held."""
    ring, tally = keyring(), Tally()
    for rows in _batches(table, batch_size):
        with transaction.atomic():
            rekey_batch(ring, table, rows, tally)
        tally.rows += len(rows)
        if progress is not None:
            progress(len(rows))
    return tally


def _count(tally: Tally, outcome: str) -> None:
    if outcome.startswith("missing:"):
        tally.missing[outcome.partition(":")[2]] += 1
    elif outcome == "broken":
        tally.undecryptable += 1
    else:
        tally.current += 1


@dataclass
class KeyUsage:
    """Per column: how many values each key id holds, in which format."""

    column: str
    by_key: Counter[tuple[str, str]] = field(default_factory=Counter)


def key_usage(table: EncryptedTable, *, batch_size: int = 5000) -> list[KeyUsage]:
    ring = keyring()
    usage = [KeyUsage(f"{table.label}.{f.name}") for f in table.fields]
    for rows in _batches(table, batch_size):
        for _pk, *tokens in rows:
            for column, token in zip(usage, tokens, strict=True):
                if token:
                    form = "v2" if token.startswith(V2) else "v1"
                    column.by_key[(ring.key_id_of(token), form)] += 1
    return usage
