"""Reads of the duty app, scoped to the user's jurisdiction: attendance on the running
shift against the published rosters, posts short now by presence, and the sign-in log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from fangkong.core.jurisdiction import jurisdiction_root, scope_q, sees_everything
from fangkong.duty import attendance
from fangkong.duty.attendance import Event, Window
from fangkong.duty.choices import CHECKLIST_CODES, FixStatus, SignKind
from fangkong.duty.models import (
    FatigueLimits,
    Fix,
    Handover,
    Inspection,
    PostLeader,
    Presence,
    RecallNotice,
    RecallOrder,
    ReserveSquad,
    Secondment,
    SignIn,
    SituationReport,
)
from fangkong.duty.shifts import shift_window
from fangkong.org.choices import StaffKind
from fangkong.org.models import Staff, Unit
from fangkong.roster.choices import DutyRole, RosterStatus
from fangkong.roster.models import RosterAssignment
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site


def scope_path(user: Any, unit: Unit | None = None) -> str:
    """The unit path a user's duty figures cover: the unit asked for, within their own."""
    if unit is not None:
        return unit.path
    if sees_everything(user):
        return "/"
    root = jurisdiction_root(user)
    return root.path if root is not None else "/nowhere/"


def secondments_on(day: date) -> QuerySet[Secondment]:
    """Secondments (机关警力下沉) running on ``day``."""
    return Secondment.objects.filter(starts_on__lte=day, ends_on__gte=day)


def seconded_in(*, path: str, day: date) -> QuerySet[Secondment, Any]:
    """The ids of the people seconded on ``day`` to a unit within ``path``."""
    return secondments_on(day).filter(to_unit__path__startswith=path).values("staff_id")


def staff_of_q(*, path: str, day: date, field: str = "staff") -> Q:
    """Rows whose person (``field``; the staff row itself when empty) is of a unit within
    ``path``, or seconded to one on ``day``: the people a unit's duty views count."""
    if not field:
        return Q(unit__path__startswith=path) | Q(pk__in=seconded_in(path=path, day=day))
    return Q(**{f"{field}__unit__path__startswith": path}) | Q(
        **{f"{field}_id__in": seconded_in(path=path, day=day)}
    )


def secondment_marks(staff_ids: Any, day: date) -> dict[int, Secondment]:
    """The secondment running on ``day`` of each of these people who has one (下沉)."""
    rows = secondments_on(day).filter(staff_id__in=list(staff_ids))
    return {s.staff_id: s for s in rows.select_related("from_unit", "to_unit").order_by("id")}


def secondments_of_sign_ins(sign_ins: list[SignIn]) -> dict[int, Secondment]:
    """The secondment each of these sign-ins was made under, by sign-in id (下沉)."""
    if not sign_ins:
        return {}
    days = [timezone.localdate(s.at) for s in sign_ins]
    rows = Secondment.objects.filter(
        staff_id__in={s.staff_id for s in sign_ins}, starts_on__lte=max(days),
        ends_on__gte=min(days),
    ).select_related("from_unit", "to_unit")  # fmt: skip
    by_staff: dict[int, list[Secondment]] = defaultdict(list)
    for row in rows:
        by_staff[row.staff_id].append(row)
    found = {}
    for sign_in, day in zip(sign_ins, days, strict=True):
        for row in by_staff.get(sign_in.staff_id, []):
            if row.starts_on <= day <= row.ends_on:
                found[sign_in.pk] = row
    return found


@dataclass
class SecondedRow:
    """A person seconded now into or out of a jurisdiction, and where they are."""

    secondment: Secondment
    direction: str  # "in": to a unit of the jurisdiction; "out": from one, to elsewhere
    site: Site | None  # the post they are present at now

    @property
    def staff(self) -> Staff:
        return self.secondment.staff


