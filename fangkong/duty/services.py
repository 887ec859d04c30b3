"""Writes of the duty app, one per user action: keyword-only, in a transaction, with the
rules checked and the audit record written where the action calls for one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import jurisdiction_root, sees_everything, unit_in_scope
from fangkong.core.validation import clean_client_key, client_key_or_none, reject_naive
from fangkong.duty import exports, selectors
from fangkong.duty.attendance import late_minutes
from fangkong.duty.choices import (
    CHECKLIST_CODES,
    FixStatus,
    ReportKind,
    ReportStatus,
    SignFlag,
    SignKind,
    SquadState,
)
from fangkong.duty.models import (
    DEFAULT_RADIUS_M,
    Fix,
    Handover,
    Inspection,
    InspectionPhoto,
    PostLeader,
    Presence,
    RecallNotice,
    RecallOrder,
    ReportPhoto,
    ReportStep,
    ReserveSquad,
    Secondment,
    SignIn,
    SituationReport,
    SquadMove,
)
from fangkong.duty.shifts import shift_window
from fangkong.lib.coords import distance_m
from fangkong.org.choices import RoleCode
from fangkong.org.models import Staff, Unit
from fangkong.org.permissions import user_roles
from fangkong.roster.choices import RosterStatus
from fangkong.roster.models import Leave, RosterAssignment
from fangkong.sites.models import Site
from fangkong.sites.photos import PhotoError, process_photo

# Phones keep their own time; a clock a little fast must not lose a sign-in.
FUTURE_TOLERANCE = timedelta(minutes=5)
# An offline phone syncs within days, not weeks: older sign-ins are refused.
OLDEST = timedelta(days=14)


class Recorded(NamedTuple):
    sign_in: SignIn
    created: bool


class IdempotencyKeyReusedError(Exception):
    """A stored sign-in's key came again with a different sign-in."""

    def __init__(self, sign_in: SignIn) -> None:
        super().__init__(sign_in.pk)
        self.sign_in = sign_in


def actor_staff(actor: Any) -> Staff:
    staff = getattr(actor, "staff", None) if actor is not None else None
    if staff is None:
        raise PermissionDeniedError(_("Your account is not a staff member's."))
    return staff


def sign_in_for_key(*, actor: Any, idempotency_key: str) -> SignIn | None:
    """The sign-in already stored under this key (a re-synced one); the caller refuses it
    to anyone but the person who signed in (``sign_in_differs``)."""
    key = client_key_or_none(idempotency_key)
    if key is None:
        return None
    return SignIn.objects.filter(idempotency_key=key).select_related("site").first()


def sign_in_differs(
    sign_in: SignIn, *, staff: Staff, site_id: int, kind: str, at: datetime
) -> bool:
    try:
        same_time = at == sign_in.at
    except TypeError:  # A naive time cannot be compared.
        return True
    return (
        not (sign_in.staff_id == staff.pk and sign_in.site_id == site_id and sign_in.kind == kind)
        or not same_time
    )


def _duty_for(staff: Staff, site: Site, at: datetime) -> RosterAssignment | None:
    day = timezone.localdate(at)
    duties = RosterAssignment.objects.filter(
        staff=staff,
        site=site,
        roster__status=RosterStatus.PUBLISHED,
        date__in=[day - timedelta(days=1), day, day + timedelta(days=1)],
    ).select_related("roster")
    for duty in duties:
        window = shift_window(duty.roster.pattern, duty.date, duty.shift)
        if window is not None and window.takes(at):
            return duty
    return None


