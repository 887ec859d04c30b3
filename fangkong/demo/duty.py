"""The demo's duty supervision in the Ganzhou brigade: the week's published roster (the one
already loaded if a roster layer made one, otherwise a plain rotation of each post's own
staff), a week of sign-ins consistent with it (most on time, some late, a few absent, a few
flagged outside the post's radius, one unplanned), supervision visits with open fixes,
handovers, and two open situation reports.

Sign-ins are written with ``bulk_create`` and the presence table rebuilt from them, as the
services would leave it: thousands of sign-ins through the services would slow the load.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from fangkong.demo.loader import DemoContext, demo_layer
from fangkong.duty.choices import CHECKLIST_CODES, SignFlag, SignKind
from fangkong.duty.models import (
    Fix,
    Handover,
    Inspection,
    Presence,
    ReportStep,
    Secondment,
    SignIn,
    SituationReport,
)
from fangkong.duty.shifts import shift_window
from fangkong.org.choices import StaffKind
from fangkong.org.models import Staff, Unit
from fangkong.roster.choices import DutyRole, RosterStatus
from fangkong.roster.models import Roster, RosterAssignment
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site, SiteAssignment

BRIGADE = "620702000000"
DAYS_BACK = 7
SHIFTS = ("night", "day", "evening")


@demo_layer("duty")
def load_duty(ctx: DemoContext) -> None:
    rng = random.Random(f"{ctx.seed}:duty")
    brigade = Unit.objects.filter(code=BRIGADE).first()
    if brigade is None:
        return
    today = timezone.localdate(ctx.now)
    first = today - timedelta(days=DAYS_BACK)
    duties = _published_duties(ctx, brigade, first, today)
    _sign_ins(ctx, rng, duties)
    sites = list(Site.objects.filter(unit__path__startswith=brigade.path, status=SiteStatus.OPEN))
    _inspections(ctx, rng, brigade, sites, first)
    _handovers(ctx, rng, duties, _leaders(brigade))
    _unplanned(ctx, brigade, sites)
    _secondment(ctx, brigade, sites)
    _reports(ctx, brigade, sites)


def _published_duties(
    ctx: DemoContext, brigade: Unit, first: date, today: date
) -> list[RosterAssignment]:
    existing = RosterAssignment.objects.filter(
        roster__status=RosterStatus.PUBLISHED,
        roster__unit__path__startswith=brigade.path,
        date__gte=first,
        date__lte=today + timedelta(days=1),
        site__isnull=False,
    )
    if not existing.exists():
        _rotation(ctx, brigade, first, today)
    return list(existing.select_related("roster", "site", "staff"))


def _rotation(ctx: DemoContext, brigade: Unit, first: date, today: date) -> None:
    """A published roster of each post's own staff, three shifts a day, one duty a day each."""
    version = (Roster.objects.filter(unit=brigade).aggregate(v=Max("version"))["v"] or 0) + 1
    days = (today - first).days + 2
    roster = Roster.objects.create(
        unit=brigade,
        start=first,
        days=days,
        status=RosterStatus.PUBLISHED,
        version=version,
        published_at=ctx.at(timedelta()),
        summary={"source": "demo rotation"},
    )
    pools: dict[int, dict[str, list[int]]] = {}
    for site_id, staff_id, kind in (
        SiteAssignment.objects.filter(
            site__unit__path__startswith=brigade.path, site__status=SiteStatus.OPEN
        )
        .values_list("site_id", "staff_id", "staff__kind")
        .order_by("site_id", "staff_id")
    ):
        pools.setdefault(site_id, {}).setdefault(kind, []).append(staff_id)
    sites = {s.pk: s for s in Site.objects.filter(pk__in=pools)}
    rows = []
    taken: set[tuple[int, date]] = set()
    for site_id, pool in pools.items():
        site = sites[site_id]
        wanted = {
            StaffKind.OFFICER: site.required_officers,
            StaffKind.AUXILIARY: site.required_auxiliaries,
        }
        for d in range(days):
            day = first + timedelta(days=d)
            for kind, per_shift in wanted.items():
                people = pool.get(kind, [])
                for s, shift in enumerate(SHIFTS):
                    for k in range(per_shift):
                        if not people or 3 * per_shift > len(people):
                            continue
                        staff_id = people[(d * per_shift + s * per_shift + k) % len(people)]
                        if (staff_id, day) in taken:
                            continue
                        taken.add((staff_id, day))
                        role = DutyRole.OFFICER if kind == StaffKind.OFFICER else DutyRole.AUXILIARY
                        rows.append(
                            RosterAssignment(
                                roster=roster, date=day, shift=shift, site_id=site_id,
                                staff_id=staff_id, role=role,
                            )
                        )  # fmt: skip
    ctx.bulk_create(RosterAssignment, rows, label="duty_roster_duties")


def _key() -> str:
    return uuid.uuid4().hex


