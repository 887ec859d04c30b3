"""Tracing a case's contacts in the database.

The case's whereabouts (its checks and registrations, or its vehicle's passages) are written
as :class:`~fangkong.intel.models.TraceEvent` rows, each with the window around its moment;
each kind of contact is then one ``INSERT … SELECT`` joining those events to the checks and
registrations on the indexes they already have ((site, time), travel group, vehicle). A
contact is stored once per trace (the first reason found wins, in the order of ``_CONTACTS``):
same travel group, same site or community gate within the window, same vehicle on other days,
same train or flight. The second degree repeats the same joins from the first-degree contacts'
own whereabouts, within bounds (see :func:`_second_degree_run`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.identity import document_index
from fangkong.intel import closeness, presenters, selectors
from fangkong.intel.choices import CaseKind, ListStatus
from fangkong.intel.models import ListEntry, Trace, TraceContact, TraceEvent
from fangkong.intel.permissions import can_work_intel
from fangkong.lib import documents
from fangkong.lib import plate as plates
from fangkong.org.models import Unit
from fangkong.registration.choices import DocumentType
from fangkong.registration.models import Person, Registration, TravelGroup
from fangkong.screening.models import Check

DEFAULT_WINDOW = 30
MAX_WINDOW = 24 * 60
DEFAULT_DAYS = 14
MAX_DAYS = 60

_INSERT = """INSERT INTO intel_tracecontact
    (trace_id, degree, person_id, reason, via_id, site_id, at, plate, train)
    SELECT %s, %s, q.* FROM ({select}) q WHERE q.person_id <> %s
    ON CONFLICT DO NOTHING"""
# The site's kind is looked up per contact rather than joined: a join on the event's site
# lets PostgreSQL (which thinks a fresh trace has one event) reach the checks through that
# site alone and filter its whole history by the window, instead of searching the
# (site, time) index by both.
_GATE = """CASE WHEN (SELECT s.kind FROM sites_site s WHERE s.id = ev.site_id) = 'community_gate'
        THEN 'same_gate' ELSE 'same_site' END"""
# Each select names its columns and leaves a ``{gap}`` slot: empty at the first degree, where
# ``_INSERT`` takes ``q.*``, and the contact's distance in time from the event at the second,
# which orders the rows that a bound keeps (see ``_FOLLOW``).
_CONTACTS = (
    """SELECT r.person_id AS person_id, 'same_group' AS reason,
        ev.person_id AS via_id, r.site_id AS site_id, r.created_at AS at,
        COALESCE(v.plate, '') AS plate, '' AS train{gap}
    FROM intel_traceevent ev
    JOIN registration_registration r ON r.group_id = ev.group_id_ref
    LEFT JOIN registration_vehicle v ON v.id = ev.vehicle_id
    WHERE ev.trace_id = %s AND ev.degree = %s AND ev.group_id_ref IS NOT NULL""",
    f"""SELECT c.person_id AS person_id, {_GATE} AS reason,
        ev.person_id AS via_id, c.site_id AS site_id, c.checked_at AS at,
        '' AS plate, '' AS train{{gap}}
    FROM intel_traceevent ev
    JOIN screening_check c ON c.site_id = ev.site_id AND c.checked_at BETWEEN ev.lo AND ev.hi
    WHERE ev.trace_id = %s AND ev.degree = %s""",  # noqa: S608 - constants only
    f"""SELECT r.person_id AS person_id, {_GATE} AS reason,
        ev.person_id AS via_id, r.site_id AS site_id, r.created_at AS at,
        '' AS plate, '' AS train{{gap}}
    FROM intel_traceevent ev
    JOIN registration_registration r
      ON r.site_id = ev.site_id AND r.created_at BETWEEN ev.lo AND ev.hi
    WHERE ev.trace_id = %s AND ev.degree = %s""",  # noqa: S608 - constants only
    """SELECT r.person_id AS person_id, 'same_vehicle' AS reason,
        ev.person_id AS via_id, r.site_id AS site_id, r.created_at AS at,
        v.plate AS plate, '' AS train{gap}
    FROM intel_traceevent ev
    JOIN registration_vehicle v ON v.id = ev.vehicle_id
    JOIN registration_travelgroup g ON g.vehicle_id = ev.vehicle_id AND g.id <> ev.group_id_ref
    JOIN registration_registration r ON r.group_id = g.id
    WHERE ev.trace_id = %s AND ev.degree = %s""",
)
# The contacts of one followed first-degree contact, nearest in time first, at most as many as
# there is still room for. The bound is a LIMIT, so it must come after an ORDER BY over rows
# that are few: the join here is one person's whereabouts and the window around each, not the
# whole second degree, and its order (distance in time, then person) decides which contacts a
# cut keeps, the same on SQLite and PostgreSQL. Persons already stored are left out first, so
# that they take no room; the case itself is never its own contact.
_FOLLOW = """INSERT INTO intel_tracecontact
    (trace_id, degree, person_id, reason, via_id, site_id, at, plate, train)
    SELECT %s, 2, q.person_id, q.reason, q.via_id, q.site_id, q.at, q.plate, q.train
    FROM ({select} AND ev.person_id = %s) q
    WHERE q.person_id <> %s AND NOT EXISTS (
        SELECT 1 FROM intel_tracecontact t WHERE t.trace_id = %s AND t.person_id = q.person_id)
    ORDER BY q.gap, q.person_id
    LIMIT %s
    ON CONFLICT DO NOTHING"""
# Only the order of the gaps counts, so each database measures them its own way.
_GAP = {
    "postgresql": ", ABS(EXTRACT(EPOCH FROM ({at} - ev.at))) AS gap",
    "sqlite": ", ABS(julianday({at}) - julianday(ev.at)) AS gap",
}
_CONTACT_TIMES = ("r.created_at", "c.checked_at", "r.created_at", "r.created_at")
_TRAIN = """SELECT p.id AS person_id, 'same_train', CAST(%s AS BIGINT), CAST(NULL AS BIGINT),
        CAST(NULL AS TIMESTAMP), '', e.train
    FROM intel_listentry e
    JOIN intel_watchlist w ON w.id = e.watch_list_id
    JOIN registration_person p ON p.doc_index = e.doc_index
    WHERE e.train = %s AND e.travel_date = %s AND e.doc_index <> '' AND w.status = %s"""

Progress = Callable[[float], None]


def _person_by_document(errors: FieldErrors, number: str) -> Person | None:
    try:
        number = documents.validate_document(DocumentType.RESIDENT_ID, number[:40])
    except documents.DocumentError as exc:
        errors.add("doc_number", _("This is not a valid resident ID number."), exc.code)
        return None
    key = document_index(DocumentType.RESIDENT_ID, number)
    person = Person.objects.filter(doc_index=key).first()
    if person is None:
        errors.add("doc_number", _("No record holds this document number."), "person_unknown")
    return person


def _clean_case(errors: FieldErrors, case_kind: str, case: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if case_kind == CaseKind.PERSON:
        out["person"] = _person_by_document(errors, str(case.get("doc_number") or ""))
    elif case_kind == CaseKind.PLATE:
        try:
            out["plate"] = plates.normalize_plate(case.get("plate") or "")
        except plates.PlateError:
            errors.add("plate", _("This is not a licence plate."), "plate_invalid")
    elif case_kind == CaseKind.TRAIN:
        train = " ".join((case.get("train") or "").split()).upper()
        if not train or len(train) > 12:
            errors.add("train", _("Give the train or flight number."), "required")
        if not isinstance(case.get("travel_date"), date):
            errors.add("travel_date", _("Give the date of travel."), "required")
        out.update(
            train=train, seat=(case.get("seat") or "")[:12], travel_date=case.get("travel_date")
        )
    else:
        errors.add("case_kind", _("Choose one of the listed values."), "invalid_choice")
    return out


def trace_start(
    *,
    actor: Any,
    unit: Unit,
    case_kind: str,
    case: dict[str, Any],
    window_minutes: int = DEFAULT_WINDOW,
    days: int = DEFAULT_DAYS,
    second_degree: bool = False,
) -> Trace:
    """Record a trace from a case and start the job that finds its contacts."""
    from fangkong.jobs.services import job_start

    if not can_work_intel(actor, unit):
        raise PermissionDeniedError(_("You cannot trace for this unit."))
    errors = FieldErrors()
    fields = _clean_case(errors, case_kind, case)
    if not 1 <= window_minutes <= MAX_WINDOW:
        errors.add("window_minutes", _("Between 1 and 1440 minutes."), "window_invalid")
    if not 1 <= days <= MAX_DAYS:
        errors.add("days", _("Between 1 and 60 days."), "days_invalid")
    errors.raise_if_any()
    with transaction.atomic():
        trace = Trace.objects.create(
            case_kind=case_kind,
            since=timezone.now() - timedelta(days=days),
            window_minutes=window_minutes,
            second_degree=second_degree,
            unit=unit,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **fields,
        )
        audit_record(actor=actor, action="intel.trace_start", target=trace)
        job_start(actor=actor, kind="intel.trace", params={"trace_id": trace.pk}, unit=unit)
    return trace


def _whereabouts(trace: Trace, person_ids: list[int]) -> list[tuple[Any, ...]]:
    """The persons' checks and registrations since the trace's start, as
    ``(person, site, time, travel group, vehicle)``."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        rows += Check.objects.filter(person_id__in=chunk, checked_at__gte=trace.since).values_list(
            "person_id", "site_id", "checked_at", "group_id", "group__vehicle_id"
        )
        rows += Registration.objects.filter(
            person_id__in=chunk, created_at__gte=trace.since
        ).values_list("person_id", "site_id", "created_at", "group_id", "group__vehicle_id")
    return rows