def _paths_up(path: str) -> list[str]:
    """ "/a/b/c/" → ["/a/", "/a/b/", "/a/b/c/"]: the unit and every unit above it."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _may_sign_at(
    staff: Staff, user: Any, site: Site, duty: RosterAssignment | None, at: datetime
) -> bool:
    # A person signs in at the posts of their unit's subtree, at any post where a published
    # roster puts them, or at the posts of a unit they are seconded to (机关警力下沉).
    return (
        duty is not None
        or sees_everything(user)
        or site.unit.path.startswith(staff.unit.path)
        or (staff.unit.parent is not None and site.unit.path.startswith(staff.unit.parent.path))
        or Secondment.objects.filter(
            staff=staff,
            starts_on__lte=timezone.localdate(at),
            ends_on__gte=timezone.localdate(at),
            to_unit__path__in=_paths_up(site.unit.path),
        ).exists()
    )


def _clean(
    errors: FieldErrors, *, kind: str, at: datetime, lat: Any, lng: Any, reason: str
) -> None:
    if kind not in SignKind.values:
        errors.add("kind", _("Choose one of the listed values."), "invalid_choice")
    if not reject_naive(errors, "at", at):
        now = timezone.now()
        if at > now + FUTURE_TOLERANCE:
            errors.add("at", _("The time is in the future: check the phone's clock."), "at_future")
        elif at < now - OLDEST:
            errors.add("at", _("The sign-in is too old to be stored."), "at_too_old")
    if (lat is None) != (lng is None):
        errors.add("lat", _("Give both latitude and longitude, or neither."), "position_partial")
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors.add("lat", _("Not a position on Earth."), "position_invalid")
    if len(reason) > 200:
        errors.add("reason", _("At most 200 characters."), "too_long")


def radius_of(site: Site) -> int:
    settings_row = getattr(site, "duty_settings", None)
    return settings_row.radius_m if settings_row is not None else DEFAULT_RADIUS_M


def _position_flag(site: Site, lat: float | None, lng: float | None) -> tuple[str, int | None]:
    if lat is None or lng is None:
        return SignFlag.NO_POSITION, None
    distance = round(distance_m(lng, lat, site.lng, site.lat))
    return (SignFlag.OUTSIDE if distance > radius_of(site) else SignFlag.NONE), distance


@transaction.atomic
def sign_in_record(
    *,
    actor: Any,
    site: Site,
    kind: str,
    at: datetime,
    idempotency_key: str,
    lat: float | None = None,
    lng: float | None = None,
    accuracy_m: int | None = None,
    reason: str = "",
) -> Recorded:
    """Record a sign-in or sign-out at ``site`` by the acting person, as their phone made
    it. The same key again returns the stored one (a re-sync) and stores nothing; the same key
    with another sign-in raises :class:`IdempotencyKeyReusedError`. Outside the post's radius,
    or without a position, the sign-in is kept and flagged; the person's presence follows
    the latest event, whatever order the events arrive in."""
    staff = actor_staff(actor)
    errors = FieldErrors()
    key = clean_client_key(errors, "idempotency_key", idempotency_key)
    errors.raise_if_any()
    again = sign_in_for_key(actor=actor, idempotency_key=key)
    if again is not None:
        if sign_in_differs(again, staff=staff, site_id=site.pk, kind=kind, at=at):
            raise IdempotencyKeyReusedError(again)
        return Recorded(again, False)
    reason = " ".join((reason or "").split())
    _clean(errors, kind=kind, at=at, lat=lat, lng=lng, reason=reason)
    errors.raise_if_any()
    duty = _duty_for(staff, site, at)
    if not _may_sign_at(staff, actor, site, duty, at):
        raise PermissionDeniedError(_("You cannot sign in at this post."))
    flag, distance = _position_flag(site, lat, lng)
    late = 0
    if duty is not None and kind == SignKind.IN:
        window = shift_window(duty.roster.pattern, duty.date, duty.shift)
        late = late_minutes(window, at) if window is not None else 0
    sign_in = SignIn(
        staff=staff,
        site=site,
        kind=kind,
        at=at,
        duty=duty,
        lat=lat,
        lng=lng,
        accuracy_m=accuracy_m,
        distance_m=distance,
        flag=flag,
        reason=reason,
        late_minutes=late,
        idempotency_key=key,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            sign_in.save()
    except IntegrityError:
        # The same key was stored by a concurrent request between our look-up and insert.
        stored = SignIn.objects.get(idempotency_key=key)
        if sign_in_differs(stored, staff=staff, site_id=site.pk, kind=kind, at=at):
            raise IdempotencyKeyReusedError(stored) from None
        return Recorded(stored, False)
    _presence_follow(sign_in)
    if flag == SignFlag.OUTSIDE:
        audit_record(
            actor=actor,
            action="duty.sign_in_outside",
            target=sign_in,
            reason=reason,
            extra={"site": site.pk, "distance_m": distance, "radius_m": radius_of(site)},
        )
    return Recorded(sign_in, True)


def _presence_follow(sign_in: SignIn) -> None:
    present = sign_in.kind == SignKind.IN
    row, created = Presence.objects.select_for_update().get_or_create(
        staff_id=sign_in.staff_id,
        defaults={"site_id": sign_in.site_id, "present": present, "at": sign_in.at},
    )
    if not created and sign_in.at >= row.at:
        row.site_id = sign_in.site_id
        row.present = present
        row.at = sign_in.at
        row.save(update_fields=["site", "present", "at"])


HANDOVER_FIELDS = ("vehicles", "persons", "equipment", "incidents", "notes")
HANDOVER_MAX = 2000


@transaction.atomic
def handover_record(
    *, actor: Any, site: Site, at: datetime | None = None, **texts: str
) -> Handover:
    """The outgoing team's handover at ``site``: stranded vehicles, persons referred,
    equipment, incidents and other notes (``texts`` by those names); one at least."""
    staff = actor_staff(actor)
    errors = FieldErrors()
    unknown = set(texts) - set(HANDOVER_FIELDS)
    if unknown:
        raise TypeError(f"unknown handover fields: {sorted(unknown)}")
    cleaned = {name: (texts.get(name) or "").strip() for name in HANDOVER_FIELDS}
    for name, text in cleaned.items():
        if len(text) > HANDOVER_MAX:
            errors.add(name, _("At most 2000 characters."), "too_long")
    if not any(cleaned.values()):
        errors.add("notes", _("Write what the next shift must know."), "handover_empty")
    at = at or timezone.now()
    if not reject_naive(errors, "at", at) and at > timezone.now() + FUTURE_TOLERANCE:
        errors.add("at", _("The time is in the future: check the phone's clock."), "at_future")
    errors.raise_if_any()
    handover = Handover.objects.create(site=site, at=at, outgoing=staff, **cleaned)
    audit_record(actor=actor, action="duty.handover", target=handover, extra={"site": site.pk})
    return handover


@transaction.atomic
def handover_acknowledge(*, actor: Any, handover: Handover) -> Handover:
    """The incoming leader's acknowledgement: once, and not by the person who handed over."""
    staff = actor_staff(actor)
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    errors = FieldErrors()
    if handover.acknowledged_at is not None:
        errors.add("handover", _("This handover is already acknowledged."), "already_acknowledged")
    elif handover.outgoing_id == staff.pk:
        errors.add(
            "handover", _("The incoming shift acknowledges, not the outgoing one."), "own_handover"
        )
    errors.raise_if_any()
    handover.acknowledged_by = staff
    handover.acknowledged_at = timezone.now()
    handover.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit_record(actor=actor, action="duty.handover_acknowledge", target=handover)
    return handover


