"""The spreadsheets a unit tree and its staff are imported from (the bureau's 机构表 and
花名册): their fields for ``fangkong.lib.tabular``, how cells name a unit kind, a staff
category and a rank, and the translated text of every problem the report can hold."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import imports
from fangkong.lib import divisions, tabular
from fangkong.lib.tabular.columns import label_key
from fangkong.org.choices import Rank, StaffKind, UnitKind

UNITS = "units"
STAFF = "staff"
KINDS = {UNITS: _("Units"), STAFF: _("Staff")}
# The longest texts a cell may give, as the model's columns hold them.
NAME_MAX, CODE_MAX, BADGE_MAX, POSITION_MAX = 100, 32, 20, 50


def parse_division(value: Any) -> str:
    code = tabular.parse_text(value).replace(" ", "")
    try:
        divisions.division_validate(code)
    except divisions.DivisionError as exc:
        raise tabular.CellError(exc.code) from None
    return code


def _words(choices: dict[str, tuple[str, ...]], code: str) -> Any:
    """A parser accepting the words of ``choices`` (and each choice's own value)."""
    known = {label_key(w): value for value, words in choices.items() for w in (value, *words)}

    def parse(value: Any) -> str:
        found = known.get(label_key(value))
        if found is None:
            raise tabular.CellError(code)
        return found

    return parse


UNIT_KIND_WORDS: dict[str, tuple[str, ...]] = {
    UnitKind.DETACHMENT: ("支队", "公安局", "detachment"),
    UnitKind.BRIGADE: ("大队", "分局", "brigade"),
    UnitKind.SQUAD: ("中队", "squad"),
    UnitKind.STATION: ("派出所", "警务室", "所", "station", "police station"),
    UnitKind.COMMAND_CENTRE: ("指挥中心", "指挥部", "command centre", "command center"),
}
STAFF_KIND_WORDS: dict[str, tuple[str, ...]] = {
    StaffKind.OFFICER: ("民警", "警察", "人民警察", "在编民警", "officer", "sworn officer"),
    StaffKind.AUXILIARY: ("辅警", "警务辅助人员", "协警", "auxiliary", "auxiliary officer"),
    StaffKind.CIVILIAN: ("文职", "工勤", "职工", "civilian", "civilian staff"),
}
RANK_WORDS: dict[str, tuple[str, ...]] = {
    Rank.CONSTABLE_2: ("二级警员",),
    Rank.CONSTABLE_1: ("一级警员",),
    Rank.SERGEANT_3: ("三级警司",),
    Rank.SERGEANT_2: ("二级警司",),
    Rank.SERGEANT_1: ("一级警司",),
    Rank.INSPECTOR_3: ("三级警督",),
    Rank.INSPECTOR_2: ("二级警督",),
    Rank.INSPECTOR_1: ("一级警督",),
    Rank.SUPERINTENDENT_3: ("三级警监",),
    Rank.SUPERINTENDENT_2: ("二级警监",),
    Rank.SUPERINTENDENT_1: ("一级警监",),
}


def unit_kind_from_name(name: str) -> str | None:
    """The kind a unit's name ends with (…大队, …派出所), if any."""
    key = label_key(name)
    for kind, words in UNIT_KIND_WORDS.items():
        if any(len(w) > 1 and key.endswith(label_key(w)) for w in words):
            return kind
    return None


UNIT_FIELDS = (
    tabular.Field(
        "name",
        ("单位名称", "机构名称", "名称", "单位", "unit name", "name"),
        tabular.parse_text_within(NAME_MAX),
        required=True,
    ),
    tabular.Field(
        "code", ("单位代码", "机构代码", "单位编码", "机构编码", "代码", "unit code", "code")
    ),
    tabular.Field(
        "parent",
        (
            "上级单位",
            "上级机构",
            "上级单位名称",
            "上级单位代码",
            "所属单位",
            "parent unit",
            "parent",
        ),
        tabular.parse_text_within(NAME_MAX),
    ),
    tabular.Field(
        "kind",
        ("单位类型", "机构类型", "单位类别", "类型", "unit kind", "kind", "type"),
        _words(UNIT_KIND_WORDS, "unit_kind_unknown"),
    ),
    tabular.Field(
        "division",
        ("区划代码", "行政区划代码", "行政区划", "区划", "division code", "division"),
        parse_division,
    ),
    tabular.Field("short_name", ("简称", "单位简称", "short name"), tabular.parse_text_within(40)),
)
STAFF_FIELDS = (
    tabular.Field("name", ("姓名", "名字", "name"), tabular.parse_text_within(50), required=True),
    tabular.Field(
        "badge",
        ("警号", "辅警编号", "警号辅警编号", "编号", "工号", "badge number", "badge"),
        tabular.parse_text_within(BADGE_MAX),
        required=True,
    ),
    tabular.Field(
        "kind",
        ("身份", "人员类别", "人员身份", "人员类型", "类别", "category", "kind"),
        _words(STAFF_KIND_WORDS, "staff_kind_unknown"),
        required=True,
    ),
    tabular.Field(
        "unit",
        ("单位", "所在单位", "所属单位", "工作单位", "单位名称", "部门", "unit"),
        tabular.parse_text_within(NAME_MAX),
        required=True,
    ),
    tabular.Field(
        "position", ("岗位", "职务", "职位", "position"), tabular.parse_text_within(POSITION_MAX)
    ),
    tabular.Field("rank", ("警衔", "rank"), _words(RANK_WORDS, "rank_unknown")),
    tabular.Field(
        "phone",
        ("电话", "手机", "手机号码", "手机号", "联系电话", "联系方式", "mobile phone", "phone"),
        tabular.parse_phone,
    ),
    tabular.Field(
        "id_number",
        ("身份证号", "身份证号码", "公民身份号码", "身份证", "ID number", "id number"),
        tabular.parse_id_number,
    ),
)
FIELDS = {UNITS: UNIT_FIELDS, STAFF: STAFF_FIELDS}
FIELD_LABELS: dict[str, Any] = {
    "name": _("Name"),
    "code": _("Unit code"),
    "parent": _("Parent unit"),
    "kind": _("Kind"),
    "division": _("Division code"),
    "short_name": _("Short name"),
    "badge": _("Badge number"),
    "unit": _("Unit"),
    "position": _("Position"),
    "rank": _("Rank"),
    "phone": _("Mobile phone"),
    "id_number": _("Resident ID number"),
    "": _("Row"),
}
# A unit's name is 名称, a person's 姓名: the one column key takes its label from the file's kind.
KIND_LABELS: dict[str, dict[str, Any]] = {
    UNITS: {**FIELD_LABELS, "name": pgettext_lazy("unit", "Name")},
    STAFF: FIELD_LABELS,
}

PROBLEM_MESSAGES: dict[str, Any] = {
    "unit_kind_unknown": _("Not a unit kind (支队, 大队, 中队, 派出所 or 指挥中心)."),
    "unit_kind_missing": _("Give the unit kind, or a name that ends with it."),
    "staff_kind_unknown": _("Not a staff category (民警, 辅警 or 文职)."),
    "rank_unknown": _("Not a police rank (e.g. 一级警司)."),
    "rank_not_officer": _("Only sworn officers hold a police rank."),
    "unit_unknown": _("No unit of your jurisdiction has this name or code."),
    "unit_ambiguous": _("Several units have this name: give the unit code."),
    "parent_unknown": _("No unit of your jurisdiction or of the file has this name or code."),
    "parent_required": _("Give the parent unit."),
    "parent_cycle": _("A unit cannot be placed under itself or its own sub-units."),
    "top_unit_moved": _("The top unit of your jurisdiction cannot be moved here."),
    "unit_elsewhere": _("This unit code is already used and cannot be changed here."),
    "badge_elsewhere": _("This badge number is already used and cannot be changed here."),
    "row_duplicate": _("The same unit or badge number as an earlier row."),
    "forbidden": _("You may not import into this unit."),
}


def problem_message(code: str) -> str:
    return imports.problem_message(code, PROBLEM_MESSAGES)


def describe(problem: tabular.Problem, kind: str = STAFF) -> list[Any]:
    """A problem of a ``kind`` file as a report's row: where, which field, why, the cell."""
    labels = KIND_LABELS.get(kind, FIELD_LABELS)
    return imports.problem_row(problem, labels=labels, message=problem_message)


def problems_book(problems: list[tabular.Problem], kind: str = STAFF) -> bytes:
    return imports.problems_book(problems, describe=lambda problem: describe(problem, kind))
