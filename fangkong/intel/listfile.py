"""Reading an outside list (a health commission's close contacts, a railway manifest, a
telecom extract) into entries: the columns guessed from Chinese and English headers, every
sheet of a workbook, each identifier normalised, duplicated rows dropped, and a problem
(row, field, code) for each cell that cannot be read.

Pure: imports nothing from Django, so it is tested without a database and reused by the
benchmark. The import service stores what :func:`read_list` returns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fangkong.lib import tabular
from fangkong.lib.tabular import Problem, Sheet

NAME = tabular.Field("name", ("姓名", "名字", "人员姓名", "旅客姓名", "name"))
DOCUMENT = tabular.Field(
    "doc_number",
    ("身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号", "身份证", "id number", "id"),
    tabular.parse_id_number,
)
PHONE = tabular.Field(
    "phone",
    ("手机号", "手机号码", "联系电话", "电话", "手机", "mobile", "phone"),
    tabular.parse_phone,
)
PLATE = tabular.Field(
    "plate",
    ("车牌", "车牌号", "车牌号码", "号牌号码", "plate", "licence plate"),
    tabular.parse_plate,
)
BIRTH = tabular.Field(
    "birth_date", ("出生日期", "出生年月日", "生日", "date of birth", "birth"), tabular.parse_date
)


def parse_train(value: Any) -> str:
    """A train or flight number as the timetable writes it: G1234, D56, K7, CA1234."""
    text = re.sub(r"[\s·.\-]", "", unicodedata.normalize("NFKC", str(value))).upper()
    text = text.removesuffix("次")
    if not re.fullmatch(r"[A-Z0-9]{1,4}\d{1,5}", text):
        raise tabular.CellError("train_invalid")
    return text


def parse_seat(value: Any) -> str:
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", tabular.parse_text(value))).upper()
    if not text or len(text) > 12:
        raise tabular.CellError("seat_invalid")
    return text


TRAIN = tabular.Field(
    "train", ("车次", "航班", "航班号", "车次航班", "train", "flight"), parse_train
)
SEAT = tabular.Field("seat", ("座位", "座位号", "座号", "铺位", "seat"), parse_seat)
TRAVEL_DATE = tabular.Field(
    "travel_date", ("日期", "乘车日期", "出行日期", "航班日期", "date"), tabular.parse_date
)
FIELDS = (NAME, DOCUMENT, PHONE, PLATE, TRAIN, SEAT, TRAVEL_DATE, BIRTH)
IDENTIFIERS = ("doc_number", "phone", "plate")
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class EntryRow:
    row: int
    sheet: str
    name: str = ""
    doc_number: str = ""
    phone: str = ""
    plate: str = ""
    train: str = ""
    seat: str = ""
    travel_date: date | None = None
    birth_date: date | None = None

    def key(self) -> tuple[Any, ...]:
        return (self.name, self.doc_number, self.phone, self.plate, self.train, self.seat,
                self.travel_date, self.birth_date)  # fmt: skip


@dataclass
class ListRead:
    entries: list[EntryRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0


def guess(
    sheet: Sheet, columns: Mapping[str, str] | None = None
) -> tuple[int, dict[str, int | None]]:
    """The header row of ``sheet`` and the column of each field: guessed from the headers,
    or, for the fields in ``columns``, the column headed by the label a person chose there
    (none for an empty label, or where this sheet has no such header)."""
    header = tabular.find_header(sheet, FIELDS)
    mapping = tabular.guess_columns(header.labels, FIELDS)
    for key, label in (columns or {}).items():
        if key in mapping:
            mapping[key] = header.labels.index(label) if label in header.labels else None
    return header.row, mapping


def header_choices(sheets: Sequence[Sheet]) -> tuple[list[str], dict[str, str]]:
    """For the column mapping page: the header labels of the sheets (each once, in order),
    and the guessed label of each field (from the first sheet that has one)."""
    labels: list[str] = []
    guessed: dict[str, str] = {f.key: "" for f in FIELDS}
    for sheet in sheets:
        header = tabular.find_header(sheet, FIELDS)
        mapping = tabular.guess_columns(header.labels, FIELDS)
        labels.extend(label for label in header.labels if label and label not in labels)
        for key, column in mapping.items():
            if column is not None and not guessed[key]:
                guessed[key] = header.labels[column]
    return labels, guessed


def read_list(sheets: Sequence[Sheet], columns: Mapping[str, str] | None = None) -> ListRead:
    """Every entry of every sheet whose header names at least one identifier; a row without
    any readable identifier (nor a train and seat) is reported, a repeated row counted and
    dropped. ``columns`` (field → header label) overrides the guess (:func:`guess`)."""
    result = ListRead()
    seen: set[tuple[Any, ...]] = set()
    for sheet in sheets:
        header_row, mapping = guess(sheet, columns)
        if all(mapping[key] is None for key in (*IDENTIFIERS, "train")):
            continue
        extract = tabular.extract(sheet, header_row, mapping, FIELDS)
        result.problems.extend(_on_sheet(p, sheet, len(sheets)) for p in extract.problems)
        for row in extract.rows:
            result.rows_read += 1
            entry = _entry(row, sheet.name)
            if entry is None:
                problem = Problem(row.number, "", "no_identifier")
                result.problems.append(_on_sheet(problem, sheet, len(sheets)))
                continue
            key = entry.key()
            if key in seen:
                result.duplicates += 1
                continue
            seen.add(key)
            result.entries.append(entry)
    if not result.rows_read and not result.problems:
        result.problems.append(Problem(0, "", "no_list_columns"))
    return result


def _on_sheet(problem: Problem, sheet: Sheet, sheets: int) -> Problem:
    # The sheet's name goes with the value when a workbook has several.
    if sheets == 1:
        return problem
    return Problem(problem.row, problem.field, problem.code, f"[{sheet.name}] {problem.value}")


def _entry(row: tabular.Row, sheet: str) -> EntryRow | None:
    # Every field's key is in the row's values (None where unmapped or empty); spelled out,
    # not built from a filtered dict: a list has up to a million rows.
    v = row.values
    if not (v["doc_number"] or v["phone"] or v["plate"] or v["train"]):
        return None
    return EntryRow(
        row=row.number,
        sheet=sheet,
        name=v["name"] or "",
        doc_number=v["doc_number"] or "",
        phone=v["phone"] or "",
        plate=v["plate"] or "",
        train=v["train"] or "",
        seat=v["seat"] or "",
        travel_date=v["travel_date"] or None,
        birth_date=v["birth_date"] or None,
    )


def plates_near(a: str, b: str) -> bool:
    """Whether two plates of one length differ in exactly one character after the province
    and city letter (the same rule the database query applies)."""
    if len(a) != len(b) or a[:2] != b[:2]:
        return False
    return sum(x != y for x, y in zip(a[2:], b[2:], strict=True)) == 1
