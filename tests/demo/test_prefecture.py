"""The demo prefecture's specs: pure data, no database."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from fangkong.demo import prefecture
from fangkong.demo.people import apportion
from fangkong.demo.prefecture import LOGINS, Prefecture, build
from fangkong.lib import coords, divisions
from fangkong.lib.phone import is_valid_phone
from fangkong.org.choices import Rank, RoleCode, StaffKind, UnitKind
from fangkong.sites.choices import SiteKind, SiteStatus

ROOT = Path(__file__).resolve().parents[2]
OUTLINE = ROOT / "fangkong/static/geo/zhangye.geojson"
ROAD_KINDS = set(SiteKind.values) - {SiteKind.CITY_INTERSECTION, SiteKind.COMMUNITY_GATE}


@pytest.fixture(scope="module")
def demo() -> Prefecture:
    return build()


def _kinds(items) -> Counter[str]:
    return Counter(item.kind for item in items)


def test_units_form_one_tree_with_consistent_paths(demo: Prefecture) -> None:
    assert _kinds(demo.units) == {
        UnitKind.DETACHMENT: 1,
        UnitKind.COMMAND_CENTRE: 1,
        UnitKind.BRIGADE: 6,
        UnitKind.SQUAD: 17,
        UnitKind.STATION: 6,
    }
    codes = [unit.code for unit in demo.units]
    assert len(set(codes)) == len(codes)
    for unit in demo.units:
        parent_path = demo.unit(unit.parent_code).path if unit.parent_code else "/"
        assert unit.path == f"{parent_path}{unit.code}/"
        assert re.fullmatch(r"6207\d{8}", unit.code)
    squads = Counter(unit.parent_code for unit in demo.units if unit.kind == UnitKind.SQUAD)
    assert all(2 <= count <= 4 for count in squads.values())
    names = {unit.name for unit in demo.units if unit.kind == UnitKind.BRIGADE}
    assert names == {"甘州大队", "临泽大队", "高台大队", "山丹大队", "民乐大队", "肃南大队"}


def test_sites_by_kind(demo: Prefecture) -> None:
    kinds = _kinds(demo.sites)
    assert sum(kinds[kind] for kind in ROAD_KINDS) == 46
    assert kinds[SiteKind.CITY_INTERSECTION] == 34
    assert kinds[SiteKind.COMMUNITY_GATE] == 15
    assert kinds[SiteKind.TOLL_STATION] == 10
    assert set(kinds) <= set(SiteKind.values)
    codes = [site.code for site in demo.sites]
    assert len(set(codes)) == len(codes)
    assert "G30连霍高速张掖东收费站" in {site.name for site in demo.sites}
    assert "甘州区南大街与县府街交叉口" in {site.name for site in demo.sites}


def _outline() -> dict[str, list]:
    features = json.loads(OUTLINE.read_text(encoding="utf-8"))["features"]
    shapes = {}
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        shapes[feature["properties"]["adcode"]] = (
            polygons if geometry["type"] == "MultiPolygon" else [polygons]
        )
    return shapes


def _in_ring(lng: float, lat: float, ring: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring[-1:] + ring[:-1], ring, strict=True):
        if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_every_site_lies_in_china_and_in_its_own_county(demo: Prefecture) -> None:
    shapes = _outline()
    for site in demo.sites:
        assert coords.in_china(site.lng, site.lat), site.name
        assert divisions.division_is_valid(site.division_code), site.code
        polygons = shapes[site.division_code]
        assert any(_in_ring(site.lng, site.lat, polygon[0]) for polygon in polygons), site.name


def test_units_have_zhangye_division_codes(demo: Prefecture) -> None:
    for unit in demo.units:
        assert divisions.division_is_valid(unit.division_code)
        assert unit.division_code.startswith("6207")


def test_requirements_and_history(demo: Prefecture) -> None:
    for site in demo.sites:
        assert site.lanes >= 1
        assert site.required_auxiliaries >= 1
        assert site.history[0].status == SiteStatus.OPEN
        moments = [change.after for change in site.history]
        assert moments == sorted(moments)
        assert moments[-1].days < prefecture.RESPONSE_DAYS
        assert {change.status for change in site.history} <= set(SiteStatus.values)
        assert all(change.reason for change in site.history)
    toll = next(site for site in demo.sites if site.kind == SiteKind.TOLL_STATION)
    assert (toll.required_officers, toll.required_auxiliaries) == (2, 3)
    statuses = Counter(site.status for site in demo.sites)
    assert statuses[SiteStatus.OPEN] > 80
    assert statuses[SiteStatus.CLOSED] >= 1
    assert statuses[SiteStatus.SUSPENDED] >= 1


OFFICERS, AUXILIARIES = 546, 586


def test_staff_numbers_and_kinds(demo: Prefecture) -> None:
    kinds = _kinds(demo.staff)
    assert len(demo.staff) == 1172
    # Grid workers of the demo are the stations' own staff (fangkong/demo/keypersons.py).
    assert set(kinds) == set(StaffKind.values) - {StaffKind.GRID_WORKER}
    assert kinds[StaffKind.OFFICER] == OFFICERS
    assert kinds[StaffKind.AUXILIARY] == AUXILIARIES
    assert kinds[StaffKind.CIVILIAN] == 40


def test_every_unit_has_the_front_line_its_open_sites_need(demo: Prefecture) -> None:
    """Six shifts in any seven days, and a fifth more in reserve; one squad is short."""
    for unit in demo.units:
        sites = [s for s in demo.sites if s.unit_code == unit.code and s.status == "open"]
        if not sites:
            continue
        people = [p for p in demo.staff if p.unit_code == unit.code and p.site_codes]
        officers = sum(1 for p in people if p.kind == StaffKind.OFFICER)
        auxiliaries = sum(1 for p in people if p.kind == StaffKind.AUXILIARY)
        daily_officers = 3 * sum(max(s.required_officers, 1) for s in sites)
        daily_auxiliaries = 3 * sum(s.required_auxiliaries for s in sites)
        share = 0.8 if unit.name == "甘州大队城郊中队" else 1.2
        assert officers >= daily_officers * 7 / 6 * share - 1, unit.name
        assert auxiliaries >= daily_auxiliaries * 7 / 6 * share - 1, unit.name
        if share < 1:
            assert officers < daily_officers * 7 / 6, "the short squad is short"


def test_badges_phones_and_names_are_unique_and_valid(demo: Prefecture) -> None:
    badges = [person.badge_number for person in demo.staff]
    assert len(set(badges)) == len(badges)
    patterns = {
        StaffKind.OFFICER: r"\d{6}",
        StaffKind.AUXILIARY: r"F\d{6}",
        StaffKind.CIVILIAN: r"W\d{6}",
    }
    for person in demo.staff:
        assert re.fullmatch(patterns[person.kind], person.badge_number)
        # Badge numbers start with the number of the person's brigade (or headquarters).
        assert person.badge_number.lstrip("FW")[:2] == demo.unit(person.unit_code).badge_prefix
        assert is_valid_phone(person.phone)
        assert 2 <= len(person.name) <= 3
        assert re.fullmatch(r"[\u4e00-\u9fff]+", person.name)
    phones = [person.phone for person in demo.staff]
    assert len(set(phones)) == len(phones)
    prefixes = {unit.badge_prefix for unit in demo.units}
    assert prefixes == {"10", "11", "21", "22", "23", "24", "25", "26"}
    assert demo.login_staff("officer").badge_number.startswith("21")


def test_ranks_positions_and_roles(demo: Prefecture) -> None:
    for person in demo.staff:
        if person.kind == StaffKind.OFFICER:
            assert person.rank in Rank.values
        else:
            assert person.rank == ""
        assert person.position
        assert set(person.roles) <= set(RoleCode.values)
    roles = Counter(role for person in demo.staff for role in person.roles)
    assert roles[RoleCode.COMMANDER] == 2
    assert roles[RoleCode.DUTY_LEADER] > 40
    assert roles[RoleCode.ANALYST] >= 10
    assert roles[RoleCode.LOGISTICS] >= 6


def test_every_site_is_staffed_from_its_own_unit_for_a_shift_or_more(demo: Prefecture) -> None:
    sites = {site.code: site for site in demo.sites}
    assigned: dict[str, Counter[str]] = {code: Counter() for code in sites}
    for person in demo.staff:
        for code in person.site_codes:
            assert sites[code].unit_code == person.unit_code
            assert RoleCode.CHECKPOINT in person.roles
            assigned[code][person.kind] += 1
    for code, site in sites.items():
        assert assigned[code][StaffKind.OFFICER] >= site.required_officers, site.name
        assert assigned[code][StaffKind.AUXILIARY] >= site.required_auxiliaries, site.name


def test_demo_logins_and_what_they_see(demo: Prefecture) -> None:
    commander, brigade, officer, analyst = (demo.login_staff(name) for name in LOGINS)
    assert demo.unit(commander.unit_code).kind == UnitKind.DETACHMENT
    assert commander.roles == (RoleCode.COMMANDER,)
    assert demo.unit(brigade.unit_code).name == "甘州大队"
    assert set(brigade.roles) == {RoleCode.UNIT_ADMIN, RoleCode.DUTY_LEADER}
    assert officer.kind == StaffKind.OFFICER and officer.roles == (RoleCode.CHECKPOINT,)
    (site_code,) = officer.site_codes
    assert next(s for s in demo.sites if s.code == site_code).name.startswith("G30")
    assert officer.unit_code in {u.code for u in demo.units_for_unit_code(brigade.unit_code)}
    assert demo.unit(analyst.unit_code).kind == UnitKind.COMMAND_CENTRE
    assert RoleCode.ANALYST in analyst.roles

    assert demo.sites_for_login("commander") == demo.sites
    assert len(demo.sites_for_login("brigade")) == 46
    assert all(s.division_code == "620702" for s in demo.sites_for_login("brigade"))
    assert len(demo.sites_for_login("officer")) == 4
    assert demo.sites_for_login("analyst") == demo.sites  # the command centre serves the detachment


def test_same_seed_same_specs_other_seed_other_people() -> None:
    first, again, other = build(seed=7), build(seed=7), build(seed=8)
    assert first == again
    assert [s.code for s in first.sites] == [s.code for s in other.sites]
    assert [p.badge_number for p in first.staff] == [p.badge_number for p in other.staff]
    assert [p.name for p in first.staff] != [p.name for p in other.staff]
    assert build() == build(seed=prefecture.DEFAULT_SEED)


# Kinds of the public-security grid (issue 19) that the traffic detachment's demo does not use.
GRID_ONLY_UNIT_KINDS = {UnitKind.CITY_BUREAU, UnitKind.BRANCH_BUREAU, UnitKind.POLICE_OFFICE}


def test_spec_constants_match_the_model_choices() -> None:
    assert {
        prefecture.DETACHMENT,
        prefecture.COMMAND_CENTRE,
        prefecture.BRIGADE,
        prefecture.SQUAD,
        prefecture.STATION,
    } == set(UnitKind.values) - GRID_ONLY_UNIT_KINDS
    staff_kinds = set(StaffKind.values) - {StaffKind.GRID_WORKER}
    assert {prefecture.OFFICER, prefecture.AUXILIARY, prefecture.CIVILIAN} == staff_kinds


def test_apportion_shares_out_exactly() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(7, [0, 2, 5]) == [0, 2, 5]
    assert apportion(5, [0, 0]) == [0, 0]
    assert sum(apportion(258, [5, 9, 13, 2])) == 258


def test_specs_do_not_depend_on_the_process() -> None:
    """String hashing is randomised per process; the specs must not notice."""
    script = (
        "import hashlib; from fangkong.demo.prefecture import build; "
        "print(hashlib.sha256(repr(build(seed=5)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(repr(build(seed=5)).encode()).hexdigest() + "\n"}