def staff_in_scope(actor: Any, staff: Staff, day: date | None = None) -> bool:
    """A person of the actor's jurisdiction, or one seconded to it on ``day`` (today)."""
    if unit_in_scope(actor, staff.unit):
        return True
    root = jurisdiction_root(actor)
    day = day or timezone.localdate()
    return (
        root is not None
        and Secondment.objects.filter(
            staff=staff, starts_on__lte=day, ends_on__gte=day, to_unit__path__startswith=root.path
        ).exists()
    )


# Leaders and the supervision team record visits; anyone in the jurisdiction closes a fix.
SUPERVISION_ROLES = frozenset({RoleCode.COMMANDER, RoleCode.UNIT_ADMIN, RoleCode.DUTY_LEADER})
MAX_PHOTOS = 6
MAX_FIXES = 20


def can_supervise(user: Any) -> bool:
    return sees_everything(user) or bool(user_roles(user) & SUPERVISION_ROLES)


@dataclass(frozen=True)
class FixAsked:
    text: str
    deadline: date


def _clean_checklist(errors: FieldErrors, checklist: dict[str, Any]) -> dict[str, bool]:
    unknown = set(checklist) - set(CHECKLIST_CODES)
    if unknown:
        errors.add("checklist", _("Unknown checklist item."), "checklist_unknown")
    if any(not isinstance(v, bool) for v in checklist.values()):
        errors.add("checklist", _("Answer every item yes or no."), "checklist_invalid")
    return {code: bool(checklist[code]) for code in CHECKLIST_CODES if code in checklist}


