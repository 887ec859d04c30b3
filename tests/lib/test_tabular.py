"""The shared import core, without a database: real CSV and XLSX bytes in, rows and problems
out, the report written and opened again."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fangkong.lib import tabular
from fangkong.lib.idnumber import checksum_char
from fangkong.lib.tabular.cells import is_blank, normalise_text

ITEM = tabular.Field("item", ("物资名称", "品名", "名称", "item"), required=True)
QUANTITY = tabular.Field(
    "quantity", ("数量", "实盘数量", "quantity"), tabular.parse_positive_integer, required=True
)
UOM = tabular.Field("uom", ("计量单位", "单位", "unit"))
BATCH = tabular.Field("batch", ("批号", "生产批号", "batch"))
EXPIRY = tabular.Field("expiry", ("有效期至", "有效期", "失效日期", "expiry"), tabular.parse_date)
SUPPLY_FIELDS = (ITEM, QUANTITY, UOM, BATCH, EXPIRY)

NAME = tabular.Field("name", ("姓名", "name"), required=True)
ID_NUMBER = tabular.Field("id_number", ("身份证号", "证件号码"), tabular.parse_id_number)
PHONE = tabular.Field("phone", ("手机号", "联系电话", "phone"), tabular.parse_phone)
PLATE = tabular.Field("plate", ("车牌", "车牌号", "号牌号码"), tabular.parse_plate)
PERSON_FIELDS = (NAME, ID_NUMBER, PHONE, PLATE)

FIRST17 = "62070219850312001"
ID = FIRST17 + checksum_char(FIRST17)


def _xlsx(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def merged_header_workbook() -> bytes:
    """What a brigade's office sends: a title merged across the top, a two-row header with
    group cells merged over their columns and a label merged down both rows, a total row, and a
    second sheet of persons."""
    book = Workbook()
    sheet = book.active
    sheet.title = "物资盘点"
    sheet["A1"] = "甘州大队防疫物资期初盘点表"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "物资名称"
    sheet.merge_cells("A2:A3")
    sheet["B2"] = "规格信息"
    sheet.merge_cells("B2:C2")
    sheet["B3"], sheet["C3"] = "计量单位", "型号"
    sheet["D2"] = "库存"
    sheet.merge_cells("D2:F2")
    sheet["D3"], sheet["E3"], sheet["F3"] = "实盘数量", "批号", "有效期至"
    sheet.append(["N95口罩", "只", "KN95", "１，２００", "B２０２００２", datetime(2022, 2, 1)])
    sheet.append(["  医用外科口罩 ", "只", "", 500.0, "", "2021/12/31"])
    sheet.append(["酒精（75%）", "瓶", "500ml", "十", "", ""])
    sheet.append([None] * 6)
    sheet.append(["合计", "", "", 1710, "", ""])
    people = book.create_sheet("人员")
    people.append(["序号", "姓名", "证件号码", "手机号", "车牌"])
    spaced_id = f"{ID[:6]} {ID[6:]}".lower()
    people.append([1, "张 三", spaced_id, "１３９ ０９３６ １２３４", "甘g·12345"])
    people.append([2, "李四", "620702198503120010", "12345", "军A12345"])
    hidden = book.create_sheet("隐藏")
    hidden.append(["x"])
    hidden.sheet_state = "hidden"
    return _xlsx(book)


def test_xlsx_with_merged_two_row_header() -> None:
    sheets = tabular.read_sheets("盘点.xlsx", merged_header_workbook())
    assert [s.name for s in sheets] == ["物资盘点", "人员"]  # the hidden sheet is left out
    stock = sheets[0]
    header = tabular.find_header(stock, SUPPLY_FIELDS)
    assert header.row == 3
    mapping = tabular.guess_columns(header.labels, SUPPLY_FIELDS)
    assert mapping == {"item": 0, "quantity": 3, "uom": 1, "batch": 4, "expiry": 5}
    result = tabular.extract(stock, header.row, mapping, SUPPLY_FIELDS)
    assert [row.number for row in result.rows] == [4, 5, 6]
    first, second, _ = (row.values for row in result.rows)
    assert first == {
        "item": "N95口罩",
        "quantity": 1200,
        "uom": "只",
        "batch": "B202002",
        "expiry": date(2022, 2, 1),
    }
    assert second["item"] == "医用外科口罩" and second["quantity"] == 500
    assert second["expiry"] == date(2021, 12, 31) and second["batch"] is None
    assert result.problems == [tabular.Problem(6, "quantity", "number_invalid", "十")]
    assert result.totals_skipped == [8]


def test_person_columns_are_normalised_and_checked() -> None:
    people = tabular.read_sheets("名单.xlsx", merged_header_workbook())[1]
    header = tabular.find_header(people, PERSON_FIELDS)
    mapping = tabular.guess_columns(header.labels, PERSON_FIELDS)
    assert mapping == {"name": 1, "id_number": 2, "phone": 3, "plate": 4}
    result = tabular.extract(people, header.row, mapping, PERSON_FIELDS)
    assert result.rows[0].values == {
        "name": "张 三",
        "id_number": ID,
        "phone": "13909361234",
        "plate": "甘G12345",
    }
    codes = {(p.row, p.field): p.code for p in result.problems}
    assert codes == {
        (3, "id_number"): "id_checksum",
        (3, "phone"): "phone_invalid",
        (3, "plate"): "plate_province",
    }


def test_lowercase_x_and_spaces_in_an_id_number() -> None:
    candidates = (f"62070219850312{n:03d}" for n in range(1000))
    first17 = next(c for c in candidates if checksum_char(c) == "X")
    assert tabular.parse_id_number(f" {first17[:6]} {first17[6:]}x ") == first17 + "X"
    assert tabular.parse_id_number(f"{first17}ｘ") == first17 + "X"


def test_gbk_csv_with_english_headers_and_semicolons() -> None:
    text = "Item;Quantity;Unit;Expiry\n防护服;30;套;2021-06\n护目镜;-2;副;\n"
    sheets = tabular.read_sheets("delivery.csv", text.encode("gbk"))
    header = tabular.find_header(sheets[0], SUPPLY_FIELDS)
    mapping = tabular.guess_columns(header.labels, SUPPLY_FIELDS)
    result = tabular.extract(sheets[0], header.row, mapping, SUPPLY_FIELDS)
    assert result.rows[0].values["item"] == "防护服"
    assert result.rows[0].values["expiry"] == date(2021, 6, 1)
    assert result.problems == [tabular.Problem(3, "quantity", "positive_required", "-2")]


def test_utf8_csv_with_bom_labels_with_marks_and_notes() -> None:
    text = "\ufeff*品名,数量（必填）,备注\n手套,２００,\n,5,缺名称\n"
    sheet = tabular.read_sheets("a.csv", text.encode("utf-8"))[0]
    header = tabular.find_header(sheet, SUPPLY_FIELDS)
    assert header.row == 1
    mapping = tabular.guess_columns(header.labels, SUPPLY_FIELDS)
    assert mapping["item"] == 0 and mapping["quantity"] == 1
    result = tabular.extract(sheet, header.row, mapping, SUPPLY_FIELDS)
    assert result.rows[0].values["quantity"] == 200
    assert result.problems == [tabular.Problem(3, "item", "required")]


def test_a_required_column_that_is_not_mapped_is_one_problem() -> None:
    sheet = tabular.read_sheets("a.csv", "名称,备注\n口罩,\n".encode())[0]
    mapping = tabular.guess_columns(["名称", "备注"], SUPPLY_FIELDS)
    result = tabular.extract(sheet, 1, mapping, SUPPLY_FIELDS)
    assert result.rows == []
    assert result.problems == [tabular.Problem(0, "quantity", "column_missing")]
    twice = tabular.extract(sheet, 1, {"item": 0, "quantity": 0}, SUPPLY_FIELDS)
    assert tabular.Problem(0, "", "column_twice") in twice.problems


def _with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with its first sheet's stored dimension replaced, as some programs
    write it wrong."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content
                )
            target.writestr(item, content)
    return out.getvalue()


def test_xlsx_rows_past_a_wrong_dimension_and_merges_read_in_small_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sheet is streamed: every row is read whatever dimension the file states, and the
    merged ranges (read from the sheet's XML) are found across the chunks it is read in."""
    expected = [s.cells for s in tabular.read_sheets("盘点.xlsx", merged_header_workbook())]
    monkeypatch.setattr(tabular.read, "_CHUNK", 7)
    data = _with_dimension(merged_header_workbook(), "A1")
    assert [s.cells for s in tabular.read_sheets("盘点.xlsx", data)] == expected
    assert expected[0][1] == ["物资名称", "规格信息", "规格信息", "库存", "库存", "库存"]
    assert expected[0][0] == ["甘州大队防疫物资期初盘点表"] * 6