def seconded_now(*, path: str, now: datetime | None = None) -> list[SecondedRow]:
    """The people seconded today into units within ``path`` or out of them (下沉), with the
    post each is present at now: the receiving unit counts them, the home unit still sees
    where they are."""
    now = now or timezone.now()
    rows = list(
        secondments_on(timezone.localdate(now))
        .filter(Q(to_unit__path__startswith=path) | Q(from_unit__path__startswith=path))
        .select_related("staff", "from_unit", "to_unit")
        .order_by("to_unit__path", "staff__name")[:500]
    )
    present = {
        p.staff_id: p.site
        for p in Presence.objects.filter(
            staff_id__in=[r.staff_id for r in rows],
            present=True,
            at__gte=now - attendance.MAX_PRESENCE,
        ).select_related("site")
    }
    return [
        SecondedRow(r, "in" if r.to_unit.path.startswith(path) else "out", present.get(r.staff_id))
        for r in rows
    ]


def secondment_list_for_user(*, user: Any, current: bool = False) -> QuerySet[Secondment]:
    """Secondments out of the user's jurisdiction or into it; ``current``: only those running
    today or later."""
    rows = Secondment.objects.filter(
        scope_q(user, unit_field="from_unit") | scope_q(user, unit_field="to_unit")
    ).select_related("staff", "from_unit", "to_unit")
    if current:
        rows = rows.filter(ends_on__gte=timezone.localdate())
    return rows.order_by("-starts_on", "-id")


def staff_pick_for_user(*, user: Any, staff_id: int, day: date | None = None) -> Staff:
    """A person the user may pick (squad member, post leader): one of their jurisdiction, or
    one seconded to it today; ``Staff.DoesNotExist`` for any other."""
    day = day or timezone.localdate()
    where = scope_q(user)
    if not sees_everything(user):
        where |= Q(pk__in=seconded_in(path=scope_path(user), day=day))
    return Staff.objects.filter(where).select_related("unit").get(pk=staff_id)


def running_duties(*, path: str, now: datetime) -> list[tuple[RosterAssignment, Window]]:
    """Published duties at the posts within ``path`` whose shift is running at ``now``."""
    today = timezone.localdate(now)
    duties = (
        RosterAssignment.objects.filter(
            roster__status=RosterStatus.PUBLISHED,
            site__unit__path__startswith=path,
            date__in=[today - timedelta(days=1), today],
        )
        .select_related("roster", "site", "site__unit", "staff")
        .order_by("site__unit__path", "site__code", "role", "staff__badge_number")
    )
    running = []
    for duty in duties:
        window = shift_window(duty.roster.pattern, duty.date, duty.shift)
        if window is not None and window.start <= now < window.end:
            running.append((duty, window))
    return running


@dataclass
class DutyRow:
    staff: Staff
    role: str
    state: str
    first_in: datetime | None
    window: Window
    seconded: Secondment | None = None

    @property
    def role_label(self) -> str:
        return str(DutyRole(self.role).label) if self.role in DutyRole.values else self.role


@dataclass
class PostRow:
    site: Site
    planned: list[DutyRow] = field(default_factory=list)
    unplanned: list[SignIn] = field(default_factory=list)
    flagged: list[SignIn] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for row in self.planned if row.state == state)

    @property
    def absent(self) -> int:
        return self.count("absent")

    @property
    def late(self) -> int:
        return self.count("late")


def attendance_now(
    *, user: Any, unit: Unit | None = None, now: datetime | None = None
) -> list[PostRow]:
    """Every post with a running published duty in the user's jurisdiction, with each
    planned person's state (present, late, absent, not due yet, signed out), the people
    present there without a duty (unplanned), and the flagged sign-ins of the shift."""
    now = now or timezone.now()
    running = running_duties(path=scope_path(user, unit), now=now)
    if not running:
        return []
    since = min(window.start for _duty, window in running) - attendance.EARLY
    site_ids = {duty.site_id for duty, _window in running}
    events: dict[tuple[int, int], list[Event]] = defaultdict(list)
    sign_ins = list(
        SignIn.objects.filter(site_id__in=site_ids, at__gte=since, at__lte=now)
        .select_related("staff")
        .order_by("at")
    )
    for sign_in in sign_ins:
        events[(sign_in.site_id, sign_in.staff_id)].append(Event(sign_in.kind, sign_in.at))
    posts: dict[int, PostRow] = {}
    planned: set[tuple[int, int]] = set()
    grace = timedelta(minutes=settings.DUTY_GRACE_MINUTES)
    for duty, window in running:
        site_id, site = duty.site_id, duty.site
        if site_id is None or site is None:
            continue  # running_duties keeps only the duties at a post
        post = posts.setdefault(site_id, PostRow(site))
        state, first_in = attendance.duty_state(
            window, events[(site_id, duty.staff_id)], now, grace
        )
        post.planned.append(DutyRow(duty.staff, duty.role, state, first_in, window))
        planned.add((site_id, duty.staff_id))
    _unplanned_and_flagged(posts, planned, sign_ins, now)
    marks = secondment_marks({staff_id for _site, staff_id in planned}, timezone.localdate(now))
    for post in posts.values():
        for row in post.planned:
            row.seconded = marks.get(row.staff.pk)
    return list(posts.values())