def _clean_fixes(errors: FieldErrors, fixes: list[FixAsked], today: date) -> list[FixAsked]:
    if len(fixes) > MAX_FIXES:
        errors.add("fixes", _("At most 20 fixes per visit."), "too_many")
    cleaned = []
    for i, fix in enumerate(fixes[:MAX_FIXES]):
        text = " ".join(fix.text.split())
        if not text or len(text) > 300:
            errors.add(
                f"fixes.{i}.text", _("Say what to fix, in at most 300 characters."), "fix_text"
            )
        if fix.deadline < today or fix.deadline > today + timedelta(days=366):
            errors.add(
                f"fixes.{i}.deadline", _("A deadline from today to a year on."), "fix_deadline"
            )
        cleaned.append(FixAsked(text, fix.deadline))
    return cleaned


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    site: Site,
    checklist: dict[str, Any],
    findings: str = "",
    fixes: list[FixAsked] | None = None,
    photos: list[Any] | None = None,
    at: datetime | None = None,
) -> Inspection:
    """A supervision visit to ``site``: the checklist, what was found, photos, and the fixes
    asked for, each with its deadline."""
    if not can_supervise(actor):
        raise PermissionDeniedError(_("Only leaders and the supervision team record visits."))
    staff = actor_staff(actor)
    errors = FieldErrors()
    answers = _clean_checklist(errors, checklist)
    findings = (findings or "").strip()
    if len(findings) > 4000:
        errors.add("findings", _("At most 4000 characters."), "too_long")
    asked = _clean_fixes(errors, fixes or [], timezone.localdate())
    if len(photos or []) > MAX_PHOTOS:
        errors.add("photos", _("At most 6 photos per visit."), "too_many")
    at = at or timezone.now()
    if not reject_naive(errors, "at", at) and at > timezone.now() + FUTURE_TOLERANCE:
        errors.add("at", _("The time is in the future: check the phone's clock."), "at_future")
    errors.raise_if_any()
    inspection = Inspection.objects.create(
        site=site, inspector=staff, at=at, checklist=answers, findings=findings
    )
    Fix.objects.bulk_create(
        Fix(inspection=inspection, site=site, text=f.text, deadline=f.deadline) for f in asked
    )
    for upload in photos or []:
        inspection_photo_add(actor=actor, inspection=inspection, upload=upload)
    audit_record(actor=actor, action="duty.inspection", target=inspection, extra={"site": site.pk})
    return inspection


def inspection_photo_add(*, actor: Any, inspection: Inspection, upload: Any) -> InspectionPhoto:
    return _photo_save(InspectionPhoto(inspection=inspection, width=0, height=0), upload)


# What a phone sends; anything else is refused before it is decoded.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def _check_upload(upload: Any, *, existing: int) -> None:
    errors = FieldErrors()
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in PHOTO_TYPES:
        errors.add("photo", _("Send a JPEG, PNG or WebP photo."), "photo_type")
    elif existing >= MAX_PHOTOS:
        errors.add("photo", _("At most 6 photos per visit."), "too_many")
    errors.raise_if_any()


@transaction.atomic
def inspection_photo_upload(*, actor: Any, inspection: Inspection, upload: Any) -> InspectionPhoto:
    """One more photo of a recorded visit (the API's multipart upload), stored as the web
    form stores them; at most six per visit."""
    if not can_supervise(actor):
        raise PermissionDeniedError(_("Only leaders and the supervision team record visits."))
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _check_upload(upload, existing=inspection.photos.count())
    photo = inspection_photo_add(actor=actor, inspection=inspection, upload=upload)
    audit_record(
        actor=actor, action="duty.inspection_photo", target=inspection, extra={"photo": photo.pk}
    )
    return photo


