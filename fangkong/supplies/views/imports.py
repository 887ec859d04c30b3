"""Importing an opening stock count or a delivery: upload, map the columns, then the result
with its downloadable report of problems."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fangkong.core import imports
from fangkong.core.exports import XLSX, attachment
from fangkong.supplies import selectors, services
from fangkong.supplies.forms import ImportMapForm, ImportUploadForm
from fangkong.supplies.imports import FIELD_LABELS, FIELDS, describe, job_problems
from fangkong.supplies.models import ImportJob
from fangkong.supplies.permissions import can_manage_any_stock
from fangkong.supplies.services.imports import job_sheets
from fangkong.supplies.views.common import (
    files,
    forbidden,
    get_or_404,
    posted,
    service_form_page,
)


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_any_stock(request.user):
        return forbidden(request)
    stores = selectors.store_list_for_user(user=request.user)
    form = ImportUploadForm(posted(request), files(request), stores=stores)

    def act(f: ImportUploadForm) -> ImportJob:
        data = f.cleaned_data
        return services.import_upload(
            actor=request.user,
            store=data["store"],
            kind=data["kind"],
            upload=data["file"],
            supplier=data["supplier"],
            reference=data["reference"],
        )

    context = {"jobs": selectors.import_list_for_user(user=request.user)[:20]}
    template = "supplies/import_new.html"
    return service_form_page(request, form, act, _job_url, template, context, message=None)


def _job_url(job: ImportJob) -> str:
    return reverse("supplies:import", kwargs={"job_id": job.pk})


def _map_form(job: ImportJob, data: Any = None) -> tuple[ImportMapForm, list[list[str]]]:
    return ImportMapForm.for_sheets(
        data, job_sheets(job), guessed=job, fields=FIELDS[job.kind], field_labels=FIELD_LABELS
    )


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_or_404(selectors.import_get_for_user, user=request.user, job_id=job_id)
    if job.status != ImportJob.Status.MAPPING:
        return render(request, "supplies/import_detail.html", _result_context(job))
    form, preview = _map_form(job, posted(request))

    def act(f: ImportMapForm) -> None:
        services.import_map(actor=request.user, job=job, **f.choice())

    context = {"job": job, "preview": preview}
    template = "supplies/import_map.html"
    return service_form_page(request, form, act, _job_url(job), template, context, message=None)


def _result_context(job: ImportJob) -> dict[str, Any]:
    return {"job": job, "problems": [describe(p) for p in job_problems(job)[:200]]}


@login_required
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_or_404(selectors.import_get_for_user, user=request.user, job_id=job_id)
    book = imports.problems_book(job_problems(job), describe=describe)
    return attachment(book, XLSX, f"import-{job.pk}-problems.xlsx")
