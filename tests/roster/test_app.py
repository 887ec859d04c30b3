"""The roster app: generating from the database, publishing, re-rostering, bad input and
jurisdiction. Solver time limits stay at 1–2 s so the module runs fast."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.jobs.choices import JobStatus
from fangkong.jobs.models import Job
from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Role, Staff
from fangkong.registration.models import Person
from fangkong.roster import advice, services
from fangkong.roster.choices import PATTERN_SHIFTS, LeaveKind, RosterStatus
from fangkong.roster.engine import police
from fangkong.roster.engine.validate import validate
from fangkong.roster.models import Leave, Roster, RosterRules
from fangkong.roster.staffing import staffing_propose
from fangkong.screening.models import Check
from fangkong.sites.models import Site
from tests.factories import SiteFactory, StaffFactory
from tests.jobs.worker import run_queued_jobs

START = date(2026, 2, 2)  # a Monday


@dataclass
class Brigade:
    unit: Any
    sites: list[Site]
    officers: list[Staff]
    auxiliaries: list[Staff]
    leaders: list[Staff]


def make_brigade(
    tree: Any, *, officers: int = 8, auxiliaries: int = 6, leaders: int = 4
) -> Brigade:
    """Ganzhou with two sites (one in its squad) and a handful of staff."""
    sites = [
        SiteFactory(
            unit=tree.ganzhou, name="G30张掖东收费站", required_officers=1, required_auxiliaries=1
        ),
        SiteFactory(
            unit=tree.ganzhou_squad, name="甘州西卡点", required_officers=1, required_auxiliaries=0
        ),
    ]
    leader_role = Role.objects.get(code=RoleCode.DUTY_LEADER)
    made_leaders = []
    for _ in range(leaders):
        staff = StaffFactory(unit=tree.ganzhou, kind=StaffKind.OFFICER)
        staff.roles.add(leader_role)
        made_leaders.append(staff)
    return Brigade(
        unit=tree.ganzhou,
        sites=sites,
        officers=[StaffFactory(unit=tree.ganzhou, kind=StaffKind.OFFICER) for _ in range(officers)],
        auxiliaries=[
            StaffFactory(unit=tree.ganzhou_squad, kind=StaffKind.AUXILIARY)
            for _ in range(auxiliaries)
        ],
        leaders=made_leaders,
    )


@pytest.fixture
def brigade(tree: Any) -> Brigade:
    return make_brigade(tree)


def generate(actor: Any, unit: Any, **kwargs: Any) -> Roster:
    """Start the job as the page does and run it in the worker; the roster it made."""
    values = {"start": START, "days": 4, "time_limit_s": 2} | kwargs
    job = services.roster_generate(actor=actor, unit=unit, **values)
    return finished_roster(job)


def finished_roster(job: Job) -> Roster:
    assert job.status == JobStatus.QUEUED
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return Roster.objects.get(pk=job.result["roster_id"])


# -- an independent check of the hard rules, written from the rules, not from the engine -----


def shift_times(pattern: str) -> dict[str, tuple[int, int]]:
    """Shift code -> (start minute, length in minutes) within its day."""
    times = {
        s["code"]: (int(s["start"][:2]) * 60, s["hours"] * 60) for s in PATTERN_SHIFTS[pattern]
    }
    times["lead"] = (8 * 60, 24 * 60)
    return times


def violations(roster: Roster, rules: RosterRules) -> list[str]:
    wartime = roster.wartime
    rest = rules.wartime_min_rest_hours if wartime else rules.min_rest_hours
    max_days = rules.wartime_max_consecutive_days if wartime else rules.max_consecutive_days
    max_nights = rules.wartime_max_consecutive_nights if wartime else rules.max_consecutive_nights
    max_week = rules.wartime_max_hours_per_week if wartime else rules.max_hours_per_week
    times = shift_times(roster.pattern)
    found: list[str] = []
    by_person: dict[int, dict[date, Any]] = defaultdict(dict)
    cover: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for duty in roster.assignments.select_related("staff").prefetch_related("staff__roles"):
        if duty.date in by_person[duty.staff_id]:
            found.append(f"{duty.staff_id} twice on {duty.date}")
        by_person[duty.staff_id][duty.date] = duty
        expected = {"officer": StaffKind.OFFICER, "auxiliary": StaffKind.AUXILIARY}
        if duty.role == "leader":
            if not duty.staff.has_role(RoleCode.DUTY_LEADER):
                found.append(f"{duty.staff_id} leads without the role")
        elif duty.staff.kind != expected[duty.role]:
            found.append(f"{duty.staff_id} stands a {duty.role} post as {duty.staff.kind}")
        if Leave.objects.filter(
            staff_id=duty.staff_id, starts_on__lte=duty.date, ends_on__gte=duty.date
        ).exists():
            found.append(f"{duty.staff_id} works on leave {duty.date}")
        cover[(duty.date, duty.shift, duty.site_id)][duty.role] += 1
    for (day, shift, site), roles in cover.items():
        if roles.get("auxiliary") and not roles.get("officer"):
            found.append(f"auxiliary without officer {day} {shift} {site}")
    for person, duties in by_person.items():
        spans = sorted(
            (
                datetime.combine(d, datetime.min.time()) + timedelta(minutes=times[x.shift][0]),
                times[x.shift][1],
                x.shift,
            )
            for d, x in duties.items()
        )
        for (start, minutes, first), (nxt, _m, then) in zip(spans, spans[1:], strict=False):
            gap = (nxt - start - timedelta(minutes=minutes)).total_seconds() / 3600
            if gap < rest:
                found.append(f"{person}: only {gap} h rest before {nxt}")
            if (
                rules.forbid_night_to_morning
                and first == "night"
                and then == "day"
                and (nxt.date() - start.date()).days == 1
            ):
                found.append(f"{person}: day shift after night {nxt}")
        days = sorted(duties)
        run = nights = 1
        for a, b in zip(days, days[1:], strict=False):
            run = run + 1 if (b - a).days == 1 else 1
            both_nights = duties[a].shift == "night" and duties[b].shift == "night"
            nights = nights + 1 if (b - a).days == 1 and both_nights else 1
            if run > max_days:
                found.append(f"{person}: {run} days running to {b}")
            if nights > max_nights:
                found.append(f"{person}: {nights} nights running to {b}")
        for first in range(roster.days):
            window = [roster.start + timedelta(days=first + i) for i in range(7)]
            hours = sum(times[duties[d].shift][1] for d in window if d in duties) / 60
            if hours > max_week:
                found.append(f"{person}: {hours} h in the week from {window[0]}")
    return found


def engine_violations(roster: Roster) -> list[Any]:
    """The engine's own independent validator, on the roster as stored in the database."""
    data = services.build_input(
        unit=roster.unit, start=roster.start, days=roster.days, wartime=roster.wartime
    )
    duties = [
        police.Duty(
            str(a.staff_id),
            a.date,
            a.shift,
            str(a.site_id) if a.site_id else None,
            a.role,
            roster.unit.code,
        )
        for a in roster.assignments.all()
    ]
    return validate(data.problem, duties)


