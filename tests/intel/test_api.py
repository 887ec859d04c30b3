"""The intel API: upload a list, read its matches, review a candidate, trace and get the
notice; another brigade gets 404."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fangkong.intel import schemas
from fangkong.intel.choices import CaseKind, ListPurpose, MatchStatus
from fangkong.registration.models import birth_key
from tests.conftest import login
from tests.factories import PersonFactory
from tests.intel.helpers import csv_bytes, registration_of
from tests.jobs.worker import run_queued_jobs

pytestmark = pytest.mark.django_db
API = "/api/v1/intel"


def test_list_match_review_and_trace(commander: Any, other_officer: Any, sites: Any) -> None:
    site = sites["ganzhou"][0]
    exact, near = PersonFactory(), PersonFactory()
    registration_of(site, exact)
    registration_of(site, near, name="孙八", phone="13600009999", phone_tail="9999")
    data = csv_bytes(
        ["姓名", "身份证号", "手机号", "出生日期"],
        [
            ["甲", exact.doc_number, "", ""],
            ["孙八", "", "13500009999", birth_key("resident_id", near.doc_number)],
        ],
    )
    client = login(commander)
    expires = (timezone.localdate() + timezone.timedelta(days=7)).isoformat()
    answer = client.post(
        f"{API}/lists",
        {
            "name": "名单",
            "source": "卫健委",
            "purpose": "close_contact",
            "legal_basis": "法",
            "expires_on": expires,
            "file": SimpleUploadedFile("l.csv", data),
        },
    )
    assert answer.status_code == 201, answer.content
    list_id = answer.json()["id"]
    assert answer.json()["job_id"]
    run_queued_jobs()
    got = client.get(f"{API}/lists/{list_id}").json()
    assert got["entry_count"] == 2 and got["matches"]["matched"] == 1
    pending = client.get(f"{API}/matches", {"list": list_id, "status": "pending"}).json()
    assert len(pending) == 1 and exact.doc_number not in str(pending)
    reviewed = client.post(
        f"{API}/matches/{pending[0]['id']}/review",
        {"decision": "confirm"},
        content_type="application/json",
    )
    assert reviewed.json()["status"] == "confirmed"
    tasks = client.get(f"{API}/tasks").json()
    assert len(tasks) == 2
    ack = client.post(f"{API}/tasks/{tasks[0]['id']}/acknowledge")
    assert ack.json()["acknowledged_at"]
    assert login(other_officer).get(f"{API}/lists/{list_id}").status_code == 404

    trace = client.post(
        f"{API}/traces",
        {"case_kind": "person", "doc_number": exact.doc_number},
        content_type="application/json",
    )
    assert trace.status_code == 201, trace.content
    run_queued_jobs()
    body = client.get(f"{API}/traces/{trace.json()['id']}").json()
    assert body["done"] and {c["reason_code"] for c in body["contacts"]} <= {
        "same_site",
        "same_gate",
    }
    notice = client.get(f"{API}/traces/{trace.json()['id']}/notice")
    assert notice["Content-Type"] == "application/pdf"
    bad = client.post(
        f"{API}/traces", {"case_kind": "plate", "plate": "xx"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "plate" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (schemas.Purpose, ListPurpose),
        (schemas.Status, MatchStatus),
        (schemas.Case, CaseKind),
    ],
)
def test_schema_literals_are_the_choices(literal: Any, choices: Any) -> None:
    """The API's literals are spelt out for the type checker: they are the choices' values."""
    assert get_args(literal) == tuple(choices.values)
