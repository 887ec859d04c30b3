"""The pages: upload to a job, the list with its report, review, tasks, alerts, a trace with
its graph, export (with a reason) and notice; refused to those without the role."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.intel.models import Match, Trace, WatchList
from fangkong.intel.services import tracing
from fangkong.jobs.models import Job
from tests.conftest import login
from tests.factories import PersonFactory, SiteFactory, UserFactory
from tests.intel.helpers import csv_bytes, import_list, registration_of
from tests.jobs.worker import run_queued_jobs

pytestmark = pytest.mark.django_db


def test_upload_runs_as_a_job_and_shows_the_list(commander: Any, sites: Any) -> None:
    person = PersonFactory()
    registration_of(sites["ganzhou"][0], person)
    client = login(commander)
    upload = SimpleUploadedFile(
        "密接.csv", csv_bytes(["姓名", "身份证号"], [["甲", person.doc_number], ["乙", "bad"]])
    )
    answer = client.post(
        reverse("intel:lists"),
        {
            "name": "密接",
            "source": "卫健委",
            "purpose": "close_contact",
            "legal_basis": "传染病防治法",
            "expires_on": (timezone.localdate() + timezone.timedelta(days=7)).isoformat(),
            "file": upload,
        },
    )
    watch_list = WatchList.objects.get()
    assert answer["Location"] == reverse("intel:list_columns", args=[watch_list.pk])
    columns = client.get(answer["Location"])
    assert columns.status_code == 200
    assert columns.context["form"]["col_doc_number"].value() == "身份证号"
    assert columns.context["form"]["col_phone"].value() == ""
    picked = {"col_name": "姓名", "col_doc_number": "身份证号"}
    answer = client.post(answer["Location"], picked)
    assert answer.status_code == 302 and "/jobs/" in answer["Location"]
    run_queued_jobs()
    watch_list.refresh_from_db()
    page = client.get(reverse("intel:list", args=[watch_list.pk]))
    assert page.status_code == 200
    assert person.doc_number not in page.content.decode()
    assert Match.objects.count() == 1
    report = client.get(reverse("intel:list_report", args=[watch_list.pk]))
    assert report.content.startswith(b"PK")
    for name in ("review", "tasks", "alerts", "traces", "lists"):
        assert client.get(reverse(f"intel:{name}")).status_code == 200


def test_trace_pages_export_and_notice(commander: Any, tree: Any) -> None:
    site = SiteFactory(unit=tree.ganzhou)
    case, contact = PersonFactory(), PersonFactory()
    now = timezone.now()
    registration_of(site, case, created_at=now)
    registration_of(site, contact, created_at=now)
    trace = tracing.trace_start(
        actor=commander,
        unit=tree.detachment,
        case_kind="person",
        case={"doc_number": case.doc_number},
    )
    run_queued_jobs()
    client = login(commander)
    page = client.get(reverse("intel:trace", args=[trace.pk]))
    assert page.status_code == 200 and "<script>" not in page.content.decode()
    graph = client.get(reverse("intel:trace_graph", args=[trace.pk])).json()
    assert len(graph["nodes"]) == 2 and graph["links"][0]["label"]
    url = reverse("intel:trace_export", args=[trace.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    export = client.post(url, {"reason": "协查下发"})
    assert export.content.startswith(b"PK")
    assert AuditLog.objects.filter(action="intel.trace_export", reason="协查下发").exists()
    notice = client.get(reverse("intel:trace_notice", args=[trace.pk]))
    assert notice.content.startswith(b"%PDF")
    assert case.doc_number.encode() not in notice.content
    assert AuditLog.objects.filter(action="intel.notice_pdf").exists()


def test_refused_without_the_role_or_outside_the_jurisdiction(
    commander: Any, other_officer: Any, tree: Any
) -> None:
    watch_list = import_list(commander, tree.ganzhou, csv_bytes(["车牌"], [["甘G12345"]]))
    plain = UserFactory()
    assert login(plain).get(reverse("intel:lists")).status_code == 403
    other = login(other_officer)
    assert other.get(reverse("intel:list", args=[watch_list.pk])).status_code == 404
    assert Trace.objects.count() == 0


def _upload(client: Any, data: bytes) -> Any:
    fields = {
        "name": "手工名单",
        "source": "铁路公安",
        "purpose": "manifest",
        "legal_basis": "传染病防治法",
        "expires_on": (timezone.localdate() + timezone.timedelta(days=7)).isoformat(),
        "file": SimpleUploadedFile("名单.csv", data),
    }
    return client.post(reverse("intel:lists"), fields)


def test_a_person_corrects_the_guessed_columns_before_the_import(
    commander: Any, sites: Any
) -> None:
    person = PersonFactory()
    registration_of(sites["ganzhou"][0], person)
    client = login(commander)
    # "号码" names no field: nothing is guessed for it, the person picks it.
    rows = [["甲", person.doc_number, "备注一"], ["乙", "620702199001010000", "备注二"]]
    answer = _upload(client, csv_bytes(["姓名", "号码", "备注"], rows))
    url = answer["Location"]
    form = client.get(url).context["form"]
    assert form["col_doc_number"].value() == ""
    assert not Job.objects.exists()
    twice = client.post(url, {"col_name": "姓名", "col_doc_number": "姓名"})
    assert twice.status_code == 422 and not Job.objects.exists()
    nothing = client.post(url, {"col_name": "姓名"})
    assert nothing.status_code == 422
    assert "号码" in nothing.content.decode()
    done = client.post(url, {"col_name": "姓名", "col_doc_number": "号码"})
    assert done.status_code == 302
    assert Job.objects.get().params["columns"]["doc_number"] == "号码"
    run_queued_jobs()
    assert Match.objects.filter(record_id__isnull=False).count() == 1
    assert client.get(url).status_code == 302  # started once: the page now follows the job
    assert Job.objects.count() == 1


def test_an_unreadable_file_goes_straight_to_its_failed_import(commander: Any) -> None:
    client = login(commander)
    answer = client.post(
        reverse("intel:lists"),
        {
            "name": "坏文件",
            "source": "铁路公安",
            "purpose": "manifest",
            "legal_basis": "传染病防治法",
            "expires_on": (timezone.localdate() + timezone.timedelta(days=7)).isoformat(),
            "file": SimpleUploadedFile("名单.xlsx", b"not a workbook"),
        },
    )
    columns = client.get(answer["Location"])
    assert columns.status_code == 302 and "/jobs/" in columns["Location"]
    run_queued_jobs()
    watch_list = WatchList.objects.get()
    assert watch_list.status == "failed" and watch_list.problem_count == 1


def test_trace_view_and_export_services_audit_each_action(commander: Any, tree: Any) -> None:
    site = SiteFactory(unit=tree.ganzhou)
    case, contact = PersonFactory(), PersonFactory()
    registration_of(site, case, created_at=timezone.now())
    registration_of(site, contact, created_at=timezone.now())
    trace = tracing.trace_start(
        actor=commander,
        unit=tree.detachment,
        case_kind="person",
        case={"doc_number": case.doc_number},
    )
    run_queued_jobs()

    contacts = tracing.trace_view(actor=commander, trace=trace, ip="10.0.0.7")
    content = tracing.trace_export(actor=commander, trace=trace, reason="协查", ip="10.0.0.8")

    assert contacts.count() == 1
    assert content.startswith(b"PK")
    viewed = AuditLog.objects.get(action="intel.trace_view")
    assert (viewed.target_id, viewed.ip) == (str(trace.pk), "10.0.0.7")
    exported = AuditLog.objects.get(action="intel.trace_export")
    assert (exported.reason, exported.ip, exported.extra) == ("协查", "10.0.0.8", {"contacts": 1})