@transaction.atomic
def report_photo_upload(*, actor: Any, report: SituationReport, upload: Any) -> ReportPhoto:
    """One more photo of an open report, by the officer who raised it or a leader who sees
    it; at most six per report."""
    staff = actor_staff(actor)
    report = SituationReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.raised_by_id != staff.pk and not can_supervise(actor):
        raise PermissionDeniedError(_("Only the officer who raised it or a leader adds photos."))
    if report.status != ReportStatus.OPEN:
        errors = FieldErrors()
        errors.add("report", _("This report is already closed."), "already_closed")
        errors.raise_if_any()
    _check_upload(upload, existing=report.photos.count())
    photo = _photo_save(ReportPhoto(report=report, width=0, height=0), upload)
    audit_record(actor=actor, action="duty.report_photo", target=report, extra={"photo": photo.pk})
    return photo


def _photo_save(photo: Any, upload: Any) -> Any:
    """Store a photo as the sites' photos are: re-encoded, bounded, with a thumbnail."""
    try:
        processed = process_photo(upload, upload.size)
    except PhotoError as exc:
        errors = FieldErrors()
        errors.add("photos", _("This file is not a photo, or too large."), exc.code)
        errors.raise_if_any()
    photo.width, photo.height = processed.width, processed.height
    photo.image.save(processed.image.name, processed.image, save=False)
    photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    photo.save()
    return photo


@transaction.atomic
def fix_close(*, actor: Any, fix: Fix, note: str) -> Fix:
    """Close a fix, saying how it was fixed; who and when are kept."""
    staff = actor_staff(actor)
    fix = Fix.objects.select_for_update().get(pk=fix.pk)
    errors = FieldErrors()
    note = " ".join((note or "").split())
    if fix.status == FixStatus.CLOSED:
        errors.add("fix", _("This fix is already closed."), "already_closed")
    if not note or len(note) > 300:
        errors.add("note", _("Say how it was fixed, in at most 300 characters."), "note_required")
    errors.raise_if_any()
    fix.status = FixStatus.CLOSED
    fix.closed_by = staff
    fix.closed_at = timezone.now()
    fix.closing_note = note
    fix.save(update_fields=["status", "closed_by", "closed_at", "closing_note"])
    audit_record(actor=actor, action="duty.fix_close", target=fix, reason=note)
    return fix


def _check_period(
    errors: FieldErrors,
    periods: QuerySet[Any],
    starts_on: date,
    ends_on: date,
    *,
    overlap: str,
    not_over: bool = False,
) -> None:
    """A period of at most a year (and, if ``not_over``, not past already) that overlaps
    none of ``periods``, whose overlap is reported with the message ``overlap``."""
    if ends_on < starts_on or (ends_on - starts_on).days > 366:
        errors.add("ends_on", _("The period ends after it starts, within a year."), "period")
    elif not_over and ends_on < timezone.localdate():
        errors.add("ends_on", _("The period is over already."), "period_over")
    if periods.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        errors.add("starts_on", overlap, "overlap")


@transaction.atomic
def post_leader_assign(
    *, actor: Any, site: Site, leader: Staff, starts_on: date, ends_on: date
) -> PostLeader:
    """Bind ``leader`` to the key post ``site`` from ``starts_on`` to ``ends_on`` (包保);
    one leader per post at a time."""
    if not can_supervise(actor) or not unit_in_scope(actor, site.unit):
        raise PermissionDeniedError(_("Only leaders of the post's unit bind leaders to posts."))
    errors = FieldErrors()
    if not staff_in_scope(actor, leader):
        errors.add("leader_id", _("This person is outside your jurisdiction."), "leader_scope")
    leaders = PostLeader.objects.filter(site=site)
    overlap = _("Another leader holds this post in that period.")
    _check_period(errors, leaders, starts_on, ends_on, overlap=overlap)
    errors.raise_if_any()
    bound = PostLeader.objects.create(
        site=site,
        leader=leader,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="duty.post_leader", target=bound, extra={"site": site.pk})
    return bound


