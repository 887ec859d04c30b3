"""Importing units and staff: upload, map the columns, then the job's result with its
downloadable report of problems."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import import_pages, imports
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import XLSX, attachment
from fangkong.core.forms import UploadMapForm
from fangkong.jobs.selectors import job_list_for_user
from fangkong.lib.tabular.read import MAX_BYTES
from fangkong.org.forms import ImportUploadForm
from fangkong.org.imports import FIELDS, KIND_LABELS, KINDS, describe, problems_book
from fangkong.org.permissions import can_administer_any
from fangkong.org.services_import import (
    JOB_KIND,
    Upload,
    org_import_start,
    org_import_upload,
    stored_sheets,
)

SIGNING_SALT = "org.import"


def _forbidden(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    message = str(exc) if exc else _("Only unit administrators and commanders import units.")
    return render(request, "org/forbidden.html", {"message": message}, status=403)


def _upload_of(request: HttpRequest, token: str) -> Upload | None:
    return imports.upload_from_token(request.user.pk, token, salt=SIGNING_SALT)


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    if not can_administer_any(request.user):
        return _forbidden(request)
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            found = org_import_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(MAX_BYTES + 1),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError as exc:
            return _forbidden(request, exc)
        else:
            mapped, preview = _map_form(request, found, None)
            return _map_page(request, found, mapped, preview)
    jobs = job_list_for_user(user=request.user).filter(kind=JOB_KIND)[:20]
    status = 422 if request.method == "POST" else 200
    return render(request, "org/import_new.html", {"form": form, "jobs": jobs}, status=status)


def _map_form(
    request: HttpRequest, upload: Upload, data: Any
) -> tuple[UploadMapForm, list[list[str]]]:
    return import_pages.map_form(
        request, upload, data, salt=SIGNING_SALT,
        sheets=stored_sheets(upload.stored, upload.file_name),
        fields=FIELDS[upload.kind], field_labels=KIND_LABELS[upload.kind],
    )  # fmt: skip


def _map_page(
    request: HttpRequest,
    upload: Upload,
    form: UploadMapForm,
    preview: list[list[str]],
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "preview": preview, "upload": upload, "kind": KINDS[upload.kind]}
    return render(request, "org/import_map.html", context, status=status)


@login_required
@require_POST
def import_map(request: HttpRequest) -> HttpResponse:
    if not can_administer_any(request.user):
        return _forbidden(request)
    upload = _upload_of(request, request.POST.get("token", ""))
    if upload is None:
        return redirect("org:import_new")
    form, preview = _map_form(request, upload, request.POST)
    started = import_pages.job_start(
        form,
        lambda choice: org_import_start(actor=request.user, upload=upload, **choice),
        back="org:import_new",
        forbidden=lambda exc: _forbidden(request, exc),
    )
    if started is not None:
        return started
    return _map_page(request, upload, form, preview, status=422)


@login_required
def import_result(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_pages.job_or_404(request, job_id, kind=JOB_KIND)
    kind = job.params.get("kind", "")
    context = import_pages.result_context(
        job, kinds=KINDS, describe=lambda problem: describe(problem, kind)
    )
    return render(request, "org/import_result.html", context)


@login_required
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_pages.job_or_404(request, job_id, kind=JOB_KIND)
    book = problems_book(imports.job_problems(job.result), job.params.get("kind", ""))
    return attachment(book, XLSX, f"import-{job.pk}-problems.xlsx")
