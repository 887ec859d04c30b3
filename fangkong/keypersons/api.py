"""Key-person endpoints under /api/v1/keypersons: the same services and selectors as the
pages. Lists are masked; a detail is a POST with the reason (audited), never a GET with the
reason in its address. Records outside the caller's grid scope answer 404."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from fangkong.core.http import client_ip
from fangkong.core.names import person_label
from fangkong.core.params import RecordId
from fangkong.grid.models import Community, GridCell
from fangkong.grid.selectors import cell_get_for_user, community_get_for_user, door_get_for_user
from fangkong.keypersons import figures, selectors, services
from fangkong.keypersons.choices import CHECK_OUTCOMES, Measure
from fangkong.keypersons.models import (
    Candidate,
    Category,
    FollowUp,
    HealthHandover,
    KeyPerson,
    ReturnReferral,
    Task,
)
from fangkong.keypersons.schemas import (
    CandidateAcceptIn,
    CandidateFilter,
    CandidateOut,
    CategoryOut,
    CommunityMapFilter,
    CommunityMapRow,
    CountRow,
    CoverageRow,
    DoorDueOut,
    DueOut,
    FollowUpIn,
    FollowUpOut,
    GridRow,
    HandoverIn,
    HandoverOut,
    KeyPersonDetailOut,
    KeyPersonFilter,
    KeyPersonIn,
    KeyPersonOut,
    NoteIn,
    ReasonIn,
    ReportLinkOut,
    ReturnConfirmIn,
    ReturnIn,
    ReturnOut,
    SelfReportIn,
    SelfReportOut,
    StatusChangeOut,
    SummaryOut,
    TaskFilter,
    TaskOut,
    TodayOut,
    TransitionIn,
)
from fangkong.registration.schemas import ErrorOut, RateLimitedOut, ValidationErrorOut

router = Router(tags=["keypersons"])
P = "/keypersons"


def keyperson_out(kp: KeyPerson, *, full: bool = False) -> dict:
    return {
        "id": kp.pk,
        "name": kp.name if full else kp.name_masked,
        "phone": kp.phone if full else kp.phone_masked,
        "document": kp.person.doc_number if full else kp.person.doc_masked,
        "category_id": kp.category_id,
        "category": kp.category.name,
        "source": kp.source,
        "measure": kp.measure,
        "status": kp.status,
        "start_on": kp.start_on,
        "planned_end_on": kp.planned_end_on,
        "ended_on": kp.ended_on,
        "community_id": kp.community_id,
        "community": kp.community.name,
        "cell_id": kp.cell_id,
        "door_id": kp.door_id,
        "address": kp.address,
        "grid_worker_id": kp.grid_worker_id,
        "officer_id": kp.officer_id,
        "followups_per_day": kp.followups_per_day,
        "last_followup_on": kp.last_followup_on,
    }


def followup_out(f: FollowUp, *, health: bool, created: bool = True) -> FollowUpOut:
    return FollowUpOut(
        id=f.pk, key_person_id=f.key_person_id, day=f.day, at=f.at,
        self_reported=f.self_reported, temperature=f.temperature if health else None,
        symptoms=f.symptoms if health else [], at_home=f.at_home if health else None,
        abnormal=f.abnormal, created=created,
    )  # fmt: skip


def task_out(t: Task) -> TaskOut:
    return TaskOut(
        id=t.pk, kind=t.kind, day=t.day, status=t.status, key_person_id=t.key_person_id,
        name=t.key_person.name_masked, category=t.key_person.category.name,
        community_id=t.community_id, cell_id=t.cell_id, assignee_id=t.assignee_id,
    )  # fmt: skip


def _keyperson(request: HttpRequest, key_person_id: int) -> KeyPerson:
    return selectors.keyperson_get_for_user(user=request.user, key_person_id=key_person_id)


@router.get(f"{P}/categories", response=list[CategoryOut], operation_id="keyperson_categories")
def category_list(request: HttpRequest) -> list[CategoryOut]:
    return [
        CategoryOut(
            id=c.pk,
            code=c.code,
            name=c.name,
            four_categories=c.four_categories,
            measure=c.measure,
            days=c.days,
            followups_per_day=c.followups_per_day,
        )  # fmt: skip
        for c in selectors.category_list()
    ]


@router.get(P, response=list[KeyPersonOut], operation_id="keyperson_list")
def keyperson_list(request: HttpRequest, filters: Query[KeyPersonFilter]) -> list[dict]:
    """Key persons in the caller's grid scope, masked."""
    rows = selectors.keyperson_list_for_user(
        user=request.user, status=filters.status, category_id=filters.category,
        community_id=filters.community, cell_id=filters.cell, ending_by=filters.ending_by,
    )  # fmt: skip
    return [keyperson_out(kp) for kp in rows[filters.offset : filters.offset + filters.limit]]


