"""Important-situation reports: raised once per key from the app, acknowledged level by level
up the chain, passed up unread after the set time, seen by the command centre."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.duty import services
from fangkong.duty.models import SituationReport
from fangkong.org.choices import RoleCode
from tests.conftest import login
from tests.duty.conftest import person

pytestmark = pytest.mark.django_db

URL = "/api/v1/duty/reports"


def body(**changes: Any) -> dict[str, Any]:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "kind": "incident",
        "text": "一辆货车冲卡，已拦截",
        "at": timezone.now().isoformat(),
    }
    data.update(changes)
    return data


def test_raised_once_and_acknowledged_up_the_chain(post: Any, tree: Any, commander: Any) -> None:
    alice = login(post.alice)
    data = body(site_id=post.site.pk)
    first = alice.post(URL, data, content_type="application/json")
    again = alice.post(URL, data, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert SituationReport.objects.count() == 1
    other = alice.post(URL, {**data, "text": "别的"}, content_type="application/json")
    assert other.status_code == 409
    report_id = first.json()["id"]
    assert first.json()["waiting_at"] == tree.ganzhou.name

    assert alice.post(f"{URL}/{report_id}/acknowledge").status_code == 403
    brigade = login(post.leader).post(f"{URL}/{report_id}/acknowledge")
    assert brigade.json()["waiting_at"] == tree.detachment.name
    assert brigade.json()["steps"][0]["acknowledged_by"] == "leader"
    # The command centre (the detachment's commander) sees it open, and acknowledges it.
    seen = login(commander).get(URL).json()
    assert [r["id"] for r in seen] == [report_id]
    top = login(commander).post(f"{URL}/{report_id}/acknowledge")
    assert top.json()["waiting_at"] is None
    done = login(commander).post(f"{URL}/{report_id}/acknowledge")
    assert done.json()["code"] == "not_waiting"
    closed = login(commander).post(f"{URL}/{report_id}/close")
    assert closed.json()["status"] == "closed"


def test_unacknowledged_reports_go_up_by_themselves(post: Any, tree: Any, clock: Any) -> None:
    squad_officer = person(tree.ganzhou_squad, "squad", "officer", RoleCode.CHECKPOINT)
    report, _ = services.report_raise(
        actor=squad_officer, kind="epidemic", text="发现发热人员", at=timezone.now(),
        idempotency_key="report-0001",
    )  # fmt: skip
    assert report.unit == tree.ganzhou_squad
    assert services.reports_escalate() == 0
    clock.shift(timedelta(minutes=31))
    call_command("duty_escalate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    report.refresh_from_db()
    assert report.unit == tree.ganzhou
    [step] = report.steps.all()
    assert step.escalated and step.unit == tree.ganzhou_squad
    clock.shift(timedelta(minutes=31))
    services.reports_escalate()
    clock.shift(timedelta(minutes=31))
    services.reports_escalate()  # the top keeps it: there is no one above
    report.refresh_from_db()
    assert report.unit == tree.detachment


def test_escalation_runs_as_a_job(post: Any, tree: Any, clock: Any) -> None:
    from io import StringIO

    from fangkong.jobs.models import Job
    from tests.jobs.worker import run_queued_jobs

    squad_officer = person(tree.ganzhou_squad, "squad", "officer", RoleCode.CHECKPOINT)
    services.report_raise(
        actor=squad_officer, kind="epidemic", text="发现发热人员", at=timezone.now(),
        idempotency_key="report-0002",
    )  # fmt: skip
    clock.shift(timedelta(minutes=31))
    call_command("duty_escalate", "--job", stdout=StringIO())
    assert run_queued_jobs() == 1
    job = Job.objects.get(kind="duty.escalate")
    assert job.status == "succeeded" and job.result == {"moved": 1}
    assert SituationReport.objects.get().unit == tree.ganzhou


def test_other_brigade_sees_nothing(post: Any, other_officer: Any) -> None:
    login(post.alice).post(URL, body(), content_type="application/json")
    assert login(other_officer).get(URL).json() == []
    report = SituationReport.objects.get()
    assert login(other_officer).post(f"{URL}/{report.pk}/acknowledge").status_code == 404


def test_reports_page_and_dashboard_block(post: Any) -> None:
    client = login(post.alice)
    page = client.get("/duty/reports/")
    assert page.status_code == 200
    sent = client.post(
        "/duty/reports/", {"kind": "staff", "text": "民警中暑", "key": uuid.uuid4().hex}
    )
    assert sent.status_code == 302
    report = SituationReport.objects.get()
    login(post.leader).post(f"/duty/reports/{report.pk}/acknowledge")
    assert report.steps.count() == 1
    block = login(post.leader).get("/duty/dashboard-block").content.decode()
    assert 'id="duty-reports"' in block
