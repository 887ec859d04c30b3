"""INSERT ... RETURNING with the SQL built once per process, for the registration hot path.

Building an INSERT through the ORM's query compiler costs several times more than running it
on SQLite, and every registration inserts into four tables. This helper builds the statement
once per (model, conflict target, updated columns) and prepares each value exactly as the ORM
does (``pre_save`` then ``get_db_prep_save``: defaults, ``auto_now_add``, the blind indexes,
encryption, JSON), so the rows are the ones ``bulk_create`` would write.

Statements run on the DB-API cursor (``fangkong.core.sql.execute``), not Django's cursor
wrapper, whose bookkeeping costs more than running a short statement on SQLite.

The returned ids come back in input order, the assumption ``bulk_create`` makes on the same
databases (SQLite 3.35+ and PostgreSQL). Signals are not sent, as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models

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
        columns = [model._meta.get_field(name).column for name in update]
        assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns)
        conflict_column = quote(model._meta.get_field(conflict).column)
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
