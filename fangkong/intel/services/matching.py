"""Matching a list against everything we hold, in the database.

Each source is one ``INSERT … SELECT`` joining the list's entries to a table on a blind index
(document, phone) or a plate, so a list of 100,000 against millions of registrations is a few
index-driven joins, never a Python loop. A match is stored once per entry and record (the
unique constraint and ``ON CONFLICT DO NOTHING``): the first source to find it gives its
basis, exact sources before candidate ones.

A site is joined as ``s.id = +r.site_id``: the unary plus keeps SQLite from reaching the
records through their site index (which, where most rows have no phone, it would otherwise
prefer to the phone index); PostgreSQL's planner is unaffected. Where checks mostly carry no
phone, SQLite's statistics make their phone index look useless: ``CROSS JOIN`` (kept in the
order written by SQLite, planned as any join by PostgreSQL) has it probe them by phone.

Other apps add their records (key persons, grid residents) with :func:`register_source`: a
``SELECT`` of ``entry_id, record_id, person_id, site_id, unit_id, seen_at`` from the list's
entries ``e`` with ``e.watch_list_id = %s``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.intel.choices import COUNTED, MatchBasis, MatchKind, MatchStatus, RecordType
from fangkong.intel.models import Match, MatchTask, WatchList
from fangkong.intel.permissions import can_work_intel

TASK_HOURS = 24


@dataclass(frozen=True)
class Source:
    record_type: str
    basis: str
    kind: str
    select: str


# The entries' persons, found once a run by :func:`entry_persons_find`.
_PERSON_DOC = """FROM intel_listentry e
JOIN registration_person p ON p.id = e.person_id"""
_NEAR_PLATE = " + ".join(
    f"CASE WHEN substr(v.plate, {i}, 1) <> substr(e.plate, {i}, 1) THEN 1 ELSE 0 END"
    for i in range(3, 9)
)

SOURCES: list[Source] = [
    Source(
        RecordType.REGISTRATION,
        MatchBasis.DOCUMENT,
        MatchKind.EXACT,
        f"""SELECT e.id, r.id, p.id, r.site_id, s.unit_id, r.created_at {_PERSON_DOC}
        JOIN registration_registration r ON r.person_id = p.id
        JOIN sites_site s ON s.id = +r.site_id
        WHERE e.watch_list_id = %s AND e.person_id IS NOT NULL""",
    ),
    Source(
        RecordType.CHECK,
        MatchBasis.DOCUMENT,
        MatchKind.EXACT,
        f"""SELECT e.id, c.id, p.id, c.site_id, s.unit_id, c.checked_at {_PERSON_DOC}
        JOIN screening_check c ON c.person_id = p.id
        JOIN sites_site s ON s.id = +c.site_id
        WHERE e.watch_list_id = %s AND e.person_id IS NOT NULL""",
    ),
    Source(
        RecordType.VEHICLE_PASS,
        MatchBasis.DOCUMENT,
        MatchKind.EXACT,
        f"""SELECT e.id, vp.id, p.id, CAST(NULL AS BIGINT), vp.unit_id, vp.created_at {_PERSON_DOC}
        JOIN screening_vehiclepassdriver d ON d.person_id = p.id
        JOIN screening_vehiclepass vp ON vp.id = d.vehicle_pass_id
        WHERE e.watch_list_id = %s AND e.person_id IS NOT NULL""",
    ),
    Source(
        RecordType.REGISTRATION,
        MatchBasis.PHONE,
        MatchKind.EXACT,
        """SELECT e.id, r.id, r.person_id, r.site_id, s.unit_id, r.created_at
        FROM intel_listentry e
        JOIN registration_registration r ON r.phone_index = e.phone_index
        JOIN sites_site s ON s.id = +r.site_id
        WHERE e.watch_list_id = %s AND e.phone_index <> ''""",
    ),
    Source(
        RecordType.CHECK,
        MatchBasis.PHONE,
        MatchKind.EXACT,
        """SELECT e.id, c.id, c.person_id, c.site_id, s.unit_id, c.checked_at
        FROM intel_listentry e
        CROSS JOIN screening_check c
        JOIN sites_site s ON s.id = +c.site_id
        WHERE e.watch_list_id = %s AND e.phone_index <> '' AND c.phone_index = e.phone_index""",
    ),
    Source(
        RecordType.VEHICLE_PASS,
        MatchBasis.PHONE,
        MatchKind.EXACT,
        """SELECT e.id, vp.id, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), vp.unit_id, vp.created_at
        FROM intel_listentry e
        JOIN screening_vehiclepass vp ON vp.contact_phone_index = e.phone_index
        WHERE e.watch_list_id = %s AND e.phone_index <> ''""",
    ),
    Source(
        RecordType.TRAVEL_GROUP,
        MatchBasis.PLATE,
        MatchKind.EXACT,
        """SELECT e.id, g.id, CAST(NULL AS BIGINT), g.site_id, s.unit_id, g.created_at
        FROM intel_listentry e
        JOIN registration_vehicle v ON v.plate = e.plate
        JOIN registration_travelgroup g ON g.vehicle_id = v.id
        JOIN sites_site s ON s.id = +g.site_id
        WHERE e.watch_list_id = %s AND e.plate <> ''""",
    ),
    Source(
        RecordType.VEHICLE_PASS,
        MatchBasis.PLATE,
        MatchKind.EXACT,
        """SELECT e.id, vp.id, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), vp.unit_id, vp.created_at
        FROM intel_listentry e
        JOIN screening_vehiclepass vp ON vp.plate = e.plate
        WHERE e.watch_list_id = %s AND e.plate <> ''""",
    ),
    # Candidates: never counted until a person confirms them.
    Source(
        RecordType.REGISTRATION,
        MatchBasis.NAME_BIRTH_PHONE,
        MatchKind.CANDIDATE,
        """SELECT e.id, r.id, p.id, r.site_id, s.unit_id, r.created_at
        FROM intel_listentry e
        JOIN registration_registration r
          ON r.name_index = e.name_index AND r.phone_tail = e.phone_tail
        JOIN registration_person p ON p.id = r.person_id AND p.birth_index = e.birth_index
        JOIN sites_site s ON s.id = +r.site_id
        WHERE e.watch_list_id = %s AND e.name_index <> '' AND e.birth_index <> ''
          AND e.phone_tail <> ''""",
    ),
    Source(
        RecordType.TRAVEL_GROUP,
        MatchBasis.PLATE_NEAR,
        MatchKind.CANDIDATE,
        f"""SELECT e.id, g.id, CAST(NULL AS BIGINT), g.site_id, s.unit_id, g.created_at
        FROM intel_listentry e
        JOIN registration_vehicle v
          ON length(v.plate) = length(e.plate) AND substr(v.plate, 1, 2) = substr(e.plate, 1, 2)
          AND v.plate <> e.plate AND ({_NEAR_PLATE}) = 1
        JOIN registration_travelgroup g ON g.vehicle_id = v.id
        JOIN sites_site s ON s.id = +g.site_id
        WHERE e.watch_list_id = %s AND e.plate <> ''
          AND NOT EXISTS (SELECT 1 FROM registration_vehicle x WHERE x.plate = e.plate)""",  # noqa: S608
    ),
]
# Key persons and grid residents (built in their own apps) join here with register_source.
_extra_sources: list[Source] = []


def register_source(source: Source) -> None:
    _extra_sources.append(source)


def sources() -> list[Source]:
    exact = [s for s in (*SOURCES, *_extra_sources) if s.kind == MatchKind.EXACT]
    return exact + [s for s in (*SOURCES, *_extra_sources) if s.kind != MatchKind.EXACT]


def insert_sql(source: Source) -> str:
    status = MatchStatus.MATCHED if source.kind == MatchKind.EXACT else MatchStatus.PENDING
    return f"""INSERT INTO intel_match
        (watch_list_id, kind, basis, record_type, status,
         entry_id, record_id, person_id, site_id, unit_id, seen_at)
        SELECT %s, '{source.kind}', '{source.basis}', '{source.record_type}', '{status}', q.*
        FROM ({source.select}) q WHERE 1 = 1
        ON CONFLICT DO NOTHING"""  # noqa: S608 - constants only, values are parameters


def _tasks_dispatch(watch_list_id: int, *, statuses: tuple[str, ...], match_ids: Any = None) -> int:
    """One task per entry and unit among the counted matches, to acknowledge by a deadline."""
    now = timezone.now()
    deadline = now + timedelta(hours=TASK_HOURS)
    marks = ", ".join(["%s"] * len(statuses))
    where = f"m.watch_list_id = %s AND m.status IN ({marks})"
    params: list[Any] = [watch_list_id, deadline, now, watch_list_id, *statuses]
    if match_ids is not None:
        where += f" AND m.id IN ({', '.join(['%s'] * len(match_ids))})"
        params.extend(match_ids)
    sql = f"""INSERT INTO intel_matchtask (watch_list_id, entry_id, unit_id, deadline, created_at)
        SELECT DISTINCT %s, m.entry_id, m.unit_id, %s, %s FROM intel_match m WHERE {where}
        ON CONFLICT DO NOTHING"""  # noqa: S608 - placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# The persons a match names: its own person, or for a plate or phone found on a travel group
# or a pass (no person of its own), the group's registrants and the pass's drivers. The
# ``CROSS JOIN`` keeps SQLite going from the list's matches to the registrations: where
# few registrations are in a group, its statistics make the group index look useless and
# it would scan every registration, searching the matches for each.
_MATCH_PERSONS = """SELECT m.id, m.record_type, m.record_id, m.person_id, m.site_id, m.seen_at,
        m.unit_id
    FROM intel_match m WHERE {where} AND m.person_id IS NOT NULL
    UNION ALL
    SELECT m.id, m.record_type, m.record_id, r.person_id, m.site_id, m.seen_at, m.unit_id
    FROM intel_match m CROSS JOIN registration_registration r
    WHERE {where} AND m.person_id IS NULL AND m.record_type = 'travel_group'
      AND r.group_id = m.record_id
    UNION ALL
    SELECT m.id, m.record_type, m.record_id, d.person_id, m.site_id, m.seen_at, m.unit_id
    FROM intel_match m CROSS JOIN screening_vehiclepassdriver d
    WHERE {where} AND m.person_id IS NULL AND m.record_type = 'vehicle_pass'
      AND d.vehicle_pass_id = m.record_id"""
# Which record a person's candidate points to when the list found them in several: what an
# officer saw first, then what they declared, then what the grid holds.
_SOURCE_ORDER = ("check", "registration", "travel_group", "vehicle_pass", "resident", "key_person")
_RANK = " ".join(f"WHEN '{kind}' THEN {i}" for i, kind in enumerate(_SOURCE_ORDER))


def _candidates_propose(
    watch_list_id: int, *, statuses: tuple[str, ...], match_ids: Any = None
) -> int:
    """A key-person candidate (the review queue of the units above the record's unit) for
    each person a counted match names, on whatever record, unless they are under an open
    measure or waiting in the queue already: nobody becomes a key person from a list
    without a reviewer taking them on. One candidate per person, pointing to the first of
    their records in ``_SOURCE_ORDER``; only the person's id is copied, so the list never
    changes a person or the record it matched."""
    from fangkong.keypersons.choices import OPEN_STATUSES, CandidateOutcome, CandidateStatus

    where = f"m.watch_list_id = %s AND m.status IN ({', '.join(['%s'] * len(statuses))})"
    where_params: list[Any] = [watch_list_id, *statuses]
    if match_ids is not None:
        where += f" AND m.id IN ({', '.join(['%s'] * len(match_ids))})"
        where_params.extend(match_ids)
    opened = ", ".join(["%s"] * len(OPEN_STATUSES))
    sql = f"""INSERT INTO keypersons_candidate
        (check_record_id, source_kind, source_id, person_id, site_id, seen_at, outcome,
         unit_path, status, created_at, reason)
        SELECT CASE WHEN q.record_type = 'check' THEN q.record_id END, q.record_type,
            q.record_id, q.person_id, q.site_id, q.seen_at, %s, u.path, %s, %s, ''
        FROM (SELECT mp.*, ROW_NUMBER() OVER (
                PARTITION BY mp.person_id
                ORDER BY CASE mp.record_type {_RANK} ELSE 9 END, mp.id) AS n
              FROM ({_MATCH_PERSONS.format(where=where)}) mp) q
        CROSS JOIN org_unit u
        WHERE q.n = 1 AND u.id = q.unit_id
          AND NOT EXISTS (SELECT 1 FROM keypersons_keyperson k
                          WHERE k.person_id = q.person_id AND k.status IN ({opened}))
          AND NOT EXISTS (SELECT 1 FROM keypersons_candidate c
                          WHERE c.person_id = q.person_id AND c.status = %s)
        ON CONFLICT DO NOTHING"""  # noqa: S608 - constants and placeholders only
    params: list[Any] = [
        CandidateOutcome.LIST_MATCH, CandidateStatus.PENDING, timezone.now(),
        *where_params * 3, *sorted(OPEN_STATUSES), CandidateStatus.PENDING,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


_PERSONS_CLEAR = """UPDATE intel_listentry SET person_id = NULL
    WHERE watch_list_id = %s AND person_id IS NOT NULL"""
_PERSONS_FIND = """UPDATE intel_listentry SET person_id = p.id
    FROM registration_person p
    WHERE intel_listentry.watch_list_id = %s AND intel_listentry.doc_index <> ''
      AND p.doc_index = intel_listentry.doc_index"""


def entry_persons_find(watch_list_id: int) -> int:
    """Set each entry's person from its document, as the persons stand now: one look-up of
    the person index per entry for the whole run. Every document source then starts from
    the few entries that name someone we hold, instead of repeating the look-up for all of
    them (a 100,000-row list made five sources probe the person index 100,000 times each).
    The number of entries that name a person."""
    with connection.cursor() as cursor:
        cursor.execute(_PERSONS_CLEAR, [watch_list_id])
        cursor.execute(_PERSONS_FIND, [watch_list_id])
        return max(cursor.rowcount, 0)


def match_run(*, watch_list: WatchList) -> dict[str, int]:
    """Match the list against every source; exact matches are dispatched as tasks, and the
    persons they name proposed as key-person candidates."""
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        entry_persons_find(watch_list.pk)
        for source in sources():
            cursor.execute(insert_sql(source), [watch_list.pk, watch_list.pk])
            key = f"{source.kind}.{source.basis}.{source.record_type}"
            counts[key] = max(cursor.rowcount, 0)
        counts["tasks"] = _tasks_dispatch(watch_list.pk, statuses=(MatchStatus.MATCHED,))
        counts["candidates"] = _candidates_propose(watch_list.pk, statuses=(MatchStatus.MATCHED,))
        watch_list.matched_at = timezone.now()
        watch_list.save(update_fields=["matched_at"])
    audit_record(
        actor=watch_list.created_by,
        action="intel.match_run",
        target=watch_list,
        extra={"matched": sum(v for k, v in counts.items() if k.startswith("exact"))},
    )
    return counts


def match_counts(watch_list: WatchList) -> dict[str, int]:
    rows = Match.objects.filter(watch_list=watch_list).values_list("status")
    counts = {status: 0 for status in MatchStatus.values}
    for (status,) in rows.iterator():
        counts[status] += 1
    counts["counted"] = sum(counts[s] for s in COUNTED)
    return counts


@transaction.atomic
def match_review(*, actor: Any, match: Match, confirm: bool, reason: str = "") -> Match:
    """A person's decision on a candidate: confirmed, it counts, goes to its unit as a task
    and proposes the persons it names as key-person candidates; rejected, it never counts."""
    match = Match.objects.select_for_update().select_related("unit").get(pk=match.pk)
    if not can_work_intel(actor, match.unit):
        raise PermissionDeniedError(_("You cannot review this match."))
    if match.status != MatchStatus.PENDING:
        errors = FieldErrors()
        errors.add("status", _("This match was already reviewed."), "already_reviewed")
        errors.raise_if_any()
    match.status = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
    match.reviewed_by = actor
    match.reviewed_at = timezone.now()
    match.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    if confirm:
        _tasks_dispatch(
            match.watch_list_id, statuses=(MatchStatus.CONFIRMED,), match_ids=[match.pk]
        )
        _candidates_propose(
            match.watch_list_id, statuses=(MatchStatus.CONFIRMED,), match_ids=[match.pk]
        )
    action = "intel.match_confirm" if confirm else "intel.match_reject"
    audit_record(actor=actor, action=action, target=match, reason=reason[:200])
    return match


@transaction.atomic
def task_acknowledge(*, actor: Any, task: MatchTask) -> MatchTask:
    task = MatchTask.objects.select_for_update().select_related("unit").get(pk=task.pk)
    if not can_work_intel(actor, task.unit):
        raise PermissionDeniedError(_("You cannot acknowledge this task."))
    if task.acknowledged_at is None:
        task.acknowledged_by = actor
        task.acknowledged_at = timezone.now()
        task.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit_record(actor=actor, action="intel.task_acknowledge", target=task)
    return task
