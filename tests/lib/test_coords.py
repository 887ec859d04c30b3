from __future__ import annotations

import random

import pytest

from fangkong.lib.coords import distance_m, gcj02_to_wgs84, in_china, wgs84_to_gcj02

# (WGS-84 lng, lat) -> (GCJ-02 lng, lat), from the test suite of googollee/eviltransform
# (python/test.py and go/transform_test.go, MIT licence): Shanghai, Shenzhen, Beijing.
EVILTRANSFORM_PAIRS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]

INSIDE = {
    "Urumqi": (87.62, 43.83),
    "Harbin": (126.63, 45.75),
    "Sanya": (109.51, 18.25),
    "Lhasa": (91.11, 29.65),
    "Zhangye": (100.45, 38.93),
    "Beijing": (116.40, 39.90),
    "Shanghai": (121.47, 31.23),
    "Hong Kong": (114.17, 22.28),
    "Macau": (113.55, 22.19),
    "Taipei": (121.56, 25.04),
    "Kashgar": (75.99, 39.47),
    "Mohe": (122.53, 52.97),
    "Hekou": (103.95, 22.52),
    "Fuyuan": (134.29, 48.36),
}
OUTSIDE = {
    "Tokyo": (139.69, 35.69),
    "Seoul": (126.98, 37.57),
    "Pyongyang": (125.75, 39.03),
    "Hanoi": (105.85, 21.03),
    "East China Sea off Shanghai": (123.5, 31.0),
    "Vladivostok": (131.9, 43.1),
    "Ulaanbaatar": (106.9, 47.9),
    "Kathmandu": (85.3, 27.7),
    "Almaty": (76.9, 43.25),
    "Manila": (120.98, 14.6),
    "Swapped Zhangye lng/lat": (38.93, 100.45),
    "Null Island": (0.0, 0.0),
}


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_PAIRS)
def test_forward_matches_published_pairs(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_PAIRS)
def test_inverse_matches_published_pairs(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    assert distance_m(*gcj02_to_wgs84(*gcj), *wgs) < 0.01


def test_tiananmen() -> None:
    # The pair quoted in many converters' READMEs, rounded there to about 20 m.
    assert wgs84_to_gcj02(116.397428, 39.90923) == pytest.approx((116.4036, 39.9105), abs=2e-4)


def test_gcoord_inverse_reference() -> None:
    # hujiulong/gcoord test/unit/crs/GCJ02.spec.js (MIT): GCJ-02 (123, 45) to WGS-84, 5 places.
    assert gcj02_to_wgs84(123, 45) == pytest.approx((122.99395597, 44.99804071), abs=1e-5)


def test_round_trip_error_is_below_half_a_metre() -> None:
    rng = random.Random(2260)
    worst = 0.0
    checked = 0
    while checked < 2000:
        lng, lat = rng.uniform(73.0, 135.0), rng.uniform(18.0, 53.5)
        if not in_china(lng, lat):
            continue
        back = gcj02_to_wgs84(*wgs84_to_gcj02(lng, lat))
        worst = max(worst, distance_m(lng, lat, *back))
        checked += 1
    assert worst < 0.5


def test_offset_is_hundreds_of_metres() -> None:
    shift = distance_m(100.45, 38.93, *wgs84_to_gcj02(100.45, 38.93))
    assert 100 < shift < 1000


@pytest.mark.parametrize(("name", "point"), sorted(INSIDE.items()))
def test_inside_china(name: str, point: tuple[float, float]) -> None:
    assert in_china(*point), name


@pytest.mark.parametrize(("name", "point"), sorted(OUTSIDE.items()))
def test_outside_china_is_not_shifted(name: str, point: tuple[float, float]) -> None:
    assert not in_china(*point), name
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_distance() -> None:
    assert distance_m(116.4, 39.9, 116.4, 39.9) == 0
    # One degree of latitude is about 111.2 km on the mean sphere.
    assert distance_m(100.0, 38.0, 100.0, 39.0) == pytest.approx(111_195, rel=1e-3)
    # Beijing to Shanghai is about 1,070 km.
    assert distance_m(116.40, 39.90, 121.47, 31.23) == pytest.approx(1_067_000, rel=0.01)