class ReportKeyReusedError(Exception):
    def __init__(self, report: SituationReport) -> None:
        super().__init__(report.pk)
        self.report = report


def report_for_key(*, idempotency_key: str) -> SituationReport | None:
    key = client_key_or_none(idempotency_key)
    if key is None:
        return None
    return SituationReport.objects.filter(idempotency_key=key).first()


@transaction.atomic
def report_raise(
    *,
    actor: Any,
    kind: str,
    text: str,
    at: datetime,
    idempotency_key: str,
    site: Site | None = None,
    lat: float | None = None,
    lng: float | None = None,
    photos: list[Any] | None = None,
) -> tuple[SituationReport, bool]:
    """Raise an important-situation report; it waits first at the raiser's own unit. The
    same key again returns the stored report (the app's outbox re-sending it)."""
    staff = actor_staff(actor)
    errors = FieldErrors()
    key = clean_client_key(errors, "idempotency_key", idempotency_key)
    errors.raise_if_any()
    again = report_for_key(idempotency_key=key)
    if again is not None:
        if again.raised_by_id != staff.pk or again.text != " ".join(text.split()) or again.at != at:
            raise ReportKeyReusedError(again)
        return again, False
    text = " ".join((text or "").split())
    if kind not in ReportKind.values:
        errors.add("kind", _("Choose one of the listed values."), "invalid_choice")
    if not text or len(text) > 2000:
        errors.add("text", _("Say what happened, in at most 2000 characters."), "text_required")
    _clean(errors, kind=SignKind.IN, at=at, lat=lat, lng=lng, reason="")
    if len(photos or []) > MAX_PHOTOS:
        errors.add("photos", _("At most 6 photos per visit."), "too_many")
    errors.raise_if_any()
    report = SituationReport.objects.create(
        raised_by=staff, origin=staff.unit, unit=staff.unit, site=site, kind=kind, text=text,
        lat=lat, lng=lng, at=at, waiting_since=timezone.now(), idempotency_key=key,
    )  # fmt: skip
    for upload in photos or []:
        _photo_save(ReportPhoto(report=report, width=0, height=0), upload)
    audit_record(actor=actor, action="duty.report_raise", target=report, extra={"kind": kind})
    return report, True


def _pass_up(report: SituationReport, now: datetime) -> None:
    parent = report.unit.parent if report.unit is not None else None
    report.unit = parent
    report.waiting_since = now
    report.save(update_fields=["unit", "waiting_since"])


def can_acknowledge(user: Any, report: SituationReport) -> bool:
    return (
        report.status == ReportStatus.OPEN
        and report.unit is not None
        and can_supervise(user)
        and unit_in_scope(user, report.unit)
    )


@transaction.atomic
def report_acknowledge(*, actor: Any, report: SituationReport) -> SituationReport:
    """A leader of the level the report waits at (or above it) acknowledges it there; it
    then goes on up to the next level."""
    report = (
        SituationReport.objects.select_for_update(of=("self",))
        .select_related("unit__parent")
        .get(pk=report.pk)
    )
    staff = actor_staff(actor)
    unit = report.unit
    if not can_acknowledge(actor, report) or unit is None:  # can_acknowledge needs a unit
        if report.status != ReportStatus.OPEN or unit is None:
            errors = FieldErrors()
            errors.add("report", _("Nothing is waiting for acknowledgement."), "not_waiting")
            errors.raise_if_any()
        raise PermissionDeniedError(_("Only a leader of the level it waits at acknowledges it."))
    now = timezone.now()
    ReportStep.objects.create(report=report, unit=unit, acknowledged_by=staff, at=now)
    _pass_up(report, now)
    audit_record(actor=actor, action="duty.report_acknowledge", target=report)
    return report