def test_xlsx_with_too_many_rows() -> None:
    book = Workbook()
    for n in range(30):
        book.active.append(["姓名", n])
    with pytest.raises(tabular.FileError) as caught:
        tabular.read_sheets("long.xlsx", _xlsx(book), max_rows=5)
    assert caught.value.code == "file_too_many_rows"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "file_type"),
        ("bad.xlsx", b"PK\x03\x04 not really a zip", "file_unreadable"),
        ("empty.csv", b"\n\n", "file_empty"),
        ("big.csv", b"a" * (tabular.read.MAX_BYTES + 1), "file_too_large"),
    ],
)
def test_unreadable_files_have_a_code(name: str, data: bytes, code: str) -> None:
    with pytest.raises(tabular.FileError) as caught:
        tabular.read_sheets(name, data)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (44000, date(2020, 6, 18)),
        ("2020年2月3日", date(2020, 2, 3)),
        ("2020.2.3", date(2020, 2, 3)),
        ("２０２０－０２－０３", date(2020, 2, 3)),
        ("20200203", date(2020, 2, 3)),
    ],
)
def test_dates_as_people_write_them(cell: object, expected: date) -> None:
    assert tabular.parse_date(cell) == expected


def test_numbers() -> None:
    assert tabular.parse_integer("1,200") == 1200
    assert tabular.parse_integer(3.0) == 3
    assert tabular.parse_decimal("１２.５") == Decimal("12.5")
    with pytest.raises(tabular.CellError) as caught:
        tabular.parse_integer("2.5")
    assert caught.value.code == "integer_invalid"