def _place(request: HttpRequest, payload: KeyPersonIn) -> tuple[Community, GridCell | None, object]:
    user = request.user
    community = community_get_for_user(user=user, community_id=payload.community_id)
    cell = cell_get_for_user(user=user, cell_id=payload.cell_id) if payload.cell_id else None
    door = door_get_for_user(user=user, door_id=payload.door_id) if payload.door_id else None
    return community, cell, door


@router.post(P, response={200: KeyPersonOut, 201: KeyPersonOut}, operation_id="keyperson_create")
def keyperson_create(request: HttpRequest, payload: KeyPersonIn) -> tuple[int, dict]:
    """Put a person under a measure. 201 for a new episode; 200 with the person's open
    episode when they have one (merged by document)."""
    community, cell, door = _place(request, payload)
    category = Category.objects.get(pk=payload.category_id, active=True)
    data = services.EpisodeIn(
        doc_type=payload.doc_type, doc_number=payload.doc_number, name=payload.name,
        phone=payload.phone, category=category, source=payload.source,
        measure=payload.measure, community=community, reason=payload.reason,
        start_on=payload.start_on, planned_end_on=payload.planned_end_on, cell=cell,
        door=door, address=payload.address, note=payload.note,  # type: ignore[arg-type]
    )  # fmt: skip
    episode, created = services.keyperson_create(actor=request.user, data=data)
    episode = _keyperson(request, episode.pk)
    return (201 if created else 200), keyperson_out(episode)


@router.post(
    f"{P}/{{key_person_id}}/detail",
    response=KeyPersonDetailOut,
    operation_id="keyperson_detail",
)
def keyperson_detail(request: HttpRequest, key_person_id: RecordId, payload: ReasonIn) -> dict:
    """The episode in detail, with the reason for reading it (audited). Name, phone and
    document in full for those who may see them, masked for others."""
    kp = selectors.keyperson_detail_for_user(
        user=request.user, key_person_id=key_person_id, reason=payload.reason,
        ip=client_ip(request),
    )  # fmt: skip
    full = selectors.sees_identity(request.user)
    changes = [
        StatusChangeOut(from_status=c.from_status, to_status=c.to_status, reason=c.reason, at=c.at)
        for c in kp.status_changes.all()
    ]
    return {**keyperson_out(kp, full=full), "full": full, "status_changes": changes}


@router.post(
    f"{P}/{{key_person_id}}/transitions",
    response=KeyPersonOut,
    operation_id="keyperson_transition",
)
def keyperson_transition(
    request: HttpRequest, key_person_id: RecordId, payload: TransitionIn
) -> dict:
    """Change the status (release, send to hospital, lost contact...) with a reason."""
    kp = _keyperson(request, key_person_id)
    services.keyperson_transition(
        actor=request.user, key_person=kp, to_status=payload.status, reason=payload.reason
    )
    return keyperson_out(_keyperson(request, key_person_id))


@router.post(
    f"{P}/{{key_person_id}}/report-link",
    response={201: ReportLinkOut},
    operation_id="keyperson_report_link",
)
def report_link(request: HttpRequest, key_person_id: RecordId) -> tuple[int, ReportLinkOut]:
    """A new self-report link for the person (the previous one stops working)."""
    kp = _keyperson(request, key_person_id)
    token = services.report_link_issue(actor=request.user, key_person=kp)
    url = request.build_absolute_uri(reverse("keypersons:self_report", args=[token]))
    return 201, ReportLinkOut(url=url)


