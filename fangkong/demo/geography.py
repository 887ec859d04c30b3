"""The demo prefecture's geography: named places and the roads through them.

Coordinates are WGS-84 ``(lng, lat)``, placed by hand at the real towns, interchanges and
border crossings of Zhangye (张掖市) to a few hundred metres; the roads are polylines through
those places. It is a plausible map for a demo, not a survey. Pure data and arithmetic.
"""

from __future__ import annotations

import math
import random

Point = tuple[float, float]

# County-level divisions of Zhangye (GB/T 2260), in the order the demo lists its brigades.
GANZHOU, SUNAN, MINLE, LINZE, GAOTAI, SHANDAN = (
    "620702",
    "620721",
    "620722",
    "620723",
    "620724",
    "620725",
)
PREFECTURE = "620700"

PLACES: dict[str, Point] = {
    # 甘州区: the city, its interchanges and towns.
    "张掖城区": (100.4506, 38.9326),
    "张掖城北": (100.4520, 38.9560),
    "张掖东互通": (100.5620, 38.9030),
    "张掖互通": (100.4300, 38.8880),
    "张掖西互通": (100.3320, 38.9560),
    "张掖服务区": (100.4900, 38.8950),
    "沙井": (100.2700, 39.0300),
    "乌江": (100.4200, 39.0850),
    "靖安": (100.5200, 39.1400),
    "平山湖": (100.7300, 39.2900),
    "甘蒙界": (100.8000, 39.3700),
    "党寨": (100.5150, 38.8300),
    "甘浚": (100.2400, 38.8800),
    "张掖西站": (100.3830, 38.9310),
    "张掖站": (100.4640, 38.9780),
    "张掖汽车南站": (100.4530, 38.9130),
    "张掖甘州机场": (100.6750, 38.8020),
    "张掖市人民医院": (100.4420, 38.9370),
    "滨河新区": (100.4080, 38.9450),
    # 临泽县.
    "临泽城区": (100.1640, 39.1520),
    "临泽互通": (100.1500, 39.1250),
    "临泽服务区": (100.0900, 39.1650),
    "蓼泉": (100.0200, 39.2300),
    "板桥": (100.0800, 39.3300),
    "倪家营": (100.1100, 39.0400),
    "梨园口": (100.0600, 38.9400),
    # 高台县.
    "高台城区": (99.8190, 39.3780),
    "高台互通": (99.8300, 39.3550),
    "高台服务区": (99.9400, 39.3000),
    "南华": (99.6600, 39.4100),
    "黑泉": (99.6000, 39.4400),
    "罗城": (99.6000, 39.7200),
    "新坝": (99.8500, 39.2600),
    "新坝南": (99.7800, 39.1400),
    "高台城关": (99.8100, 39.3850),
    # 山丹县.
    "山丹城区": (101.0880, 38.7850),
    "永山界": (101.5800, 38.5900),
    "峡口": (101.3300, 38.7200),
    "山丹东互通": (101.1700, 38.7700),
    "山丹互通": (101.0600, 38.7680),
    "山丹服务区": (101.2400, 38.7450),
    "东乐": (100.8600, 38.8200),
    "位奇": (101.1200, 38.6400),
    "大马营": (101.1700, 38.4000),
    # 民乐县.
    "民乐城区": (100.8130, 38.4310),
    "六坝": (100.7200, 38.5600),
    "民乐站": (100.7650, 38.5200),
    "民乐互通": (100.7950, 38.4600),
    "南丰": (100.8800, 38.3200),
    "扁都口": (100.9400, 38.2200),
    "永固": (100.9500, 38.3900),
    # 肃南裕固族自治县: the county seat and its separate parts.
    "红湾寺": (99.6150, 38.8370),
    "康乐": (99.8500, 38.8200),
    "明花": (99.3500, 39.4800),
    "马蹄": (100.7000, 38.3300),
    "皇城": (101.7000, 37.9500),
    "皇城南": (101.7600, 37.8200),
}

# Roads as polylines through named places, from one end to the other.
ROADS: dict[str, tuple[str, ...]] = {
    "G30": (
        "永山界",
        "峡口",
        "山丹服务区",
        "山丹东互通",
        "山丹互通",
        "东乐",
        "张掖东互通",
        "张掖服务区",
        "张掖互通",
        "张掖西互通",
        "沙井",
        "临泽互通",
        "临泽服务区",
        "蓼泉",
        "高台服务区",
        "高台互通",
        "南华",
        "明花",
    ),
    "G312": (
        "峡口",
        "山丹城区",
        "东乐",
        "张掖城北",
        "沙井",
        "临泽城区",
        "蓼泉",
        "高台城区",
        "黑泉",
    ),
    "G227": ("张掖城区", "党寨", "六坝", "民乐城区", "南丰", "扁都口"),
    "S213": ("张掖城区", "甘浚", "康乐", "红湾寺"),
    "民山公路": ("民乐城区", "永固", "位奇", "山丹城区"),
    "临肃公路": ("临泽城区", "倪家营", "梨园口"),
    "高新公路": ("高台城区", "新坝", "新坝南"),
    "平山湖公路": ("张掖城北", "靖安", "平山湖", "甘蒙界"),
    "皇城公路": ("皇城", "皇城南"),
}


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _length(a: Point, b: Point) -> float:
    # Planar length with longitude shrunk by cos(latitude): enough to share out a polyline.
    return math.hypot((b[0] - a[0]) * math.cos(math.radians(a[1])), b[1] - a[1])


def road_point(road: str, start: str, end: str, t: float) -> Point:
    """The point a fraction ``t`` of the way from ``start`` to ``end`` along ``road``."""
    names = ROADS[road]
    i, j = names.index(start), names.index(end)
    step = 1 if j >= i else -1
    points = [PLACES[name] for name in names[i : j + step : step]]
    if len(points) == 1:
        return points[0]
    legs = [_length(a, b) for a, b in zip(points, points[1:], strict=False)]
    remaining = max(0.0, min(1.0, t)) * sum(legs)
    for (a, b), leg in zip(zip(points, points[1:], strict=False), legs, strict=True):
        if remaining <= leg or leg == 0:
            return _lerp(a, b, remaining / leg if leg else 0.0)
        remaining -= leg
    return points[-1]


def jitter(rng: random.Random, point: Point, radius_deg: float) -> Point:
    """Move a point by up to ``radius_deg`` in each axis, rounded to about a metre."""
    lng = point[0] + rng.uniform(-radius_deg, radius_deg)
    lat = point[1] + rng.uniform(-radius_deg, radius_deg)
    return (round(lng, 5), round(lat, 5))