@settings(deadline=None)  # the machine is shared: a slow example is not a failure
@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert once == once.strip()


@settings(deadline=None)
@given(
    st.text(alphabet=st.sampled_from(" \t\n\x1c\x00a1X-~\u3000\u200b\ufeff１甲\xa0\u2007"))
    | st.text()
)
def test_normalising_is_its_definition(text: str) -> None:
    """The fast paths (ASCII, letters first) give what the definition says: NFKC, without
    zero-width spaces, each run of whitespace one space, none at the ends."""
    clean = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\ufeff", "")
    expected = re.sub(r"\s+", " ", clean).strip()
    assert normalise_text(text) == expected
    assert is_blank(text) == (expected == "")


def test_report_writes_formulas_as_text_and_opens_again() -> None:
    problems = [
        tabular.Problem(4, "item", "item_unknown", '=HYPERLINK("http://x","y")'),
        tabular.Problem(5, "quantity", "number_invalid", "+1"),
        tabular.Problem(6, "batch", "x", "@SUM(A1)"),
        tabular.Problem(7, "batch", "x", "-3"),
    ]
    data = tabular.problems_workbook(
        problems,
        title="错误报告",
        headers=["行", "字段", "原因", "内容"],
        describe=lambda p: [p.row, p.field, p.code, p.value],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "错误报告"
    assert [c.value for c in sheet[1]] == ["行", "字段", "原因", "内容"]
    values = [sheet.cell(row=r, column=4) for r in range(2, 6)]
    assert [c.value for c in values] == [p.value for p in problems]
    assert all(c.data_type == "s" for c in values)
    assert all(c.quotePrefix for c in values)
    assert sheet.cell(row=2, column=1).value == 4  # numbers stay numbers


def test_write_workbook_several_sheets_and_odd_titles() -> None:
    data = tabular.write_workbook(
        [("台账: 2020/02", ["a"], [[1], ["=1+1"]]), ("第二", ["b", "c"], [])]
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["台账 202002", "第二"]
    cell = book.worksheets[0]["A3"]
    assert cell.value == "=1+1" and cell.data_type == "s"
