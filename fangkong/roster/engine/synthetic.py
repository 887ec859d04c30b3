"""Deterministic synthetic police rostering problems shaped like Zhangye (张掖) units.

A county brigade (大队) has about 150 staff and 12 sites: mostly road checkpoints manned by one
sworn officer and two auxiliaries per shift (one auxiliary at night), and a few bigger posts at
expressway toll stations. Staff belong to squads (中队) that man three sites each; a few mobile
staff (机动) may go anywhere. Staff numbers are sized so that the demand is coverable but tight
(about 90 % of what the hour and rest limits allow). The period starts on Monday 2026-02-02 and
contains the 2026 Spring Festival holiday (15–23 February).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .police import (
    AUXILIARY,
    LEADER,
    OFFICER,
    PoliceProblem,
    ShiftRequest,
    Site,
    Staff,
)

START = date(2026, 2, 2)
SPRING_FESTIVAL = frozenset(date(2026, 2, 15) + timedelta(days=d) for d in range(9))

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉斌波宁凯龙建国志红海峰亮婷雪琳晨"

# (unit id, county, road site names); toll stations are the bigger posts.
COUNTIES = (
    (
        "ganzhou",
        "甘州",
        (
            "G30 张掖东收费站",
            "G30 张掖西收费站",
            "G227 甘州检查站",
            "G312 党寨检查站",
            "S213 碱滩检查站",
            "G312 沙井检查站",
            "甘州火车站卡口",
            "张掖西站卡口",
            "G227 安阳检查站",
            "S301 龙渠检查站",
            "乌江卡口",
            "大满卡口",
            "梁家墩卡口",
            "上秦卡口",
            "新墩卡口",
            "长安卡口",
        ),
    ),
    (
        "linze",
        "临泽",
        (
            "G30 临泽收费站",
            "G312 沙河检查站",
            "S214 板桥检查站",
            "蓼泉卡口",
            "平川卡口",
            "倪家营卡口",
            "鸭暖卡口",
            "新华卡口",
            "临泽站卡口",
            "小屯卡口",
            "五里墩卡口",
            "城关卡口",
            "丹霞口卡口",
        ),
    ),
    (
        "gaotai",
        "高台",
        (
            "G30 高台收费站",
            "G312 南华检查站",
            "S214 骆驼城检查站",
            "巷道卡口",
            "合黎卡口",
            "黑泉卡口",
            "罗城卡口",
            "宣化卡口",
            "新坝卡口",
            "高台站卡口",
            "正远卡口",
            "月牙卡口",
            "红崖子卡口",
        ),
    ),
    (
        "shandan",
        "山丹",
        (
            "G30 山丹收费站",
            "G312 东乐检查站",
            "G227 老军检查站",
            "位奇卡口",
            "陈户卡口",
            "大马营卡口",
            "霍城卡口",
            "清泉卡口",
            "山丹站卡口",
            "李桥卡口",
            "花寨卡口",
            "新河卡口",
            "峡口卡口",
        ),
    ),
    (
        "minle",
        "民乐",
        (
            "G227 扁都口检查站",
            "S301 民乐检查站",
            "G30 民乐收费站",
            "六坝卡口",
            "新天卡口",
            "南丰卡口",
            "永固卡口",
            "三堡卡口",
            "顺化卡口",
            "丰乐卡口",
            "洪水卡口",
            "南古卡口",
            "民联卡口",
        ),
    ),
    (
        "sunan",
        "肃南",
        (
            "G227 马蹄检查站",
            "S213 康乐检查站",
            "红湾寺卡口",
            "大河卡口",
            "皇城卡口",
            "祁丰卡口",
            "白银卡口",
            "明花卡口",
            "马蹄寺卡口",
            "隆畅河卡口",
            "西水卡口",
            "寺大隆卡口",
        ),
    ),
)

ROAD_POST = {"night": {OFFICER: 1, AUXILIARY: 1}, "day": {OFFICER: 1, AUXILIARY: 2},
             "evening": {OFFICER: 1, AUXILIARY: 2}}  # fmt: skip
TOLL_POST = {"night": {OFFICER: 1, AUXILIARY: 3}, "day": {OFFICER: 2, AUXILIARY: 4},
             "evening": {OFFICER: 2, AUXILIARY: 4}}  # fmt: skip
# Rural checkpoints (乡镇卡口) of the smaller counties: one officer and one auxiliary.
RURAL_POST = {shift: {OFFICER: 1, AUXILIARY: 1} for shift in ("night", "day", "evening")}
SHIFTS_PER_28_DAYS = 24  # six shifts in any seven days under the 48-hour week


@dataclass(frozen=True)
class Shape:
    staff: int = 150
    sites: int = 12
    days: int = 28
    leaders: int = 6
    squad_size: int = 3  # sites per squad
    mobile_share: float = 0.15
    leave_share: float = 0.1  # staff with a block of leave
    request_share: float = 0.15  # staff with a request
    tolls: int | None = None  # toll stations (bigger posts); None: one in six sites
    road_sites: int | None = None  # 1 + 2 road checkpoints; None: all the others


def brigade(seed: int = 0, shape: Shape | None = None, unit: int = 0) -> PoliceProblem:
    """One county brigade (默认 甘州 brigade, ≈150 staff, 12 sites, 28 days)."""
    shape = shape or Shape()
    rng = random.Random(seed * 1000 + unit)
    sites, staff = _unit(rng, shape, unit)
    return PoliceProblem(
        start=START,
        days=shape.days,
        sites=tuple(sites),
        staff=tuple(staff),
        holidays=SPRING_FESTIVAL,
        requests=_requests(rng, staff, shape),
    )


def detachment(seed: int = 0, staff: int = 800, sites: int = 80, days: int = 28) -> PoliceProblem:
    """Six county brigades of one detachment (支队), with some staff shared between two.

    Ganzhou, the city brigade, has two toll stations and more road checkpoints; the smaller
    counties one toll station, two road checkpoints and rural checkpoints (one officer and one
    auxiliary a shift). Staff are shared out in proportion to each brigade's demand.
    """
    rng = random.Random(seed)
    site_counts = _apportion(sites, [len(c[2]) for c in COUNTIES])
    shapes = [
        Shape(sites=n, days=days, tolls=max(1, n // 8), road_sites=n * 3 // 8)
        if unit == 0
        else Shape(sites=n, days=days, tolls=1, road_sites=n // 6)
        for unit, n in enumerate(site_counts)
    ]
    demand = [_shape_demand(shape) for shape in shapes]
    leaders = sum(shape.leaders for shape in shapes)
    staff_counts = _apportion(staff - leaders, demand)
    all_sites: list[Site] = []
    all_staff: list[Staff] = []
    requests: list[ShiftRequest] = []
    for unit, (shape, n_staff) in enumerate(zip(shapes, staff_counts, strict=True)):
        shape = replace(shape, staff=n_staff + shape.leaders)
        unit_sites, unit_staff = _unit(random.Random(seed * 1000 + unit), shape, unit)
        all_sites += unit_sites
        all_staff += unit_staff
        requests += _requests(rng, unit_staff, shape)
    all_staff = _share(rng, all_staff, all_sites)
    return PoliceProblem(
        start=START,
        days=days,
        sites=tuple(all_sites),
        staff=tuple(all_staff),
        holidays=SPRING_FESTIVAL,
        requests=tuple(requests),
    )


def _site_mix(shape: Shape) -> list[tuple[str, dict]]:
    tolls = max(1, shape.sites // 6) if shape.tolls is None else shape.tolls
    roads = shape.sites - tolls if shape.road_sites is None else shape.road_sites
    return [
        ("toll_station", TOLL_POST)
        if i < tolls
        else ("checkpoint", ROAD_POST)
        if i < tolls + roads
        else ("rural_checkpoint", RURAL_POST)
        for i in range(shape.sites)
    ]


def _shape_demand(shape: Shape) -> int:
    return sum(sum(n.values()) for _, needs in _site_mix(shape) for n in needs.values())


def _unit(rng: random.Random, shape: Shape, unit: int) -> tuple[list[Site], list[Staff]]:
    unit_id, county, names = COUNTIES[unit % len(COUNTIES)]
    sites = [
        Site(f"{unit_id}-{i + 1:02d}", names[i % len(names)], needs, unit_id, kind)
        for i, (kind, needs) in enumerate(_site_mix(shape))
    ]
    squads = [sites[i : i + shape.squad_size] for i in range(0, len(sites), shape.squad_size)]
    staff = _leaders(rng, shape, unit_id, county)
    for role in (OFFICER, AUXILIARY):
        staff += _role_staff(rng, shape, unit_id, county, role, squads, len(staff))
    return sites, staff


def _leaders(rng: random.Random, shape: Shape, unit: str, county: str) -> list[Staff]:
    return [
        Staff(f"{unit}-L{i + 1:02d}", _name(rng), frozenset({LEADER}), unit=unit)
        for i in range(shape.leaders)
    ]


def _role_staff(rng, shape, unit, county, role, squads, numbered) -> list[Staff]:
    demand = [sum(_daily(s, role) for s in squad) for squad in squads]
    # The staff this role gets out of the unit's total, in proportion to its demand.
    per_day = {r: sum(_daily(s, r) for sq in squads for s in sq) for r in (OFFICER, AUXILIARY)}
    share = per_day[role] / sum(per_day.values())
    count = round((shape.staff - shape.leaders) * share)
    mobile = round(count * shape.mobile_share)
    per_squad = _apportion(count - mobile, demand)
    result: list[Staff] = []
    for squad, size in zip(squads, per_squad, strict=True):
        ids = frozenset(s.id for s in squad)
        for k in range(size):
            result.append(
                _staff(
                    rng, shape, unit, role, numbered + len(result), ids, squad[k % len(squad)].id
                )
            )
    for _ in range(mobile):
        result.append(_staff(rng, shape, unit, role, numbered + len(result), None, None))
    return result


def _staff(rng, shape, unit, role, number, sites, home) -> Staff:
    leave: frozenset[date] = frozenset()
    if rng.random() < shape.leave_share:
        first = rng.randrange(shape.days)
        leave = frozenset(START + timedelta(days=first + d) for d in range(rng.randint(3, 7)))
    return Staff(
        id=f"{unit}-{'M' if role == OFFICER else 'F'}{number + 1:03d}",
        name=_name(rng),
        roles=frozenset({role}),
        unit=unit,
        sites=sites,
        home_site=home,
        leave=leave,
    )


def _requests(rng: random.Random, staff: list[Staff], shape: Shape) -> tuple[ShiftRequest, ...]:
    requests = []
    for person in staff:
        if rng.random() >= shape.request_share:
            continue
        day = START + timedelta(days=rng.randrange(shape.days))
        if rng.random() < 0.7:
            requests.append(ShiftRequest(person.id, day, None, on=False))
        elif LEADER not in person.roles:
            requests.append(ShiftRequest(person.id, day, rng.choice(("day", "evening")), on=True))
    return tuple(requests)


def _share(rng: random.Random, staff: list[Staff], sites: list[Site]) -> list[Staff]:
    """Let about 5 % of officers and auxiliaries also serve a neighbouring county's squad."""
    units = [c[0] for c in COUNTIES]
    result = []
    for person in staff:
        if LEADER in person.roles or person.sites is None or rng.random() >= 0.05:
            result.append(person)
            continue
        other = units[(units.index(person.unit) + 1) % len(units)]
        theirs = [s.id for s in sites if s.unit == other]
        if not theirs:
            result.append(person)
            continue
        first = rng.randrange(0, len(theirs), 3)
        extra = frozenset(theirs[first : first + 3])
        result.append(
            Staff(
                person.id,
                person.name,
                person.roles,
                unit=person.unit,
                shared_units=frozenset({other}),
                sites=person.sites | extra,
                home_site=person.home_site,
                leave=person.leave,
            )
        )
    return result


def _daily(site: Site, role: str) -> int:
    return sum(needs.get(role, 0) for needs in site.requirements.values())


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def capacity_report(problem: PoliceProblem) -> dict[str, float]:
    """Demand over the most the staff could work (six shifts a week), per role."""
    days = problem.days
    result = {}
    for role in (OFFICER, AUXILIARY):
        need = days * sum(_daily(s, role) for s in problem.sites)
        people = [p for p in problem.staff if role in p.roles]
        avail = sum(days - len(p.leave) for p in people)
        result[role] = need / (avail * SHIFTS_PER_28_DAYS / 28) if avail else math.inf
    return result
