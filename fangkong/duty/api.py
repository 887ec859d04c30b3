"""Duty endpoints under /api/v1/duty/: sign-ins (also synced from the officer's offline
outbox), attendance on the running shift, and posts short now. Records outside the caller's
jurisdiction answer 404 (``fangkong/api.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router
from ninja.files import UploadedFile

from fangkong.core.params import RecordId
from fangkong.duty import presenters, selectors, services
from fangkong.duty.models import InspectionPhoto, ReportPhoto
from fangkong.duty.schemas import (
    ErrorOut,
    FatigueFilter,
    FatigueOut,
    FixCloseIn,
    FixFilter,
    FixOut,
    HandoverFilter,
    HandoverIn,
    HandoverOut,
    HandoverSearchIn,
    InspectionFilter,
    InspectionIn,
    InspectionOut,
    KeyReusedOut,
    PageFilter,
    PhotoOut,
    PostAttendanceOut,
    PostLeaderIn,
    PostLeaderOut,
    PostShortOut,
    PostsShortOut,
    RecallIn,
    RecallOut,
    ReportFilter,
    ReportIn,
    ReportKeyReusedOut,
    ReportOut,
    SecondmentFilter,
    SecondmentIn,
    SecondmentOut,
    SignInFilter,
    SignInIn,
    SignInOut,
    SiteBriefOut,
    SquadIn,
    SquadMoveIn,
    SquadOut,
    UnitFilter,
)
from fangkong.org.models import Unit
from fangkong.org.selectors import staff_get_for_user, unit_get_for_user

router = Router(tags=["duty"])

# A record id in a path: database ids are 64-bit signed.
RecordIdPath = Path[RecordId]

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _page(rows: QuerySet[Any], filters: Any) -> QuerySet[Any]:
    """The slice of ``rows`` that the filters' ``offset`` and ``limit`` ask for."""
    return rows[filters.offset : filters.offset + filters.limit]


def _key_reused(request: HttpRequest, sign_in: Any) -> tuple[int, KeyReusedOut]:
    message = _("This key belongs to another sign-in already stored; make a new key.")
    mine = sign_in.staff_id == getattr(getattr(request.user, "staff", None), "pk", None)
    return 409, KeyReusedOut(
        code="idempotency_key_reused", message=message, sign_in_id=sign_in.pk if mine else None
    )


@router.post(
    "/duty/signins",
    response={200: SignInOut, 201: SignInOut, 409: KeyReusedOut, **ERRORS},
    operation_id="duty_sign_in_create",
    summary="Sign in or out at a post (201), or the sign-in already stored under the key (200)",
    description=(
        "The same idempotency key with a different sign-in (person, post, kind or time) is "
        "refused with 409. Outside the post's radius, or without a position, the sign-in "
        "is stored and flagged."
    ),
)
def sign_in_create(request: HttpRequest, payload: SignInIn) -> tuple[int, Any]:
    staff = services.actor_staff(request.user)
    again = services.sign_in_for_key(actor=request.user, idempotency_key=payload.idempotency_key)
    if again is not None:
        if services.sign_in_differs(
            again, staff=staff, site_id=payload.site_id, kind=payload.kind, at=payload.at
        ):
            return _key_reused(request, again)
        return 200, presenters.sign_in_out(again)
    site = selectors.site_for_sign_in(user=request.user, site_id=payload.site_id)
    try:
        recorded = services.sign_in_record(
            actor=request.user,
            site=site,
            kind=payload.kind,
            at=payload.at,
            idempotency_key=payload.idempotency_key,
            lat=payload.lat,
            lng=payload.lng,
            accuracy_m=payload.accuracy_m,
            reason=payload.reason,
        )
    except services.IdempotencyKeyReusedError as exc:
        return _key_reused(request, exc.sign_in)
    return (201 if recorded.created else 200), presenters.sign_in_out(recorded.sign_in)


@router.get(
    "/duty/signins", response={200: list[SignInOut], **ERRORS}, operation_id="duty_sign_in_list"
)
def sign_in_list(request: HttpRequest, filters: Query[SignInFilter]) -> list[SignInOut]:
    site = _site(request, filters.site)
    rows = selectors.sign_in_list_for_user(
        user=request.user, site=site, since=filters.since, flagged=filters.flagged
    )
    page = list(_page(rows, filters))
    seconded = selectors.secondments_of_sign_ins(page)
    return [presenters.sign_in_out(row, seconded.get(row.pk)) for row in page]


