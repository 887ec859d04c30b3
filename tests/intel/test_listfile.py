"""The pure reading of a list: headers, messy cells, duplicates, several sheets."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from fangkong.intel import listfile
from fangkong.lib import tabular
from fangkong.lib.idnumber import checksum_char


def resident_id(n: int) -> str:
    first17 = f"620702{19800101 + n % 28:08d}{n % 1000:03d}"
    return first17 + checksum_char(first17)


def test_messy_csv_is_normalised_and_reported() -> None:
    number = resident_id(5)
    messy = number[:-1] + number[-1].lower()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    text = (
        "卫健委密接人员名单\n"
        "姓名,证件号码,手机号,车牌,车次,座位,日期\n"
        f"张三,{messy},+86 138-1234-5678,甘G·12345,G1234次,05车12A,2020-02-03\n"
        f"张三,{messy},+86 138-1234-5678,甘G·12345,G1234次,05车12A,2020-02-03\n"
        f"李四,{full_width},13912345678,,,,\n"
        "王五,123,abc,,,,\n"
        "合计,3,,,,,\n"
    )
    sheets = tabular.read_sheets("list.csv", text.encode("gbk"))
    read = listfile.read_list(sheets)
    assert read.rows_read == 4
    assert read.duplicates == 1
    first = read.entries[0]
    assert first.doc_number == number.upper()
    assert first.phone == "13812345678"
    assert first.plate == "甘G12345"
    assert first.train == "G1234"
    assert first.travel_date == date(2020, 2, 3)
    assert read.entries[1].doc_number == number
    codes = {(p.row, p.field, p.code) for p in read.problems}
    assert (6, "", "no_identifier") in codes
    assert any(p.row == 6 and p.field == "doc_number" for p in read.problems)


def test_every_sheet_of_a_workbook_with_merged_headers() -> None:
    book = Workbook()
    first = book.active
    first.title = "铁路"
    first.append(["旅客信息", None, "乘车信息", None])
    first.merge_cells("A1:B1")
    first.merge_cells("C1:D1")
    first.append(["姓名", "身份证号", "车次", "座位"])
    first.append(["赵六", resident_id(7), "D56", "3车1F"])
    second = book.create_sheet("电信")
    second.append(["手机号码", "姓名"])
    second.append(["15012345678", "钱七"])
    data = io.BytesIO()
    book.save(data)
    read = listfile.read_list(tabular.read_sheets("list.xlsx", data.getvalue()))
    assert [e.sheet for e in read.entries] == ["铁路", "电信"]
    assert read.entries[0].seat == "3车1F"
    assert read.entries[1].phone == "15012345678"


def test_plates_one_character_off() -> None:
    assert listfile.plates_near("甘G12345", "甘G12346")
    assert not listfile.plates_near("甘G12345", "甘G12345")
    assert not listfile.plates_near("甘G12345", "甘H12345")
    assert not listfile.plates_near("甘G12345", "甘G12366")
