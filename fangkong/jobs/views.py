"""The job page and its progress partial (polled by HTMX), and stopping a job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fangkong.core.errors import PermissionDeniedError
from fangkong.jobs import selectors, services
from fangkong.jobs.choices import JobStatus
from fangkong.jobs.models import Job
from fangkong.jobs.templatetags.jobs import progress_context


def _job_or_404(request: HttpRequest, job_id: int) -> Job:
    try:
        return selectors.job_get_for_user(user=request.user, job_id=job_id)
    except Job.DoesNotExist:
        raise Http404 from None


def _progress(request: HttpRequest, job: Job) -> HttpResponse:
    follow = request.GET.get("follow") == "1"
    response = render(
        request, "jobs/partials/progress.html", progress_context(job, request.user, follow=follow)
    )
    if follow and job.status == JobStatus.SUCCEEDED and job.result_url:
        response["HX-Redirect"] = job.result_url  # the page goes on to the result
    return response


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if request.htmx:
        return _progress(request, job)
    context = {
        "job": job,
        "follow": request.GET.get("follow") == "1",
        "back_url": request.GET.get("back", "") if _local(request.GET.get("back", "")) else "",
    }
    return render(request, "jobs/job_detail.html", context)


def _local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        job = services.job_cancel(actor=request.user, job=job)
    except PermissionDeniedError as exc:
        return HttpResponse(str(exc), status=403)
    except ValidationError:
        pass  # it ended meanwhile: the progress shows how
    job.refresh_from_db()
    if request.htmx:
        return _progress(request, job)
    return redirect("jobs:detail", job.pk)