def _unplanned_and_flagged(
    posts: dict[int, PostRow], planned: set[tuple[int, int]], sign_ins: list[SignIn], now: datetime
) -> None:
    latest: dict[tuple[int, int], SignIn] = {}
    for sign_in in sign_ins:
        latest[(sign_in.site_id, sign_in.staff_id)] = sign_in
        if sign_in.flag:
            posts[sign_in.site_id].flagged.append(sign_in)
    for where, sign_in in latest.items():
        if where in planned or sign_in.kind != SignKind.IN:
            continue
        if now - sign_in.at <= attendance.MAX_PRESENCE:
            posts[sign_in.site_id].unplanned.append(sign_in)


class ShortPost(TypedDict):
    """A post short of people now (the API's ``PostShortOut``)."""

    id: int
    name: str
    unit: str
    present: int
    required: int
    missing_officers: int
    missing_auxiliaries: int


def posts_short_now(*, path: str, now: datetime | None = None) -> list[ShortPost]:
    """Posts of the running shift, within ``path``, where fewer people are present now
    (signed in and not out) than the post requires: sworn officers first, and officers beyond
    the officer requirement standing in for auxiliaries. What the dashboard counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    duties = RosterAssignment.objects.filter(
        roster__status=RosterStatus.PUBLISHED,
        site__unit__path__startswith=path,
        site__status=SiteStatus.OPEN,
        date__in=[today - timedelta(days=1), today],
    ).values_list("site_id", "date", "shift", "roster__pattern")
    site_ids = set()
    for site_id, day, shift, pattern in duties.distinct():
        window = shift_window(pattern, day, shift)
        if window is not None and window.start <= now < window.end:
            site_ids.add(site_id)
    if not site_ids:
        return []
    present: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Presence.objects.filter(
            site_id__in=site_ids, present=True, at__gte=now - attendance.MAX_PRESENCE
        )
        .values("site_id", "staff__kind")
        .annotate(n=Count("pk"))
    ):
        present[row["site_id"]][row["staff__kind"]] = row["n"]
    short = []
    for site in (
        Site.objects.filter(pk__in=site_ids)
        .values("pk", "name", "code", "unit__name", "required_officers", "required_auxiliaries")
        .order_by("unit__path", "code")
    ):
        shortfall = _shortfall(site, present[site["pk"]])
        if shortfall is not None:
            short.append(shortfall)
    return short


def _shortfall(site: Mapping[str, Any], present: dict[str, int]) -> ShortPost | None:
    officers = present.get(StaffKind.OFFICER, 0)
    auxiliaries = present.get(StaffKind.AUXILIARY, 0)
    missing_officers = max(0, site["required_officers"] - officers)
    spare = max(0, officers - site["required_officers"])
    missing_auxiliaries = max(0, site["required_auxiliaries"] - auxiliaries - spare)
    if not (missing_officers or missing_auxiliaries):
        return None
    return {
        "id": site["pk"],
        "name": site["name"],
        "unit": site["unit__name"],
        "present": officers + auxiliaries + present.get(StaffKind.CIVILIAN, 0),
        "required": site["required_officers"] + site["required_auxiliaries"],
        "missing_officers": missing_officers,
        "missing_auxiliaries": missing_auxiliaries,
    }


def sign_in_list_for_user(
    *, user: Any, site: Site | None = None, since: datetime | None = None, flagged: bool = False
) -> QuerySet[SignIn]:
    """Sign-ins at the posts of the user's jurisdiction, and those its people made elsewhere
    while seconded (下沉) from it."""
    where = scope_q(user, unit_field="site__unit")
    rows = SignIn.objects.all()
    if where:
        seconded_out = Secondment.objects.filter(
            scope_q(user, unit_field="from_unit"),
            staff_id=OuterRef("staff_id"),
            starts_on__lte=OuterRef("day"),
            ends_on__gte=OuterRef("day"),
        )
        rows = rows.annotate(day=TruncDate("at")).filter(where | Q(Exists(seconded_out)))
    rows = rows.select_related("staff", "site", "site__unit")
    if site is not None:
        rows = rows.filter(site=site)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if flagged:
        rows = rows.exclude(flag="")
    return rows.order_by("-at", "-id")


def own_sign_ins(*, staff: Staff, limit: int = 20) -> list[SignIn]:
    return list(SignIn.objects.filter(staff=staff).select_related("site").order_by("-at")[:limit])


def own_posts(*, staff: Staff, now: datetime | None = None) -> list[Site]:
    """The posts a person may sign in at, their published duties' posts first (today's and
    tomorrow's), then the other open posts of their unit."""
    today = timezone.localdate(now or timezone.now())
    duty_sites = list(Site.objects.filter(roster_duties_for_sign_in(staff, today)).distinct())
    others = Site.objects.filter(
        seconded_posts_q(staff, today) | Q(unit__path__startswith=staff.unit.path),
        status=SiteStatus.OPEN,
    ).exclude(pk__in=[s.pk for s in duty_sites])
    return duty_sites + list(others.order_by("code")[:200])


