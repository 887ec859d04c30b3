"""The end-of-day check as a command and as a job, and checkpoint candidates flowing in."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.jobs.models import Job
from fangkong.keypersons import selectors, services
from fangkong.keypersons.models import Candidate, Category, Task
from fangkong.screening.models import Check
from tests.factories import PersonFactory, SiteFactory
from tests.grid.world import World
from tests.jobs.worker import run_queued_jobs
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db


def test_command_flags_in_place(world: World) -> None:
    episode(world, category="outsider")
    out = StringIO()
    call_command("keypersons_flag", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["missing"] == 1 and Task.objects.count() == 1


def test_command_queues_a_job_that_flags(world: World) -> None:
    episode(world, category="outsider")
    call_command("keypersons_flag", "--job", stdout=StringIO())
    assert run_queued_jobs() == 1
    job = Job.objects.get(kind="keypersons.flag")
    assert job.status == "succeeded" and job.result["missing"] == 1


def _check(site, outcome: str, key: str) -> Check:
    return Check.objects.create(
        site=site, person=PersonFactory(), temperature="37.9", recommended=outcome,
        outcome=outcome, reasons=[], policy_version=1, checked_at=timezone.now(),
        idempotency_key=key,
    )  # fmt: skip


def test_checks_ending_in_return_or_referral_become_candidates(world: World, tree) -> None:
    # Before the checks: `now().replace(hour=0)` was the moment itself between 00:00 and
    # 01:00 UTC, after the checks, and the test failed in that hour.
    since = timezone.now() - timedelta(hours=1)
    site = SiteFactory(unit=tree.ganzhou)
    referred = _check(site, "refer_health", "k1")
    returned = _check(site, "persuade_return", "k2")
    _check(site, "pass", "k3")
    assert services.candidates_collect(since=since) == 2
    assert services.candidates_collect(since=since) == 0
    assert services.candidate_from_check(referred).check_record_id == referred.pk
    assert Candidate.objects.count() == 2
    # The brigade above the site reviews; a station or a grid worker does not see them.
    from tests.grid.world import persona

    brigade = persona(tree.ganzhou, "brigade_reviewer", "officer", "unit_admin")
    assert selectors.candidate_list_for_user(user=brigade).count() == 2
    assert selectors.candidate_list_for_user(user=world.users["station"]).count() == 0
    assert selectors.candidate_list_for_user(user=world.users["grid"]).count() == 0
    candidate = Candidate.objects.get(check_record=returned)
    kp = services.candidate_accept(
        actor=brigade, candidate=candidate, community=world.community,
        category=Category.objects.get(code="risk_area_returnee"), name="王五",
        reason="劝返后返回居住地", cell=world.cell,
    )  # fmt: skip
    assert kp.source == "checkpoint" and kp.person_id == returned.person_id
    other = Candidate.objects.get(check_record=referred)
    services.candidate_dismiss(actor=brigade, candidate=other, reason="已由卫健部门收治")
    assert selectors.candidate_list_for_user(user=brigade).count() == 0
