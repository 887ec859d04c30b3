"""Importing an opening stock count or a supplier's delivery from a spreadsheet.

Upload (the file is read once to find its sheets, header and a guess at the columns), map
(a person confirms or corrects the columns), run (a background task checks every row and
imports all of them, or none when any row has a problem, keeping the report)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.imports import best_sheet, check_mapping
from fangkong.jobs.services import job_start
from fangkong.lib import tabular
from fangkong.supplies.imports import FIELDS, ItemIndex, measure_matches, problem_message
from fangkong.supplies.models import ImportJob, Item, Location
from fangkong.supplies.services.stock import (
    Line,
    require_stock_role,
    stock_count,
    stock_receive,
)


def job_sheets(job: ImportJob) -> list[tabular.Sheet]:
    with job.file.open("rb") as handle:
        return tabular.read_sheets(job.file_name, handle.read())


@transaction.atomic
def import_upload(
    *,
    actor: Any,
    store: Location,
    kind: str,
    upload: Any,
    supplier: str = "",
    reference: str = "",
) -> ImportJob:
    require_stock_role(actor, store)
    errors = FieldErrors()
    if kind not in ImportJob.Kind.values:
        errors.add("kind", _("Choose what the file holds."), "kind_invalid")
        errors.raise_if_any()
    data = upload.read()
    try:
        sheets = tabular.read_sheets(upload.name, data)
    except tabular.FileError as exc:
        errors.add("file", problem_message(exc.code), exc.code)
        errors.raise_if_any()
        raise
    sheet, header = best_sheet(sheets, FIELDS[kind])
    mapping = tabular.guess_columns(header.labels, FIELDS[kind])
    job = ImportJob(
        kind=kind,
        store=store,
        file_name=upload.name[:200],
        supplier=supplier.strip(),
        reference=reference.strip(),
        sheet=sheet.name,
        header_row=header.row,
        mapping=mapping,
        created_by=actor,
    )
    job.file.save(upload.name.rsplit("/", 1)[-1][:100], ContentFile(data), save=False)
    job.save()
    audit_record(actor=actor, action="supplies.import_upload", target=job)
    return job


@transaction.atomic
def import_map(
    *, actor: Any, job: ImportJob, sheet: str, header_row: int, mapping: dict[str, int | None]
) -> ImportJob:
    """Confirm the sheet, the header row and the columns; the task then runs."""
    require_stock_role(actor, job.store)
    errors = FieldErrors()
    if job.status != ImportJob.Status.MAPPING:
        errors.add("__all__", _("This import has already been started."), "import_started")
        errors.raise_if_any()
    fields = FIELDS[job.kind]
    check_mapping(job_sheets(job), fields, sheet, header_row, mapping, message=problem_message)
    job.sheet, job.header_row, job.status = sheet, header_row, ImportJob.Status.QUEUED
    job.mapping = {field.key: mapping.get(field.key) for field in fields}
    job.save(update_fields=["sheet", "header_row", "mapping", "status"])
    audit_record(actor=actor, action="supplies.import_map", target=job)
    # Queued in this transaction: the worker sees the job once the mapping is saved.
    job_start(
        actor=actor,
        kind="supplies.import",
        params={"import_id": job.pk},
        unit=job.store.unit,
        title=job.file_name,
    )
    return job


def _check_rows(job: ImportJob, extract: tabular.Extract) -> list[tuple[tabular.Row, Line]]:
    """The rows as stock lines, adding a problem to ``extract`` for each that cannot be."""
    index = ItemIndex(Item.objects.filter(active=True))
    lines: list[tuple[tabular.Row, Line]] = []
    seen: dict[tuple[int, str], int] = {}
    for row in extract.rows:
        values = row.values
        item = index.find(values.get("item"), values.get("code"))
        if item is None:
            extract.problems.append(
                tabular.Problem(row.number, "item", "item_unknown", values.get("item") or "")
            )
            continue
        if not measure_matches(item, values.get("measure")):
            extract.problems.append(
                tabular.Problem(row.number, "measure", "measure_mismatch", values["measure"])
            )
        if values.get("quantity") is not None and values["quantity"] < 0:
            extract.problems.append(
                tabular.Problem(row.number, "quantity", "count_negative", str(values["quantity"]))
            )
        key = (item.pk, values.get("batch") or "")
        if key in seen:
            extract.problems.append(tabular.Problem(row.number, "", "row_duplicate"))
        seen[key] = row.number
        if values.get("quantity") is not None:
            line = Line(item, values["quantity"], values.get("batch") or "", values.get("expiry"))
            lines.append((row, line))
    return lines


def import_run(*, job_id: int) -> ImportJob:
    """Check every row; import them all in one transaction, or none and keep the report."""
    job = ImportJob.objects.select_related("store__unit", "created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job
    sheet = next(s for s in job_sheets(job) if s.name == job.sheet)
    extract = tabular.extract(sheet, job.header_row, job.mapping, FIELDS[job.kind])
    lines = _check_rows(job, extract)
    job.rows_total = len(extract.rows)
    if not extract.problems:
        try:
            _apply(job, [line for _row, line in lines])
        except (ValidationError, PermissionDeniedError) as exc:
            extract.problems.extend(_refusal(exc))
    _finish(job, extract.problems, imported=0 if extract.problems else len(lines))
    return job


def _refusal(exc: Exception) -> list[tabular.Problem]:
    """What the service refused (too little stock to count down, lost permission), as
    problems of the whole file; the service's message, which names the item and the store,
    is kept as the problem's cell."""
    if not isinstance(exc, ValidationError):
        return [tabular.Problem(0, "", "forbidden", str(exc))]
    errors = (
        [e for field in exc.error_dict.values() for e in field]
        if hasattr(exc, "error_dict")
        else exc.error_list
    )
    return [
        tabular.Problem(0, "", e.code or "invalid", str(e.message % (e.params or {})))
        for e in errors
    ]


@transaction.atomic
def _apply(job: ImportJob, lines: list[Line]) -> None:
    actor = job.created_by
    if job.kind == ImportJob.Kind.OPENING_COUNT:
        stock_count(
            actor=actor, location=job.store, lines=lines, note=job.file_name, import_job=job
        )
    else:
        stock_receive(
            actor=actor,
            store=job.store,
            lines=lines,
            supplier=job.supplier,
            reference=job.reference,
            note=job.file_name,
            import_job=job,
        )


def _finish(job: ImportJob, problems: list[tabular.Problem], *, imported: int) -> None:
    job.problems = [asdict(p) for p in problems]
    job.rows_imported = imported
    job.status = ImportJob.Status.FAILED if problems else ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["problems", "rows_total", "rows_imported", "status", "finished_at"])