def seconded_posts_q(staff: Staff, day: date) -> Q:
    """The posts of the units ``staff`` is seconded to on ``day`` (下沉)."""
    where = Q(pk__in=[])
    for path in secondments_on(day).filter(staff=staff).values_list("to_unit__path", flat=True):
        where |= Q(unit__path__startswith=path)
    return where


def roster_duties_for_sign_in(staff: Staff, today: Any) -> Q:
    ids = RosterAssignment.objects.filter(
        staff=staff,
        roster__status=RosterStatus.PUBLISHED,
        date__in=[today - timedelta(days=1), today, today + timedelta(days=1)],
        site__isnull=False,
    ).values("site_id")
    return Q(pk__in=ids)


def site_for_sign_in(*, user: Any, site_id: int) -> Site:
    """A post the user may sign in at: one of their jurisdiction, or one where a published
    roster puts them around today; ``Site.DoesNotExist`` for any other."""
    staff = getattr(user, "staff", None)
    where = scope_q(user)
    if staff is not None:
        today = timezone.localdate()
        where |= roster_duties_for_sign_in(staff, today) | seconded_posts_q(staff, today)
    return Site.objects.filter(where).select_related("unit", "duty_settings").get(pk=site_id)


def handover_list_for_user(
    *, user: Any, site: Site | None = None, q: str = "", pending: bool = False
) -> QuerySet[Handover]:
    """Handovers at the posts of the user's jurisdiction, newest first; ``q`` searches
    every text of the handover (a plate, a name, a word)."""
    rows = Handover.objects.filter(scope_q(user, unit_field="site__unit")).select_related(
        "site", "outgoing", "acknowledged_by"
    )
    if site is not None:
        rows = rows.filter(site=site)
    if pending:
        rows = rows.filter(acknowledged_at__isnull=True)
    for word in q.split()[:5]:
        rows = rows.filter(
            Q(vehicles__icontains=word)
            | Q(persons__icontains=word)
            | Q(equipment__icontains=word)
            | Q(incidents__icontains=word)
            | Q(notes__icontains=word)
        )
    return rows.order_by("-at", "-id")


def handover_get_for_user(*, user: Any, handover_id: int) -> Handover:
    return handover_list_for_user(user=user).get(pk=handover_id)


