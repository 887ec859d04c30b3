"""List matching and tracing under /api/v1/intel/: the same services and selectors as the
pages. Records outside the caller's jurisdiction answer 404 (``fangkong/api.py``)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.http import client_ip
from fangkong.core.jurisdiction import jurisdiction_root
from fangkong.core.params import RecordId
from fangkong.intel import presenters, selectors
from fangkong.intel.models import Alert, MatchTask, Trace, WatchList
from fangkong.intel.permissions import can_work_intel
from fangkong.intel.schemas import (
    AlertFilter,
    AlertOut,
    ContactOut,
    MatchFilter,
    MatchOut,
    Page,
    ProposalOut,
    ProposedOut,
    ProposeIn,
    ReviewIn,
    SkippedOut,
    TaskOut,
    TraceIn,
    TraceOut,
    WatchListIn,
    WatchListOut,
)
from fangkong.intel.services import lists, matching, notices, trace_candidates, tracing
from fangkong.jobs.models import Job
from fangkong.jobs.services import job_start

router = Router(tags=["intel"])
PDF = {"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}}


def _guard(request: HttpRequest) -> None:
    if not can_work_intel(request.user):
        raise PermissionDeniedError(_("Only analysts and unit leaders work on lists."))


def _unit(request: HttpRequest):  # noqa: ANN202 - a Unit
    unit = jurisdiction_root(request.user)
    if unit is None:
        raise PermissionDeniedError(_("Only analysts and unit leaders work on lists."))
    return unit


def _job_id(kind: str, key: str, pk: int) -> int | None:
    return (
        Job.objects.filter(kind=kind, **{f"params__{key}": pk}).values_list("pk", flat=True).first()
    )


def list_out(
    watch_list: WatchList, *, counts: bool = False, job_id: int | None = None
) -> WatchListOut:
    return WatchListOut(
        id=watch_list.pk,
        name=watch_list.name,
        source=watch_list.source,
        purpose=watch_list.purpose,
        legal_basis=watch_list.legal_basis,
        expires_on=watch_list.expires_on,
        status=watch_list.status,
        rows_read=watch_list.rows_read,
        entry_count=watch_list.entry_count,
        duplicate_count=watch_list.duplicate_count,
        problem_count=watch_list.problem_count,
        matched_at=watch_list.matched_at,
        created_at=watch_list.created_at,
        matches=matching.match_counts(watch_list) if counts else {},
        job_id=job_id,
    )


@router.get("/intel/lists", response=list[WatchListOut], operation_id="intel_list_list")
def list_list(request: HttpRequest, page: Query[Page]) -> list[WatchListOut]:
    _guard(request)
    rows = selectors.watch_list_list(user=request.user)[page.offset : page.offset + page.limit]
    return [list_out(row) for row in rows]


@router.post("/intel/lists", response={201: WatchListOut}, operation_id="intel_list_create")
def list_create(
    request: HttpRequest, meta: Form[WatchListIn], file: Annotated[UploadedFile, File()]
) -> tuple[int, WatchListOut]:
    _guard(request)
    watch_list = lists.watch_list_create(
        actor=request.user,
        unit=_unit(request),
        name=meta.name,
        source=meta.source,
        purpose=meta.purpose,
        legal_basis=meta.legal_basis,
        expires_on=meta.expires_on,
        file_name=(file.name or "")[:200],
        data=file.read(lists.tabular.read.MAX_BYTES + 1),
    )
    return 201, list_out(watch_list, job_id=_job_id("intel.import", "list_id", watch_list.pk))


@router.get("/intel/lists/{list_id}", response=WatchListOut, operation_id="intel_list_get")
def list_get(request: HttpRequest, list_id: RecordId) -> WatchListOut:
    _guard(request)
    watch_list = selectors.watch_list_get_for_user(user=request.user, list_id=list_id)
    return list_out(watch_list, counts=True)


@router.post(
    "/intel/lists/{list_id}/match", response={202: WatchListOut}, operation_id="intel_list_match"
)
def list_match(request: HttpRequest, list_id: RecordId) -> tuple[int, WatchListOut]:
    _guard(request)
    watch_list = selectors.watch_list_get_for_user(user=request.user, list_id=list_id)
    job = job_start(
        actor=request.user,
        kind="intel.match",
        params={"list_id": watch_list.pk},
        unit=watch_list.unit,
        title=watch_list.name,
    )
    return 202, list_out(watch_list, job_id=job.pk)


@router.get("/intel/matches", response=list[MatchOut], operation_id="intel_match_list")
def match_list(request: HttpRequest, filters: Query[MatchFilter]) -> list[MatchOut]:
    _guard(request)
    rows = selectors.match_list(
        user=request.user, list_id=filters.list, status=filters.status or ""
    )
    rows = rows[filters.offset : filters.offset + filters.limit]
    return [MatchOut(**presenters.match_row(m)) for m in rows]


@router.post(
    "/intel/matches/{match_id}/review", response=MatchOut, operation_id="intel_match_review"
)
def match_review(request: HttpRequest, match_id: RecordId, body: ReviewIn) -> MatchOut:
    match = selectors.match_get_for_user(user=request.user, match_id=match_id)
    match = matching.match_review(
        actor=request.user, match=match, confirm=body.decision == "confirm", reason=body.reason
    )
    match = selectors.match_list(user=request.user).get(pk=match.pk)
    return MatchOut(**presenters.match_row(match))


def task_out(task: MatchTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        list_id=task.watch_list_id,
        entry_row=task.entry.row,
        unit=task.unit.name,
        deadline=task.deadline,
        acknowledged_at=task.acknowledged_at,
    )


@router.get("/intel/tasks", response=list[TaskOut], operation_id="intel_task_list")
def task_list(request: HttpRequest, page: Query[Page]) -> list[TaskOut]:
    rows = selectors.task_list(user=request.user)[page.offset : page.offset + page.limit]
    return [task_out(task) for task in rows]


@router.post(
    "/intel/tasks/{task_id}/acknowledge", response=TaskOut, operation_id="intel_task_acknowledge"
)
def task_acknowledge(request: HttpRequest, task_id: RecordId) -> TaskOut:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    matching.task_acknowledge(actor=request.user, task=task)
    return task_out(selectors.task_get_for_user(user=request.user, task_id=task_id))


def alert_out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.pk,
        site=alert.site.name,
        purpose=alert.reason,
        basis=alert.get_basis_display(),
        check_id=alert.screening_check_id,
        registration_id=alert.registration_id,
        created_at=alert.created_at,
    )


@router.get("/intel/alerts", response=list[AlertOut], operation_id="intel_alert_list")
def alert_list(request: HttpRequest, filters: Query[AlertFilter]) -> list[AlertOut]:
    """Alerts at the sites of the caller's jurisdiction; with ``check``, those of one check
    (what the officer's app shows after recording it)."""
    rows = selectors.alert_list(user=request.user, check_id=filters.check)
    return [alert_out(a) for a in rows[filters.offset : filters.offset + filters.limit]]


def trace_out(request: HttpRequest, trace: Trace, *, contacts: bool = True) -> TraceOut:
    visible = selectors.contact_list(user=request.user, trace=trace)
    rows = visible[:500] if contacts else []
    states = selectors.trace_candidate_states(trace=trace) if contacts else {}
    cut = presenters.second_degree_cut(trace, visible) or {}
    return TraceOut(
        id=trace.pk,
        case_kind=trace.case_kind,
        window_minutes=trace.window_minutes,
        second_degree=trace.second_degree,
        done=trace.done,
        created_at=trace.created_at,
        job_id=_job_id("intel.trace", "trace_id", trace.pk),
        second_degree_cut=trace.second_degree_cut,
        contacts_followed=cut.get("followed"),
        first_degree_contacts=cut.get("total"),
        second_degree_notice=cut.get("notice", ""),
        contacts=[ContactOut(**presenters.contact_row(c, states)) for c in rows],
    )


@router.post("/intel/traces", response={201: TraceOut}, operation_id="intel_trace_create")
def trace_create(request: HttpRequest, body: TraceIn) -> tuple[int, TraceOut]:
    _guard(request)
    trace = tracing.trace_start(
        actor=request.user,
        unit=_unit(request),
        case_kind=body.case_kind,
        case=body.dict(),
        window_minutes=body.window_minutes,
        days=body.days,
        second_degree=body.second_degree,
    )
    return 201, trace_out(request, trace, contacts=False)


@router.get("/intel/traces/{trace_id}", response=TraceOut, operation_id="intel_trace_get")
def trace_get(request: HttpRequest, trace_id: RecordId) -> TraceOut:
    _guard(request)
    return trace_out(request, selectors.trace_get_for_user(user=request.user, trace_id=trace_id))


@router.post(
    "/intel/traces/{trace_id}/candidates", response=ProposalOut, operation_id="intel_trace_propose"
)
def trace_propose(request: HttpRequest, trace_id: RecordId, body: ProposeIn) -> ProposalOut:
    """Make the chosen contacts key-person candidates for review (never key persons until a
    reviewer takes them on). Idempotent: a contact proposed already, a person under an open
    measure or waiting for review are ``skipped`` with a code. A contact that is not the
    trace's (or not the caller's to see) is a 422 ``contact_unknown``; a trace still running,
    ``trace_running``."""
    _guard(request)
    trace = selectors.trace_get_for_user(user=request.user, trace_id=trace_id)
    done = trace_candidates.trace_contacts_propose(
        actor=request.user, trace=trace, contact_ids=body.contact_ids, ip=client_ip(request)
    )
    return ProposalOut(
        proposed=[ProposedOut(contact_id=c, candidate_id=k) for c, k in done.proposed.items()],
        skipped=[SkippedOut(contact_id=c, code=code) for c, code in done.skipped.items()],
    )


@router.get("/intel/traces/{trace_id}/notice", operation_id="intel_trace_notice", openapi_extra=PDF)
def trace_notice(request: HttpRequest, trace_id: RecordId) -> HttpResponse:
    """The trace notice (协查通告) as a PDF, with no personal identity; audited."""
    _guard(request)
    trace = selectors.trace_get_for_user(user=request.user, trace_id=trace_id)
    data = notices.notice_pdf(actor=request.user, trace=trace, request=request)
    return HttpResponse(data, content_type="application/pdf")
