"""Importing risk areas from CSV and Excel files made here and read back: all rows or none."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.screening.models import RiskArea
from fangkong.screening.selectors.policy import rule_set_current
from fangkong.screening.services import risk_area_import

pytestmark = pytest.mark.django_db

HEADER = ["区划代码", "名称", "风险等级", "起始日期", "截止日期"]


def csv_file(rows: list[list[str]], *, encoding: str = "utf-8", name: str = "areas.csv"):
    text = "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list[object]], name: str = "areas.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def messages(exc: ValidationError) -> list[str]:
    return [str(error.message) for error in exc.error_dict["file"]]


def stored() -> list[tuple[object, ...]]:
    return list(
        RiskArea.objects.order_by("division_code").values_list(
            "division_code", "name", "level", "effective_from", "effective_to"
        )
    )


def test_a_csv_with_a_chinese_header_is_imported(clock, analyst):
    upload = csv_file(
        [
            HEADER,
            ["310104", "上海市徐汇区", "高", "2026-11-10", ""],
            ["220100", "", "中风险", "2026/11/12", "2026/11/25"],
            ["440305", "深圳市南山区", "low", "20261101", "2026-11-30"],
        ]
    )

    result = risk_area_import(actor=analyst, file=upload)

    assert result == (3, 0)
    assert stored() == [
        ("220100", "吉林省长春市", "medium", date(2026, 11, 12), date(2026, 11, 25)),
        ("310104", "上海市徐汇区", "high", date(2026, 11, 10), None),
        ("440305", "深圳市南山区", "low", date(2026, 11, 1), date(2026, 11, 30)),
    ]
    audit = AuditLog.objects.get(action="policy.risk_area_import")
    assert audit.extra == {"file": "areas.csv", "rows": 3, "replaced": 0}
    assert {a.code for a in rule_set_current().risk_areas} == {"310104", "220100", "440305"}


def test_an_excel_file_with_date_cells_is_imported(clock, commander):
    upload = xlsx_file(
        [
            ["division code", "name", "level", "effective from", "effective to"],
            [610113, "西安市雁塔区", "高", datetime(2026, 11, 15), None],
            ["620702", "张掖市甘州区", "中", date(2026, 11, 18), date(2026, 11, 21)],
        ]
    )

    risk_area_import(actor=commander, file=upload)

    assert stored() == [
        ("610113", "西安市雁塔区", "high", date(2026, 11, 15), None),
        ("620702", "张掖市甘州区", "medium", date(2026, 11, 18), date(2026, 11, 21)),
    ]


def test_a_csv_saved_by_chinese_excel_is_read_as_gbk(clock, analyst):
    upload = csv_file(
        [HEADER, ["310104", "上海市徐汇区", "高", "2026-11-10", ""]], encoding="gb18030"
    )

    risk_area_import(actor=analyst, file=upload)

    assert stored()[0][:3] == ("310104", "上海市徐汇区", "high")


def test_a_file_without_a_header_uses_the_column_order(clock, analyst):
    risk_area_import(actor=analyst, file=csv_file([["310104", "徐汇", "high", "2026-11-10", ""]]))

    assert stored()[0][:3] == ("310104", "徐汇", "high")


def test_bad_rows_are_reported_by_row_and_nothing_is_imported(clock, analyst):
    upload = xlsx_file(
        [
            HEADER,
            ["310104", "上海市徐汇区", "高", "2026-11-10", ""],
            ["31010", "", "高", "2026-11-10", ""],
            ["999999", "", "中", "2026-11-10", ""],
            ["220100", "", "特高", "2026-11-10", ""],
            ["440305", "", "低", "11月10日", ""],
            ["440306", "", "低", "", ""],
            ["440307", "", "低", "2026-11-20", "2026-11-10"],
            ["310104", "重复", "高", "2026-11-10", ""],
        ]
    )

    with pytest.raises(ValidationError) as caught:
        risk_area_import(actor=analyst, file=upload)

    assert messages(caught.value) == [
        "第 3 行：区划代码必须为 6 位数字。",
        "第 4 行：不存在代码为 999999 的行政区划。",
        "第 5 行：风险等级应为 高、中 或 低（high、medium、low）。",
        "第 6 行：起始日期格式不正确，应如 2022-04-15。",
        "第 7 行：请填写起始日期。",
        "第 8 行：截止日期早于起始日期。",
        "第 9 行：与第 2 行的地区、等级和起始日期重复。",
    ]
    assert [e.code for e in caught.value.error_dict["file"]][:3] == [
        "division_format",
        "division_unknown",
        "level_invalid",
    ]
    assert RiskArea.objects.count() == 0
    assert not AuditLog.objects.filter(action="policy.risk_area_import").exists()


def test_importing_an_area_again_sets_its_end_date(clock, analyst):
    risk_area_import(
        actor=analyst, file=csv_file([HEADER, ["310104", "徐汇", "高", "2026-11-10", ""]])
    )
    before = rule_set_current()

    result = risk_area_import(
        actor=analyst, file=csv_file([HEADER, ["310104", "徐汇", "高", "2026-11-10", "2026-11-18"]])
    )

    assert result == (0, 1)
    assert stored() == [("310104", "徐汇", "high", date(2026, 11, 10), date(2026, 11, 18))]
    assert rule_set_current() is not before  # the cache noticed the replaced row


def test_old_excel_files_and_empty_files_are_refused(clock, analyst):
    with pytest.raises(ValidationError) as caught:
        risk_area_import(actor=analyst, file=SimpleUploadedFile("areas.xls", b"\xd0\xcf\x11\xe0"))
    assert messages(caught.value) == ["请先将文件另存为 Excel .xlsx 或 CSV 格式。"]

    with pytest.raises(ValidationError) as caught:
        risk_area_import(actor=analyst, file=csv_file([[""]]))
    assert messages(caught.value) == ["文件中没有数据。"]


def test_a_damaged_excel_file_is_refused_with_a_message(clock, analyst):
    with pytest.raises(ValidationError) as caught:
        risk_area_import(actor=analyst, file=SimpleUploadedFile("areas.xlsx", b"PK\x03\x04junk"))

    assert messages(caught.value) == ["无法读取此 Excel 文件。"]


def test_only_analysts_and_commanders_import(clock, brigade_officer):
    with pytest.raises(PermissionDeniedError):
        risk_area_import(actor=brigade_officer, file=csv_file([HEADER]))
