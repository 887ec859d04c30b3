"""Importing a list (as a background job), its validation report, and its purge at expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.identity import blind_index_of, column_context, document_index, keyring
from fangkong.intel import listfile
from fangkong.intel.choices import ListPurpose, ListStatus
from fangkong.intel.messages import FIELD_LABELS, problem_message
from fangkong.intel.models import ListEntry, WatchList
from fangkong.intel.permissions import can_work_intel
from fangkong.lib import tabular
from fangkong.lib.tabular import Problem
from fangkong.org.models import Unit
from fangkong.registration.choices import DocumentType

# The validation report keeps this many problems; the count holds them all.
PROBLEMS_KEPT = 20_000
BATCH = 5_000
MAX_KEEP_DAYS = 366
Progress = Callable[[float, int], None]


def _clean_meta(errors: FieldErrors, *, name: str, source: str, legal_basis: str) -> None:
    for field, value, limit in (("name", name, 100), ("source", source, 100)):
        if not value.strip():
            errors.add(field, _("This field is required."), "required")
        elif len(value) > limit:
            errors.add(field, _("At most %(n)s characters.") % {"n": limit}, "too_long")
    if not legal_basis.strip():
        errors.add("legal_basis", _("State the legal basis of the list."), "required")
    elif len(legal_basis) > 200:
        errors.add("legal_basis", _("At most %(n)s characters.") % {"n": 200}, "too_long")


def watch_list_create(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    source: str,
    purpose: str,
    legal_basis: str,
    expires_on: date,
    file_name: str,
    data: bytes,
    start: bool = True,
) -> WatchList:
    """Record a list with its upload and start the job that imports and matches it (with
    the guessed columns); with ``start=False`` the job waits for :func:`watch_list_start`
    with the columns a person confirmed."""

    if not can_work_intel(actor, unit):
        raise PermissionDeniedError(_("You cannot import lists for this unit."))
    errors = FieldErrors()
    _clean_meta(errors, name=name, source=source, legal_basis=legal_basis)
    if purpose not in ListPurpose.values:
        errors.add("purpose", _("Choose one of the listed values."), "invalid_choice")
    today = timezone.localdate()
    if not today < expires_on <= date.fromordinal(today.toordinal() + MAX_KEEP_DAYS):
        errors.add("expires_on", _("Give a day after today, within a year."), "expiry_invalid")
    if not data:
        errors.add("file", _("Choose a file."), "required")
    elif len(data) > tabular.read.MAX_BYTES:
        errors.add("file", problem_message("file_too_large"), "file_too_large")
    errors.raise_if_any()
    with transaction.atomic():
        watch_list = WatchList.objects.create(
            name=name.strip(),
            source=source.strip(),
            purpose=purpose,
            legal_basis=legal_basis.strip(),
            expires_on=expires_on,
            unit=unit,
            file_name=file_name[:200],
            upload=data,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="intel.list_create", target=watch_list)
        if start:
            _import_start(actor, watch_list, {})
    return watch_list


def _import_start(actor: Any, watch_list: WatchList, columns: dict[str, str]) -> Any:
    from fangkong.jobs.services import job_start

    return job_start(
        actor=actor,
        kind="intel.import",
        params={"list_id": watch_list.pk, "columns": columns},
        unit=watch_list.unit,
        title=watch_list.name,
    )


def upload_sheets(watch_list: WatchList) -> list[tabular.Sheet]:
    """The sheets of the list's upload, for the column mapping page (raises FileError)."""
    data = bytes(watch_list.upload)
    return tabular.read_sheets(watch_list.file_name, data, max_rows=listfile.MAX_ROWS)


def watch_list_start(*, actor: Any, watch_list: WatchList, columns: dict[str, str] | None) -> Any:
    """Start the import of a list still waiting for its columns: ``columns`` maps each field
    to the header label a person chose ("" for none); None keeps the guess (a file that
    cannot be read, whose job fails the list with the reason). The job, once only."""
    from fangkong.jobs.models import Job

    if not can_work_intel(actor, watch_list.unit):
        raise PermissionDeniedError(_("You cannot import lists for this unit."))
    errors = FieldErrors()
    fields = {f.key for f in listfile.FIELDS}
    chosen = {key: label for key, label in (columns or {}).items() if key in fields and label}
    if columns is None:
        pass
    elif len(set(chosen.values())) < len(chosen):
        errors.add("columns", _("Give each column to one field only."), "column_twice")
    elif not chosen.keys() & {*listfile.IDENTIFIERS, "train"}:
        errors.add(
            "columns",
            _("Choose the column of document numbers, phones, plates or trains."),
            "no_list_columns",
        )
    errors.raise_if_any()
    with transaction.atomic():
        locked = WatchList.objects.select_for_update().get(pk=watch_list.pk)
        started = Job.objects.filter(kind="intel.import", params__list_id=locked.pk).first()
        if started is not None or locked.status != ListStatus.IMPORTING:
            return started
        audit_record(
            actor=actor, action="intel.list_columns", target=locked, extra={"columns": chosen}
        )
        mapping = {key: columns.get(key, "") for key in fields} if columns is not None else {}
        return _import_start(actor, locked, mapping)