def _sign_ins(ctx: DemoContext, rng: random.Random, duties: list[RosterAssignment]) -> None:
    rows: list[SignIn] = []
    for duty in duties:
        site = duty.site
        window = shift_window(duty.roster.pattern, duty.date, duty.shift)
        if site is None or window is None or window.start > ctx.now:
            continue  # (_published_duties keeps only the duties at a post)
        luck = rng.random()
        if luck < 0.04:
            continue  # absent
        late = timedelta(minutes=rng.randint(15, 70)) if luck < 0.12 else timedelta()
        came = window.start - timedelta(minutes=rng.randint(0, 15)) + late
        if came > ctx.now:
            continue
        outside = luck > 0.97
        lat = site.lat + (0.012 if outside else rng.uniform(-0.0005, 0.0005))
        common = {
            "staff_id": duty.staff_id,
            "site_id": duty.site_id,
            "duty": duty,
            "lng": site.lng,
        }
        rows.append(SignIn(
            kind=SignKind.IN, at=came, lat=lat, accuracy_m=rng.randint(5, 40),
            distance_m=1300 if outside else rng.randint(5, 60),
            flag=SignFlag.OUTSIDE if outside else SignFlag.NONE,
            reason="前方路口疏导车辆" if outside else "",
            late_minutes=int(max(0, (came - window.start).total_seconds()) // 60),
            idempotency_key=_key(), **common,
        ))  # fmt: skip
        left = window.end + timedelta(minutes=rng.randint(0, 20))
        if left <= ctx.now:
            rows.append(SignIn(
                kind=SignKind.OUT, at=left, lat=site.lat, distance_m=10,
                idempotency_key=_key(), **common,
            ))  # fmt: skip
    ctx.bulk_create(SignIn, rows, label="duty_sign_ins")
    latest: dict[int, SignIn] = {}
    for row in sorted(rows, key=lambda r: r.at):
        latest[row.staff_id] = row
    ctx.bulk_create(
        Presence,
        (
            Presence(staff_id=s.staff_id, site_id=s.site_id, present=s.kind == SignKind.IN, at=s.at)
            for s in latest.values()
        ),
        label="duty_presence",
    )


def _leaders(brigade: Unit) -> list[Staff]:
    return list(
        Staff.objects.filter(
            unit__path__startswith=brigade.path, kind=StaffKind.OFFICER, roles__code="duty_leader"
        ).distinct()[:4]
    ) or list(Staff.objects.filter(unit=brigade, kind=StaffKind.OFFICER)[:2])


FINDINGS = [
    "人员在岗在位，登记规范",
    "个别辅警口罩佩戴不规范",
    "消杀记录未按时填写",
    "夜间照明不足，反光锥摆放不到位",
]
FIXES = ["督促规范佩戴口罩", "按时填写消杀记录", "增设照明灯和反光锥"]


def _inspections(
    ctx: DemoContext, rng: random.Random, brigade: Unit, sites: list[Site], first: date
) -> None:
    leaders = _leaders(brigade)
    if not leaders or not sites:
        return
    visits = []
    for d in range(DAYS_BACK):
        day = first + timedelta(days=d)
        for site in rng.sample(sites, k=max(1, len(sites) // 3)):
            midnight = timezone.make_aware(datetime.combine(day, time()))
            at = min(midnight + timedelta(hours=rng.randint(9, 20)), ctx.now)
            checklist = {code: rng.random() > 0.15 for code in CHECKLIST_CODES}
            visits.append(Inspection(
                site=site, inspector=rng.choice(leaders), at=at,
                checklist=checklist, findings=rng.choice(FINDINGS),
            ))  # fmt: skip
    ctx.bulk_create(Inspection, visits, label="duty_inspections")
    fixes = []
    today = timezone.localdate(ctx.now)
    for visit in Inspection.objects.filter(site__in=sites).order_by("at"):
        if visit.failed_items:
            deadline = timezone.localdate(visit.at) + timedelta(days=2)
            closed = deadline < today and rng.random() < 0.7
            fixes.append(Fix(
                inspection=visit, site_id=visit.site_id, text=rng.choice(FIXES),
                deadline=deadline,
                status="closed" if closed else "open",
                closed_by=rng.choice(leaders) if closed else None,
                closed_at=visit.at + timedelta(days=1) if closed else None,
                closing_note="已整改到位" if closed else "",
            ))  # fmt: skip
    ctx.bulk_create(Fix, fixes, label="duty_fixes")


NOTES = [
    {"vehicles": "甘G·7K215 货车等待核酸结果，停靠应急车道"},
    {"persons": "1 名体温异常人员已移交卫健，120 接走"},
    {"equipment": "测温枪 2 把、对讲机 3 部、反光锥 12 个，完好"},
    {"incidents": "夜间 1 辆车拒不配合检查，已劝返"},
    {"notes": "上级通知明日起核酸证明时限改为 48 小时"},
]


def _handovers(
    ctx: DemoContext, rng: random.Random, duties: list[RosterAssignment], leaders: list[Staff]
) -> None:
    """Half the past shifts handed over with a note; all acknowledged but the last three."""
    rows = []
    seen: set[tuple[int, date, str]] = set()
    for duty in duties:
        if duty.site_id is None:
            continue  # _published_duties keeps only the duties at a post
        slot = (duty.site_id, duty.date, duty.shift)
        window = shift_window(duty.roster.pattern, duty.date, duty.shift)
        if slot in seen or window is None or window.end > ctx.now or rng.random() > 0.5:
            continue
        seen.add(slot)
        rows.append(
            Handover(
                site_id=duty.site_id, at=window.end, outgoing_id=duty.staff_id, **rng.choice(NOTES)
            )
        )
    rows.sort(key=lambda h: h.at)
    for handover in rows[:-3]:
        handover.acknowledged_by = rng.choice(leaders) if leaders else None
        handover.acknowledged_at = handover.at + timedelta(minutes=10) if leaders else None
    ctx.bulk_create(Handover, rows, label="duty_handovers")


def _unplanned(ctx: DemoContext, brigade: Unit, sites: list[Site]) -> None:
    """A headquarters officer sent down to a post (机关警力下沉), present without a duty."""
    planned = RosterAssignment.objects.filter(date__gte=timezone.localdate(ctx.now)).values(
        "staff_id"
    )
    spare = (
        Staff.objects.filter(unit=brigade, kind=StaffKind.OFFICER).exclude(pk__in=planned).first()
    )
    if spare is None or not sites:
        return
    at = ctx.now - timedelta(hours=1)
    ctx.bulk_create(SignIn, [SignIn(
        staff=spare, site=sites[0], kind=SignKind.IN, at=at, lat=sites[0].lat, lng=sites[0].lng,
        distance_m=5, idempotency_key=_key(),
    )], label="duty_sign_ins")  # fmt: skip
    Presence.objects.update_or_create(
        staff=spare, defaults={"site": sites[0], "present": True, "at": at}
    )


def _secondment(ctx: DemoContext, brigade: Unit, sites: list[Site]) -> None:
    """A detachment headquarters officer seconded to the brigade for ten days (机关警力下沉),
    signed in at one of its posts: both units' duty pages show him."""
    if brigade.parent is None or not sites:
        return
    officer = Staff.objects.filter(unit=brigade.parent, kind=StaffKind.OFFICER).last()
    if officer is None:
        return
    today = timezone.localdate(ctx.now)
    ctx.bulk_create(Secondment, [Secondment(
        staff=officer, from_unit=brigade.parent, to_unit=brigade, starts_on=today - timedelta(
            days=3), ends_on=today + timedelta(days=7), reason="机关警力下沉，支援卡点执勤",
    )], label="duty_secondments")  # fmt: skip
    site = sites[min(1, len(sites) - 1)]
    at = ctx.now - timedelta(hours=2)
    ctx.bulk_create(SignIn, [SignIn(
        staff=officer, site=site, kind=SignKind.IN, at=at, lat=site.lat, lng=site.lng,
        distance_m=8, idempotency_key=_key(),
    )], label="duty_sign_ins")  # fmt: skip
    Presence.objects.update_or_create(
        staff=officer, defaults={"site": site, "present": True, "at": at}
    )


def _reports(ctx: DemoContext, brigade: Unit, sites: list[Site]) -> None:
    """Two open important-situation reports: one waiting at the brigade, one that went up
    to the detachment unacknowledged."""
    raiser = Staff.objects.filter(
        unit__path__startswith=brigade.path, kind=StaffKind.OFFICER
    ).last()
    if raiser is None or not sites:
        return
    recent = ctx.now - timedelta(minutes=12)
    waiting = SituationReport(
        raised_by=raiser, origin=raiser.unit, unit=brigade, site=sites[0], kind="incident",
        text="一辆货车拒不停车接受检查，冲卡后在 5 公里外被拦停，司机已控制",
        lat=sites[0].lat, lng=sites[0].lng, at=recent, waiting_since=recent, idempotency_key=_key(),
    )  # fmt: skip
    older = ctx.now - timedelta(hours=2)
    passed = SituationReport(
        raised_by=raiser, origin=raiser.unit, unit=brigade.parent, site=sites[-1], kind="staff",
        text="一名辅警连续执勤后晕倒，已送医院，卡点人员已补齐",
        at=older, waiting_since=older + timedelta(minutes=30), idempotency_key=_key(),
    )  # fmt: skip
    ctx.bulk_create(SituationReport, [waiting, passed], label="duty_reports")
    passed = SituationReport.objects.get(idempotency_key=passed.idempotency_key)
    steps = [ReportStep(report=passed, unit=brigade, escalated=True, at=passed.waiting_since)]
    ctx.bulk_create(ReportStep, steps, label="duty_report_steps")
