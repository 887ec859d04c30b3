"""Importing an opening stock count or a delivery: upload, map the columns, then the result
with its downloadable report of problems."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.errors import PermissionDeniedError
from fangkong.lib import tabular
from fangkong.supplies import selectors, services
from fangkong.supplies.forms import ImportMapForm, ImportUploadForm
from fangkong.supplies.imports import FIELD_LABELS, FIELDS, problem_message
from fangkong.supplies.models import ImportJob
from fangkong.supplies.permissions import can_manage_any_stock
from fangkong.supplies.services.imports import job_sheets
from fangkong.supplies.views.common import XLSX, attachment, files, forbidden, get_or_404, posted

PREVIEW_ROWS = 5


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_any_stock(request.user):
        return forbidden(request)
    stores = selectors.store_list_for_user(user=request.user)
    form = ImportUploadForm(posted(request), files(request), stores=stores)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.import_upload(
                actor=request.user,
                store=data["store"],
                kind=data["kind"],
                upload=data["file"],
                supplier=data["supplier"],
                reference=data["reference"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError as exc:
            return forbidden(request, exc)
        else:
            return redirect("supplies:import", job_id=job.pk)
    context = {"form": form, "jobs": selectors.import_list_for_user(user=request.user)[:20]}
    status = 422 if request.method == "POST" else 200
    return render(request, "supplies/import_new.html", context, status=status)


def _map_form(job: ImportJob, data: Any = None) -> tuple[ImportMapForm, list[list[str]]]:
    sheets = job_sheets(job)
    chosen_name = (data or {}).get("sheet") or job.sheet
    sheet = next((s for s in sheets if s.name == chosen_name), sheets[0])
    if sheet.name == job.sheet:
        header_row = job.header_row
    else:  # another sheet chosen: its own header
        header_row = tabular.find_header(sheet, FIELDS[job.kind]).row
    labels = [tabular.parse_text(cell) for cell in sheet.row(header_row)]
    fields = [(f.key, FIELD_LABELS[f.key], f.required) for f in FIELDS[job.kind]]
    initial = {"sheet": sheet.name, "header_row": header_row}
    initial |= {f"col_{k}": "" if v is None else str(v) for k, v in job.mapping.items()}
    form = ImportMapForm(
        data, initial=initial, sheets=[s.name for s in sheets], labels=labels, fields=fields
    )
    preview = [
        [tabular.parse_text(c) for c in sheet.row(n)]
        for n in range(header_row + 1, min(header_row + 1 + PREVIEW_ROWS, len(sheet.cells) + 1))
    ]
    return form, preview


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_or_404(selectors.import_get_for_user, user=request.user, job_id=job_id)
    if job.status != ImportJob.Status.MAPPING:
        return render(request, "supplies/import_detail.html", _result_context(job))
    form, preview = _map_form(job, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.import_map(
                actor=request.user,
                job=job,
                sheet=form.cleaned_data["sheet"],
                header_row=form.cleaned_data["header_row"],
                mapping=form.mapping(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError as exc:
            return forbidden(request, exc)
        else:
            return redirect("supplies:import", job_id=job.pk)
    context = {"job": job, "form": form, "preview": preview}
    status = 422 if request.method == "POST" else 200
    return render(request, "supplies/import_map.html", context, status=status)


def _describe(problem: tabular.Problem) -> list[Any]:
    where = problem.row or _("whole file")
    field = str(FIELD_LABELS.get(problem.field, problem.field))
    reason = problem_message(problem.code)
    if problem.row == 0 and problem.value:
        reason, value = problem.value, ""
    else:
        value = problem.value
    return [where, field, reason, value]


def _result_context(job: ImportJob) -> dict[str, Any]:
    problems = [tabular.Problem(**p) for p in job.problems]
    return {"job": job, "problems": [_describe(p) for p in problems[:200]]}


@login_required
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_or_404(selectors.import_get_for_user, user=request.user, job_id=job_id)
    problems = [tabular.Problem(**p) for p in job.problems]
    book = tabular.problems_workbook(
        problems,
        title=_("Problems"),
        headers=[_("Row"), _("Field"), _("Problem"), _("Cell")],
        describe=_describe,
    )
    return attachment(book, XLSX, f"import-{job.pk}-problems.xlsx")
