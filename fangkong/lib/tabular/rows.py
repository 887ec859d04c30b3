"""Reading every row of a sheet with a confirmed column mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fangkong.lib.tabular.cells import CellError, is_blank, normalise_text
from fangkong.lib.tabular.columns import Field
from fangkong.lib.tabular.read import Sheet

# A row whose first filled cell says this is a total, not a record.
TOTAL_MARKERS = frozenset({"合计", "总计", "小计", "共计", "total", "subtotal", "sum"})


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: spreadsheet ``row`` (0: the file or the mapping), the ``field``
    key ("" for the whole row), a ``code`` the caller translates, the cell's text."""

    row: int
    field: str
    code: str
    value: str = ""


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class Extract:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    totals_skipped: list[int] = field(default_factory=list)  # row numbers of "合计" rows

    @property
    def ok(self) -> bool:
        return not self.problems


def _mapping_problems(fields: Sequence[Field], mapping: Mapping[str, int | None]) -> list[Problem]:
    problems = [
        Problem(0, f.key, "column_missing")
        for f in fields
        if f.required and mapping.get(f.key) is None
    ]
    used = [column for column in mapping.values() if column is not None]
    if len(used) != len(set(used)):
        problems.append(Problem(0, "", "column_twice"))
    return problems


def _first_filled(cells: list[Any]) -> Any:
    """The first cell that is not blank, None in a blank row."""
    for cell in cells:
        if not is_blank(cell):
            return cell
    return None


def _is_total(first: Any) -> bool:
    return normalise_text(first).replace(" ", "").lower() in TOTAL_MARKERS


def extract(
    sheet: Sheet,
    header_row: int,
    mapping: Mapping[str, int | None],
    fields: Sequence[Field],
) -> Extract:
    """Every non-blank row below ``header_row``: the parsed value of each mapped field
    (None where the cell is empty) and a problem for each cell that cannot be read. Rows
    holding a total ("合计") are left out and listed, not reported as errors."""
    result = Extract(problems=_mapping_problems(fields, mapping))
    if result.problems:
        return result
    # An unmapped field is None in every row (a required one has a column, checked above).
    mapped = [(f, column) for f in fields if (column := mapping.get(f.key)) is not None]
    unmapped = dict.fromkeys(f.key for f in fields)
    for number in range(header_row + 1, len(sheet.cells) + 1):
        cells = sheet.cells[number - 1]
        first = _first_filled(cells)
        if first is None:
            continue
        if _is_total(first):
            result.totals_skipped.append(number)
            continue
        values: dict[str, Any] = unmapped.copy()
        for f, column in mapped:
            values[f.key] = _value(result, number, f, cells[column])
        result.rows.append(Row(number=number, values=values))
    return result


def _value(result: Extract, number: int, f: Field, cell: Any) -> Any:
    if is_blank(cell):
        if f.required:
            result.problems.append(Problem(number, f.key, "required"))
        return None
    try:
        return f.parse(cell)
    except CellError as exc:
        result.problems.append(Problem(number, f.key, exc.code, normalise_text(cell)))
        return None