def _unit(request: HttpRequest, unit_id: int | None) -> Any:
    return unit_get_for_user(user=request.user, unit_id=unit_id) if unit_id else None


def _site(request: HttpRequest, site_id: int | None) -> Any:
    """The post a filter or a payload names, if it names one, in the caller's reach."""
    return selectors.site_for_sign_in(user=request.user, site_id=site_id) if site_id else None


@router.get(
    "/duty/attendance",
    response={200: list[PostAttendanceOut], **ERRORS},
    operation_id="duty_attendance_now",
    summary="Each post's planned people on the running shift: present, late, absent",
)
def attendance_now(request: HttpRequest, filters: Query[UnitFilter]) -> list[PostAttendanceOut]:
    posts = selectors.attendance_now(user=request.user, unit=_unit(request, filters.unit))
    return [presenters.post_attendance_out(post) for post in posts]


@router.get(
    "/duty/posts-short",
    response={200: PostsShortOut, **ERRORS},
    operation_id="duty_posts_short_now",
    summary="Posts of the running shift with fewer people present now than they require",
)
def posts_short(request: HttpRequest, filters: Query[UnitFilter]) -> PostsShortOut:
    path = selectors.scope_path(request.user, _unit(request, filters.unit))
    posts = selectors.posts_short_now(path=path)
    return PostsShortOut(count=len(posts), posts=[PostShortOut(**post) for post in posts])


@router.post(
    "/duty/handovers",
    response={201: HandoverOut, **ERRORS},
    operation_id="duty_handover_create",
    summary="The outgoing shift's handover at a post",
)
def handover_create(request: HttpRequest, payload: HandoverIn) -> tuple[int, HandoverOut]:
    site = selectors.site_for_sign_in(user=request.user, site_id=payload.site_id)
    texts = payload.model_dump(exclude={"site_id", "at"})
    handover = services.handover_record(actor=request.user, site=site, at=payload.at, **texts)
    return 201, presenters.handover_out(handover)


@router.get(
    "/duty/handovers",
    response={200: list[HandoverOut], **ERRORS},
    operation_id="duty_handover_list",
    summary="The handover log of the posts of the caller's jurisdiction, searchable",
)
def handover_list(request: HttpRequest, filters: Query[HandoverFilter]) -> list[HandoverOut]:
    return _handovers(request, filters, q="")


@router.post(
    "/duty/handovers/search",
    response={200: list[HandoverOut], **ERRORS},
    operation_id="duty_handover_search",
    summary="The handover log searched for words (by POST: the words stay out of the logs)",
)
def handover_search(request: HttpRequest, payload: HandoverSearchIn) -> list[HandoverOut]:
    return _handovers(request, payload, q=payload.q)


def _handovers(request: HttpRequest, filters: HandoverFilter, *, q: str) -> list[HandoverOut]:
    site = _site(request, filters.site)
    rows = selectors.handover_list_for_user(
        user=request.user, site=site, q=q, pending=filters.pending
    )
    return [presenters.handover_out(h) for h in _page(rows, filters)]


@router.post(
    "/duty/handovers/{handover_id}/acknowledge",
    response={200: HandoverOut, **ERRORS},
    operation_id="duty_handover_acknowledge",
    summary="The incoming leader acknowledges a handover",
)
def handover_acknowledge(request: HttpRequest, handover_id: RecordIdPath) -> HandoverOut:
    handover = selectors.handover_get_for_user(user=request.user, handover_id=handover_id)
    return presenters.handover_out(
        services.handover_acknowledge(actor=request.user, handover=handover)
    )