def _events_of(trace: Trace, rows: list[tuple[Any, ...]], degree: int) -> list[TraceEvent]:
    window = timedelta(minutes=trace.window_minutes)
    return [
        TraceEvent(trace=trace, degree=degree, person_id=person, site_id=site, at=at,
                   lo=at - window, hi=at + window, group_id_ref=group, vehicle_id=vehicle)
        for person, site, at, group, vehicle in rows
    ]  # fmt: skip


def _events_of_persons(trace: Trace, person_ids: list[int], degree: int) -> list[TraceEvent]:
    return _events_of(trace, _whereabouts(trace, person_ids), degree)


_GROUP_COLUMNS = ("id", "site_id", "created_at", "vehicle_id")


def _events_of_plate(trace: Trace) -> list[TraceEvent]:
    window = timedelta(minutes=trace.window_minutes)
    groups = TravelGroup.objects.filter(vehicle__plate=trace.plate, created_at__gte=trace.since)
    return [
        TraceEvent(trace=trace, degree=1, person=None, site_id=site, at=at, lo=at - window,
                   hi=at + window, group_id_ref=group, vehicle_id=vehicle)
        for group, site, at, vehicle in groups.values_list(*_GROUP_COLUMNS)
    ]  # fmt: skip


def _trains_of(trace: Trace) -> list[tuple[str, date]]:
    if trace.case_kind == CaseKind.TRAIN:
        # trace_start requires the date of a train case; without one nothing travelled with it.
        return [(trace.train, trace.travel_date)] if trace.travel_date is not None else []
    if trace.person is None:
        return []
    own = ListEntry.objects.filter(
        doc_index=trace.person.doc_index, watch_list__status=ListStatus.ACTIVE
    ).exclude(train="")
    dated = own.exclude(travel_date=None).values_list("train", "travel_date")
    # The ORM types the date as nullable; the entries without one are excluded above.
    return sorted(set(cast("QuerySet[ListEntry, tuple[str, date]]", dated)))


