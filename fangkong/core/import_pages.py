"""The pages of a spreadsheet import with a column-mapping step that ``org`` (units and staff)
and ``grid`` (a community's addresses and residents) share: the mapping form, which carries
the upload in a signed token; the job started from the confirmed mapping; and the job's
result with its problems. Each app keeps its own upload page, permission, services,
templates and URLs (the steps behind the pages: :mod:`fangkong.core.imports`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode

from fangkong.core import imports
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.forms import UploadMapForm
from fangkong.jobs.models import Job
from fangkong.jobs.selectors import job_list_for_user
from fangkong.lib import tabular

# The problems a result page lists; the downloadable report holds them all.
PROBLEMS_SHOWN = 200


def map_form(
    request: HttpRequest,
    upload: imports.Upload,
    data: Any,
    *,
    salt: str,
    sheets: list[tabular.Sheet],
    fields: Sequence[tabular.Field],
    field_labels: Mapping[str, Any],
) -> tuple[UploadMapForm, list[list[str]]]:
    """The mapping form of ``upload`` (bound to ``data`` when posted) and the rows to preview."""
    token = imports.upload_token(request.user.pk, upload, salt=salt)
    return UploadMapForm.for_sheets(
        data,
        sheets,
        guessed=upload,
        fields=fields,
        field_labels=field_labels,
        initial={"token": token},
    )


def job_start(
    form: UploadMapForm,
    start: Callable[[dict[str, Any]], Job],
    *,
    back: str,
    forbidden: Callable[[PermissionDeniedError], HttpResponse],
) -> HttpResponse | None:
    """Start the import's job with the mapping chosen in ``form``: the job's page (which
    follows it, with a way back to the URL named ``back``), ``forbidden``'s page for a
    refusal, or None when the form now holds the errors to show with it."""
    if not form.is_valid():
        return None
    try:
        job = start(form.choice())
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    except PermissionDeniedError as exc:
        return forbidden(exc)
    query = urlencode({"follow": "1", "back": reverse(back)})
    return redirect(f"{reverse('jobs:detail', args=[job.pk])}?{query}")


def job_or_404(request: HttpRequest, job_id: int, *, kind: str) -> Job:
    """The import job of ``kind`` the user may see (404 otherwise)."""
    return get_object_or_404(job_list_for_user(user=request.user), pk=job_id, kind=kind)


def result_context(
    job: Job,
    *,
    kinds: Mapping[str, Any],
    describe: Callable[[tabular.Problem], Sequence[Any]],
) -> dict[str, Any]:
    """What an import's result page shows: the job, its counts, what the file held (its
    label in ``kinds``) and the first problems, each as ``describe`` gives it."""
    problems = imports.job_problems(job.result)[:PROBLEMS_SHOWN]
    return {
        "job": job,
        "result": job.result,
        "kind": kinds.get(job.params.get("kind"), ""),
        "problems": [describe(p) for p in problems],
    }