@router.get(
    f"{P}/{{key_person_id}}/followups",
    response=list[FollowUpOut],
    operation_id="keyperson_followup_list",
)
def followup_list(request: HttpRequest, key_person_id: RecordId) -> list[FollowUpOut]:
    health = selectors.sees_health(request.user)
    rows = selectors.followup_list_for_user(user=request.user, key_person_id=key_person_id)
    return [followup_out(f, health=health) for f in rows[:200]]


@router.post(
    f"{P}/{{key_person_id}}/followups",
    response={200: FollowUpOut, 201: FollowUpOut},
    operation_id="keyperson_followup_record",
)
def followup_record(
    request: HttpRequest, key_person_id: RecordId, payload: FollowUpIn
) -> tuple[int, FollowUpOut]:
    """Record a follow-up at the door; the phone's outbox sends an idempotency key, and a
    follow-up sent again with it is answered 200 with the first one."""
    kp = _keyperson(request, key_person_id)
    followup, created = services.followup_record(
        actor=request.user, key_person=kp,
        data=services.FollowUpIn(
            temperature=payload.temperature, symptoms=payload.symptoms,
            at_home=payload.at_home, note=payload.note,
        ),
        at=payload.at, idempotency_key=payload.idempotency_key,
    )  # fmt: skip
    return (201 if created else 200), followup_out(followup, health=True, created=created)


@router.post(
    f"{P}/self-report",
    auth=None,
    response={201: SelfReportOut, 404: ErrorOut, 422: ValidationErrorOut, 429: RateLimitedOut},
    operation_id="keyperson_self_report",
)
def self_report(request: HttpRequest, payload: SelfReportIn) -> tuple[int, object]:
    """A person's own follow-up through their link (no login; the token in the body)."""
    try:
        followup = services.followup_self_report(
            token=payload.token,
            data=services.FollowUpIn(
                temperature=payload.temperature, symptoms=payload.symptoms,
                at_home=payload.at_home, note=payload.note,
            ),
            ip=client_ip(request) or "",
        )  # fmt: skip
    except KeyPerson.DoesNotExist:
        from django.utils.translation import gettext as _

        return 404, ErrorOut(code="link_expired", message=_("This link has expired."))
    return 201, SelfReportOut(day=followup.day, abnormal=followup.abnormal)


@router.get(f"{P}/today", response=TodayOut, operation_id="keyperson_today")
def today(request: HttpRequest) -> TodayOut:
    """The grid worker's list for today: follow-ups due, doors to visit, open tasks."""
    day = selectors.today_for_user(user=request.user)
    return TodayOut(
        day=day.day,
        due=[
            DueOut(
                key_person_id=d.key_person.pk,
                name=d.key_person.name_masked,
                address=d.key_person.address,
                category=d.key_person.category.name,
                done=d.done,
                outstanding=d.outstanding,
                abnormal=d.abnormal,
            )  # fmt: skip
            for d in day.due
        ],
        doors=[DoorDueOut(id=d.pk, address=d.address, swept_at=d.swept_at) for d in day.doors],
        tasks=[task_out(t) for t in day.tasks],
    )


@router.get(f"{P}/tasks", response=list[TaskOut], operation_id="keyperson_task_list")
def task_list(request: HttpRequest, filters: Query[TaskFilter]) -> list[TaskOut]:
    rows = selectors.task_list_for_user(user=request.user, status=filters.status, day=filters.day)
    return [task_out(t) for t in rows[filters.offset : filters.offset + filters.limit]]


@router.post(f"{P}/tasks/{{task_id}}/done", response=TaskOut, operation_id="keyperson_task_done")
def task_done(request: HttpRequest, task_id: RecordId, payload: NoteIn) -> TaskOut:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_done(actor=request.user, task=task, note=payload.note)
    return task_out(selectors.task_get_for_user(user=request.user, task_id=task_id))


