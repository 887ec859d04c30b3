"""GB/T 2260 administrative division codes (province, prefecture, county).

The table ships as ``data/divisions.csv`` (see ``data/README.md`` for its sources). It holds
current and abolished codes, because a resident ID number keeps the address code of the
place and year it was first issued.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from fangkong.lib.errors import CodedError

Level = Literal["province", "prefecture", "county"]

# Placeholder rows that group counties without being a real tier of government
# ("市辖区" = the districts of a city, "县" = Chongqing's former counties,
# "省直辖县级行政区划" = counties answering directly to the province).
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_CODE_RE = re.compile(r"[0-9]{6}")


class DivisionError(CodedError):
    """An invalid division code; ``code`` is ``division_format`` or ``division_unknown``."""


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: Level
    parent_code: str | None
    first_year: int
    last_year: int | None  # None while the code is current.

    @property
    def is_current(self) -> bool:
        return self.last_year is None

    @property
    def is_placeholder(self) -> bool:
        return self.name in PLACEHOLDER_NAMES


def level_of(code: str) -> Level:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


@functools.cache
def _table() -> dict[str, Division]:
    text = resources.files("fangkong.lib").joinpath("data/divisions.csv").read_text("utf-8")
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    rows = list(csv.DictReader(lines))
    codes = {row["code"] for row in rows}
    return {
        row["code"]: Division(
            code=row["code"],
            name=row["name"],
            level=level_of(row["code"]),
            parent_code=_parent_code(row["code"], codes),
            first_year=int(row["first_year"]),
            last_year=int(row["last_year"]) if row["last_year"] else None,
        )
        for row in rows
    }


def _parent_code(code: str, codes: set[str]) -> str | None:
    level = level_of(code)
    if level == "province":
        return None
    prefecture = code[:4] + "00"
    if level == "county" and prefecture in codes:
        return prefecture
    # A county with no prefecture row (rare in old tables) hangs off its province.
    return code[:2] + "0000"


@functools.cache
def _children_index() -> dict[str, tuple[Division, ...]]:
    index: dict[str, list[Division]] = {}
    for division in _table().values():
        if division.parent_code:
            index.setdefault(division.parent_code, []).append(division)
    return {parent: tuple(children) for parent, children in index.items()}


def division_get(code: str) -> Division | None:
    return _table().get(code)


def division_name(code: str) -> str | None:
    division = division_get(code)
    return division.name if division else None


def division_children(code: str, *, current_only: bool = True) -> list[Division]:
    """The divisions directly below ``code``, sorted by code; abolished ones only on request."""
    children = _children_index().get(code, ())
    return [child for child in children if child.is_current or not current_only]


def division_is_valid(code: str, year: int | None = None) -> bool:
    """Whether ``code`` is listed now (``year`` None) or was listed in ``year``.

    Validity comes from dated snapshots, so a year between two snapshots is judged by the
    span from the first to the last snapshot that lists the code.
    """
    division = division_get(code)
    if division is None:
        return False
    if year is None:
        return division.is_current
    ended = division.last_year is not None and year > division.last_year
    return division.first_year <= year and not ended


def division_path(code: str) -> tuple[str, ...]:
    """Names from the province down to ``code``, skipping placeholder rows such as "市辖区".

    ``division_path("620702") == ("甘肃省", "张掖市", "甘州区")``; unknown codes give ().
    """
    names: list[str] = []
    division = division_get(code)
    while division is not None:
        if not division.is_placeholder:
            names.append(division.name)
        division = division_get(division.parent_code) if division.parent_code else None
    return tuple(reversed(names))


def division_validate(code: str) -> Division:
    """Return the division for ``code`` (current or historical) or raise ``DivisionError``."""
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
        raise DivisionError("division_format", f"division code must be 6 digits: {code!r}")
    division = division_get(code)
    if division is None:
        raise DivisionError("division_unknown", f"no such division code: {code}")
    return division