def inspection_list_for_user(
    *, user: Any, site: Site | None = None, since: datetime | None = None
) -> QuerySet[Inspection]:
    rows = (
        Inspection.objects.filter(scope_q(user, unit_field="site__unit"))
        .select_related("site", "site__unit", "inspector")
        .prefetch_related("fixes", "photos")
    )
    if site is not None:
        rows = rows.filter(site=site)
    if since is not None:
        rows = rows.filter(at__gte=since)
    return rows.order_by("-at", "-id")


def inspection_get_for_user(*, user: Any, inspection_id: int) -> Inspection:
    return inspection_list_for_user(user=user).get(pk=inspection_id)


def fix_list_for_user(*, user: Any, open_only: bool = True) -> QuerySet[Fix]:
    rows = Fix.objects.filter(scope_q(user, unit_field="site__unit")).select_related(
        "site", "inspection__inspector", "closed_by"
    )
    if open_only:
        rows = rows.filter(status=FixStatus.OPEN)
    return rows.order_by("deadline", "id")


def fix_get_for_user(*, user: Any, fix_id: int) -> Fix:
    return fix_list_for_user(user=user, open_only=False).get(pk=fix_id)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time()))
    return start, start + timedelta(days=1)


def posts_not_visited(*, path: str, day: date | None = None) -> QuerySet[Site]:
    """Open posts within ``path`` that no supervision visit reached on ``day`` (today)."""
    start, end = day_bounds(day or timezone.localdate())
    visited = Inspection.objects.filter(at__gte=start, at__lt=end).values("site_id")
    return (
        Site.objects.filter(unit__path__startswith=path, status=SiteStatus.OPEN)
        .exclude(pk__in=visited)
        .select_related("unit")
        .order_by("unit__path", "code")
    )


@dataclass
class SummaryRow:
    site: str
    unit: str
    visits: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    fixes_asked: int = 0
    fixes_closed: int = 0
    fixes_overdue: int = 0


def weekly_summary(*, unit: Unit, week_start: date) -> list[SummaryRow]:
    """Each post of ``unit``'s subtree over 7 days from ``week_start``: visits, checklist
    items failed, fixes asked, closed and overdue (open past their deadline now)."""
    start, _ = day_bounds(week_start)
    end = start + timedelta(days=7)
    today = timezone.localdate()
    rows: dict[int, SummaryRow] = {}
    for site in Site.objects.filter(unit__path__startswith=unit.path).select_related("unit"):
        rows[site.pk] = SummaryRow(site.name, site.unit.name)
    visits = Inspection.objects.filter(site_id__in=rows, at__gte=start, at__lt=end)
    for visit in visits.only("site_id", "checklist"):
        row = rows[visit.site_id]
        row.visits += 1
        for code in visit.failed_items:
            row.failed[code] = row.failed.get(code, 0) + 1
    for fix in Fix.objects.filter(inspection__in=visits).only("site_id", "status", "deadline"):
        row = rows[fix.site_id]
        row.fixes_asked += 1
        row.fixes_closed += fix.status == FixStatus.CLOSED
        row.fixes_overdue += fix.status == FixStatus.OPEN and fix.deadline < today
    return sorted(rows.values(), key=lambda r: (r.visits, r.unit, r.site))


CHECKLIST_ORDER = CHECKLIST_CODES


def post_leaders_on(*, path: str, day: date | None = None) -> dict[int, PostLeader]:
    """The leader bound to each post within ``path`` on ``day`` (today), by site id."""
    day = day or timezone.localdate()
    rows = PostLeader.objects.filter(
        site__unit__path__startswith=path, starts_on__lte=day, ends_on__gte=day
    ).select_related("leader", "site")
    return {row.site_id: row for row in rows}


def post_leader_list_for_user(*, user: Any) -> QuerySet[PostLeader]:
    return (
        PostLeader.objects.filter(scope_q(user, unit_field="site__unit"))
        .select_related("site", "leader", "leader__unit")
        .order_by("-ends_on", "site__code")
    )


# Sign-ins further back than this do not count towards the run of days worked.
FATIGUE_LOOKBACK = timedelta(days=31)


@dataclass
class FatigueRow:
    staff: Staff
    fatigue: attendance.Fatigue
    limits: tuple[int, int]
    over: list[str]
    seconded: Secondment | None = None


