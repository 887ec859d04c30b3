"""The supplies pages through HTTP: every page renders, the forms call the services, the
files (PDF receipt, Excel ledger, reorder list, import report) open again, and another
brigade's records are not found."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from fangkong.core.models import AuditLog
from fangkong.supplies import services
from fangkong.supplies.choices import IssueStatus, RequestStatus
from fangkong.supplies.models import ImportJob, Issue, StockLevel, SupplyRequest
from fangkong.supplies.services import DonatedLine, Line
from tests.conftest import login
from tests.jobs.worker import run_queued_jobs
from tests.supplies.conftest import photo_upload, signature_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(stores, items, commander) -> Any:
    services.stock_receive(
        actor=commander,
        store=stores.ganzhou,
        lines=[Line(items["MASK-SURG"], 1000, "B1", date(2031, 1, 1)), Line(items["GLOVE"], 50)],
        supplier='=HYPERLINK("http://evil")',
    )
    return stores


def test_every_page_renders(stocked, items, logistics, commander, sites) -> None:
    site = sites["ganzhou"][2]
    issue = services.issue_create(
        actor=logistics, store=stocked.ganzhou, site=site, lines=[Line(items["GLOVE"], 2)]
    )
    request = services.request_create(actor=commander, site=site, lines=[Line(items["GLOVE"], 1)])
    donation = services.donation_record(
        actor=logistics, store=stocked.ganzhou, donor_name="某公司", donor_kind="company",
        received_on=timezone.localdate(), lines=[DonatedLine(items["MASK-N95"], 100)],
    )  # fmt: skip
    client = login(logistics)
    urls = [
        reverse("supplies:overview"),
        reverse("supplies:ledger"),
        reverse("supplies:location", args=[stocked.ganzhou.pk]),
        reverse("supplies:receive", args=[stocked.ganzhou.pk]),
        reverse("supplies:transfer", args=[stocked.ganzhou.pk]),
        reverse("supplies:count", args=[stocked.ganzhou.pk]),
        reverse("supplies:write_off", args=[stocked.ganzhou.pk]),
        reverse("supplies:requests"),
        reverse("supplies:request", args=[request.pk]),
        reverse("supplies:issue_new"),
        reverse("supplies:issue", args=[issue.pk]),
        reverse("supplies:issue_sign", args=[issue.pk]),
        reverse("supplies:posts"),
        reverse("supplies:post", args=[site.pk]),
        reverse("supplies:post_request", args=[site.pk]),
        reverse("supplies:post_count", args=[site.pk]),
        reverse("supplies:post_disinfection", args=[site.pk]),
        reverse("supplies:post_welfare", args=[site.pk]),
        reverse("supplies:log_missing"),
        reverse("supplies:dashboard_block"),
        reverse("supplies:donations"),
        reverse("supplies:donation_new"),
        reverse("supplies:donation", args=[donation.pk]),
        reverse("supplies:import_new"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>" not in response.content and b" onclick=" not in response.content


def test_another_brigade_finds_nothing(stocked, items, logistics, other_officer, sites) -> None:
    issue = services.issue_create(
        actor=logistics, store=stocked.ganzhou, site=sites["ganzhou"][0],
        lines=[Line(items["GLOVE"], 2)],
    )  # fmt: skip
    client = login(other_officer)
    for url in (
        reverse("supplies:location", args=[stocked.ganzhou.pk]),
        reverse("supplies:issue", args=[issue.pk]),
        reverse("supplies:issue_sign", args=[issue.pk]),
        reverse("supplies:post", args=[sites["ganzhou"][0].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("supplies:receive", args=[stocked.ganzhou.pk])).status_code == 404


def test_the_post_asks_the_brigade_approves_and_the_post_signs(
    stocked, items, logistics, post_leader, sites
) -> None:
    site, mask = sites["ganzhou"][2], items["MASK-SURG"]
    leader = login(post_leader)
    response = leader.post(
        reverse("supplies:post_request", args=[site.pk]), {f"q_{mask.pk}": "200", "note": "夜班"}
    )
    assert response.status_code == 302
    request = SupplyRequest.objects.get()
    brigade = login(logistics)
    response = brigade.post(
        reverse("supplies:request", args=[request.pk]), {"action": "approve", f"a_{mask.pk}": "120"}
    )
    assert response.status_code == 302
    issue = Issue.objects.get()
    page = leader.get(reverse("supplies:post", args=[site.pk])).content.decode()
    assert reverse("supplies:issue_sign", args=[issue.pk]) in page
    sign_url = reverse("supplies:issue_sign", args=[issue.pk])
    empty = leader.post(sign_url, {"signed_name": "王班长", "signature": ""})
    assert empty.status_code == 422 and "签名" in empty.content.decode()
    png = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    assert leader.post(sign_url, {"signed_name": "王班长", "signature": png}).status_code == 302
    issue.refresh_from_db()
    request.refresh_from_db()
    assert issue.status == IssueStatus.SIGNED and request.status == RequestStatus.RECEIVED
    assert StockLevel.objects.get(location__site=site, item=mask).quantity == 120
    image = leader.get(reverse("supplies:issue_signature", args=[issue.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_a_request_form_with_nothing_asked_shows_the_message(post_leader, sites, stores, items):
    response = login(post_leader).post(
        reverse("supplies:post_request", args=[sites["ganzhou"][2].pk]), {}
    )
    assert response.status_code == 422
    assert "至少" in response.content.decode()


def test_disinfection_and_welfare_from_the_phone(post_leader, sites, stores) -> None:
    site = sites["ganzhou"][2]
    client = login(post_leader)
    response = client.post(
        reverse("supplies:post_disinfection", args=[site.pk]),
        {
            "done_by": "李辅警",
            "done_at": "2020-01-01T08:00",
            "areas": ["booth", "barrier"],
            "photo": photo_upload(),
        },
    )
    assert response.status_code == 422  # two days back at most
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("supplies:post_disinfection", args=[site.pk]),
        {"done_by": "李辅警", "done_at": now, "areas": ["booth"], "photo": photo_upload()},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("supplies:post_welfare", args=[site.pk]),
        {"day": timezone.localdate().isoformat(), "shift": "day", "meals": "6", "water": "on"},
    )
    assert response.status_code == 302
    page = client.get(reverse("supplies:post", args=[site.pk])).content.decode()
    assert "李辅警" in page and "岗亭" in page


def test_ledger_export_is_formula_safe_and_audited(stocked, logistics) -> None:
    response = login(logistics).get(reverse("supplies:ledger_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    supplier = [row[10] for row in sheet.iter_rows(min_row=2, values_only=False)][0]
    assert supplier.value.startswith("=HYPERLINK") and supplier.data_type == "s"
    assert AuditLog.objects.filter(action="supplies.ledger_export").exists()


def test_reorder_list_opens(stocked, logistics) -> None:
    response = login(logistics).get(reverse("supplies:reorder_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 2


def test_donation_receipt_names_the_unit_and_where_goods_went(
    stores, items, logistics, sites
) -> None:
    donation = services.donation_record(
        actor=logistics, store=stores.ganzhou, donor_name="张掖某药业", donor_kind="company",
        received_on=timezone.localdate(), lines=[DonatedLine(items["MASK-N95"], 300, 1500)],
        publish=True,
    )  # fmt: skip
    issue = services.issue_create(
        actor=logistics, store=stores.ganzhou, site=sites["ganzhou"][0],
        lines=[Line(items["MASK-N95"], 100)],
    )  # fmt: skip
    services.issue_sign(actor=logistics, issue=issue, signed_name="王", signature=signature_png())
    response = login(logistics).get(reverse("supplies:donation_receipt", args=[donation.pk]))
    assert response["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils is not installed: run scripts/system_deps.sh")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "甘州大队" in text and "张掖某药业" in text and sites["ganzhou"][0].name in text
    from django.test import Client

    page = Client().get(reverse("supplies:public_donations", args=["620702"])).content.decode()
    assert "张掖某药业" in page and "138" not in page


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "甘州大队期初盘点"
    sheet.merge_cells("A1:D1")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: Any, store: Any, data: bytes, kind: str = "opening_count") -> ImportJob:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("盘点.xlsx", data)
    response = client.post(
        reverse("supplies:import_new"), {"kind": kind, "store": store.pk, "file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("id")


def _map_and_run(client: Any, job: ImportJob, columns: dict[str, int], capture: Any) -> None:
    """Map the columns (the header in row 2, under the title), and let the worker run it."""
    form = {"sheet": job.sheet, "header_row": "2"}
    for field in ("item", "code", "quantity", "measure", "batch", "expiry"):
        form[f"col_{field}"] = str(columns.get(field, ""))
    with capture(execute=True):
        client.post(reverse("supplies:import", args=[job.pk]), form)
    run_queued_jobs()
    job.refresh_from_db()


def test_import_maps_guessed_columns_and_applies_the_count(
    stores, items, logistics, django_capture_on_commit_callbacks
) -> None:
    client = login(logistics)
    job = _upload(
        client,
        stores.ganzhou,
        _xlsx(
            [
                ["品名", "单位", "实盘数量", "批号"],
                ["一次性口罩", "只", "１２００", "P1"],
                ["手套", "副", 40, ""],
            ]
        ),
    )
    assert job.mapping == {
        "item": 0, "code": None, "quantity": 2, "measure": 1, "batch": 3, "expiry": None
    }  # fmt: skip
    page = client.get(reverse("supplies:import", args=[job.pk]))
    assert "一次性口罩" in page.content.decode()
    form = {"sheet": job.sheet, "header_row": "2", "col_item": "0", "col_quantity": "2",
            "col_measure": "1", "col_batch": "3", "col_code": "", "col_expiry": ""}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("supplies:import", args=[job.pk]), form).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED  # the worker applies it
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.rows_imported == 2
    levels = dict(
        StockLevel.objects.filter(location=stores.ganzhou).values_list("item__code", "quantity")
    )
    assert levels == {"MASK-SURG": 1200, "GLOVE": 40}


def test_import_with_bad_rows_imports_nothing_and_reports(
    stores, items, logistics, django_capture_on_commit_callbacks
) -> None:
    client = login(logistics)
    job = _upload(
        client,
        stores.ganzhou,
        _xlsx(
            [
                ["物资名称", "数量", "单位"],
                ["口罩", "十", "只"],
                ["+口罩", 5, "只"],
                ["手套", 5, "箱"],
            ]
        ),
        kind="delivery",
    )
    columns = {"item": 0, "quantity": 1, "measure": 2}
    _map_and_run(client, job, columns, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    codes = sorted((p["row"], p["code"]) for p in job.problems)
    assert codes == [(3, "item_unknown"), (3, "number_invalid"), (4, "item_unknown"),
                     (5, "measure_mismatch")]  # fmt: skip
    assert not StockLevel.objects.exists()
    report = client.get(reverse("supplies:import_report", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(report.content)).active
    cells = [row for row in sheet.iter_rows(min_row=2, values_only=False)]
    formula = next(row[3] for row in cells if row[3].value == "+口罩")
    assert formula.data_type == "s"
    assert "不是数字" in "".join(str(row[2].value) for row in cells)


def test_an_import_the_ledger_refuses_reports_the_refusal_with_its_message(
    stocked, items, logistics, django_capture_on_commit_callbacks
) -> None:
    client = login(logistics)
    rows = [["物资名称", "数量", "批号", "有效期至"], ["医用外科口罩", 10, "B1", "2032-01-01"]]
    job = _upload(client, stocked.ganzhou, _xlsx(rows), kind="delivery")
    columns = {"item": 0, "quantity": 1, "batch": 2, "expiry": 3}
    _map_and_run(client, job, columns, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    assert [(p["row"], p["code"]) for p in job.problems] == [(0, "batch_expiry_conflict")]
    # The report's row: the whole file, the problem's own message, and the ledger's, which
    # names the batch's expiry date, as the cell.
    report = client.get(reverse("supplies:import_report", args=[job.pk]))
    row = next(load_workbook(io.BytesIO(report.content)).active.iter_rows(min_row=2))
    where, _field, reason, cell = (c.value for c in row)
    assert where == "整个文件"
    assert reason == "该批号已登记了另一个有效期。"
    assert "2031-01-01" in cell


def test_an_unreadable_file_is_refused_on_the_field(stores, logistics) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(logistics).post(
        reverse("supplies:import_new"),
        {"kind": "delivery", "store": stores.ganzhou.pk,
         "file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64)},
    )  # fmt: skip
    assert response.status_code == 422
    assert ".xlsx" in response.content.decode()
