from __future__ import annotations

import pytest

from fangkong.lib.divisions import (
    Division,
    DivisionError,
    division_children,
    division_get,
    division_is_valid,
    division_name,
    division_path,
    division_validate,
)

ZHANGYE_COUNTIES = {
    "620702": "甘州区",
    "620721": "肃南裕固族自治县",
    "620722": "民乐县",
    "620723": "临泽县",
    "620724": "高台县",
    "620725": "山丹县",
}


def test_zhangye_prefecture() -> None:
    assert division_get("620700") == Division(
        code="620700",
        name="张掖市",
        level="prefecture",
        parent_code="620000",
        first_year=2002,
        last_year=None,
    )
    assert division_name("620000") == "甘肃省"


def test_zhangye_counties_are_current_children() -> None:
    children = division_children("620700")
    assert {child.code: child.name for child in children} == ZHANGYE_COUNTIES
    assert all(child.level == "county" and child.is_current for child in children)


@pytest.mark.parametrize(("code", "name"), sorted(ZHANGYE_COUNTIES.items()))
def test_zhangye_county_paths(code: str, name: str) -> None:
    assert division_path(code) == ("甘肃省", "张掖市", name)
    assert division_is_valid(code)


def test_historical_codes_are_kept() -> None:
    # Zhangye was a prefecture (张掖地区, 622200) until it became a city in 2002.
    old = division_validate("622200")
    assert (old.name, old.last_year, old.is_current) == ("张掖地区", 2001, False)
    assert division_is_valid("622221", year=1982)  # 张掖县, abolished in 1985
    assert not division_is_valid("622221")
    assert not division_is_valid("622221", year=1990)
    assert not division_is_valid("620700", year=1995)
    assert division_is_valid("620700", year=2010)


def test_abolished_children_only_on_request() -> None:
    assert division_children("622200") == []
    old = division_children("622200", current_only=False)
    assert "622221" in {child.code for child in old}


def test_the_whole_country_is_there() -> None:
    provinces = [d for d in map(division_get, [f"{p}0000" for p in range(11, 83)]) if d]
    current = {d.code for d in provinces if d.is_current}
    # 31 provinces, municipalities and autonomous regions, plus Taiwan, Hong Kong, Macau.
    assert len(current) == 34
    gansu_prefectures = [d for d in division_children("620000") if d.level == "prefecture"]
    assert len(gansu_prefectures) == 14
    assert len(division_children("620000", current_only=False)) > 14


def test_paths_skip_placeholder_rows() -> None:
    assert division_path("110105") == ("北京市", "朝阳区")
    assert division_path("429004") == ("湖北省", "仙桃市")
    assert division_path("110000") == ("北京市",)
    assert division_path("999999") == ()


def test_unknown_and_malformed_codes() -> None:
    assert division_get("999999") is None
    assert division_name("999999") is None
    assert not division_is_valid("999999")
    with pytest.raises(DivisionError) as excinfo:
        division_validate("999999")
    assert excinfo.value.code == "division_unknown"


@pytest.mark.parametrize("bad", ["62070", "6207000", "62070a", "", "６２０７０２", " 620702"])
def test_malformed_codes(bad: str) -> None:
    with pytest.raises(DivisionError) as excinfo:
        division_validate(bad)
    assert excinfo.value.code == "division_format"