@router.get(f"{P}/releases", response=list[KeyPersonOut], operation_id="keyperson_releases")
def releases(request: HttpRequest) -> list[dict]:
    """Episodes under the measure whose planned end is today or past: to release."""
    return [keyperson_out(kp) for kp in selectors.release_list_for_user(user=request.user)[:500]]


def return_out(r: ReturnReferral) -> ReturnOut:
    return ReturnOut(
        check_id=r.check_record_id, destination=r.destination, state=r.state,
        recorded_at=r.recorded_at, confirmed_at=r.confirmed_at, confirmed_how=r.confirmed_how,
        confirmed_by=person_label(r.confirmed_by), note=r.note,
    )  # fmt: skip


def handover_out(h: HealthHandover) -> HandoverOut:
    return HandoverOut(
        check_id=h.check_record_id, receiver_name=h.receiver_name,
        receiver_unit=h.receiver_unit, handed_at=h.handed_at, recorded_at=h.recorded_at,
        note=h.note,
    )  # fmt: skip


def candidate_out(c: Candidate) -> CandidateOut:
    check = c.check_record
    # A missing reverse one-to-one raises an AttributeError: getattr gives None.
    referral = getattr(check, "keyperson_return", None)
    handover = getattr(check, "keyperson_handover", None)
    return CandidateOut(
        id=c.pk, source_kind=c.source_kind, source_id=c.source_id, check_id=c.check_record_id,
        outcome=c.outcome, site=c.site.name if c.site is not None else "", seen_at=c.seen_at,
        checked_at=check.checked_at if check is not None else None,
        document=c.person.doc_masked, status=c.status,
        key_person_id=c.key_person_id,
        return_to=return_out(referral) if referral is not None else None,
        handover=handover_out(handover) if handover is not None else None,
    )  # fmt: skip


def _check(request: HttpRequest, check_id: int) -> object:
    """A check of the caller's jurisdiction that ended in 劝返 or 移交卫健 (404 otherwise)."""
    from fangkong.screening.selectors import check_get_for_user

    check = check_get_for_user(user=request.user, check_id=check_id)
    if check.outcome not in CHECK_OUTCOMES:
        raise Candidate.DoesNotExist
    return check


@router.post(
    f"{P}/checks/{{check_id}}/return",
    response={200: ReturnOut},
    operation_id="keyperson_check_return",
)
def check_return(request: HttpRequest, check_id: RecordId, payload: ReturnIn) -> ReturnOut:
    """Where a person persuaded to return (劝返) was sent; may change until confirmed."""
    referral = services.return_record(
        actor=request.user, check=_check(request, check_id), destination=payload.destination,
        note=payload.note,
    )  # fmt: skip
    return return_out(referral)


@router.post(
    f"{P}/checks/{{check_id}}/return/confirm",
    response={200: ReturnOut},
    operation_id="keyperson_check_return_confirm",
)
def check_return_confirm(
    request: HttpRequest, check_id: RecordId, payload: ReturnConfirmIn
) -> ReturnOut:
    """The confirmation that the person arrived (``arrived``) or left the prefecture
    (``left``): who (the caller), when and how."""
    referral = services.return_confirm(
        actor=request.user, check=_check(request, check_id), state=payload.state,
        how=payload.how, at=payload.at, note=payload.note,
    )  # fmt: skip
    return return_out(referral)


@router.post(
    f"{P}/checks/{{check_id}}/handover",
    response={201: HandoverOut},
    operation_id="keyperson_check_handover",
)
def check_handover(
    request: HttpRequest, check_id: RecordId, payload: HandoverIn
) -> tuple[int, HandoverOut]:
    """The handover of a person referred to the health authority (移交卫健), once."""
    handover = services.handover_record(
        actor=request.user, check=_check(request, check_id), receiver_name=payload.receiver_name,
        receiver_unit=payload.receiver_unit, handed_at=payload.handed_at, note=payload.note,
    )  # fmt: skip
    return 201, handover_out(handover)