@transaction.atomic
def report_close(*, actor: Any, report: SituationReport) -> SituationReport:
    report = SituationReport.objects.select_for_update().get(pk=report.pk)
    if not can_supervise(actor):
        raise PermissionDeniedError(_("Only leaders close reports."))
    if report.status != ReportStatus.OPEN:
        errors = FieldErrors()
        errors.add("report", _("This report is already closed."), "already_closed")
        errors.raise_if_any()
    report.status = ReportStatus.CLOSED
    report.save(update_fields=["status"])
    audit_record(actor=actor, action="duty.report_close", target=report)
    return report


def reports_escalate(*, now: datetime | None = None) -> int:
    """Pass up every open report left unacknowledged past its time at its level; the step
    says it went up unread. Run every minute (``manage.py duty_escalate``)."""
    now = now or timezone.now()
    moved = 0
    waiting = SituationReport.objects.filter(status=ReportStatus.OPEN, unit__isnull=False)
    for report_id, minutes, since in waiting.values_list("pk", "escalate_minutes", "waiting_since"):
        if since + timedelta(minutes=minutes) > now:
            continue
        with transaction.atomic():
            report = (
                SituationReport.objects.select_for_update(of=("self",))
                .select_related("unit__parent")
                .get(pk=report_id)
            )
            if report.unit is None or report.unit.parent_id is None:
                continue  # the top waits for its own leaders
            ReportStep.objects.create(report=report, unit=report.unit, escalated=True, at=now)
            _pass_up(report, now)
            moved += 1
    return moved


def _require_leader_of(actor: Any, unit: Any) -> None:
    if not can_supervise(actor) or not unit_in_scope(actor, unit):
        raise PermissionDeniedError(_("Only leaders of the unit do this."))


@transaction.atomic
def squad_create(*, actor: Any, unit: Unit, name: str, members: list[Staff]) -> ReserveSquad:
    _require_leader_of(actor, unit)
    errors = FieldErrors()
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        errors.add("name", _("Name the squad, in at most 60 characters."), "name_required")
    if not members or len(members) > 200:
        errors.add("member_ids", _("From 1 to 200 members."), "members")
    if any(not staff_in_scope(actor, m) for m in members):
        errors.add("member_ids", _("This person is outside your jurisdiction."), "leader_scope")
    errors.raise_if_any()
    squad = ReserveSquad.objects.create(unit=unit, name=name, state_since=timezone.now())
    squad.members.set(members)
    audit_record(actor=actor, action="duty.squad_create", target=squad)
    return squad


def _squad_presence(squad: ReserveSquad, site: Site | None, now: datetime) -> None:
    for staff_id in squad.members.values_list("pk", flat=True):
        row, created = Presence.objects.select_for_update().get_or_create(
            staff_id=staff_id, defaults={"site": site, "present": site is not None, "at": now}
        )
        if not created and now >= row.at:
            row.site, row.present, row.at = site, site is not None, now
            row.save(update_fields=["site", "present", "at"])


