"""The import pages: upload, the guessed columns, the job, the result and its report."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from fangkong.jobs.models import Job
from fangkong.lib import tabular
from fangkong.org.models import Staff
from tests.conftest import _persona, login
from tests.jobs.worker import run_queued_jobs

pytestmark = pytest.mark.django_db

STAFF_XLSX = tabular.write_workbook(
    [
        (
            "花名册",
            ["姓名", "警号", "身份", "所在单位", "联系电话"],
            [
                ["王刚", "062101", "民警", "甘州一中队", "13912345678"],
                ["李娜", "F1", "辅警", "甘州大队", ""],
            ],
        )
    ]
)


def upload(client, data: bytes, kind: str = "staff", name: str = "花名册.xlsx"):
    return client.post(
        reverse("org:import_new"), {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


def map_form(page) -> dict[str, str]:
    html = page.content.decode()
    form = dict(re.findall(r'name="(token)" value="([^"]+)"', html))
    form["sheet"] = re.search(r'<option value="([^"]+)" selected', html).group(1)
    form["header_row"] = re.search(r'name="header_row" value="(\d+)"', html).group(1)
    for key, select in re.findall(r'name="col_(\w+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="(\d*)" selected', select)
        form[f"col_{key}"] = chosen.group(1) if chosen else ""
    return form


def test_upload_guesses_columns_and_the_job_imports(
    brigade_officer, tree, django_capture_on_commit_callbacks
) -> None:
    client = login(brigade_officer)
    assert client.get(reverse("org:import_new")).status_code == 200
    page = upload(client, STAFF_XLSX)
    assert page.status_code == 200
    assert "王刚" in page.content.decode()  # the preview
    form = map_form(page)
    assert (form["col_name"], form["col_badge"], form["col_unit"], form["col_phone"]) == (
        "0", "1", "3", "4"
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("org:import_map"), form)
    assert started.status_code == 302 and "/jobs/" in started["Location"]
    assert run_queued_jobs() == 1
    job = Job.objects.get(kind="org.import")
    assert job.status == "succeeded", job.error
    assert job.result["created"] == 2
    assert Staff.objects.get(badge_number="062101").unit == tree.ganzhou_squad
    result = client.get(reverse("org:import_result", args=[job.pk]))
    assert "2" in result.content.decode()
    listing = client.get(reverse("org:import_new")).content.decode()
    assert "花名册.xlsx" in listing


def test_bad_rows_give_a_report_and_import_nothing(
    brigade_officer, tree, other_officer, django_capture_on_commit_callbacks
) -> None:
    client = login(brigade_officer)
    data = "姓名,警号,身份,单位\n王刚,1,警察官,甘州大队\n=1+1,2,民警,临泽大队\n".encode()
    page = upload(client, data, name="staff.csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("org:import_map"), map_form(page))
    run_queued_jobs()
    job = Job.objects.get(kind="org.import")
    assert sorted((p["row"], p["code"]) for p in job.result["problems"]) == [
        (2, "staff_kind_unknown"),
        (3, "unit_unknown"),
    ]
    assert not Staff.objects.filter(badge_number__in=["1", "2"]).exists()
    result = client.get(reverse("org:import_result", args=[job.pk]))
    assert 'id="import-problems"' in result.content.decode()
    report = client.get(reverse("org:import_report", args=[job.pk]))
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3
    # Another brigade's administrator sees nothing of it.
    other = login(other_officer)
    assert other.get(reverse("org:import_result", args=[job.pk])).status_code == 404
    assert other.get(reverse("org:import_report", args=[job.pk])).status_code == 404


def test_mapping_is_checked_and_the_token_is_personal(brigade_officer, other_officer, tree) -> None:
    client = login(brigade_officer)
    page = upload(client, STAFF_XLSX)
    form = map_form(page) | {"col_badge": ""}
    refused = client.post(reverse("org:import_map"), form)
    assert refused.status_code == 422
    assert not Job.objects.exists()
    stolen = login(other_officer).post(reverse("org:import_map"), map_form(page))
    assert stolen.status_code == 302 and stolen["Location"] == reverse("org:import_new")
    assert not Job.objects.exists()


def test_a_mapping_the_file_does_not_fit_is_refused_on_the_field(brigade_officer, tree) -> None:
    client = login(brigade_officer)
    form = map_form(upload(client, STAFF_XLSX)) | {"header_row": "50"}
    refused = client.post(reverse("org:import_map"), form)
    assert refused.status_code == 422
    assert "表头行不在该工作表内。" in refused.content.decode()
    assert not Job.objects.exists()


def test_a_bad_file_is_refused_on_the_field(brigade_officer, tree) -> None:
    page = upload(login(brigade_officer), b"\x00\x01 not a sheet", name="x.pdf")
    assert page.status_code == 422
    assert "errorlist" in page.content.decode() or "error" in page.content.decode()


def test_only_administrators_import(tree) -> None:
    plain = login(_persona(tree.ganzhou, "plain", "checkpoint"))
    assert plain.get(reverse("org:import_new")).status_code == 403
    assert plain.post(reverse("org:import_map"), {"token": "x"}).status_code == 403


def test_the_name_column_reads_as_a_units_or_a_persons(brigade_officer, tree) -> None:
    """A unit's name is 名称 and a person's 姓名, on the page that confirms the columns."""
    client = login(brigade_officer)
    units = tabular.write_workbook([("单位", ["名称", "单位代码"], [["甘州二中队", "620702-2"]])])
    unit_page = upload(client, units, kind="units", name="单位.xlsx").content.decode()
    staff_page = upload(client, STAFF_XLSX).content.decode()
    label = re.compile(r'<label for="id_col_name"[^>]*>\s*([^<*]+?)\s*[<*]')
    assert label.search(unit_page).group(1) == "名称"
    assert label.search(staff_page).group(1) == "姓名"