def watch_list_import_run(
    *,
    watch_list: WatchList,
    progress: Progress | None = None,
    columns: dict[str, str] | None = None,
) -> listfile.ListRead:
    """Read the uploaded file, store its entries and the report; the list is active after.
    A file that cannot be read at all fails the list with that one problem."""
    data = bytes(watch_list.upload)
    try:
        sheets = tabular.read_sheets(watch_list.file_name, data, max_rows=listfile.MAX_ROWS)
    except tabular.FileError as exc:
        read = listfile.ListRead(problems=[Problem(0, "", exc.code)])
    else:
        read = listfile.read_list(sheets, columns or None)
    entries_store(watch_list=watch_list, entries=read.entries, progress=progress)
    watch_list.rows_read = read.rows_read
    watch_list.entry_count = len(read.entries)
    watch_list.duplicate_count = read.duplicates
    watch_list.problem_count = len(read.problems)
    watch_list.problems = [[p.row, p.field, p.code, p.value] for p in read.problems[:PROBLEMS_KEPT]]
    watch_list.status = ListStatus.ACTIVE if read.entries else ListStatus.FAILED
    watch_list.upload = b""
    watch_list.save(
        update_fields=[
            "rows_read",
            "entry_count",
            "duplicate_count",
            "problem_count",
            "problems",
            "status",
            "upload",
        ]
    )
    audit_record(
        actor=watch_list.created_by,
        action="intel.list_import",
        target=watch_list,
        extra={"entries": len(read.entries), "problems": len(read.problems)},
    )
    return read


_COLUMNS = (
    "watch_list_id",
    "row",
    "name",
    "name_index",
    "doc_type",
    "doc_number",
    "doc_index",
    "phone",
    "phone_index",
    "phone_tail",
    "birth_date",
    "birth_index",
    "plate",
    "train",
    "seat",
    "travel_date",
)
_SEALED = ("name", "doc_number", "phone", "birth_date")
_INSERT = (
    f"INSERT INTO intel_listentry ({', '.join(_COLUMNS)}) "  # noqa: S608 - constants only
    f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
)


def _row_maker(list_id: int, vendor: str) -> Callable[[listfile.EntryRow], tuple[Any, ...]]:
    """A function of an entry to its row, written as the model's fields would write it
    (encrypted, with blind indexes). The ciphers and contexts are set up once: a list of a
    million rows seals and indexes two to four values a row, and an empty value neither."""
    ring = keyring()
    seal = {c: ring.encrypter(context=column_context("intel_listentry", c)) for c in _SEALED}
    name_seal, doc_seal, phone_seal, birth_seal = (seal[c] for c in _SEALED)
    resident = DocumentType.RESIDENT_ID.value
    sqlite = vendor == "sqlite"

    def entry_row(row: listfile.EntryRow) -> tuple[Any, ...]:
        name, number, phone, born = row.name, row.doc_number, row.phone, row.birth_date
        birth = born.isoformat() if born else ""
        day: Any = row.travel_date
        if day is not None and sqlite:
            day = day.isoformat()
        return (
            list_id,
            row.row,
            name_seal(name) if name else "",
            blind_index_of("name", name) if name else "",
            resident if number else "",
            doc_seal(number) if number else "",
            document_index(resident, number) if number else "",
            phone_seal(phone) if phone else "",
            blind_index_of("phone", phone) if phone else "",
            phone[-4:],
            birth_seal(birth) if birth else "",
            blind_index_of("birth_date", birth) if birth else "",
            row.plate,
            row.train,
            row.seat,
            day,
        )

    return entry_row


def _copy(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY: the rows streamed to the server in one command, several times
    faster than as many INSERTs."""
    sql = f"COPY intel_listentry ({', '.join(_COLUMNS)}) FROM STDIN"  # noqa: S608 - constants
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def entries_store(
    *, watch_list: WatchList, entries: list[listfile.EntryRow], progress: Progress | None = None
) -> int:
    """Insert the entries in batches, one transaction each, reporting as it goes. The rows
    are written as the model's fields would write them (encrypted, with blind indexes) but
    straight through the cursor: a list has up to a million rows."""
    vendor = connection.vendor
    entry_row = _row_maker(watch_list.pk, vendor)
    for start in range(0, len(entries), BATCH):
        batch = [entry_row(row) for row in entries[start : start + BATCH]]
        with transaction.atomic(), connection.cursor() as cursor:
            if vendor == "postgresql":
                _copy(cursor, batch)
            else:
                cursor.executemany(_INSERT, batch)
        if progress is not None:
            done = start + len(batch)
            progress(100 * done / len(entries), done)
    return len(entries)


def problems_rows(watch_list: WatchList) -> list[list[Any]]:
    return [
        [row or "", str(FIELD_LABELS.get(field, field)), problem_message(code), value]
        for row, field, code, value in watch_list.problems
    ]


def problems_workbook(watch_list: WatchList) -> bytes:
    headers = [_("Row"), _("Field"), _("Problem"), _("Cell")]
    rows = problems_rows(watch_list)
    return tabular.write_workbook([(_("Validation report"), headers, rows)])


def watch_list_purge(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete the lists past their expiry, with their entries, matches, tasks and alerts.
    A list's own expiry is its retention period: ``days`` does not apply."""
    today = timezone.localdate(now or timezone.now())
    expired = WatchList.objects.filter(expires_on__lt=today)
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return {"lists": 0, "entries": 0}
    entries = ListEntry.objects.filter(watch_list_id__in=ids).count()
    with transaction.atomic():
        WatchList.objects.filter(pk__in=ids).delete()
        audit_record(actor=None, action="intel.list_purge", extra={"lists": ids})
    return {"lists": len(ids), "entries": entries}
