"""The spreadsheets a community's 一标三实 base records are imported from: the standard
addresses (one row per door: street, community, grid cell, building, door, address) and the
actual residents (name, ID number, phone, relation to the head of household, building and
door). Their fields for ``fangkong.lib.tabular``, the words of a resident kind, and the
translated text of every problem the report can hold."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from fangkong.core import imports
from fangkong.grid.choices import ResidentKind
from fangkong.lib import tabular
from fangkong.lib.tabular.columns import label_key

DOORS = "doors"
RESIDENTS = "residents"
KINDS = {DOORS: _("Standard addresses (doors)"), RESIDENTS: _("Residents")}


KIND_WORDS: dict[str, tuple[str, ...]] = {
    ResidentKind.REGISTERED: ("户籍", "户籍人口", "常住", "常住人口", "本地", "registered"),
    ResidentKind.TENANT: ("租户", "租住", "租房", "承租", "tenant"),
    ResidentKind.FLOATING: ("流动", "流动人口", "暂住", "外来", "floating"),
}


def parse_kind(value: Any) -> str:
    key = label_key(value)
    for kind, words in KIND_WORDS.items():
        if key in {label_key(kind), *(label_key(w) for w in words)}:
            return str(kind)
    raise tabular.CellError("resident_kind_unknown")


STREET = tabular.Field(
    "street",
    ("街道", "乡镇", "街道乡镇", "街道办", "所属街道", "street"),
    tabular.parse_text_within(60),
)
COMMUNITY = tabular.Field(
    "community", ("社区", "村", "社区村", "社区名称", "所属社区", "居委会", "community"),
    tabular.parse_text_within(60),
)  # fmt: skip
CELL = tabular.Field("cell", ("网格", "网格编号", "网格名称", "所属网格", "grid cell", "grid"))
BUILDING = tabular.Field(
    "building",
    ("楼栋", "楼号", "楼栋号", "楼宇", "楼", "村小组", "小组", "组", "building"),
    tabular.parse_text_within(60),
    required=True,
)
DOOR = tabular.Field(
    "door",
    ("门牌号", "门牌", "户号", "房号", "房间号", "单元门牌", "门", "户", "door"),
    tabular.parse_text_within(30),
    required=True,
)
ADDRESS = tabular.Field(
    "address", ("标准地址", "地址", "详细地址", "住址", "standard address", "address"),
    tabular.parse_text_within(200),
)  # fmt: skip

DOOR_FIELDS = (STREET, COMMUNITY, CELL, BUILDING, DOOR, ADDRESS)
RESIDENT_FIELDS = (
    tabular.Field(
        "name", ("姓名", "名字", "居民姓名", "name"), tabular.parse_text_within(50), required=True
    ),
    tabular.Field(
        "id_number",
        ("公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码", "ID number", "id number"),
        tabular.parse_id_number,
        required=True,
    ),
    tabular.Field(
        "phone",
        ("联系电话", "手机号码", "手机号", "手机", "电话", "mobile phone", "phone"),
        tabular.parse_phone,
    ),
    tabular.Field(
        "relation",
        ("与户主关系", "户主关系", "家庭关系", "关系", "relation"),
        tabular.parse_text_within(20),
    ),
    tabular.Field(
        "kind", ("人口类型", "人员类别", "人员类型", "居住类型", "类型", "kind"), parse_kind
    ),
    CELL,
    BUILDING,
    DOOR,
)
FIELDS = {DOORS: DOOR_FIELDS, RESIDENTS: RESIDENT_FIELDS}
FIELD_LABELS: dict[str, Any] = {
    "street": _("Street or township"),
    "community": _("Community or village"),
    "cell": _("Grid cell"),
    "building": _("Building"),
    "door": _("Door"),
    "address": _("Standard address"),
    "name": _("Name"),
    "id_number": _("Resident ID number"),
    "phone": _("Mobile phone"),
    "relation": _("Relation to the head of household"),
    "kind": _("Kind"),
    "": _("Row"),
}

PROBLEM_MESSAGES: dict[str, Any] = {
    "street_other": _("This street is not the community's street."),
    "community_other": _("This is not the community the file is imported into."),
    "cell_unknown": _("The community has no grid cell of this code or name."),
    "cell_required": _("The community has several grid cells: give the grid cell."),
    "building_other_cell": _("This building lies in another grid cell of the community."),
    "door_unknown": _("The community has no such door: import the addresses first."),
    "row_duplicate": _("The same door or resident as an earlier row."),
    "resident_kind_unknown": _("Not a kind of resident (户籍, 租户 or 流动)."),
}


def problem_message(code: str) -> str:
    return imports.problem_message(code, PROBLEM_MESSAGES)


def describe(problem: tabular.Problem) -> list[Any]:
    """A problem as a report's row: where, which field, why, the cell."""
    return imports.problem_row(problem, labels=FIELD_LABELS, message=problem_message)


def problems_book(problems: list[tabular.Problem]) -> bytes:
    return imports.problems_book(problems, describe=describe)