@router.post(
    "/duty/inspections",
    response={201: InspectionOut, **ERRORS},
    operation_id="duty_inspection_create",
    summary="A supervision visit to a post: checklist, findings and fixes with deadlines",
)
def inspection_create(request: HttpRequest, payload: InspectionIn) -> tuple[int, InspectionOut]:
    site = selectors.site_for_sign_in(user=request.user, site_id=payload.site_id)
    inspection = services.inspection_record(
        actor=request.user,
        site=site,
        at=payload.at,
        checklist=payload.checklist,
        findings=payload.findings,
        fixes=[services.FixAsked(f.text, f.deadline) for f in payload.fixes],
    )
    inspection = selectors.inspection_get_for_user(user=request.user, inspection_id=inspection.pk)
    return 201, presenters.inspection_out(inspection)


@router.get(
    "/duty/inspections",
    response={200: list[InspectionOut], **ERRORS},
    operation_id="duty_inspection_list",
)
def inspection_list(request: HttpRequest, filters: Query[InspectionFilter]) -> list[InspectionOut]:
    site = _site(request, filters.site)
    rows = selectors.inspection_list_for_user(user=request.user, site=site, since=filters.since)
    return [presenters.inspection_out(i) for i in _page(rows, filters)]


PHOTO_UPLOAD = (
    "A multipart form with one file, ``photo``: JPEG, PNG or WebP, at most "
    "FANGKONG_PHOTO_MAX_MB (10 MB) and 40 megapixels; stored re-encoded with a thumbnail, "
    "as the web form stores them; at most 6 per record. Refused with 422 and a code: "
    "``photo_type``, ``photo_too_large``, ``photo_too_many_pixels``, ``photo_invalid`` "
    "(not a readable image) or ``too_many``."
)


@router.post(
    "/duty/inspections/{inspection_id}/photos",
    response={201: PhotoOut, **ERRORS},
    operation_id="duty_inspection_photo_add",
    summary="Add a photo to a supervision visit (multipart)",
    description=PHOTO_UPLOAD,
)
def inspection_photo_add(
    request: HttpRequest, inspection_id: RecordIdPath, photo: File[UploadedFile]
) -> tuple[int, PhotoOut]:
    inspection = selectors.inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    stored = services.inspection_photo_upload(
        actor=request.user, inspection=inspection, upload=photo
    )
    return _photo_added(stored, InspectionPhoto.objects.filter(inspection_id=inspection.pk))


@router.get("/duty/fixes", response={200: list[FixOut], **ERRORS}, operation_id="duty_fix_list")
def fix_list(request: HttpRequest, filters: Query[FixFilter]) -> list[FixOut]:
    rows = selectors.fix_list_for_user(user=request.user, open_only=filters.open_only)
    return [presenters.fix_out(f) for f in _page(rows, filters)]


@router.post(
    "/duty/fixes/{fix_id}/close",
    response={200: FixOut, **ERRORS},
    operation_id="duty_fix_close",
    summary="Close a fix, saying how it was fixed",
)
def fix_close(request: HttpRequest, fix_id: RecordIdPath, payload: FixCloseIn) -> FixOut:
    fix = selectors.fix_get_for_user(user=request.user, fix_id=fix_id)
    return presenters.fix_out(services.fix_close(actor=request.user, fix=fix, note=payload.note))


@router.get(
    "/duty/posts-not-visited",
    response={200: list[SiteBriefOut], **ERRORS},
    operation_id="duty_posts_not_visited",
    summary="Open posts no supervision visit reached today",
)
def posts_not_visited(request: HttpRequest, filters: Query[UnitFilter]) -> list[SiteBriefOut]:
    path = selectors.scope_path(request.user, _unit(request, filters.unit))
    rows = selectors.posts_not_visited(path=path)[:1000]
    return [SiteBriefOut(id=s.pk, name=s.name, unit=s.unit.name) for s in rows]


