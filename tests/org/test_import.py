"""Importing a unit tree and staff from spreadsheets: guessing, checking, idempotent
re-import, scope, and the command for the first set-up."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from fangkong.core.models import AuditLog
from fangkong.lib import tabular
from fangkong.org.imports import FIELDS, STAFF, UNITS, problems_book
from fangkong.org.models import Staff, Unit
from fangkong.org.services_import import org_import_rows
from tests.factories import _resident_id

UNITS_CSV = """张掖市交警支队机构表
单位名称,单位代码,上级单位,单位类型,区划代码
甘州大队,620702,620700,大队,620702
城区中队,620702-2,甘州大队,,620702
北街派出所,,城区中队,派出所,
山丹大队,620725,张掖市公安局交警支队,大队,620725
"""

STAFF_CSV = f"""序号,姓名,警号,身份,单位,岗位,警衔,手机号码,身份证号
1,王刚,062101,民警,甘州大队,副大队长,一级警司,139 1234 5678,{_resident_id(1)}
2,李娜,F62102,辅警,城区中队,,,13912345679,
3,赵强,062103,民警,620702-2,,,,{_resident_id(3).lower()}
"""


def sheet_of(text: str) -> tabular.Sheet:
    return tabular.read_sheets("list.csv", text.encode())[0]


def run(actor, kind: str, text: str, **extra):
    sheet = sheet_of(text)
    header = tabular.find_header(sheet, FIELDS[kind])
    mapping = tabular.guess_columns(header.labels, FIELDS[kind])
    return org_import_rows(
        actor=actor, kind=kind, sheet=sheet, header_row=header.row, mapping=mapping, **extra
    )


def test_chinese_headers_are_guessed() -> None:
    sheet = sheet_of(STAFF_CSV)
    header = tabular.find_header(sheet, FIELDS[STAFF])
    mapping = tabular.guess_columns(header.labels, FIELDS[STAFF])
    assert mapping == {
        "name": 1,
        "badge": 2,
        "kind": 3,
        "unit": 4,
        "position": 5,
        "rank": 6,
        "phone": 7,
        "id_number": 8,
    }
    units = sheet_of(UNITS_CSV)
    header = tabular.find_header(units, FIELDS[UNITS])
    assert header.row == 2
    assert tabular.guess_columns(header.labels, FIELDS[UNITS]) == {
        "name": 0,
        "code": 1,
        "parent": 2,
        "kind": 3,
        "division": 4,
        "short_name": None,
    }


@pytest.mark.django_db
def test_unit_tree_is_built_and_reimport_changes_nothing(commander, tree) -> None:
    first = run(commander, UNITS, UNITS_CSV)
    assert first.problems == []
    assert (first.created, first.updated, first.unchanged) == (3, 1, 0)  # 甘州大队 existed
    station = Unit.objects.get(name="北街派出所")
    assert station.kind == "station"
    assert station.parent.name == "城区中队"
    assert station.path == "/620700/620702/620702-2/" + station.code + "/"
    assert Unit.objects.get(code="620702-2").kind == "squad"  # guessed from the name
    again = run(commander, UNITS, UNITS_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Unit.objects.count() == 7


@pytest.mark.django_db
def test_moving_a_unit_moves_its_subtree(commander, tree) -> None:
    run(commander, UNITS, UNITS_CSV)
    moved = run(commander, UNITS, "单位名称,单位代码,上级单位\n城区中队,620702-2,临泽大队\n")
    assert moved.problems == [] and moved.updated == 1
    station = Unit.objects.get(name="北街派出所")
    assert station.path.startswith("/620700/620723/620702-2/")
    loop = run(commander, UNITS, "单位名称,单位代码,上级单位\n临泽大队,620723,北街派出所\n")
    assert [p.code for p in loop.problems] == ["parent_cycle"]
    assert Unit.objects.get(code="620723").parent == tree.detachment


@pytest.mark.django_db
def test_staff_are_imported_encrypted_and_updated_by_badge(commander, tree) -> None:
    run(commander, UNITS, UNITS_CSV)
    first = run(commander, STAFF, STAFF_CSV)
    assert first.problems == []
    assert first.created == 3
    wang = Staff.objects.get(badge_number="062101")
    assert (wang.kind, wang.rank, wang.position) == ("officer", "sergeant_1", "副大队长")
    assert wang.phone == "13912345678"
    assert wang.id_number == _resident_id(1)
    assert wang.id_number_masked.startswith("6207") and "*" in wang.id_number_masked
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM org_staff WHERE id = %s", [wang.pk])
        raw = cursor.fetchone()
    assert "13912345678" not in raw[0] and _resident_id(1) not in raw[1]
    assert Staff.objects.get(badge_number="062103").id_number == _resident_id(3).upper()
    assert Staff.objects.filter(id_number_index=wang.id_number_index).count() == 1
    again = run(commander, STAFF, STAFF_CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = STAFF_CSV.replace("副大队长", "大队长").replace("13912345679", "13800001111")
    third = run(commander, STAFF, changed)
    assert (third.created, third.updated, third.unchanged) == (0, 2, 1)
    assert Staff.objects.get(badge_number="F62102").phone == "13800001111"
    assert AuditLog.objects.filter(action="staff.import_update").count() == 2


@pytest.mark.django_db
def test_any_bad_row_imports_nothing_and_reports_every_problem(commander, tree) -> None:
    text = (
        "姓名,警号,身份,单位,电话,身份证号,警衔\n"
        "王刚,1,民警,甘州大队,12345,,\n"
        "李娜,2,厨师,甘州大队,,,\n"
        "赵强,3,民警,不存在大队,,620702199001011234,\n"
        ",4,辅警,甘州大队,,,\n"
        "钱多,1,民警,甘州大队,,,\n"
        "孙五,5,辅警,甘州大队,,,一级警司\n"
    )
    outcome = run(commander, STAFF, text)
    codes = sorted((p.row, p.field, p.code) for p in outcome.problems)
    assert codes == [
        (2, "phone", "phone_invalid"),
        (3, "kind", "staff_kind_unknown"),
        (4, "id_number", "id_checksum"),
        (4, "unit", "unit_unknown"),
        (5, "name", "required"),
        (6, "badge", "row_duplicate"),
        (7, "rank", "rank_not_officer"),
    ]
    assert not Staff.objects.filter(name__in=["王刚", "钱多", "孙五"]).exists()
    book = tabular.read_sheets("r.xlsx", problems_book(outcome.problems))
    assert len(book[0].cells) == 8


@pytest.mark.django_db
def test_a_brigade_admin_imports_only_into_their_brigade(brigade_officer, tree, commander) -> None:
    Staff.objects.create(unit=tree.linze, name="临泽人", kind="officer", badge_number="777")
    text = (
        "姓名,警号,身份,单位\n甲,100,民警,甘州一中队\n乙,101,民警,临泽大队\n丙,777,民警,甘州大队\n"
    )
    outcome = run(brigade_officer, STAFF, text)
    assert sorted((p.row, p.code) for p in outcome.problems) == [
        (3, "unit_unknown"),
        (4, "badge_elsewhere"),
    ]
    units = "单位名称,上级单位\n新中队,临泽大队\n二中队,\n"
    outcome = run(brigade_officer, UNITS, units)
    assert [(p.row, p.code) for p in outcome.problems] == [(2, "parent_unknown")]
    outcome = run(brigade_officer, UNITS, "单位名称,上级单位\n二中队,\n")
    assert outcome.problems == []
    assert Unit.objects.get(name="二中队").parent == tree.ganzhou  # the admin's own unit


@pytest.mark.django_db
def test_an_officer_without_admin_role_is_refused(tree) -> None:
    from fangkong.core.errors import PermissionDeniedError
    from tests.conftest import _persona

    plain = _persona(tree.ganzhou, "plain", "checkpoint")
    with pytest.raises(PermissionDeniedError):
        run(plain, UNITS, "单位名称\n二中队\n")


@pytest.mark.django_db
def test_command_imports_after_bootstrap(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FANGKONG_BOOTSTRAP_PASSWORD", "Ganzhou-2020-first")
    call_command(
        "bootstrap",
        division="620700",
        unit_name="张掖市公安局交警支队",
        username="zhang.wei",
        name="张伟",
        badge="620001",
        stdout=StringIO(),
    )
    units = tmp_path / "units.xlsx"
    units.write_bytes(
        tabular.write_workbook(
            [
                (
                    "机构",
                    ["单位名称", "上级单位", "单位类型", "区划代码"],
                    [["甘州大队", "", "大队", 620702], ["城区中队", "甘州大队", "中队", ""]],
                )
            ]
        )
    )
    out = StringIO()
    call_command("org_import", "units", str(units), stdout=out)
    assert "2" in out.getvalue()
    assert Unit.objects.get(name="城区中队").parent.parent.code == "620700"
    staff = tmp_path / "staff.csv"
    staff.write_text("姓名,警号,身份,单位\n王刚,062101,民警,城区中队\n", encoding="gbk")
    call_command("org_import", "staff", str(staff), stdout=StringIO())
    call_command("org_import", "staff", str(staff), stdout=StringIO())
    assert Staff.objects.filter(badge_number="062101").count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,警号,身份,单位\n王刚,062109,民警,火星大队\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    with pytest.raises(CommandError):
        call_command("org_import", "staff", str(bad), report=str(report), stderr=StringIO())
    assert report.stat().st_size > 0
    dry = tmp_path / "dry.csv"
    dry.write_text("姓名,警号,身份,单位\n新人,062110,辅警,城区中队\n", encoding="utf-8")
    call_command("org_import", "staff", str(dry), dry_run=True, stdout=StringIO())
    assert not Staff.objects.filter(badge_number="062110").exists()
