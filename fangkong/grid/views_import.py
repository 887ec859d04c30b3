"""Importing a community's addresses and residents: upload, map the columns, then the job's
result with its downloadable report of problems (the unit import's pages, for the grid)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core import imports
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import XLSX, attachment
from fangkong.grid.imports import FIELD_LABELS, FIELDS, KINDS, describe, problems_book
from fangkong.grid.services_import import (
    JOB_KIND,
    grid_import_start,
    grid_import_upload,
    importable_communities,
    stored_sheets,
)
from fangkong.jobs.models import Job
from fangkong.jobs.selectors import job_list_for_user
from fangkong.lib.tabular.read import MAX_BYTES
from fangkong.org.forms import ImportMapForm
from fangkong.screening.forms import ServiceErrorsMixin

SIGNING_SALT = "grid.import"


class UploadForm(ServiceErrorsMixin, forms.Form):
    community = forms.TypedChoiceField(label=gettext_lazy("Community"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("The file holds"), choices=list(KINDS.items()))
    file = forms.FileField(
        label=gettext_lazy("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, communities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["community"]
        field.choices = [(c.pk, f"{c.street.name} · {c.name}") for c in communities]


def _forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    message = message or _("Only the police station and the community officer import here.")
    return render(request, "org/forbidden.html", {"message": message}, status=403)


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    communities = importable_communities(request.user)
    if not communities:
        return _forbidden(request)
    post = request.method == "POST"
    form = UploadForm(
        request.POST if post else None, request.FILES if post else None, communities=communities,
        initial={"community": request.GET.get("community")},
    )  # fmt: skip
    if post and form.is_valid():
        community = next(c for c in communities if c.pk == form.cleaned_data["community"])
        file = form.cleaned_data["file"]
        try:
            found = grid_import_upload(
                actor=request.user, community=community, kind=form.cleaned_data["kind"],
                file_name=file.name, data=file.read(MAX_BYTES + 1),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError as exc:
            return _forbidden(request, str(exc))
        else:
            return _map_page(request, found, None, community=community)
    jobs = job_list_for_user(user=request.user).filter(kind=JOB_KIND)[:20]
    context = {"form": form, "jobs": jobs}
    return render(request, "grid/import_upload.html", context, status=422 if post else 200)


def _map_form(
    request: HttpRequest, upload: imports.Upload, data: Any
) -> tuple[ImportMapForm, list[list[str]]]:
    token = imports.upload_token(request.user.pk, upload, salt=SIGNING_SALT)
    fields = FIELDS[upload.kind]
    return ImportMapForm.for_sheets(
        data,
        stored_sheets(upload),
        guessed=upload,
        fields=fields,
        field_labels=FIELD_LABELS,
        initial={"token": token},
    )


def _map_page(
    request: HttpRequest, upload: imports.Upload, data: Any, *, community: Any, status: int = 200
) -> HttpResponse:
    form, preview = _map_form(request, upload, data)
    if data is not None:
        form.is_valid()
    context = {
        "form": form, "preview": preview, "upload": upload, "kind": KINDS[upload.kind],
        "community": community,
    }  # fmt: skip
    return render(request, "grid/import_map.html", context, status=status)


@login_required
@require_POST
def mapping(request: HttpRequest) -> HttpResponse:
    found = imports.upload_from_token(
        request.user.pk, request.POST.get("token", ""), salt=SIGNING_SALT
    )
    communities = {c.pk: c for c in importable_communities(request.user)}
    if found is None or found.target not in communities:
        return redirect("grid_import:upload")
    form, _preview = _map_form(request, found, request.POST)
    if form.is_valid():
        try:
            job = grid_import_start(actor=request.user, upload=found, **form.choice())
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError as exc:
            return _forbidden(request, str(exc))
        else:
            query = urlencode({"follow": "1", "back": reverse("grid_import:upload")})
            return redirect(f"{reverse('jobs:detail', args=[job.pk])}?{query}")
    community = communities[found.target]
    return _map_page(request, found, request.POST, community=community, status=422)


def _job_or_404(request: HttpRequest, job_id: int) -> Job:
    return get_object_or_404(job_list_for_user(user=request.user), pk=job_id, kind=JOB_KIND)


@login_required
def result(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    context = {
        "job": job,
        "result": job.result,
        "kind": KINDS.get(job.params.get("kind"), ""),
        "problems": [describe(p) for p in imports.job_problems(job.result)[:200]],
    }
    return render(request, "grid/import_result.html", context)


@login_required
def report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    book = problems_book(imports.job_problems(job.result))
    return attachment(book, XLSX, f"grid-import-{job.pk}-problems.xlsx")