@router.get(f"{P}/candidates", response=list[CandidateOut], operation_id="keyperson_candidates")
def candidate_list(request: HttpRequest, filters: Query[CandidateFilter]) -> list[CandidateOut]:
    """Checks ending in 劝返 or 移交卫健, and persons a list found in any record, waiting
    for review, each with the record it came from."""
    rows = selectors.candidate_list_for_user(user=request.user, status=filters.status)
    rows = rows.select_related("person")
    return [candidate_out(c) for c in rows[filters.offset : filters.offset + filters.limit]]


@router.post(
    f"{P}/candidates/{{candidate_id}}/accept",
    response={201: KeyPersonOut},
    operation_id="keyperson_candidate_accept",
)
def candidate_accept(
    request: HttpRequest, candidate_id: RecordId, payload: CandidateAcceptIn
) -> tuple[int, dict]:
    candidate = selectors.candidate_get_for_user(user=request.user, candidate_id=candidate_id)
    user = request.user
    community = community_get_for_user(user=user, community_id=payload.community_id)
    cell = cell_get_for_user(user=user, cell_id=payload.cell_id) if payload.cell_id else None
    episode = services.candidate_accept(
        actor=user, candidate=candidate, community=community,
        category=Category.objects.get(pk=payload.category_id, active=True), name=payload.name,
        reason=payload.reason, cell=cell, address=payload.address,
    )  # fmt: skip
    return 201, keyperson_out(_keyperson(request, episode.pk))


@router.post(
    f"{P}/candidates/{{candidate_id}}/dismiss",
    response=CandidateOut,
    operation_id="keyperson_candidate_dismiss",
)
def candidate_dismiss(
    request: HttpRequest, candidate_id: RecordId, payload: ReasonIn
) -> CandidateOut:
    candidate = selectors.candidate_get_for_user(user=request.user, candidate_id=candidate_id)
    services.candidate_dismiss(actor=request.user, candidate=candidate, reason=payload.reason)
    return candidate_out(
        selectors.candidate_get_for_user(user=request.user, candidate_id=candidate_id)
    )


@router.get(
    f"{P}/map",
    response=list[CommunityMapRow],
    operation_id="keyperson_map",
    url_name="keyperson_map",
)
def community_map(
    request: HttpRequest, filters: Query[CommunityMapFilter]
) -> list[CommunityMapRow]:
    """Key persons per community for the command map: under the measure, today's follow-ups
    (due, done, missing, abnormal) and a state to colour it by. ``unit`` narrows to the
    communities of that unit's stations (within the caller's scope)."""
    unit_path = None
    if filters.unit is not None:
        from fangkong.org.models import Unit

        unit_path = Unit.objects.values_list("path", flat=True).get(pk=filters.unit)
    rows = figures.by_community_for_user(user=request.user, day=filters.day, unit_path=unit_path)
    return [CommunityMapRow(**r.__dict__, state=r.state) for r in rows]


@router.get(f"{P}/summary", response=SummaryOut, operation_id="keyperson_summary")
def summary(request: HttpRequest) -> SummaryOut:
    """The command view's figures for today in the caller's scope."""
    s = figures.summary_for_user(user=request.user)
    return SummaryOut(
        day=s.day, total=s.total, by_status=s.by_status,
        by_category=[
            CountRow(key=str(k), label=s.categories.get(k, ""), counts=v)
            for k, v in sorted(s.by_category.items())
        ],
        by_measure=[
            CountRow(key=k, label=str(Measure(k).label), counts=v)
            for k, v in sorted(s.by_measure.items())
        ],
        by_unit=[
            CountRow(key=str(k), label=s.units.get(k, ""), counts=v)
            for k, v in sorted(s.by_unit.items())
        ],
        grids=[GridRow(**g.__dict__) for g in s.grids],
        ending_today=s.ending_today,
        coverage=[
            CoverageRow(
                cell_id=c.cell_id, cell=c.cell, community=c.community, doors=c.doors,
                visited=c.visited, percent=c.percent,
            )  # fmt: skip
            for c in s.coverage
        ],
    )  # fmt: skip
