"""Background jobs run for real: queued by the service in the database, run by
django-tasks-db's worker code in this process (tests/jobs/worker.py), read back over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from fangkong.core.audit import AuditLog
from fangkong.jobs import selectors, services
from fangkong.jobs.choices import JobStatus
from fangkong.jobs.models import Job
from tests.conftest import login
from tests.jobs import kinds  # noqa: F401 - registers the "test.steps" kind
from tests.jobs.worker import run_queued_jobs

pytestmark = pytest.mark.django_db


def start(user: Any, unit: Any = None, **params: Any) -> Job:
    return services.job_start(actor=user, kind="test.steps", params=params, unit=unit)


def test_a_job_runs_in_the_worker_and_keeps_its_progress_and_result(brigade_officer, tree):
    job = start(brigade_officer, tree.ganzhou, steps=4)
    assert job.status == JobStatus.QUEUED and job.task_id
    assert AuditLog.objects.filter(action="job.start", target_id=str(job.pk)).exists()
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.percent == 100 and job.result == {"done": 4, "stopped": False}
    assert job.result_url == "/done/4/"
    assert job.best == [{"label": "Steps done", "value": 4}]
    assert job.started_at <= job.finished_at and job.worker_id == "test-worker"
    assert run_queued_jobs() == 0  # a job runs once


def test_the_progress_partial_polls_until_the_end_and_then_follows_to_the_result(
    brigade_officer, tree
):
    job = start(brigade_officer, tree.ganzhou, steps=2)
    client = login(brigade_officer)
    page = client.get(f"/jobs/{job.pk}/?follow=1")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'hx-trigger="every 1s"' in body and "<script" not in body.split("</main>")[0]
    partial = client.get(f"/jobs/{job.pk}/?follow=1", HTTP_HX_REQUEST="true")
    assert "job-progress" in partial.content.decode() and "HX-Redirect" not in partial
    run_queued_jobs()
    done = client.get(f"/jobs/{job.pk}/?follow=1", HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == "/done/2/"
    assert "hx-trigger" not in done.content.decode()  # finished: no more polling
    still = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "HX-Redirect" not in still  # without follow the page stays


def test_the_message_is_shown_in_the_readers_language(brigade_officer, tree):
    job = start(brigade_officer, tree.ganzhou, steps=3)
    run_queued_jobs()
    job.refresh_from_db()
    client = login(brigade_officer)
    english = client.get(f"/api/v1/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["message"] == "Counted 3 steps."
    assert english["best"] == [{"label": "Steps done", "value": 3}]


def test_a_running_job_asked_to_stop_ends_early_and_keeps_what_it_found(brigade_officer, tree):
    job = start(brigade_officer, tree.ganzhou, steps=10, stop_at=3)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.cancel_requested
    assert job.result == {"done": 3, "stopped": True}


def test_a_queued_job_stopped_never_runs(brigade_officer, tree):
    job = start(brigade_officer, tree.ganzhou)
    client = login(brigade_officer)
    response = client.post(f"/jobs/{job.pk}/cancel/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "job-stop" not in response.content.decode()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.result == {}
    again = client.post(f"/api/v1/jobs/{job.pk}/cancel")
    assert again.status_code == 422 and again.json()["code"] == "job_finished"


def test_a_failing_job_says_why_and_a_crash_does_not_stop_the_worker(brigade_officer, tree):
    failing = start(brigade_officer, tree.ganzhou, fail_at=2)
    crashing = start(brigade_officer, tree.ganzhou, crash_at=1)
    fine = start(brigade_officer, tree.ganzhou, steps=1)
    assert run_queued_jobs() == 3
    failing.refresh_from_db(), crashing.refresh_from_db(), fine.refresh_from_db()
    assert failing.status == JobStatus.FAILED and failing.error == "Step 2 went wrong."
    assert failing.percent == 33  # what it had done
    assert crashing.status == JobStatus.FAILED and "a bug" not in crashing.error
    client = login(brigade_officer)
    shown = client.get(f"/api/v1/jobs/{crashing.pk}").json()
    assert shown["status"] == "failed" and shown["error"]
    assert fine.status == JobStatus.SUCCEEDED


def test_only_the_owner_and_the_units_jurisdiction_see_and_stop_a_job(
    brigade_officer, other_officer, commander, tree
):
    job = start(brigade_officer, tree.ganzhou)
    assert login(other_officer).get(f"/jobs/{job.pk}/").status_code == 404
    assert login(other_officer).get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert login(other_officer).post(f"/jobs/{job.pk}/cancel/").status_code == 404
    assert login(commander).get(f"/api/v1/jobs/{job.pk}").status_code == 200
    assert login(brigade_officer).get(f"/api/v1/jobs/{job.pk}").json()["status"] == "queued"


def test_a_job_whose_worker_died_is_closed_with_a_message(brigade_officer, tree):
    job = start(brigade_officer, tree.ganzhou)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=6)
    )
    assert services.job_fail_abandoned() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "worker stopped" in job.error


def test_the_workers_heartbeat_is_there_for_health_checks(db):
    assert selectors.worker_last_heartbeat() is None
    with time_machine.travel("2026-03-01 08:00:00 +0800", tick=False):
        started = timezone.now()
        services.worker_beat(worker_id="w1", host="h", pid=1, started_at=started)
    with time_machine.travel("2026-03-01 08:00:10 +0800", tick=False):
        services.worker_beat(worker_id="w1", host="h", pid=1, started_at=started)
        assert selectors.worker_last_heartbeat() == timezone.now()


def test_queue_position_counts_the_jobs_ahead(brigade_officer, tree):
    first, second = start(brigade_officer, tree.ganzhou), start(brigade_officer, tree.ganzhou)
    assert selectors.queue_position(first) == 0 and selectors.queue_position(second) == 1


def test_the_progress_partial_escapes_what_users_named(brigade_officer, tree):
    """A job's title (a list's or a file's name), its best values and its error are text that
    users chose: the partial htmx swaps in must show them as text, never as markup."""
    hostile = '<img src=x onerror="alert(1)">'
    job = start(brigade_officer, tree.ganzhou, steps=2)
    Job.objects.filter(pk=job.pk).update(
        title=hostile,
        best=[{"label": "Steps done", "value": hostile}],
        status=JobStatus.FAILED,
        error=hostile,
        finished_at=timezone.now(),
    )
    body = login(brigade_officer).get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    text = body.content.decode()
    assert "<img" not in text
    assert text.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") == 3