def assert_valid(roster: Roster) -> None:
    assert engine_violations(roster) == []
    assert violations(roster, services.rules_for_unit(roster.unit)) == []


# -- generate --------------------------------------------------------------------------------


def test_generate_obeys_every_hard_rule(tree: Any, brigade_officer: Any) -> None:
    # Enough people that full cover is easy to find within the time limit; a week-long
    # period is left to the engine's own tests, as it needs more than a few seconds on a
    # busy machine.
    brigade = make_brigade(tree, officers=10, auxiliaries=8, leaders=6)
    Leave.objects.create(
        staff=brigade.officers[0],
        starts_on=START,
        ends_on=START + timedelta(days=2),
        kind=LeaveKind.LEAVE,
    )
    roster = generate(brigade_officer, brigade.unit, time_limit_s=3)
    assert roster.status == RosterStatus.DRAFT
    assert roster.version is None
    assert roster.assignments.count() > 0
    assert_valid(roster)
    assert roster.shortages.count() == 0, [s.text() for s in roster.shortages.all()]
    # Every post and a duty leader every day.
    assert roster.assignments.filter(role="leader").count() == 4
    audit = AuditLog.objects.get(action="roster.generate")
    assert audit.target_id == str(roster.pk)


def test_too_few_staff_gives_explained_shortages(tree: Any, brigade_officer: Any) -> None:
    crew = make_brigade(tree, officers=1, auxiliaries=1, leaders=1)
    Leave.objects.create(
        staff=crew.officers[0],
        starts_on=START,
        ends_on=START + timedelta(days=6),
        kind=LeaveKind.SICK,
    )
    roster = generate(brigade_officer, crew.unit, time_limit_s=1)
    assert roster.missing > 0
    assert roster.solver_status in ("optimal", "feasible")
    gaps = list(roster.shortages.select_related("site", "roster__unit"))
    assert sum(g.missing for g in gaps) == roster.missing
    assert_valid(roster)
    with translation.override("zh-hans"):
        lines = [g.text() for g in gaps]
    officer_line = next(line for line in lines if "G30张掖东收费站" in line and "缺民警" in line)
    assert officer_line.startswith("2026-02-0")
    assert "人（原因：" in officer_line
    assert any("请假 1 人" in line for line in lines), lines
    with translation.override("en"):
        english = gaps[0].text()
    assert "short of" in english and "reasons" in english


