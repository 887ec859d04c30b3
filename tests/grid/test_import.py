"""Importing a community's standard addresses (一标) and residents from Excel or CSV: the
guessed Chinese columns, the background job, the per-row report, masking and encryption of
what is kept, and who may import where."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from fangkong.grid import services_import
from fangkong.grid.models import Building, Door, GridCell, Resident
from fangkong.jobs.models import Job
from fangkong.lib import tabular
from fangkong.registration.models import Person
from tests.conftest import login
from tests.factories import _resident_id
from tests.grid.world import World
from tests.jobs.worker import run_queued_jobs

pytestmark = pytest.mark.django_db


def _doors_xlsx(world: World) -> bytes:
    street, community = world.community.street.name, world.community.name
    rows = [
        ["1", street, community, "C1", "1号楼", "1单元101", "交通巷社区1号楼1单元101"],
        ["2", street, community, "", "2号楼", "101", ""],
        ["3", street, community, "", "2号楼", "102", ""],
    ]
    return tabular.write_workbook(
        [("门牌地址", ["序号", "街道", "社区", "网格", "楼栋", "门牌号", "标准地址"], rows)]
    )


def _upload(client, world: World, data: bytes, kind: str, name: str = "地址.xlsx"):
    return client.post(
        reverse("grid_import:upload"),
        {"community": world.community.pk, "kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def _map_form(page) -> dict[str, str]:
    html = page.content.decode()
    form = dict(re.findall(r'name="(token)" value="([^"]+)"', html))
    form["sheet"] = re.search(r'<option value="([^"]+)" selected', html).group(1)
    form["header_row"] = re.search(r'name="header_row" value="(\d+)"', html).group(1)
    for key, select in re.findall(r'name="col_(\w+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="(\d*)" selected', select)
        form[f"col_{key}"] = chosen.group(1) if chosen else ""
    return form


def _run(client, form, capture) -> Job:
    with capture(execute=True):
        started = client.post(reverse("grid_import:map"), form)
    assert started.status_code == 302 and "/jobs/" in started["Location"], started.content
    assert run_queued_jobs() == 1
    return Job.objects.filter(kind="grid.import").latest("pk")


def test_addresses_are_guessed_imported_and_idempotent(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = login(world.users["community"])
    assert client.get(reverse("grid_import:upload")).status_code == 200
    page = _upload(client, world, _doors_xlsx(world), "doors")
    assert page.status_code == 200 and "2号楼" in page.content.decode()  # the preview
    form = _map_form(page)
    assert [form[f"col_{k}"] for k in ("street", "community", "cell", "building", "door")] == [
        "1", "2", "3", "4", "5"
    ]  # fmt: skip
    assert form["col_address"] == "6"
    job = _run(client, form, django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.error
    assert (job.result["created"], job.result["unchanged"], job.result["buildings"]) == (2, 1, 1)
    door = Door.objects.get(building__name="2号楼", label="101")
    assert door.cell == world.cell and door.address.endswith("交通巷社区2号楼101")
    page = client.get(reverse("grid_import:result", args=[job.pk])).content.decode()
    assert 'id="import-counts"' in page
    again = _run(client, _map_form(_upload(client, world, _doors_xlsx(world), "doors")),
                 django_capture_on_commit_callbacks)  # fmt: skip
    assert (again.result["created"], again.result["unchanged"]) == (0, 3)
    assert Building.objects.filter(cell__community=world.community).count() == 2


def test_residents_with_problems_import_nothing_then_import_encrypted(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = login(world.users["community"])
    good, bad = _resident_id(41), _resident_id(42)[:-1] + "0"
    header = "姓名,公民身份号码,联系电话,与户主关系,楼栋,门牌号\n"
    lines = [
        f"张三,{good},13912345678,户主,1号楼,1单元101",
        f"李四,{bad},,配偶,1号楼,1单元101",
        f"王五,{_resident_id(43)},,子女,9号楼,901",
    ]
    data = (header + "\n".join(lines) + "\n").encode("gb18030")
    job = _run(client, _map_form(_upload(client, world, data, "residents", "居民.csv")),
               django_capture_on_commit_callbacks)  # fmt: skip
    problems = sorted((p["row"], p["field"], p["code"]) for p in job.result["problems"])
    assert [(r, f) for r, f, _c in problems] == [(3, "id_number"), (4, "door")]
    assert problems[1][2] == "door_unknown"
    assert not Resident.objects.exists()
    kept = next(p for p in job.result["problems"] if p["field"] == "id_number")
    assert kept["value"] != bad and "*" in kept["value"]  # masked in the job's result
    report = client.get(reverse("grid_import:report", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][0] == 3
    fixed = (header + lines[0] + "\n" + f"李四,{_resident_id(42)},,配偶,1号楼,1单元101\n").encode()
    job = _run(client, _map_form(_upload(client, world, fixed, "residents", "居民.csv")),
               django_capture_on_commit_callbacks)  # fmt: skip
    assert job.status == "succeeded" and job.result["created"] == 2
    resident = Resident.objects.get(relation="户主")
    assert resident.name == "张三" and resident.door == world.door and resident.cell == world.cell
    assert resident.verified_at is None  # the grid worker still verifies at the door
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM grid_resident")
        stored = cursor.fetchall()
    assert all("张三" not in row[0] and "13912345678" not in row[1] for row in stored)
    assert Person.objects.count() == 2
    renamed = (header + f"张叁,{good},13912345678,户主,1号楼,1单元101\n").encode()
    job = _run(client, _map_form(_upload(client, world, renamed, "residents", "居民.csv")),
               django_capture_on_commit_callbacks)  # fmt: skip
    assert (job.result["updated"], job.result["created"]) == (1, 0)


def test_cells_streets_and_communities_are_checked(world: World) -> None:
    GridCell.objects.create(community=world.community, code="C9", name="第九网格")
    sheet = tabular.Sheet(
        "x",
        [
            ["社区", "网格", "楼栋", "门牌号"],
            ["甘泉社区", "", "1号楼", "301"],
            ["", "", "新楼", "1"],
            ["", "C7", "新楼", "2"],
            ["", "C9", "1号楼", "5"],
        ],
    )
    mapping = {"street": None, "community": 0, "cell": 1, "building": 2, "door": 3,
               "address": None}  # fmt: skip
    outcome = services_import.grid_import_rows(
        actor=world.users["community"], community=world.community, kind="doors", sheet=sheet,
        header_row=1, mapping=mapping,
    )  # fmt: skip
    assert [(p.row, p.code) for p in outcome.problems] == [
        (2, "community_other"), (3, "cell_required"), (4, "cell_unknown"),
        (5, "building_other_cell"),
    ]  # fmt: skip
    assert outcome.created == 0


def test_a_mapping_the_file_does_not_fit_is_refused_on_the_field(world: World) -> None:
    client = login(world.users["community"])
    form = _map_form(_upload(client, world, _doors_xlsx(world), "doors")) | {"header_row": "50"}
    refused = client.post(reverse("grid_import:map"), form)
    assert refused.status_code == 422
    assert "表头行不在该工作表内。" in refused.content.decode()
    assert not Job.objects.exists()


def test_who_may_import(world: World, django_capture_on_commit_callbacks) -> None:
    assert login(world.users["grid"]).get(reverse("grid_import:upload")).status_code == 403
    station = login(world.users["linze_station"])
    refused = _upload(station, world, _doors_xlsx(world), "doors")
    assert refused.status_code == 422 and not Job.objects.exists()  # not a community of theirs
    page = _upload(login(world.users["community"]), world, _doors_xlsx(world), "doors")
    stolen = station.post(reverse("grid_import:map"), _map_form(page))
    assert stolen.status_code == 302 and stolen["Location"] == reverse("grid_import:upload")
    assert not Job.objects.exists()
