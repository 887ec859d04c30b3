"""Supplies endpoints under /api/v1/supplies/: the same services and selectors as the pages.
Records outside the caller's jurisdiction answer 404 (``fangkong/api.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from fangkong.core.errors import FieldErrors, refuse
from fangkong.org.selectors import staff_get_for_user, unit_get_for_user
from fangkong.sites.selectors import site_get_for_user
from fangkong.supplies import selectors, services
from fangkong.supplies.choices import IssueStatus, MeasureUnit, RequestStatus
from fangkong.supplies.models import (
    Batch,
    DisinfectionEntry,
    Donation,
    Issue,
    Item,
    Location,
    Movement,
    SupplyRequest,
    WelfareEntry,
)
from fangkong.supplies.schemas import (
    ApproveIn,
    CountIn,
    DaysLeftOut,
    DisinfectionOut,
    DonationIn,
    DonationLineOut,
    DonationOut,
    IssueFilter,
    IssueIn,
    IssueLineOut,
    IssueOut,
    ItemOut,
    LevelFilter,
    LevelOut,
    LineIn,
    LocationFilter,
    LocationOut,
    LowPostOut,
    MovementFilter,
    MovementOut,
    NoteIn,
    PostGapsOut,
    ReasonIn,
    ReceiptIn,
    RequestFilter,
    RequestIn,
    RequestLineOut,
    RequestOut,
    SignIn,
    StockRowOut,
    StoreIn,
    TransferIn,
    UseIn,
    WelfareIn,
    WelfareOut,
    WriteOffIn,
)
from fangkong.supplies.services.issues import SIGNATURE_MESSAGES
from fangkong.supplies.signatures import SignatureError, decode_data_url

router = Router(tags=["supplies"])
P = "/supplies"


# --- parsing --------------------------------------------------------------------------------


def _items(ids: Iterable[int]) -> dict[int, Item]:
    wanted = set(ids)
    found = Item.objects.filter(active=True).in_bulk(wanted)
    if wanted - set(found):
        errors = FieldErrors()
        errors.add("lines", str(_unknown_item()), "item_unknown")
        errors.raise_if_any()
    return found


def _unknown_item() -> str:
    return _("No item in the catalogue has this name or code.")


def _moment(text: str) -> datetime | None:
    """``text`` as a datetime, or None if it is none: a well-formed but impossible one, such
    as 30 February, included (Django's parser raises on those)."""
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def _lines(lines: list[LineIn]) -> list[services.Line]:
    items = _items(line.item for line in lines)
    return [
        services.Line(items[line.item], line.quantity, line.batch_number, line.expires_on)
        for line in lines
    ]


def _location(request: HttpRequest, location_id: int) -> Location:
    return selectors.location_get_for_user(user=request.user, location_id=location_id)


# --- output --------------------------------------------------------------------------------


def item_out(item: Item) -> ItemOut:
    return ItemOut(
        id=item.pk,
        code=item.code,
        name=item.name,
        category=item.category,
        grade=item.grade,
        measure=item.measure,
        measure_label=str(MeasureUnit(item.measure).label),
        tracks_expiry=item.tracks_expiry,
    )


def location_out(location: Location) -> LocationOut:
    return LocationOut(
        id=location.pk,
        kind=location.kind,
        name=location.name,
        unit_id=location.unit_id,
        unit=location.unit.name,
        site_id=location.site_id,
    )


def movement_out(m: Movement) -> MovementOut:
    return MovementOut(
        id=m.pk,
        kind=m.kind,
        location_id=m.location_id,
        location=m.location.name,
        item_id=m.item_id,
        item=m.item.name,
        batch=m.batch.number if m.batch else "",
        expires_on=m.batch.expires_on if m.batch else None,
        quantity=m.quantity,
        counted=m.counted,
        at=m.at,
        counterpart=m.counterpart.name if m.counterpart else "",
        recipient=m.recipient,
        supplier=m.supplier,
        reference=m.reference,
        note=m.note,
    )


def request_out(r: SupplyRequest) -> RequestOut:
    return RequestOut(
        id=r.pk,
        status=r.status,
        status_label=str(RequestStatus(r.status).label),
        site_id=r.post.site_id,
        post=r.post.name,
        store_id=r.store_id,
        store=r.store.name,
        note=r.note,
        requested_at=r.requested_at,
        decision_note=r.decision_note,
        lines=[
            RequestLineOut(
                item_id=line.item_id,
                item=line.item.name,
                requested=line.requested,
                approved=line.approved,
            )
            for line in r.lines.all()
        ],
    )


def issue_out(issue: Issue) -> IssueOut:
    return IssueOut(
        id=issue.pk,
        status=issue.status,
        status_label=str(IssueStatus(issue.status).label),
        store_id=issue.store_id,
        store=issue.store.name,
        post_id=issue.post_id,
        post=issue.post.name if issue.post else "",
        recipient_staff=issue.recipient_staff.name if issue.recipient_staff else "",
        request_id=issue.request_id,
        prepared_at=issue.prepared_at,
        signed_name=issue.signed_name,
        signed_at=issue.signed_at,
        lines=[
            IssueLineOut(item_id=line.item_id, item=line.item.name, quantity=line.quantity)
            for line in issue.lines.all()
        ],
    )


def donation_out(d: Donation) -> DonationOut:
    return DonationOut(
        id=d.pk,
        receipt_number=d.receipt_number,
        store_id=d.store_id,
        store=d.store.name,
        donor_name=d.donor_name,
        donor_kind=d.donor_kind,
        donor_phone_masked=d.donor_phone_masked,
        received_on=d.received_on,
        value=d.value,
        publish=d.publish,
        anonymous=d.anonymous,
        lines=[
            DonationLineOut(
                item_id=line.item_id,
                item=line.item.name,
                quantity=line.quantity,
                value=line.value,
                batch=line.batch.number,
            )
            for line in d.lines.all()
        ],
    )


def row_out(row: selectors.StockRow) -> StockRowOut:
    return StockRowOut(
        location_id=row.location_id,
        location=row.location,
        kind=row.kind,
        unit=row.unit,
        site_id=row.site_id,
        item_id=row.item_id,
        item=row.item,
        measure=row.measure,
        balance=row.balance,
        consumed_7d=row.consumed,
        per_day=row.daily,
        days_left=row.days_left,
        low=row.low,
        reorder=row.reorder,
    )


# --- catalogue, locations, stock -------------------------------------------------------------


@router.get(f"{P}/items", response=list[ItemOut], operation_id="supplies_item_list")
def item_list(request: HttpRequest) -> list[ItemOut]:
    return [item_out(item) for item in selectors.item_list()]


@router.get(f"{P}/locations", response=list[LocationOut], operation_id="supplies_location_list")
def location_list(request: HttpRequest, filters: Query[LocationFilter]) -> list[LocationOut]:
    locations = selectors.location_list_for_user(
        user=request.user, kind=filters.kind, unit_id=filters.unit
    )
    return [location_out(location) for location in locations]


@router.post(f"{P}/stores", response={201: LocationOut}, operation_id="supplies_store_create")
def store_create(request: HttpRequest, payload: StoreIn) -> tuple[int, LocationOut]:
    unit = unit_get_for_user(user=request.user, unit_id=payload.unit_id)
    store = services.store_create(actor=request.user, unit=unit, name=payload.name)
    return 201, location_out(store)


@router.get(f"{P}/stock", response=list[LevelOut], operation_id="supplies_stock_list")
def stock_list(request: HttpRequest, filters: Query[LevelFilter]) -> list[LevelOut]:
    levels = selectors.level_list_for_user(
        user=request.user, location_id=filters.location, item_id=filters.item
    )
    return [
        LevelOut(
            location_id=lv.location_id,
            location=lv.location.name,
            item_id=lv.item_id,
            item=lv.item.name,
            quantity=lv.quantity,
        )
        for lv in levels
    ]


@router.get(f"{P}/days-left", response=DaysLeftOut, operation_id="supplies_days_left")
def days_left(request: HttpRequest, unit: int | None = None) -> DaysLeftOut:
    if unit is not None:
        unit_get_for_user(user=request.user, unit_id=unit)
    rows = selectors.days_left_for_user(user=request.user, unit_id=unit)
    posts = [
        LowPostOut(
            location_id=p.location_id,
            site_id=p.site_id,
            name=p.name,
            unit=p.unit,
            fewest_days=p.fewest_days,
            items=[row_out(r) for r in p.items],
        )
        for p in selectors.posts_below_threshold(rows)
    ]
    return DaysLeftOut(
        threshold_days=selectors.low_days(), rows=[row_out(r) for r in rows], posts_low=posts
    )


@router.get(f"{P}/movements", response=list[MovementOut], operation_id="supplies_movement_list")
def movement_list(request: HttpRequest, filters: Query[MovementFilter]) -> list[MovementOut]:
    movements = selectors.movement_list_for_user(
        user=request.user,
        location_id=filters.location,
        item_id=filters.item,
        kind=filters.kind,
        first=filters.first,
        last=filters.last,
    )[filters.offset : filters.offset + filters.limit]
    return [movement_out(m) for m in movements]


def _with_names(movements: list[Movement]) -> list[MovementOut]:
    # The services' movements carry their location and item objects already.
    return [movement_out(m) for m in movements]


@router.post(
    f"{P}/receipts", response={201: list[MovementOut]}, operation_id="supplies_receipt_create"
)
def receipt_create(request: HttpRequest, payload: ReceiptIn) -> tuple[int, list[MovementOut]]:
    movements = services.stock_receive(
        actor=request.user,
        store=_location(request, payload.store),
        lines=_lines(payload.lines),
        supplier=payload.supplier,
        reference=payload.reference,
        note=payload.note,
    )
    return 201, _with_names(movements)


@router.post(
    f"{P}/transfers", response={201: list[MovementOut]}, operation_id="supplies_transfer_create"
)
def transfer_create(request: HttpRequest, payload: TransferIn) -> tuple[int, list[MovementOut]]:
    movements = services.stock_transfer(
        actor=request.user,
        source=_location(request, payload.source),
        # Stock may go back up the chain, to a store outside the sender's jurisdiction.
        target=Location.objects.select_related("unit").get(pk=payload.target, kind="store"),
        lines=_lines(payload.lines),
        note=payload.note,
    )
    return 201, _with_names(movements)


@router.post(f"{P}/counts", response={201: list[MovementOut]}, operation_id="supplies_count_create")
def count_create(request: HttpRequest, payload: CountIn) -> tuple[int, list[MovementOut]]:
    movements = services.stock_count(
        actor=request.user,
        location=_location(request, payload.location),
        lines=_lines(payload.lines),
        note=payload.note,
    )
    return 201, _with_names(movements)


@router.post(f"{P}/uses", response={201: list[MovementOut]}, operation_id="supplies_use_create")
def use_create(request: HttpRequest, payload: UseIn) -> tuple[int, list[MovementOut]]:
    movements = services.stock_use(
        actor=request.user,
        location=_location(request, payload.location),
        item=_items([payload.item])[payload.item],
        quantity=payload.quantity,
        note=payload.note,
    )
    return 201, _with_names(movements)


@router.post(
    f"{P}/write-offs", response={201: list[MovementOut]}, operation_id="supplies_write_off_create"
)
def write_off_create(request: HttpRequest, payload: WriteOffIn) -> tuple[int, list[MovementOut]]:
    item = _items([payload.item])[payload.item]
    batch = None
    if payload.batch_number is not None:
        batch = Batch.objects.filter(item=item, number=payload.batch_number).first()
        if batch is None:
            refuse("batch_number", _("This item has no batch with this number."), "batch_unknown")
    movements = services.stock_write_off(
        actor=request.user,
        store=_location(request, payload.store),
        item=item,
        quantity=payload.quantity,
        reason=payload.reason,
        batch=batch,
    )
    return 201, _with_names(movements)


# --- requests and issues -------------------------------------------------------------------------


@router.get(f"{P}/requests", response=list[RequestOut], operation_id="supplies_request_list")
def request_list(request: HttpRequest, filters: Query[RequestFilter]) -> list[RequestOut]:
    requests = selectors.request_list_for_user(
        user=request.user, status=filters.status, store_id=filters.store
    )[filters.offset : filters.offset + filters.limit]
    return [request_out(r) for r in requests]


def _request(request: HttpRequest, request_id: int) -> SupplyRequest:
    return selectors.request_get_for_user(user=request.user, request_id=request_id)


@router.post(f"{P}/requests", response={201: RequestOut}, operation_id="supplies_request_create")
def request_create(request: HttpRequest, payload: RequestIn) -> tuple[int, RequestOut]:
    site = site_get_for_user(user=request.user, site_id=payload.site)
    created = services.request_create(
        actor=request.user, site=site, lines=_lines(payload.lines), note=payload.note
    )
    return 201, request_out(_request(request, created.pk))


@router.post(
    f"{P}/requests/{{request_id}}/approve",
    response={201: IssueOut},
    operation_id="supplies_request_approve",
)
def request_approve(
    request: HttpRequest, request_id: int, payload: ApproveIn
) -> tuple[int, IssueOut]:
    issue = services.request_approve(
        actor=request.user,
        request=_request(request, request_id),
        quantities={line.item: line.quantity for line in payload.lines},
        note=payload.note,
    )
    return 201, issue_out(selectors.issue_get_for_user(user=request.user, issue_id=issue.pk))


@router.post(
    f"{P}/requests/{{request_id}}/forward",
    response=RequestOut,
    operation_id="supplies_request_forward",
)
def request_forward(request: HttpRequest, request_id: int, payload: NoteIn) -> RequestOut:
    services.request_forward(
        actor=request.user, request=_request(request, request_id), note=payload.note
    )
    return request_out(_request(request, request_id))


@router.post(
    f"{P}/requests/{{request_id}}/reject",
    response=RequestOut,
    operation_id="supplies_request_reject",
)
def request_reject(request: HttpRequest, request_id: int, payload: ReasonIn) -> RequestOut:
    services.request_reject(
        actor=request.user, request=_request(request, request_id), reason=payload.reason
    )
    return request_out(_request(request, request_id))


@router.get(f"{P}/issues", response=list[IssueOut], operation_id="supplies_issue_list")
def issue_list(request: HttpRequest, filters: Query[IssueFilter]) -> list[IssueOut]:
    issues = selectors.issue_list_for_user(user=request.user, status=filters.status)
    return [issue_out(i) for i in issues[filters.offset : filters.offset + filters.limit]]


@router.post(f"{P}/issues", response={201: IssueOut}, operation_id="supplies_issue_create")
def issue_create(request: HttpRequest, payload: IssueIn) -> tuple[int, IssueOut]:
    site = staff = None
    if payload.site is not None:
        site = site_get_for_user(user=request.user, site_id=payload.site)
    if payload.staff is not None:
        staff = staff_get_for_user(user=request.user, staff_id=payload.staff)
    issue = services.issue_create(
        actor=request.user,
        store=_location(request, payload.store),
        lines=_lines(payload.lines),
        site=site,
        staff=staff,
        note=payload.note,
    )
    return 201, issue_out(selectors.issue_get_for_user(user=request.user, issue_id=issue.pk))


@router.post(f"{P}/issues/{{issue_id}}/sign", response=IssueOut, operation_id="supplies_issue_sign")
def issue_sign(request: HttpRequest, issue_id: int, payload: SignIn) -> IssueOut:
    issue = selectors.issue_get_for_user(user=request.user, issue_id=issue_id)
    try:
        png = decode_data_url(payload.signature)
    except SignatureError as exc:
        refuse("signature", str(SIGNATURE_MESSAGES[exc.code]()), exc.code)
    services.issue_sign(
        actor=request.user, issue=issue, signed_name=payload.signed_name, signature=png
    )
    return issue_out(selectors.issue_get_for_user(user=request.user, issue_id=issue_id))


# --- donations ---------------------------------------------------------------------------------


@router.get(f"{P}/donations", response=list[DonationOut], operation_id="supplies_donation_list")
def donation_list(request: HttpRequest) -> list[DonationOut]:
    return [donation_out(d) for d in selectors.donation_list_for_user(user=request.user)[:500]]


@router.post(f"{P}/donations", response={201: DonationOut}, operation_id="supplies_donation_create")
def donation_create(request: HttpRequest, payload: DonationIn) -> tuple[int, DonationOut]:
    items = _items(line.item for line in payload.lines)
    donation = services.donation_record(
        actor=request.user,
        store=_location(request, payload.store),
        donor_name=payload.donor_name,
        donor_kind=payload.donor_kind,
        donor_phone=payload.donor_phone,
        received_on=payload.received_on,
        lines=[
            services.DonatedLine(items[line.item], line.quantity, line.value, line.expires_on)
            for line in payload.lines
        ],
        publish=payload.publish,
        anonymous=payload.anonymous,
        note=payload.note,
    )
    got = selectors.donation_get_for_user(user=request.user, donation_id=donation.pk)
    return 201, donation_out(got)


# --- the posts' log ------------------------------------------------------------------------------


@router.get(f"{P}/log/missing", response=list[PostGapsOut], operation_id="supplies_log_missing")
def log_missing(request: HttpRequest) -> list[PostGapsOut]:
    return [
        PostGapsOut(
            site_id=g.site.pk,
            site=g.site.name,
            unit=g.site.unit.name,
            disinfection_rounds_missing=list(g.gaps.rounds),
            welfare_shifts_missing=list(g.gaps.shifts),
        )
        for g in selectors.log_missing_for_user(user=request.user)
    ]


@router.post(f"{P}/welfare", response={201: WelfareOut}, operation_id="supplies_welfare_record")
def welfare_record(request: HttpRequest, payload: WelfareIn) -> tuple[int, WelfareOut]:
    site = site_get_for_user(user=request.user, site_id=payload.site)
    entry: WelfareEntry = services.welfare_record(
        actor=request.user,
        site=site,
        day=payload.day,
        shift=payload.shift,
        meals=payload.meals,
        water=payload.water,
        heating=payload.heating,
        note=payload.note,
    )
    return 201, WelfareOut(
        id=entry.pk,
        site_id=site.pk,
        day=entry.day,
        shift=entry.shift,
        meals=entry.meals,
        water=entry.water,
        heating=entry.heating,
        note=entry.note,
    )


@router.post(
    f"{P}/disinfections",
    response={201: DisinfectionOut},
    operation_id="supplies_disinfection_record",
)
def disinfection_record(
    request: HttpRequest,
    site: Form[int],
    done_by: Form[str],
    areas: Form[str],
    photo: File[UploadedFile],
    done_at: Form[str] = "",
    agent: Form[str] = "",
) -> tuple[int, DisinfectionOut]:
    """A multipart form: ``areas`` comma-separated, ``done_at`` ISO 8601 (default: now)."""
    found = site_get_for_user(user=request.user, site_id=site)
    when = _moment(done_at) if done_at else timezone.now()
    if when is None:
        message = _("Give the time as ISO 8601 with its offset, e.g. 2020-02-03T09:30+08:00.")
        refuse("done_at", message, "done_at_invalid")
    entry: DisinfectionEntry = services.disinfection_record(
        actor=request.user,
        site=found,
        done_at=when,
        done_by=done_by,
        areas=[a.strip() for a in areas.split(",") if a.strip()],
        photo=photo,
        agent=agent,
    )
    return 201, DisinfectionOut(
        id=entry.pk,
        site_id=found.pk,
        done_at=entry.done_at,
        done_by=entry.done_by,
        areas=entry.areas,
        agent=entry.agent,
    )