@router.post(
    "/duty/post-leaders",
    response={201: PostLeaderOut, **ERRORS},
    operation_id="duty_post_leader_create",
    summary="Bind a leader to a key post for a period (包保)",
)
def post_leader_create(request: HttpRequest, payload: PostLeaderIn) -> tuple[int, PostLeaderOut]:
    site = selectors.site_for_sign_in(user=request.user, site_id=payload.site_id)
    leader = selectors.staff_pick_for_user(user=request.user, staff_id=payload.leader_id)
    bound = services.post_leader_assign(
        actor=request.user,
        site=site,
        leader=leader,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return 201, presenters.post_leader_out(bound)


@router.get(
    "/duty/post-leaders",
    response={200: list[PostLeaderOut], **ERRORS},
    operation_id="duty_post_leader_list",
)
def post_leader_list(request: HttpRequest, filters: Query[FixFilter]) -> list[PostLeaderOut]:
    rows = selectors.post_leader_list_for_user(user=request.user)
    return [presenters.post_leader_out(r) for r in _page(rows, filters)]


@router.get(
    "/duty/fatigue",
    response={200: list[FatigueOut], **ERRORS},
    operation_id="duty_fatigue_list",
    summary="Hours and days actually worked, from sign-ins: people over their unit's limits",
)
def fatigue_list(request: HttpRequest, filters: Query[FatigueFilter]) -> list[FatigueOut]:
    path = selectors.scope_path(request.user, _unit(request, filters.unit))
    rows = selectors.fatigue_list(path=path, over_only=filters.over_only)
    return [presenters.fatigue_out(r) for r in rows[:1000]]


@router.get(
    "/duty/fatigue/me",
    response={200: FatigueOut, **ERRORS},
    operation_id="duty_fatigue_me",
    summary="The caller's own hours and days actually worked",
)
def fatigue_me(request: HttpRequest) -> FatigueOut:
    staff = services.actor_staff(request.user)
    return presenters.fatigue_out(selectors.fatigue_of(staff=staff))


@router.post(
    "/duty/reports",
    response={200: ReportOut, 201: ReportOut, 409: ReportKeyReusedOut, **ERRORS},
    operation_id="duty_report_create",
    summary="Raise an important-situation report (201), or the one stored under the key (200)",
)
def report_create(request: HttpRequest, payload: ReportIn) -> tuple[int, Any]:
    site = _site(request, payload.site_id)
    try:
        report, created = services.report_raise(
            actor=request.user,
            kind=payload.kind,
            text=payload.text,
            at=payload.at,
            idempotency_key=payload.idempotency_key,
            site=site,
            lat=payload.lat,
            lng=payload.lng,
        )
    except services.ReportKeyReusedError:
        message = _("This key belongs to another report already stored; make a new key.")
        return 409, ReportKeyReusedOut(code="idempotency_key_reused", message=message)
    report = selectors.report_get_for_user(user=request.user, report_id=report.pk)
    return (201 if created else 200), presenters.report_out(report)


@router.get(
    "/duty/reports",
    response={200: list[ReportOut], **ERRORS},
    operation_id="duty_report_list",
    summary="Important-situation reports of the caller's jurisdiction (open ones by default)",
)
def report_list(request: HttpRequest, filters: Query[ReportFilter]) -> list[ReportOut]:
    rows = selectors.report_list_for_user(user=request.user, open_only=filters.open_only)
    return [presenters.report_out(r) for r in _page(rows, filters)]


@router.post(
    "/duty/reports/{report_id}/acknowledge",
    response={200: ReportOut, **ERRORS},
    operation_id="duty_report_acknowledge",
    summary="Acknowledge a report at the level it waits at; it goes on up",
)
def report_acknowledge(request: HttpRequest, report_id: RecordIdPath) -> ReportOut:
    return _report_act(request, report_id, services.report_acknowledge)


@router.post(
    "/duty/reports/{report_id}/close",
    response={200: ReportOut, **ERRORS},
    operation_id="duty_report_close",
)
def report_close(request: HttpRequest, report_id: RecordIdPath) -> ReportOut:
    return _report_act(request, report_id, services.report_close)


def _report_act(request: HttpRequest, report_id: int, act: Callable[..., object]) -> ReportOut:
    """A report in the caller's reach, the action on it, and the report as it now is."""
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    act(actor=request.user, report=report)
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    return presenters.report_out(report)


@router.post(
    "/duty/reports/{report_id}/photos",
    response={201: PhotoOut, **ERRORS},
    operation_id="duty_report_photo_add",
    summary="Add a photo to an open important-situation report (multipart)",
    description=PHOTO_UPLOAD,
)
def report_photo_add(
    request: HttpRequest, report_id: RecordIdPath, photo: File[UploadedFile]
) -> tuple[int, PhotoOut]:
    report = selectors.report_get_for_user(user=request.user, report_id=report_id)
    stored = services.report_photo_upload(actor=request.user, report=report, upload=photo)
    return _photo_added(stored, ReportPhoto.objects.filter(report_id=report.pk))


def _photo_added(stored: Any, photos: QuerySet[Any]) -> tuple[int, PhotoOut]:
    # Counted afresh: the record's own ``photos`` may be prefetched without the new one.
    return 201, PhotoOut(
        id=stored.pk, width=stored.width, height=stored.height, photos=photos.count()
    )


@router.post("/duty/squads", response={201: SquadOut, **ERRORS}, operation_id="duty_squad_create")
def squad_create(request: HttpRequest, payload: SquadIn) -> tuple[int, SquadOut]:
    unit = unit_get_for_user(user=request.user, unit_id=payload.unit_id)
    members = [
        selectors.staff_pick_for_user(user=request.user, staff_id=i)
        for i in set(payload.member_ids)
    ]
    squad = services.squad_create(actor=request.user, unit=unit, name=payload.name, members=members)
    return 201, presenters.squad_out(
        selectors.squad_get_for_user(user=request.user, squad_id=squad.pk)
    )


@router.get(
    "/duty/squads", response={200: list[SquadOut], **ERRORS}, operation_id="duty_squad_list"
)
def squad_list(request: HttpRequest, filters: Query[PageFilter]) -> list[SquadOut]:
    rows = selectors.squad_list_for_user(user=request.user)
    return [presenters.squad_out(s) for s in _page(rows, filters)]


@router.post(
    "/duty/squads/{squad_id}/move",
    response={200: SquadOut, **ERRORS},
    operation_id="duty_squad_move",
    summary="Dispatch a reserve squad to a post, or record it returned or standing by",
)
def squad_move(request: HttpRequest, squad_id: RecordIdPath, payload: SquadMoveIn) -> SquadOut:
    squad = selectors.squad_get_for_user(user=request.user, squad_id=squad_id)
    site = _site(request, payload.site_id)
    services.squad_move(actor=request.user, squad=squad, state=payload.state, site=site)
    return presenters.squad_out(selectors.squad_get_for_user(user=request.user, squad_id=squad_id))


@router.post(
    "/duty/recalls",
    response={201: RecallOut, **ERRORS},
    operation_id="duty_recall_create",
    summary="A recall order: cancel the unit's leave from a day on and notify those affected",
)
def recall_create(request: HttpRequest, payload: RecallIn) -> tuple[int, RecallOut]:
    unit = unit_get_for_user(user=request.user, unit_id=payload.unit_id)
    order = services.recall_issue(
        actor=request.user, unit=unit, starts_on=payload.starts_on, reason=payload.reason
    )
    return 201, presenters.recall_out(order)


@router.get(
    "/duty/recalls", response={200: list[RecallOut], **ERRORS}, operation_id="duty_recall_list"
)
def recall_list(request: HttpRequest, filters: Query[PageFilter]) -> list[RecallOut]:
    rows = selectors.recall_list_for_user(user=request.user)
    return [presenters.recall_out(r) for r in _page(rows, filters)]


@router.post(
    "/duty/secondments",
    response={201: SecondmentOut, **ERRORS},
    operation_id="duty_secondment_create",
    summary="Second a person of the caller's jurisdiction to another unit for a period (下沉)",
)
def secondment_create(request: HttpRequest, payload: SecondmentIn) -> tuple[int, SecondmentOut]:
    staff = staff_get_for_user(user=request.user, staff_id=payload.staff_id)
    to_unit = Unit.objects.get(pk=payload.to_unit_id)
    row = services.secondment_create(
        actor=request.user,
        staff=staff,
        to_unit=to_unit,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return 201, presenters.secondment_out(row)


@router.get(
    "/duty/secondments",
    response={200: list[SecondmentOut], **ERRORS},
    operation_id="duty_secondment_list",
    summary="Secondments out of the caller's jurisdiction and into it",
)
def secondment_list(request: HttpRequest, filters: Query[SecondmentFilter]) -> list[SecondmentOut]:
    rows = selectors.secondment_list_for_user(user=request.user, current=filters.current)
    return [presenters.secondment_out(r) for r in _page(rows, filters)]