DEFAULT_LIMITS = (12, 60)


def limits_by_path() -> dict[str, tuple[int, int]]:
    return {
        path: (days, hours)
        for path, days, hours in FatigueLimits.objects.values_list(
            "unit__path", "max_days", "max_hours_7d"
        )
    }


def limits_for(unit: Unit, by_path: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """(days without a day off, hours in 7 days) of the nearest unit up the tree with limits."""
    found = [path for path in by_path if unit.path.startswith(path)]
    return by_path[max(found, key=len)] if found else DEFAULT_LIMITS


def fatigue_list(
    *, path: str, now: datetime | None = None, over_only: bool = True
) -> list[FatigueRow]:
    """Hours and days actually worked, from sign-ins, of the people of ``path`` who signed
    in lately; by default only those over their unit's limits, the most tired first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    events: dict[int, list[Event]] = defaultdict(list)
    for staff_id, kind, at in SignIn.objects.filter(
        staff_of_q(path=path, day=today), at__gte=now - FATIGUE_LOOKBACK, at__lte=now
    ).values_list("staff_id", "kind", "at"):
        events[staff_id].append(Event(kind, timezone.localtime(at)))
    limits = limits_by_path()
    marks = secondment_marks(events, today)
    rows = []
    for staff in Staff.objects.filter(pk__in=events).select_related("unit"):
        spans = attendance.worked_spans(events[staff.pk], timezone.localtime(now))
        tired = attendance.fatigue(spans, today, timezone.localtime(now))
        unit_limits = limits_for(staff.unit, limits)
        over = tired.over(max_days=unit_limits[0], max_hours_7d=unit_limits[1])
        if over or not over_only:
            rows.append(FatigueRow(staff, tired, unit_limits, over, marks.get(staff.pk)))
    return sorted(rows, key=lambda r: (-r.fatigue.consecutive_days, -r.fatigue.hours_7d))


def fatigue_of(*, staff: Staff, now: datetime | None = None) -> FatigueRow:
    """One person's hours and days actually worked, and the limits they are over."""
    local = timezone.localtime(now or timezone.now())
    events = [
        Event(kind, timezone.localtime(at))
        for kind, at in SignIn.objects.filter(
            staff=staff, at__gte=local - FATIGUE_LOOKBACK, at__lte=local
        ).values_list("kind", "at")
    ]
    tired = attendance.fatigue(attendance.worked_spans(events, local), local.date(), local)
    limits = limits_for(staff.unit, limits_by_path())
    return FatigueRow(staff, tired, limits, tired.over(max_days=limits[0], max_hours_7d=limits[1]))


def report_list_for_user(*, user: Any, open_only: bool = True) -> QuerySet[SituationReport]:
    """Reports raised in the user's jurisdiction, or waiting at a unit of it (one that went
    up past the user's unit is still theirs to see)."""
    rows = SituationReport.objects.filter(
        scope_q(user, unit_field="origin") | scope_q(user, unit_field="unit")
    ).select_related("raised_by", "origin", "unit", "site")
    if open_only:
        rows = rows.filter(status="open")
    return rows.prefetch_related("steps__unit", "steps__acknowledged_by", "photos").order_by(
        "-at", "-id"
    )


def report_get_for_user(*, user: Any, report_id: int) -> SituationReport:
    return report_list_for_user(user=user, open_only=False).get(pk=report_id)


def squad_list_for_user(*, user: Any) -> QuerySet[ReserveSquad]:
    return (
        ReserveSquad.objects.filter(scope_q(user))
        .select_related("unit", "site")
        .prefetch_related("members")
        .order_by("unit__path", "name")
    )


def squad_get_for_user(*, user: Any, squad_id: int) -> ReserveSquad:
    return squad_list_for_user(user=user).get(pk=squad_id)


def recall_list_for_user(*, user: Any) -> QuerySet[RecallOrder]:
    return RecallOrder.objects.filter(scope_q(user)).select_related("unit").order_by("-issued_at")


def own_recalls(*, staff: Staff) -> list[RecallNotice]:
    return list(
        RecallNotice.objects.filter(staff=staff).select_related("order", "order__unit")[:20]
    )