def _contacts_insert(trace: Trace, degree: int) -> None:
    case_person = trace.person_id or 0
    with connection.cursor() as cursor:
        for select in _CONTACTS:
            sql = _INSERT.format(select=select.format(gap=""))
            cursor.execute(sql, [trace.pk, degree, trace.pk, degree, case_person])
        if degree == 1:
            for train, day in _trains_of(trace):
                sql = _INSERT.format(select=_TRAIN)
                params = [trace.pk, 1, trace.person_id, train, day, ListStatus.ACTIVE, case_person]
                cursor.execute(sql, params)


def _follow_insert(trace: Trace, person: int, room: int) -> int:
    """Store up to ``room`` contacts of one followed first-degree contact (its events are
    stored); the number stored."""
    gap = _GAP[connection.vendor]
    stored = 0
    with connection.cursor() as cursor:
        for select, at in zip(_CONTACTS, _CONTACT_TIMES, strict=True):
            if stored >= room:
                break
            sql = _FOLLOW.format(select=select.format(gap=gap.format(at=at)))
            params = [trace.pk, trace.pk, 2, person, trace.person_id or 0, trace.pk, room - stored]
            cursor.execute(sql, params)
            stored += max(cursor.rowcount, 0)
    return stored


def _second_degree_run(trace: Trace) -> bool:
    """Trace the contacts of the first-degree contacts, nearest to the case first, until
    ``settings.TRACE_FOLLOW`` of them are followed or ``TRACE_SECOND_DEGREE_MAX`` contacts are
    stored; whether that left any first-degree contact unfollowed or hit the maximum.

    Unbounded, a case at a busy checkpoint has about a thousand contacts and they have
    millions: a list nobody can work through, made by joins that take minutes. Following them
    one by one keeps each join to one person's whereabouts, and stops the work where the
    list is full.
    """
    first = list(trace.contacts.filter(degree=1).values_list("person_id", flat=True))
    rows = _whereabouts(trace, first)
    case = [
        closeness.Place(site, at, group)
        for site, at, group in trace.events.filter(degree=1).values_list(
            "site_id", "at", "group_id_ref"
        )
    ]
    places = [(row[0], closeness.Place(row[1], row[2], row[3])) for row in rows]
    rows_of: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        rows_of[row[0]].append(row)
    room = settings.TRACE_SECOND_DEGREE_MAX
    followed: list[int] = []
    for person in closeness.closest_first(case, places, first)[: settings.TRACE_FOLLOW]:
        if room <= 0:
            break
        TraceEvent.objects.bulk_create(_events_of(trace, rows_of[person], 2))
        room -= _follow_insert(trace, person, room)
        followed.append(person)
    for start in range(0, len(followed), 500):
        chunk = followed[start : start + 500]
        trace.contacts.filter(degree=1, person_id__in=chunk).update(followed=True)
    return len(followed) < len(first) or room <= 0