def test_wartime_is_recorded_and_uses_raised_limits(brigade: Brigade, brigade_officer: Any) -> None:
    roster = generate(brigade_officer, brigade.unit, wartime=True, days=3, time_limit_s=1)
    assert roster.wartime is True
    assert roster.summary["rules"]["max_hours_per_week"] == 72
    assert_valid(roster)


def test_two_shift_pattern(brigade: Brigade, brigade_officer: Any, tree: Any) -> None:
    services.shift_pattern_set(actor=brigade_officer, unit=tree.ganzhou, kind="two")
    roster = generate(brigade_officer, brigade.unit, days=3, time_limit_s=1)
    assert roster.pattern == "two"
    assert set(roster.assignments.values_list("shift", flat=True)) <= {"day", "night", "lead"}
    assert_valid(roster)


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"days": 0}, "days", "period_empty"),
        ({"days": 100}, "days", "period_too_long"),
        ({"start": None}, "start", "required"),
        ({"time_limit_s": 0}, "time_limit_s", "invalid_time_limit"),
    ],
)
def test_bad_period_is_refused_on_its_field(
    brigade: Brigade, brigade_officer: Any, values: dict, field: str, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        generate(brigade_officer, brigade.unit, **values)
    assert caught.value.error_dict[field][0].code == code
    assert not Roster.objects.exists()


def test_everyone_on_leave_is_refused(brigade: Brigade, brigade_officer: Any) -> None:
    for staff in Staff.objects.filter(unit__path__startswith=brigade.unit.path):
        Leave.objects.create(
            staff=staff,
            starts_on=START,
            ends_on=START + timedelta(days=30),
            kind=LeaveKind.TRAINING,
        )
    with pytest.raises(ValidationError) as caught:
        generate(brigade_officer, brigade.unit)
    assert caught.value.error_dict["start"][0].code == "everyone_on_leave"


def test_no_open_sites_is_refused(tree: Any, other_officer: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        generate(other_officer, tree.linze)
    assert caught.value.error_dict["unit"][0].code == "no_open_sites"


def test_mixed_shift_patterns_are_refused(brigade: Brigade, brigade_officer: Any) -> None:
    services.shift_pattern_set(
        actor=brigade_officer, unit=brigade.unit, site=brigade.sites[1], kind="two"
    )
    with pytest.raises(ValidationError) as caught:
        generate(brigade_officer, brigade.unit)
    assert caught.value.error_dict["unit"][0].code == "mixed_shift_patterns"


def test_contradictory_rules_are_refused(brigade: Brigade, brigade_officer: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.roster_rules_set(actor=brigade_officer, unit=brigade.unit, max_hours_per_week=4)
    assert caught.value.error_dict["max_hours_per_week"][0].code == "rules_contradictory"
    assert not RosterRules.objects.exists()
    # Rules saved directly (say by an import) are still refused when a roster is made.
    RosterRules.objects.create(unit=brigade.unit, max_hours_per_week=4)
    with pytest.raises(ValidationError) as caught:
        generate(brigade_officer, brigade.unit)
    assert caught.value.error_dict["max_hours_per_week"][0].code == "rules_contradictory"


def test_unit_rules_apply_down_the_tree(tree: Any, commander: Any) -> None:
    services.roster_rules_set(actor=commander, unit=tree.detachment, min_rest_hours=16)
    assert services.rules_for_unit(tree.ganzhou_squad).min_rest_hours == 16


# -- jurisdiction ----------------------------------------------------------------------------


def test_other_brigade_cannot_generate(brigade: Brigade, other_officer: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        generate(other_officer, brigade.unit)


def test_plain_officer_cannot_generate(brigade: Brigade) -> None:
    from tests.conftest import _persona

    plain = _persona(brigade.unit, "plain", RoleCode.CHECKPOINT)
    with pytest.raises(PermissionDeniedError):
        generate(plain, brigade.unit)


# -- publish ---------------------------------------------------------------------------------


def test_publish_versions_and_keeps_the_previous(brigade: Brigade, brigade_officer: Any) -> None:
    first = generate(brigade_officer, brigade.unit, days=2, time_limit_s=1)
    services.roster_publish(actor=brigade_officer, roster=first)
    first.refresh_from_db()
    assert (first.status, first.version) == (RosterStatus.PUBLISHED, 1)
    second = generate(brigade_officer, brigade.unit, days=2, time_limit_s=1)
    services.roster_publish(actor=brigade_officer, roster=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, second.version) == (RosterStatus.PUBLISHED, 2)
    assert first.status == RosterStatus.SUPERSEDED  # kept, not deleted
    assert first.assignments.exists()
    audits = AuditLog.objects.filter(action="roster.publish").order_by("id")
    assert [a.extra["version"] for a in audits] == [1, 2]
    assert audits[1].extra["superseded"] == [first.pk]
    with pytest.raises(ValidationError) as caught:
        services.roster_publish(actor=brigade_officer, roster=second)
    assert caught.value.error_dict["status"][0].code == "not_draft"


# -- re-roster -------------------------------------------------------------------------------


def test_reroster_keeps_most_duties_and_lists_changes(
    brigade: Brigade, brigade_officer: Any
) -> None:
    roster = generate(brigade_officer, brigade.unit)
    services.roster_publish(actor=brigade_officer, roster=roster)
    sick_day = START + timedelta(days=2)
    duty = roster.assignments.filter(date=sick_day, role="officer").first()
    leave = services.leave_create(
        actor=brigade_officer,
        staff=duty.staff,
        starts_on=sick_day,
        ends_on=sick_day,
        kind=LeaveKind.SICK,
    )
    new = finished_roster(
        services.roster_reroster(actor=brigade_officer, roster=roster, leave=leave, time_limit_s=2)
    )
    assert new.status == RosterStatus.DRAFT and new.based_on == roster
    assert not new.assignments.filter(staff=duty.staff, date=sick_day).exists()
    assert_valid(new)
    old = set(roster.assignments.values_list("staff_id", "date", "shift", "site_id", "role"))
    kept = set(new.assignments.values_list("staff_id", "date", "shift", "site_id", "role"))
    assert len(old & kept) >= 0.8 * len(old)
    changes = new.summary["changes"]
    assert changes
    sick = next(c for c in changes if c["staff_id"] == duty.staff_id)
    assert sick["date"] == sick_day.isoformat()
    assert sick["before"]["shift"] == duty.shift and sick["after"] is None
    assert AuditLog.objects.filter(action="roster.reroster", target_id=str(new.pk)).exists()


def test_leave_outside_the_roster_is_refused(brigade: Brigade, brigade_officer: Any) -> None:
    roster = generate(brigade_officer, brigade.unit, days=2, time_limit_s=1)
    leave = services.leave_create(
        actor=brigade_officer,
        staff=brigade.officers[1],
        starts_on=START + timedelta(days=20),
        ends_on=START + timedelta(days=21),
    )
    with pytest.raises(ValidationError) as caught:
        services.roster_reroster(actor=brigade_officer, roster=roster, leave=leave)
    assert caught.value.error_dict["leave"][0].code == "leave_outside"


def test_leave_that_ends_before_it_starts(brigade: Brigade, brigade_officer: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.leave_create(
            actor=brigade_officer,
            staff=brigade.officers[1],
            starts_on=START,
            ends_on=START - timedelta(days=1),
        )
    assert caught.value.error_dict["ends_on"][0].code == "leave_ends_before_start"


# -- staffing --------------------------------------------------------------------------------


def test_staffing_is_synthetic_without_checks(brigade: Brigade, brigade_officer: Any) -> None:
    site = brigade.sites[0]
    proposal = staffing_propose(site=site)
    assert proposal.source == "synthetic"
    assert len(proposal.hourly) == 24
    night, day, evening = proposal.shifts
    assert day.servers >= night.servers
    assert all(s.officers >= 1 for s in proposal.shifts)
    services.staffing_accept(
        actor=brigade_officer,
        site=site,
        officers=proposal.officers,
        auxiliaries=proposal.auxiliaries,
    )
    site.refresh_from_db()
    assert (site.required_officers, site.required_auxiliaries) == (
        proposal.officers,
        proposal.auxiliaries,
    )
    with pytest.raises(ValidationError) as caught:
        services.staffing_accept(actor=brigade_officer, site=site, officers=0, auxiliaries=2)
    assert caught.value.error_dict["officers"][0].code == "auxiliary_needs_officer"


@time_machine.travel("2026-02-10T12:00:00+08:00", tick=False)
def test_staffing_uses_the_sites_checks(brigade: Brigade) -> None:
    site = brigade.sites[0]
    person = Person.objects.create(doc_type="passport", doc_number="E00000001")
    zone = ZoneInfo("Asia/Shanghai")
    # Two days of checks: 120 an hour at 09:00 local time, 6 an hour at 03:00.
    for day in (8, 9):
        for hour, count in ((9, 120), (3, 6)):
            at = datetime(2026, 2, day, hour, 10, tzinfo=zone)
            Check.objects.bulk_create(
                Check(
                    site=site,
                    person=person,
                    recommended="pass",
                    outcome="pass",
                    reasons=[],
                    policy_version=1,
                    checked_at=at,
                    idempotency_key=uuid.uuid4().hex,
                )
                for _ in range(count)
            )
    proposal = staffing_propose(site=site)
    assert proposal.source == "checks" and proposal.days_observed == 2
    assert proposal.hourly[9] == 120 and proposal.hourly[3] == 6 and proposal.hourly[12] == 0
    night, day, evening = proposal.shifts
    # 120 checks an hour of 2 minutes each is 4 Erlangs: at least 5 people screening by day.
    assert day.servers >= 5 and night.servers < day.servers and evening.servers == 1
    assert day.officers + day.auxiliaries == day.servers


# -- why short, what would help; publishing a shortfall --------------------------------------


def test_a_short_roster_says_why_and_what_would_help(tree: Any, brigade_officer: Any) -> None:
    crew = make_brigade(tree, officers=2, auxiliaries=1, leaders=1)
    # A squad of Linze with auxiliaries to lend (same parent: the detachment).
    for _ in range(3):
        StaffFactory(unit=tree.linze, kind=StaffKind.AUXILIARY)
    roster = generate(brigade_officer, crew.unit, days=7, time_limit_s=2)
    assert roster.missing > 0
    supply = {row["role"]: row for row in roster.summary["supply"]}
    # One auxiliary asked for on 3 shifts × 7 days; one person may work 6 of the 7.
    assert supply["auxiliary"] == {"role": "auxiliary", "demand": 21, "coverable": 6}
    assert roster.summary["unavoidable"] >= 15
    remedies = {(r["kind"], r["role"]): r for r in roster.summary["remedies"]}
    borrow = remedies[("borrow", "auxiliary")]
    assert borrow["people"] == 3 and borrow["missing_after"] == 0
    assert borrow["lenders"] == ["临泽大队"]
    assert remedies[("lower_minimum", "auxiliary")]["sites"] == [
        {"name": "G30张掖东收费站", "minimum": 0}
    ]
    with translation.override("zh-hans"):
        lines = advice.remedy_lines(roster)
        headline = advice.headline(roster)
    assert any("临泽大队" in line and "3" in line for line in lines), lines
    assert "缺" in headline or "人" in headline


def test_publishing_a_shortfall_needs_acceptance_and_is_recorded(
    tree: Any, brigade_officer: Any
) -> None:
    crew = make_brigade(tree, officers=2, auxiliaries=1, leaders=1)
    roster = generate(brigade_officer, crew.unit, days=3, time_limit_s=1)
    assert roster.missing > 0
    with pytest.raises(ValidationError) as caught:
        services.roster_publish(actor=brigade_officer, roster=roster)
    assert caught.value.error_dict["accept_shortfall"][0].code == "shortfall_not_accepted"
    roster.refresh_from_db()
    assert roster.status == RosterStatus.DRAFT
    services.roster_publish(actor=brigade_officer, roster=roster, accept_shortfall=True)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED
    assert roster.summary["accepted_shortfall"]["missing"] == roster.missing
    assert roster.summary["accepted_shortfall"]["by"] == "brigade"
    audit = AuditLog.objects.get(action="roster.publish", target_id=str(roster.pk))
    assert audit.extra["accepted_shortfall"] == roster.missing


def test_key_posts_are_covered_first(tree: Any, brigade_officer: Any, other_officer: Any) -> None:
    # Too few officers for two sites that each want one a shift: the key post gets them.
    crew = make_brigade(tree, officers=1, auxiliaries=0, leaders=1)
    Staff.objects.filter(pk=crew.leaders[0].pk).update(active=False)
    key, other = crew.sites[1], crew.sites[0]
    Site.objects.filter(pk=other.pk).update(required_auxiliaries=0)
    with pytest.raises(PermissionDeniedError):
        services.key_site_set(actor=other_officer, site=key, key=True)
    services.key_site_set(actor=brigade_officer, site=key, key=True)
    assert AuditLog.objects.filter(action="roster.key_site", target_id=str(key.pk)).exists()
    roster = generate(brigade_officer, crew.unit, days=2, time_limit_s=1)
    at = Counter(roster.assignments.exclude(role="leader").values_list("site_id", flat=True))
    assert at[key.pk] > 0 and at[other.pk] == 0  # too few for both: the key post first
    services.key_site_set(actor=brigade_officer, site=key, key=False)
    assert (
        not services.build_input(unit=crew.unit, start=START, days=1, wartime=False)
        .problem.sites[1]
        .key
    )
