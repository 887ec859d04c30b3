"""The API's import: a multipart upload started as a job with the guessed columns."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.jobs.models import Job
from fangkong.org.models import Staff
from tests.conftest import _persona, login
from tests.jobs.worker import run_queued_jobs

pytestmark = pytest.mark.django_db
URL = "/api/v1/org/imports"


def post(client, data: bytes, kind: str = "staff", name: str = "staff.csv"):
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_api_import_starts_a_job(brigade_officer, tree, django_capture_on_commit_callbacks):
    client = login(brigade_officer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(client, "姓名,警号,身份,单位\n王刚,062101,民警,甘州大队\n".encode())
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["mapping"]["badge"] == 1 and body["header_row"] == 1
    run_queued_jobs()
    job = Job.objects.get(pk=body["job_id"])
    assert job.result["created"] == 1
    assert Staff.objects.filter(badge_number="062101", unit=tree.ganzhou).exists()
    status = client.get(f"/api/v1/jobs/{job.pk}")
    assert status.status_code == 200


def test_api_import_refuses_missing_columns_and_bad_files(brigade_officer, tree) -> None:
    client = login(brigade_officer)
    answer = post(client, "姓名,单位\n王刚,甘州大队\n".encode())
    assert answer.status_code == 422
    assert {"badge", "kind"} <= set(answer.json()["errors"])
    assert post(client, b"%PDF-1.4", name="x.pdf").status_code == 422
    assert not Job.objects.exists()


def test_api_import_needs_an_administrator(tree) -> None:
    plain = login(_persona(tree.ganzhou, "plain", "checkpoint"))
    assert post(plain, "姓名,警号,身份,单位\n".encode()).status_code == 403
