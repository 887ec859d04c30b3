"""The sums of the ledger: each location's stock of each item, each store's stock of each
batch, and each location's day of each item.

**Same transaction as the movement.** The services add every movement's effect in the
transaction that writes it, with one ``INSERT … ON CONFLICT … DO UPDATE SET quantity =
quantity + excluded.quantity`` per table (SQLite ≥ 3.24 and PostgreSQL both accept it), as the
command centre's rollups do (``command/rollups.py``): so the sums are exact at once and cannot
drift from the ledger, a rolled-back movement takes its sums with it, and reading
days-of-stock-left never touches a year of movements. :func:`rebuild` recomputes them all
from the ledger with GROUP BY, and a test checks that both ways agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When

from fangkong.supplies import ledger
from fangkong.supplies.choices import LocationKind, MovementKind
from fangkong.supplies.models import BatchLevel, Location, Movement, StockDay, StockLevel


def _sql(table: str, keys: tuple[str, ...], columns: tuple[str, ...], also: str = "") -> str:
    """An upsert adding ``columns`` to the row of ``keys``; ``also`` is a column set only
    when the row is made."""
    names = ", ".join((*keys, *([also] if also else []), *columns))
    placeholders = ", ".join(["%s"] * (len(keys) + bool(also) + len(columns)))
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    # Table and column names come from the models, never from input.
    return (
        f"INSERT INTO {table} ({names}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


_LEVEL = StockLevel._meta.db_table
_BATCH = BatchLevel._meta.db_table
_DAY = StockDay._meta.db_table


def apply(movements: Iterable[Movement], stores: set[int]) -> None:
    """Add ``movements`` to the sums; ``stores`` are the ids of their locations that are
    stores (only stores keep stock by batch)."""
    levels: Counter[tuple[int, int]] = Counter()
    batches: Counter[tuple[int, int, int]] = Counter()
    days: dict[tuple[int, int, date], list[int]] = {}
    for m in movements:
        levels[(m.location_id, m.item_id)] += m.quantity
        if m.batch_id is not None and m.location_id in stores:
            batches[(m.location_id, m.batch_id, m.item_id)] += m.quantity
        effect = ledger.day_effect(m.kind, m.quantity, at_post=m.location_id not in stores)
        sums = days.setdefault((m.location_id, m.item_id, m.day), [0, 0, 0])
        sums[0] += effect.received
        sums[1] += effect.consumed
        sums[2] += effect.net
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            _sql(_LEVEL, ("location_id", "item_id"), ("quantity",)),
            [[loc, item, q] for (loc, item), q in levels.items()],
        )
        if batches:
            cursor.executemany(
                _sql(_BATCH, ("location_id", "batch_id"), ("quantity",), also="item_id"),
                [[loc, batch, item, q] for (loc, batch, item), q in batches.items()],
            )
        cursor.executemany(
            _sql(_DAY, ("location_id", "item_id", "day"), ("received", "consumed", "net")),
            [[loc, item, adapt(day), *sums] for (loc, item, day), sums in days.items()],
        )


def _consumed() -> Sum:
    """``ledger.day_effect``'s consumption, in SQL."""
    outflow = Q(quantity__lt=0) & (
        Q(kind__in=[MovementKind.ISSUED, MovementKind.TRANSFERRED, MovementKind.USED])
        | Q(kind=MovementKind.COUNTED, location__kind=LocationKind.POST)
    )
    return Sum(
        Case(When(outflow, then=-F("quantity")), default=Value(0)), output_field=IntegerField()
    )


def _received() -> Sum:
    inflow = Q(quantity__gt=0) & Q(
        kind__in=[MovementKind.RECEIVED, MovementKind.ISSUED, MovementKind.TRANSFERRED]
    )
    return Sum(
        Case(When(inflow, then=F("quantity")), default=Value(0)), output_field=IntegerField()
    )


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recompute every sum from the ledger."""
    StockLevel.objects.all().delete()
    BatchLevel.objects.all().delete()
    StockDay.objects.all().delete()
    levels = Movement.objects.values("location_id", "item_id").annotate(q=Sum("quantity"))
    StockLevel.objects.bulk_create(
        StockLevel(location_id=r["location_id"], item_id=r["item_id"], quantity=r["q"])
        for r in levels.order_by()
    )
    stores = Location.objects.filter(kind=LocationKind.STORE).values("pk")
    batches = (
        Movement.objects.filter(location__in=stores, batch__isnull=False)
        .values("location_id", "batch_id", "item_id")
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    BatchLevel.objects.bulk_create(
        BatchLevel(
            location_id=r["location_id"],
            batch_id=r["batch_id"],
            item_id=r["item_id"],
            quantity=r["q"],
        )
        for r in batches
    )
    days = (
        Movement.objects.values("location_id", "item_id", "day")
        .annotate(received=_received(), consumed=_consumed(), net=Sum("quantity"))
        .order_by()
    )
    StockDay.objects.bulk_create(
        (
            StockDay(
                location_id=r["location_id"],
                item_id=r["item_id"],
                day=r["day"],
                received=r["received"],
                consumed=r["consumed"],
                net=r["net"],
            )
            for r in days
        ),
        batch_size=1000,
    )
    return {
        "levels": StockLevel.objects.count(),
        "batches": BatchLevel.objects.count(),
        "days": StockDay.objects.count(),
    }
