"""Alerts at the checkpoint: a person or plate on an active list, or a person under an open
key-person measure, is registered or checked.

The screening and registration services call :func:`alerts_for` once the check or the
registrations are saved (one line each). It looks the identifiers up in the entries of the
lists in force (three indexed look-ups) and the person among the open key-person episodes
(one look-up by person), stores an :class:`~fangkong.intel.models.Alert` per
entry found, which flags the check or registration for the site's unit and the command
centre, and returns what the officer is shown: the reason, no more.

Nearly every person is on no list, and a registration is the hottest write there is
(registration/fastpath.py says why it is fast): so the look-ups are first asked as two short
statements on the DB-API cursor (``fangkong.core.sql.execute``), which answer with ids, and the
ORM loads entries and episodes only when there is one. Through the ORM the two look-ups cost
about as much CPU as the rest of the registration together (measured with a profile of the
form POST, 7 December 2026).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.sql import default_connection, execute
from fangkong.intel.choices import ListPurpose, ListStatus, MatchBasis
from fangkong.intel.models import Alert, ListEntry, WatchList


@dataclass(frozen=True)
class AlertNotice:
    """What the officer sees: why the person is flagged, and what to do."""

    purpose: str
    basis: str
    message: str


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _active_entry_ids(
    doc_indexes: set[str], phone_indexes: set[str], plates: set[str]
) -> list[int]:
    """The ids of the entries, on lists in force, of any of these identifiers."""
    lookups = [
        (column, sorted(values))
        for column, values in (
            ("doc_index", doc_indexes),
            ("phone_index", phone_indexes),
            ("plate", plates),
        )
        if values
    ]
    if not lookups:
        return []
    entry, watch_list = ListEntry._meta.db_table, WatchList._meta.db_table
    wanted = " OR ".join(f"e.{column} IN ({_placeholders(len(v))})" for column, v in lookups)
    # Table and column names are the models' own; every value is a parameter.
    sql = (
        f"SELECT e.id FROM {entry} e JOIN {watch_list} w ON w.id = e.watch_list_id"  # noqa: S608
        f" WHERE w.status = %s AND w.expires_on >= %s AND ({wanted})"
    )
    today = default_connection().ops.adapt_datefield_value(timezone.localdate())
    params = [ListStatus.ACTIVE.value, today, *(value for _c, v in lookups for value in v)]
    return [row[0] for row in execute(sql, params).fetchall()]


def _active_entries(doc_indexes: set[str], phone_indexes: set[str], plates: set[str]) -> Any:
    ids = _active_entry_ids(
        {v for v in doc_indexes if v}, {v for v in phone_indexes if v}, {v for v in plates if v}
    )
    if not ids:
        return []
    return ListEntry.objects.filter(pk__in=ids).select_related("watch_list").order_by("pk")


def _basis(entry: ListEntry, doc: set[str], phone: set[str], plate: set[str]) -> str:
    if entry.doc_index and entry.doc_index in doc:
        return MatchBasis.DOCUMENT
    if entry.phone_index and entry.phone_index in phone:
        return MatchBasis.PHONE
    return MatchBasis.PLATE


def _same(entry: ListEntry, doc: str, phone: str, plate: str) -> bool:
    return bool(
        (entry.doc_index and entry.doc_index == doc)
        or (entry.phone_index and entry.phone_index == phone)
        or (entry.plate and entry.plate == plate)
    )


def _notice(alert: Alert, purpose: str) -> AlertNotice:
    message = _(
        "On an active list (%(purpose)s): hold the person, keep distance, report to the duty "
        "leader and the command centre."
    )
    purpose_label = str(ListPurpose(purpose).label)
    return AlertNotice(
        purpose=purpose_label,
        basis=str(MatchBasis(alert.basis).label),
        message=message % {"purpose": purpose_label},
    )


def _open_episodes(person_ids: set[int]) -> dict[int, Any]:
    """The open key-person episode of each person (at most one each), with its category."""
    from fangkong.keypersons.choices import OPEN_STATUSES
    from fangkong.keypersons.models import KeyPerson

    if not person_ids:
        return {}
    statuses = sorted(OPEN_STATUSES)
    table = KeyPerson._meta.db_table  # the model's own; every value is a parameter
    sql = (
        f"SELECT id FROM {table}"  # noqa: S608
        f" WHERE person_id IN ({_placeholders(len(person_ids))})"
        f" AND status IN ({_placeholders(len(statuses))})"
    )
    ids = [row[0] for row in execute(sql, [*sorted(person_ids), *statuses]).fetchall()]
    if not ids:
        return {}
    rows = (
        KeyPerson.objects.filter(pk__in=ids)
        .select_related("category")
        .only("id", "person_id", "category__name")
    )
    return {kp.person_id: kp for kp in rows}


def _measure_notice(episode: Any) -> AlertNotice:
    category = str(episode.category)
    message = _(
        "Under a key-person measure (%(category)s): hold the person, keep distance, report to "
        "the duty leader and the command centre."
    )
    return AlertNotice(
        purpose=category,
        basis=str(MatchBasis.DOCUMENT.label),
        message=message % {"category": category},
    )


def _identifiers(record: Any) -> tuple[str, str, str]:
    group = getattr(record, "group", None)
    vehicle = group.vehicle if group is not None and group.vehicle_id else None
    return record.person.doc_index, record.phone_index, vehicle.plate if vehicle else ""


def alerts_for(*, check: Any = None, registrations: Iterable[Any] = ()) -> list[AlertNotice]:
    """Flag a saved check, or the registrations of one form, whose person or plate is on a
    list in force; the notices to show the officer (none for most people)."""
    records = [check] if check is not None else list(registrations)
    if not records:
        return []
    found = [_identifiers(record) for record in records]
    doc = {f[0] for f in found if f[0]}
    phone = {f[1] for f in found if f[1]}
    plate = {f[2] for f in found if f[2]}
    entries = list(_active_entries(doc, phone, plate))
    episodes = _open_episodes({record.person_id for record in records if record.person_id})
    if not entries and not episodes:
        return []
    is_check = check is not None
    pairs = [
        pair
        for record, identifiers in zip(records, found, strict=True)
        for pair in _record_alerts(
            record, identifiers, entries, episodes.get(record.person_id), is_check=is_check
        )
    ]
    Alert.objects.bulk_create([alert for alert, _notice in pairs])
    return [notice for _alert, notice in pairs]


def _record_alerts(
    record: Any,
    identifiers: tuple[str, str, str],
    entries: list[ListEntry],
    episode: Any,
    *,
    is_check: bool,
) -> Iterator[tuple[Alert, AlertNotice]]:
    """The alerts (unsaved) on one check or registration and the notices they show: one per
    list entry its document, phone or plate is on, and one for an open key-person measure."""
    d, p, v = identifiers
    for entry in entries:
        if _same(entry, d, p, v):
            alert = _alert(
                record, is_check=is_check, entry=entry, basis=_basis(entry, {d}, {p}, {v})
            )
            yield alert, _notice(alert, entry.watch_list.purpose)
    if episode is not None:
        alert = _alert(record, is_check=is_check, key_person=episode, basis=MatchBasis.DOCUMENT)
        yield alert, _measure_notice(episode)


def _alert(record: Any, *, is_check: bool, **found: Any) -> Alert:
    """An alert on a check or a registration, at its site and unit."""
    return Alert(
        screening_check=record if is_check else None,
        registration=None if is_check else record,
        site_id=record.site_id,
        unit_id=record.site.unit_id,
        **found,
    )


def alert_notices(*, check: Any) -> list[AlertNotice]:
    """The notices stored for ``check`` when it was recorded (for a retry of the same check)."""
    rows = Alert.objects.filter(screening_check=check).select_related(
        "entry__watch_list", "key_person__category"
    )
    notices = []
    for alert in rows:
        if alert.key_person is not None:
            notices.append(_measure_notice(alert.key_person))
        elif alert.entry is not None:
            notices.append(_notice(alert, alert.entry.watch_list.purpose))
    return notices
