"""The registration's fast path: INSERT ... RETURNING built once per process, and the hot
look-ups as plain SQL on the DB-API cursor. Every other write uses the ORM, but for the rollup
counters (command/rollups.py), which share ``fangkong.core.sql.execute``.

Why it exists. A citizen's registration is the hottest write there is (a queue at a checkpoint,
one form a second per lane), and on SQLite the ORM's query compiler and cursor wrapper cost
more than running the short statements. Measured on 7 December 2026, on 2 cores shared with
seven other workloads (load average 11-13):

- ``bench/registration_server/paths.py 200`` (one process, alternating rounds, CPU time, the
  steady figure): ``registration_create`` costs 2.5-3.0 ms per registration (min 2.52) through
  this module, 3.7-4.2 ms (min 3.74) with ``bulk_create(update_conflicts=True,
  unique_fields=["doc_index"], update_fields=["doc_index"])`` for persons and vehicles and
  ORM look-ups: the ORM takes 1.5 times the CPU, about 1.2 ms more per registration.
- ``bench/registration.py --quick`` (gunicorn, the load generator on the same cores; the
  throughputs swing by a factor of four between runs on this loaded machine, so compare the
  workers' CPU): this module ratio 0.121 / 0.135 / 0.061, server_cpu_ratio 0.165 / 0.163 /
  0.131, 4.3 / 5.2 / 6.6 ms CPU per form POST; the ORM path ratio 0.060 (0.031 without the
  writers' file lock), server_cpu_ratio 0.111 (0.096), 7.4 (6.8) ms per form POST.

The ORM path writes the same rows (Django 5 returns the keys of upserted rows on SQLite and
PostgreSQL) and passes tests/registration, so it is what to fall back to if this module ever
gets in the way. It is the one place that builds SQL by hand for a write; only the
registration service and the person upsert (``people.persons_prepare``, which the walk-up
check, the vehicle-pass drivers, the grid and the key persons share) use it.

How. The statement is built once per (model, rows, conflict target, updated columns), and each
value is prepared exactly as the ORM does (``pre_save`` then ``get_db_prep_save``: defaults,
``auto_now_add``, the blind indexes, encryption, JSON), so the rows are the ones
``bulk_create`` would write. Statements run through ``fangkong.core.sql.execute`` (the DB-API
cursor, errors still Django's). The returned ids come back in input order, the assumption
``bulk_create`` makes on the same databases (SQLite 3.35+ and PostgreSQL). Signals are not
sent, as with ``bulk_create``. The writers' turn (``core/writers.py``, a file lock) and the
background WAL checkpointer (``core/checkpointer.py``) are not part of this path: they serve
every SQLite writer of the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, models

from fangkong.core.sql import default_connection, execute


def _as_is(field: models.Field) -> tuple[type, ...]:
    """The types of value that ``field`` saves unchanged, or () if every value needs the ORM.

    For exactly these classes ``pre_save`` reads the attribute, and ``get_db_prep_save`` of a
    str (char), bool (boolean) or int (a key to an auto-incremented id), or of None, returns
    it as it is: skipping the ORM's dozen calls per value changes nothing. Subclasses (the
    encrypted and blind-index fields), other fields and other types of value go the ORM's way.
    """
    if type(field) is models.CharField:
        types: tuple[type, ...] = (str,)
    elif type(field) is models.BooleanField:
        types = (bool,)
    elif type(field) is models.ForeignKey and isinstance(field.target_field, models.AutoField):
        return (int, type(None))
    else:
        return ()
    return (*types, type(None)) if field.null else types


@cache
def _statement(
    model: type[models.Model], rows: int, conflict: str, update: tuple[str, ...]
) -> tuple[str, tuple[models.Field, ...]]:
    quote = default_connection().ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 - names from the model
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([one_row] * rows)}"
    )
    if conflict:
        by_name = {f.name: f.column for f in model._meta.concrete_fields}
        assignments = ", ".join(
            f"{quote(by_name[n])} = EXCLUDED.{quote(by_name[n])}" for n in update
        )
        conflict_column = quote(by_name[conflict])
        sql += f" ON CONFLICT ({conflict_column}) DO UPDATE SET {assignments}"
    sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql, fields


@cache
def _readers(
    fields: tuple[models.Field, ...],
) -> tuple[tuple[models.Field, str, tuple[type, ...]], ...]:
    """Each field with its attribute and the values it saves unchanged (:func:`_as_is`)."""
    return tuple((field, field.attname, _as_is(field)) for field in fields)


@dataclass
class PreparedInsert:
    """An INSERT with its values ready, so that the work of preparing them (encryption, the
    blind indexes, JSON) can be done before a transaction opens rather than inside it."""

    objs: Sequence[models.Model]
    sql: str
    params: list[Any]
    fields: tuple[models.Field, ...] = ()

    def bind(self, name: str, values: Sequence[models.Model | None]) -> None:
        """Set the foreign key ``name`` of each object (in order) to a saved object, in the
        objects and in the prepared values: for keys that exist only once the transaction has
        inserted what they point at."""
        field = type(self.objs[0])._meta.get_field(name)
        column = self.fields.index(field)
        for row, (obj, value) in enumerate(zip(self.objs, values, strict=True)):
            setattr(obj, name, value)
            self.params[row * len(self.fields) + column] = None if value is None else value.pk

    def run(self) -> None:
        """Execute, and give the objects their primary keys."""
        if not self.objs:
            return
        ids = [row[0] for row in execute(self.sql, self.params).fetchall()]
        for obj, pk in zip(self.objs, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = DEFAULT_DB_ALIAS


def prepare(
    objs: Sequence[models.Model], *, conflict: str = "", update: Sequence[str] = ()
) -> PreparedInsert:
    """The INSERT of ``objs`` (all of one model, their foreign keys already set). With
    ``conflict``, a row whose ``conflict`` field clashes with a stored one updates that row's
    ``update`` fields instead, and the object gets the stored row's key."""
    if not objs:
        return PreparedInsert(objs, "", [])
    sql, fields = _statement(type(objs[0]), len(objs), conflict, tuple(update))
    db = default_connection()
    params = []
    for obj in objs:
        values = obj.__dict__
        for field, attname, as_is in _readers(fields):
            if as_is and type(value := values.get(attname, field)) in as_is:
                params.append(value)
            else:
                params.append(field.get_db_prep_save(field.pre_save(obj, True), db))
    return PreparedInsert(objs, sql, params, fields)


# The two look-ups every registration makes, as plain indexed SQL: compiling the ORM query
# costs ten times more than running it.
_CODE_TAKEN_SQL = (
    "SELECT 1 FROM registration_registration WHERE short_code = %s AND valid_until > %s LIMIT 1"
)
_BY_KEY_SQL = (
    "SELECT id FROM registration_registration WHERE submission_key = %s ORDER BY id LIMIT 1"
)


def short_code_taken(code: str, now: datetime) -> bool:
    """Whether a pass valid after ``now`` has this short code."""
    valid_after = connection.ops.adapt_datetimefield_value(now)
    return execute(_CODE_TAKEN_SQL, [code, valid_after]).fetchone() is not None


def registration_id_by_key(submission_key: str) -> int | None:
    """The key of the first registration of the form sent with ``submission_key``, if any."""
    row = execute(_BY_KEY_SQL, [submission_key]).fetchone()
    return row[0] if row else None