def trace_run(*, trace: Trace, progress: Progress | None = None) -> int:
    """Find the case's contacts (and theirs, if asked); the number of contacts."""
    with transaction.atomic():
        trace.events.all().delete()
        trace.contacts.all().delete()
        if trace.case_kind == CaseKind.PERSON and trace.person_id:
            events = _events_of_persons(trace, [trace.person_id], 1)
        elif trace.case_kind == CaseKind.PLATE:
            events = _events_of_plate(trace)
        else:
            events = []
        TraceEvent.objects.bulk_create(events)
        _contacts_insert(trace, 1)
    if progress is not None:
        progress(50)
    trace.second_degree_cut = False
    if trace.second_degree:
        with transaction.atomic():
            trace.second_degree_cut = _second_degree_run(trace)
    trace.done = True
    trace.save(update_fields=["done", "second_degree_cut"])
    count = TraceContact.objects.filter(trace=trace).count()
    audit_record(
        actor=trace.created_by, action="intel.trace_run", target=trace, extra={"contacts": count}
    )
    if progress is not None:
        progress(100)
    return count


def trace_events_public(trace: Trace) -> list[dict[str, Any]]:
    """The case's whereabouts as a notice may publish them: time, place, plate, train."""
    rows = trace.events.filter(degree=1).select_related("site", "vehicle").order_by("at")
    out = [
        {
            "at": ev.at,
            "site": ev.site.name,
            "address": ev.site.address,
            "plate": ev.vehicle.plate if ev.vehicle else "",
        }
        for ev in rows
    ]
    for train, day in _trains_of(trace):
        out.append({"at": None, "day": day, "site": "", "address": "", "plate": "", "train": train})
    return out


# -- reading and exporting a trace's contacts ------------------------------------------------


def trace_view(*, actor: Any, trace: Trace, ip: str | None = None) -> QuerySet[TraceContact]:
    """The trace's contacts that ``actor`` may see, for its page; the view is audited as
    ``intel.trace_view``."""
    contacts = selectors.contact_list(user=actor, trace=trace)
    audit_record(actor=actor, action="intel.trace_view", target=trace, ip=ip)
    return contacts


def trace_export(*, actor: Any, trace: Trace, reason: str, ip: str | None = None) -> bytes:
    """The trace's contacts that ``actor`` may see as an Excel workbook, audited as
    ``intel.trace_export`` with the reason and the number of contacts."""
    contacts = selectors.contact_list(user=actor, trace=trace)
    content = presenters.contacts_workbook(trace, contacts)
    audit_record(
        actor=actor,
        action="intel.trace_export",
        target=trace,
        reason=reason,
        ip=ip,
        extra={"contacts": contacts.count()},
    )
    return content
