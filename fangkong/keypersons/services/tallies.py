"""Rebuilding the command view's tallies from the episodes, for repair: the triggers
(migrations 0008_tallies, 0009_tally_triggers_per_tally) keep them on every write, but a
restore of one table without the other, triggers disabled for a bulk load, or a bug in a
trigger would leave them wrong until rebuilt. The counts here are written independently of the
triggers' statements, so that a test comparing the two checks both."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce

from fangkong.core.audit import audit_record
from fangkong.keypersons.choices import Status
from fangkong.keypersons.models import DayTally, KeyPerson, MeasureTally, StatusTally

BATCH = 2000


@dataclass(frozen=True)
class TalliesRebuilt:
    rows: int  # tally rows written (none of them 0)
    changed: int  # keys whose counts differed from what the triggers had kept, zeros aside


def _cell() -> Coalesce:
    return Coalesce("cell_id", Value(0))


def _status_counts() -> dict[tuple[Any, ...], tuple[int, ...]]:
    rows = (
        KeyPerson.objects.order_by()
        .values_list("community_id", "category_id", "measure", "status")
        .annotate(n=Count("pk"))
    )
    return {row[:4]: (row[4],) for row in rows}


def _measure_counts() -> dict[tuple[Any, ...], tuple[int, ...]]:
    rows = (
        KeyPerson.objects.filter(status=Status.ACTIVE)
        .order_by()
        .annotate(cell_or_0=_cell())
        .values_list("community_id", "cell_or_0", "start_on", "planned_end_on")
        .annotate(n=Count("pk"))
    )
    return {row[:4]: (row[4],) for row in rows}


def _day_counts() -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Per community, cell and day: the episodes whose follow-ups of their last follow-up day
    were all done, and those abnormal on their last abnormal day, each only within its
    measure."""
    active = KeyPerson.objects.filter(status=Status.ACTIVE).order_by().annotate(cell_or_0=_cell())
    done = active.filter(
        followups_that_day__gte=F("followups_per_day"),
        last_followup_on__gte=F("start_on"),
        last_followup_on__lte=F("planned_end_on"),
    ).values_list("community_id", "cell_or_0", "last_followup_on")
    abnormal = active.filter(
        Q(abnormal_on__gte=F("start_on")) & Q(abnormal_on__lte=F("planned_end_on"))
    ).values_list("community_id", "cell_or_0", "abnormal_on")
    counts: dict[tuple[Any, ...], list[int]] = {}
    for slot, rows in ((0, done), (1, abnormal)):
        for row in rows.annotate(n=Count("pk")):
            counts.setdefault(row[:3], [0, 0])[slot] = row[3]
    return {key: tuple(n) for key, n in counts.items()}


def _kept(model: type[models.Model], keys: list[str], counters: list[str]) -> dict[Any, Any]:
    rows = model._default_manager.values_list(*keys, *counters)
    return {row[: len(keys)]: row[len(keys) :] for row in rows if any(row[len(keys) :])}


TALLIES: list[tuple[type[models.Model], list[str], list[str], Any]] = [
    (StatusTally, ["community_id", "category_id", "measure", "status"], ["n"], _status_counts),
    (
        MeasureTally,
        ["community_id", "cell_id", "start_on", "planned_end_on"],
        ["n"],
        _measure_counts,
    ),
    (DayTally, ["community_id", "cell_id", "day"], ["done", "abnormal"], _day_counts),
]


def _differing(kept: dict[Any, Any], counted: dict[Any, Any]) -> int:
    return sum(1 for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key))


def _lock_episodes() -> None:
    """Hold episodes' writes (and so the triggers) off until the rebuild commits; SQLite's
    transactions take the write lock at BEGIN already (settings: ``transaction_mode``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {KeyPerson._meta.db_table} IN SHARE MODE")


def _objects(
    model: type[models.Model], keys: list[str], counters: list[str], counted: dict[Any, Any]
) -> Iterable[models.Model]:
    for key, values in counted.items():
        yield model(**dict(zip(keys, key, strict=True)), **dict(zip(counters, values, strict=True)))


@transaction.atomic
def tallies_rebuild(*, actor: Any = None) -> TalliesRebuilt:
    """Count the tallies afresh from the episodes and replace them, dropping the rows fallen
    to 0; say how many keys the triggers had got wrong."""
    _lock_episodes()
    rows = changed = 0
    for model, keys, counters, count in TALLIES:
        kept, counted = _kept(model, keys, counters), count()
        changed += _differing(kept, counted)
        model._default_manager.all().delete()
        model._default_manager.bulk_create(
            _objects(model, keys, counters, counted), batch_size=BATCH
        )
        rows += len(counted)
    audit_record(
        actor=actor, action="keyperson.tallies_rebuild", extra={"rows": rows, "changed": changed}
    )
    return TalliesRebuilt(rows=rows, changed=changed)
