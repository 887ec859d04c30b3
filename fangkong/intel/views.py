"""Pages of list matching and tracing: thin, over the services and selectors."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import XLSX, attachment, export_with_reason
from fangkong.core.http import client_ip
from fangkong.core.jurisdiction import jurisdiction_root
from fangkong.intel import listfile, presenters, selectors
from fangkong.intel.choices import ListStatus
from fangkong.intel.forms import ColumnsForm, TraceForm, WatchListForm
from fangkong.intel.messages import FIELD_LABELS
from fangkong.intel.permissions import can_work_intel
from fangkong.intel.services import lists, matching, notices, trace_candidates, tracing
from fangkong.jobs.models import Job
from fangkong.org.models import Unit

PAGE = 200


def _guard(request: HttpRequest) -> None:
    if not can_work_intel(request.user):
        raise PermissionDenied(_("Only analysts and unit leaders work on lists."))


def _unit(request: HttpRequest) -> Unit:
    """The unit a list or trace is made for: the user's jurisdiction (none without a staff
    record, who cannot work on lists)."""
    unit = jurisdiction_root(request.user)
    if unit is None:
        raise PermissionDenied(_("Only analysts and unit leaders work on lists."))
    return unit


def _get(getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def _form_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _follow(job: Job, back: str) -> HttpResponse:
    return redirect(f"{reverse('jobs:detail', args=[job.pk])}?follow=1&back={quote(back)}")


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    _guard(request)
    form = WatchListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, upload = form.cleaned_data, form.cleaned_data["file"]
        try:
            watch_list = lists.watch_list_create(
                actor=request.user,
                unit=_unit(request),
                name=data["name"],
                source=data["source"],
                purpose=data["purpose"],
                legal_basis=data["legal_basis"],
                expires_on=data["expires_on"],
                file_name=upload.name,
                data=upload.read(lists.tabular.read.MAX_BYTES + 1),
                start=False,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("intel:list_columns", list_id=watch_list.pk)
    context = {"form": form, "lists": selectors.watch_list_list(user=request.user)[:100]}
    return render(request, "intel/lists.html", context, status=422 if form.errors else 200)


@login_required
def list_columns(request: HttpRequest, list_id: int) -> HttpResponse:
    """The columns guessed for each field of an uploaded list, for a person to correct
    before the import job runs."""
    _guard(request)
    watch_list = _get(selectors.watch_list_get_for_user, user=request.user, list_id=list_id)
    back = reverse("intel:list", args=[watch_list.pk])
    job = Job.objects.filter(kind="intel.import", params__list_id=watch_list.pk).first()
    if job is not None or watch_list.status != ListStatus.IMPORTING:
        return _follow(job, back) if job else redirect(back)
    try:
        sheets = lists.upload_sheets(watch_list)
    except lists.tabular.FileError:
        # Unreadable: the job fails the list with the file's problem in its report.
        job = lists.watch_list_start(actor=request.user, watch_list=watch_list, columns=None)
        return _follow(job, back) if job else redirect(back)
    labels, guessed = listfile.header_choices(sheets)
    fields = [(f.key, FIELD_LABELS[f.key]) for f in listfile.FIELDS]
    initial = {f"col_{key}": label for key, label in guessed.items()}
    form = ColumnsForm(request.POST or None, initial=initial, labels=labels, fields=fields)
    if request.method == "POST" and form.is_valid():
        try:
            job = lists.watch_list_start(
                actor=request.user, watch_list=watch_list, columns=form.columns()
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return _follow(job, back) if job else redirect(back)
    context = {"list": watch_list, "form": form, "sheets": [sheet.name for sheet in sheets]}
    return render(request, "intel/list_columns.html", context, status=422 if form.errors else 200)


@login_required
def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    _guard(request)
    watch_list = _get(selectors.watch_list_get_for_user, user=request.user, list_id=list_id)
    matches = selectors.match_list(user=request.user, list_id=watch_list.pk)
    context = {
        "list": watch_list,
        "counts": matching.match_counts(watch_list),
        "matches": [presenters.match_row(m) for m in matches[:PAGE]],
        "problems": lists.problems_rows(watch_list)[:50],
    }
    return render(request, "intel/list_detail.html", context)


@login_required
def list_report(request: HttpRequest, list_id: int) -> HttpResponse:
    _guard(request)
    watch_list = _get(selectors.watch_list_get_for_user, user=request.user, list_id=list_id)
    return attachment(lists.problems_workbook(watch_list), XLSX, f"{watch_list.name}-校验.xlsx")


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _guard(request)
    rows = [presenters.match_row(m) for m in selectors.review_queue(user=request.user)[:PAGE]]
    return render(request, "intel/review.html", {"matches": rows})


@login_required
@require_POST
def match_review(request: HttpRequest, match_id: int) -> HttpResponse:
    match = _get(selectors.match_get_for_user, user=request.user, match_id=match_id)
    try:
        matching.match_review(
            actor=request.user, match=match, confirm=request.POST.get("decision") == "confirm"
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError:
        pass  # already reviewed: the queue shows the current state
    return redirect("intel:review")


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = selectors.task_list(user=request.user)[:PAGE]
    return render(request, "intel/tasks.html", {"tasks": tasks})


@login_required
@require_POST
def task_acknowledge(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _get(selectors.task_get_for_user, user=request.user, task_id=task_id)
    try:
        matching.task_acknowledge(actor=request.user, task=task)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from None
    return redirect("intel:tasks")


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = selectors.alert_list(user=request.user)[:PAGE]
    return render(request, "intel/alerts.html", {"alerts": alerts})


@login_required
def trace_index(request: HttpRequest) -> HttpResponse:
    _guard(request)
    form = TraceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trace = tracing.trace_start(
                actor=request.user,
                unit=_unit(request),
                case_kind=data["case_kind"],
                case=data,
                window_minutes=data["window_minutes"],
                days=data["days"],
                second_degree=data["second_degree"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            job = Job.objects.filter(kind="intel.trace", params__trace_id=trace.pk).first()
            back = reverse("intel:trace", args=[trace.pk])
            return _follow(job, back) if job else redirect(back)
    context = {"form": form, "traces": selectors.trace_list(user=request.user)[:50]}
    return render(request, "intel/traces.html", context, status=422 if form.errors else 200)


@login_required
def trace_detail(request: HttpRequest, trace_id: int) -> HttpResponse:
    _guard(request)
    trace = _get(selectors.trace_get_for_user, user=request.user, trace_id=trace_id)
    contacts = tracing.trace_view(actor=request.user, trace=trace, ip=client_ip(request))
    states = selectors.trace_candidate_states(trace=trace)
    rows = [presenters.contact_row(c, states) for c in contacts[:PAGE]]
    cut = presenters.second_degree_cut(trace, contacts)
    context = {"trace": trace, "contacts": rows, "cut": cut}
    return render(request, "intel/trace_detail.html", context)


@login_required
@require_POST
def trace_propose(request: HttpRequest, trace_id: int) -> HttpResponse:
    """The contacts ticked on the trace's page become key-person candidates for review."""
    _guard(request)
    trace = _get(selectors.trace_get_for_user, user=request.user, trace_id=trace_id)
    chosen = [int(v) for v in request.POST.getlist("contact") if v.isdigit() and len(v) < 19]
    try:
        done = trace_candidates.trace_contacts_propose(
            actor=request.user, trace=trace, contact_ids=chosen, ip=client_ip(request)
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
    else:
        proposed, skipped = len(done.proposed), len(done.skipped)
        messages.success(request, _proposed_message(proposed, skipped))
    return redirect("intel:trace", trace_id=trace.pk)


def _proposed_message(proposed: int, skipped: int) -> str:
    text = ngettext(
        "%(n)s contact is now a key-person candidate for review.",
        "%(n)s contacts are now key-person candidates for review.",
        proposed,
    ) % {"n": proposed}
    if skipped:
        text += " " + ngettext(
            "%(n)s was left out: proposed already, under a measure or waiting for review.",
            "%(n)s were left out: proposed already, under a measure or waiting for review.",
            skipped,
        ) % {"n": skipped}
    return text


@login_required
def trace_graph(request: HttpRequest, trace_id: int) -> HttpResponse:
    _guard(request)
    trace = _get(selectors.trace_get_for_user, user=request.user, trace_id=trace_id)
    contacts = selectors.contact_list(user=request.user, trace=trace)
    return JsonResponse(presenters.trace_graph(trace, contacts[:PAGE]))


@login_required
def trace_export(request: HttpRequest, trace_id: int) -> HttpResponse:
    _guard(request)
    trace = _get(selectors.trace_get_for_user, user=request.user, trace_id=trace_id)

    def respond(reason: str) -> HttpResponse:
        data = tracing.trace_export(
            actor=request.user, trace=trace, reason=reason, ip=client_ip(request)
        )
        return attachment(data, XLSX, f"协查-{trace.pk}.xlsx")

    return export_with_reason(request, what=_("Contacts of the trace"), respond=respond)


@login_required
def trace_notice(request: HttpRequest, trace_id: int) -> HttpResponse:
    _guard(request)
    trace = _get(selectors.trace_get_for_user, user=request.user, trace_id=trace_id)
    data = notices.notice_pdf(actor=request.user, trace=trace, request=request)
    return attachment(data, "application/pdf", f"协查通告-{trace.pk}.pdf")
