"""Divisions below the county: streets/townships and communities/villages with their 12-digit
statistical codes, from the packaged table ``data/divisions_<county>.csv`` (see
``data/README.md``). Only the counties shipped are known; a deployment adds its own file."""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class SubDivision:
    code: str  # 12 digits
    name: str
    parent_code: str  # the county (6 digits) for a street, the street for a community

    @property
    def is_street(self) -> bool:
        return self.code.endswith("000")

    @property
    def short_name(self) -> str:
        """「交通巷社区居民委员会」→「交通巷社区」: the committee's name without the committee."""
        for suffix in ("居民委员会", "村民委员会"):
            if self.name.endswith(suffix):
                return self.name.removesuffix(suffix) + ("" if suffix[0] == "居" else "村")
        return self.name


@functools.cache
def county_table(county_code: str) -> dict[str, SubDivision]:
    """The streets and communities of ``county_code``, by code; empty if none is shipped."""
    path = resources.files("fangkong.grid").joinpath(f"data/divisions_{county_code}.csv")
    if not county_code.isdigit() or not path.is_file():
        return {}
    lines = (line for line in io.StringIO(path.read_text("utf-8")) if not line.startswith("#"))
    return {
        row["code"]: SubDivision(row["code"], row["name"], row["parent_code"])
        for row in csv.DictReader(lines)
    }


def sub_division(code: str) -> SubDivision | None:
    if len(code) != 12 or not code.isdigit():
        return None
    return county_table(code[:6]).get(code)