@transaction.atomic
def squad_move(
    *, actor: Any, squad: ReserveSquad, state: str, site: Site | None = None
) -> ReserveSquad:
    """Dispatch a squad to a post, or record it returned or standing by again; a dispatch
    puts its members present at the post, a return takes them off it."""
    squad = ReserveSquad.objects.select_for_update().select_related("unit").get(pk=squad.pk)
    _require_leader_of(actor, squad.unit)
    errors = FieldErrors()
    if state not in SquadState.values:
        errors.add("state", _("Choose one of the listed values."), "invalid_choice")
    elif state == SquadState.DISPATCHED and site is None:
        errors.add("site_id", _("Choose the post."), "site_required")
    elif state == squad.state and site == squad.site:
        errors.add("state", _("The squad is in this state already."), "same_state")
    errors.raise_if_any()
    now = timezone.now()
    squad.state, squad.state_since = state, now
    squad.site = site if state == SquadState.DISPATCHED else None
    squad.save(update_fields=["state", "state_since", "site"])
    SquadMove.objects.create(
        squad=squad, state=state, site=squad.site, at=now,
        by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    _squad_presence(squad, squad.site, now)
    audit_record(actor=actor, action="duty.squad_move", target=squad, extra={"state": state})
    return squad


@transaction.atomic
def recall_issue(*, actor: Any, unit: Unit, starts_on: date, reason: str) -> RecallOrder:
    """停止休假、全员返岗: leave of the unit's subtree from ``starts_on`` on is cancelled (leave
    already begun ends the day before), kept on the order as it was, and each person affected
    gets a notice on their own page."""
    _require_leader_of(actor, unit)
    errors = FieldErrors()
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 200:
        errors.add("reason", _("State the reason, in at most 200 characters."), "reason_required")
    if starts_on < timezone.localdate():
        errors.add("starts_on", _("A recall cancels leave from today on."), "starts_in_past")
    errors.raise_if_any()
    leaves = list(
        Leave.objects.select_for_update()
        .filter(staff__unit__path__startswith=unit.path, ends_on__gte=starts_on)
        .order_by("staff_id", "starts_on")
    )
    cancelled = [
        {
            "staff": lv.staff_id,
            "starts_on": lv.starts_on.isoformat(),
            "ends_on": lv.ends_on.isoformat(),
            "kind": lv.kind,
        }
        for lv in leaves
    ]
    order = RecallOrder.objects.create(
        unit=unit, starts_on=starts_on, reason=reason, cancelled=cancelled,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    for leave in leaves:
        if leave.starts_on >= starts_on:
            leave.delete()
        else:
            leave.ends_on = starts_on - timedelta(days=1)
            leave.save(update_fields=["ends_on"])
    staff_ids = sorted({lv.staff_id for lv in leaves})
    RecallNotice.objects.bulk_create(RecallNotice(order=order, staff_id=s) for s in staff_ids)
    audit_record(
        actor=actor, action="duty.recall", target=order, reason=reason,
        extra={"unit": unit.pk, "leave_cancelled": len(leaves)},
    )  # fmt: skip
    return order


@transaction.atomic
def secondment_create(
    *,
    actor: Any,
    staff: Staff,
    to_unit: Unit,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> Secondment:
    """Second ``staff`` from their unit to ``to_unit`` for a period (机关警力下沉), ordered by
    a leader of the person's unit. In the period the receiving unit counts them in its duty
    views; they stay members of their own unit."""
    _require_leader_of(actor, staff.unit)
    errors = FieldErrors()
    reason = " ".join((reason or "").split())
    if len(reason) > 200:
        errors.add("reason", _("At most 200 characters."), "too_long")
    if to_unit.pk == staff.unit_id:
        errors.add("to_unit_id", _("Choose another unit than the person's own."), "same_unit")
    secondments = Secondment.objects.filter(staff=staff)
    overlap = _("This person is seconded elsewhere in that period.")
    _check_period(errors, secondments, starts_on, ends_on, overlap=overlap, not_over=True)
    errors.raise_if_any()
    secondment = Secondment.objects.create(
        staff=staff, from_unit=staff.unit, to_unit=to_unit, starts_on=starts_on,
        ends_on=ends_on, reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit_record(
        actor=actor, action="duty.secondment", target=secondment, reason=reason,
        extra={"staff": staff.pk, "from_unit": staff.unit_id, "to_unit": to_unit.pk},
    )  # fmt: skip
    return secondment


# -- exports ---------------------------------------------------------------------------------

SummaryFormat = Literal["pdf", "xlsx"]


def summary_export(
    *,
    actor: Any,
    unit: Unit,
    week_start: date,
    fmt: SummaryFormat,
    reason: str,
    ip: str | None = None,
) -> bytes:
    """The weekly supervision summary of ``unit`` as a PDF or an Excel file, audited as
    ``duty.summary_export`` with the reason."""
    rows = selectors.weekly_summary(unit=unit, week_start=week_start)
    if fmt == "pdf":
        content = exports.summary_pdf(unit, week_start, rows)
    else:
        content = exports.summary_xlsx(unit, week_start, rows)
    audit_record(
        actor=actor,
        action="duty.summary_export",
        target=unit,
        reason=reason,
        extra={"week": week_start.isoformat(), "format": fmt},
        ip=ip,
    )
    return content
