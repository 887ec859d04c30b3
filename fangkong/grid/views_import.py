"""Importing a community's addresses and residents: upload, map the columns, then the job's
result with its downloadable report of problems (the unit import's pages, for the grid)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core import import_pages, imports
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import XLSX, attachment
from fangkong.core.forms import ServiceErrorsMixin, UploadMapForm
from fangkong.grid.imports import FIELD_LABELS, FIELDS, KINDS, describe, problems_book
from fangkong.grid.services_import import (
    JOB_KIND,
    grid_import_start,
    grid_import_upload,
    importable_communities,
    stored_sheets,
)
from fangkong.jobs.selectors import job_list_for_user
from fangkong.lib.tabular.read import MAX_BYTES

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
            mapped, preview = _map_form(request, found, None)
            return _map_page(request, found, mapped, preview, community=community)
    jobs = job_list_for_user(user=request.user).filter(kind=JOB_KIND)[:20]
    context = {"form": form, "jobs": jobs}
    return render(request, "grid/import_upload.html", context, status=422 if post else 200)


def _map_form(
    request: HttpRequest, upload: imports.Upload, data: Any
) -> tuple[UploadMapForm, list[list[str]]]:
    return import_pages.map_form(
        request, upload, data, salt=SIGNING_SALT, sheets=stored_sheets(upload),
        fields=FIELDS[upload.kind], field_labels=FIELD_LABELS,
    )  # fmt: skip


def _map_page(
    request: HttpRequest,
    upload: imports.Upload,
    form: UploadMapForm,
    preview: list[list[str]],
    *,
    community: Any,
    status: int = 200,
) -> HttpResponse:
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
    form, preview = _map_form(request, found, request.POST)
    started = import_pages.job_start(
        form,
        lambda choice: grid_import_start(actor=request.user, upload=found, **choice),
        back="grid_import:upload",
        forbidden=lambda exc: _forbidden(request, str(exc)),
    )
    if started is not None:
        return started
    community = communities[found.target]
    return _map_page(request, found, form, preview, community=community, status=422)


@login_required
def result(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_pages.job_or_404(request, job_id, kind=JOB_KIND)
    context = import_pages.result_context(job, kinds=KINDS, describe=describe)
    return render(request, "grid/import_result.html", context)


@login_required
def report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_pages.job_or_404(request, job_id, kind=JOB_KIND)
    book = problems_book(imports.job_problems(job.result))
    return attachment(book, XLSX, f"grid-import-{job.pk}-problems.xlsx")
