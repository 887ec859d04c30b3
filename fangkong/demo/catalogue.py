"""What the demo prefecture holds: its brigades, squads and stations, and every site.

Hand-written data, read by :mod:`fangkong.demo.prefecture`, which turns it into specs. Names
follow the way Zhangye's traffic police name things (roads, interchanges, towns); the status
histories and staffing levels are invented. Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass

from fangkong.demo.geography import GANZHOU, GAOTAI, LINZE, MINLE, SHANDAN, SUNAN

# Site kinds, as in ``fangkong.sites.choices.SiteKind`` (this module does not import Django).
TOLL = "toll_station"
SERVICE = "service_area"
NATIONAL = "national_road"
CHECKPOINT = "checkpoint"
BORDER = "county_border"
COUNTY_ROAD = "county_road"
HUB = "transport_hub"
HOSPITAL = "hospital"
INTERSECTION = "city_intersection"
GATE = "community_gate"

# Sworn officers and auxiliaries per shift, and lanes, by kind of site.
REQUIREMENTS: dict[str, tuple[int, int]] = {
    TOLL: (2, 3),
    SERVICE: (1, 2),
    NATIONAL: (2, 2),
    CHECKPOINT: (2, 3),
    BORDER: (1, 2),
    COUNTY_ROAD: (1, 2),
    HUB: (1, 2),
    HOSPITAL: (1, 1),
    INTERSECTION: (1, 1),
    GATE: (0, 1),
}
LANES: dict[str, int] = {
    TOLL: 4,
    SERVICE: 2,
    NATIONAL: 2,
    CHECKPOINT: 2,
    BORDER: 2,
    COUNTY_ROAD: 1,
    HUB: 2,
    HOSPITAL: 1,
    INTERSECTION: 4,
    GATE: 1,
}
# The letter in a site code (``620702-T01``) for each kind.
CODE_LETTERS: dict[str, str] = {
    TOLL: "T",
    SERVICE: "S",
    NATIONAL: "N",
    CHECKPOINT: "C",
    BORDER: "B",
    COUNTY_ROAD: "R",
    HUB: "H",
    HOSPITAL: "Q",
    INTERSECTION: "X",
    GATE: "G",
}


@dataclass(frozen=True)
class At:
    """At a named place of :data:`fangkong.demo.geography.PLACES`."""

    place: str


@dataclass(frozen=True)
class On:
    """A fraction ``t`` of the way along a whole road of :data:`~geography.ROADS`."""

    road: str
    t: float


@dataclass(frozen=True)
class Near:
    """An offset in degrees from a named place (city streets, community gates)."""

    place: str
    dlng: float
    dlat: float


Where = At | On | Near


@dataclass(frozen=True)
class Event:
    """A status change after the site opened: ``day`` days into the response."""

    status: str
    day: int
    reason: str


@dataclass(frozen=True)
class SiteDef:
    county: str
    unit: str  # the squad's or station's short name within the county's brigade
    kind: str
    name: str
    where: Where
    address: str  # below the county: town and road
    road: str = ""
    lanes: int = 0  # 0: the kind's default
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class BrigadeDef:
    county: str
    name: str  # 甘州大队
    county_name: str  # 甘州区, as people say it (肃南县, not 肃南裕固族自治县)
    badge_prefix: str
    squads: tuple[str, ...]
    stations: tuple[str, ...] = ()


DETACHMENT_NAME = "张掖市公安局交通警察支队"
COMMAND_CENTRE_NAME = "张掖市公安局交通警察支队指挥中心"
DETACHMENT_BADGE_PREFIX = "10"
COMMAND_CENTRE_BADGE_PREFIX = "11"

BRIGADES: tuple[BrigadeDef, ...] = (
    BrigadeDef(
        GANZHOU,
        "甘州大队",
        "甘州区",
        "21",
        ("城区一中队", "城区二中队", "高速公路中队", "城郊中队"),
        ("东街派出所", "西街派出所", "南街派出所"),
    ),
    BrigadeDef(LINZE, "临泽大队", "临泽县", "22", ("城区中队", "高速公路中队", "农村公路中队"),
               ("沙河派出所",)),
    BrigadeDef(GAOTAI, "高台大队", "高台县", "23", ("城区中队", "高速公路中队", "农村公路中队"),
               ("城关派出所",)),
    BrigadeDef(SHANDAN, "山丹大队", "山丹县", "24", ("城区中队", "高速公路中队", "农村公路中队"),
               ("清泉派出所",)),
    BrigadeDef(MINLE, "民乐大队", "民乐县", "25", ("城区中队", "公路中队")),
    BrigadeDef(SUNAN, "肃南大队", "肃南县", "26", ("红湾寺中队", "皇城中队")),
)  # fmt: skip

OPENING_REASON = "按市疫情防控指挥部部署设立"
LATE_OPENING_REASON = "根据疫情防控需要增设"
GATE_OPENING_REASON = "社区实行封闭式管理，设立卡口"
INTERSECTION_CLOSING = Event("closed", 28, "城区交通管控措施调整，撤除路口检查点")

_G, _L, _T, _S, _M, _N = GANZHOU, LINZE, GAOTAI, SHANDAN, MINLE, SUNAN

# The road network's posts: expressway toll stations and service areas, national and
# provincial roads, permanent police checkpoints at the province borders, county-border posts,
# township roads, stations and the airport, hospitals and quarantine sites.
ROAD_SITES: tuple[SiteDef, ...] = (
    # 甘州大队
    SiteDef(_G, "高速公路中队", TOLL, "G30连霍高速张掖东收费站", At("张掖东互通"),
            "碱滩镇G30连霍高速张掖东出口", "G30", lanes=6),
    SiteDef(_G, "高速公路中队", TOLL, "G30连霍高速张掖收费站", At("张掖互通"),
            "长安镇G30连霍高速张掖出口", "G30", lanes=8),
    SiteDef(_G, "高速公路中队", TOLL, "G30连霍高速张掖西收费站", At("张掖西互通"),
            "新墩镇G30连霍高速张掖西出口", "G30",
            events=(Event("closed", 18, "车流量小，经市指挥部批准撤并至张掖收费站"),)),
    SiteDef(_G, "高速公路中队", SERVICE, "G30连霍高速张掖服务区", At("张掖服务区"),
            "上秦镇G30连霍高速张掖服务区", "G30",
            events=(Event("suspended", 22, "服务区暂停营业，执勤力量调整至张掖东收费站"),)),
    SiteDef(_G, "城郊中队", NATIONAL, "G312线甘州区沙井检查点", At("沙井"),
            "沙井镇G312线", "G312"),
    SiteDef(_G, "城郊中队", NATIONAL, "G227线甘州区党寨检查点", At("党寨"),
            "党寨镇G227线", "G227"),
    SiteDef(_G, "城郊中队", BORDER, "G227线张掖—民乐界检查点", On("G227", 0.262),
            "花寨乡G227线甘州—民乐交界处", "G227"),
    SiteDef(_G, "城郊中队", BORDER, "G312线甘州—临泽界检查点", On("G312", 0.630),
            "沙井镇G312线甘州—临泽交界处", "G312"),
    SiteDef(_G, "城郊中队", BORDER, "S213线甘州—肃南界检查点", On("S213", 0.380),
            "甘浚镇S213线甘州—肃南交界处", "S213"),
    SiteDef(_G, "城郊中队", COUNTY_ROAD, "甘州区乌江镇乡村道路卡口", At("乌江"),
            "乌江镇乡村道路", ""),
    SiteDef(_G, "城郊中队", CHECKPOINT, "甘州区平山湖甘蒙界公安检查站", At("甘蒙界"),
            "平山湖蒙古族乡甘肃—内蒙古交界处", "平山湖公路"),
    SiteDef(_G, "城区一中队", HUB, "兰新高铁张掖西站出站口检查点", At("张掖西站"),
            "西洞镇张掖西站站前广场", ""),
    SiteDef(_G, "城区一中队", HUB, "兰新铁路张掖站出站口检查点", At("张掖站"),
            "火车站街道张掖站站前广场", ""),
    SiteDef(_G, "城区一中队", HUB, "张掖汽车南站检查点", At("张掖汽车南站"),
            "南街街道张掖汽车南站", ""),
    SiteDef(_G, "城区二中队", HUB, "张掖甘州机场到达口检查点", At("张掖甘州机场"),
            "碱滩镇张掖甘州机场航站楼", "",
            events=(Event("suspended", 6, "航班临时停飞，机场检查点暂停执勤"),)),
    SiteDef(_G, "城区二中队", HOSPITAL, "张掖市人民医院发热门诊卡口", At("张掖市人民医院"),
            "西街街道张掖市人民医院", ""),
    SiteDef(_G, "城区二中队", HOSPITAL, "甘州区滨河新区集中医学观察点", At("滨河新区"),
            "新墩镇滨河新区", ""),
    # 临泽大队
    SiteDef(_L, "高速公路中队", TOLL, "G30连霍高速临泽收费站", At("临泽互通"),
            "沙河镇G30连霍高速临泽出口", "G30"),
    SiteDef(_L, "高速公路中队", SERVICE, "G30连霍高速临泽服务区", At("临泽服务区"),
            "鸭暖镇G30连霍高速临泽服务区", "G30"),
    SiteDef(_L, "农村公路中队", NATIONAL, "G312线临泽县蓼泉检查点", At("蓼泉"),
            "蓼泉镇G312线", "G312"),
    SiteDef(_L, "农村公路中队", BORDER, "G312线临泽—高台界检查点", On("G312", 0.797),
            "蓼泉镇G312线临泽—高台交界处", "G312"),
    SiteDef(_L, "农村公路中队", BORDER, "临肃公路临泽—肃南界检查点", On("临肃公路", 0.750),
            "倪家营镇临肃公路临泽—肃南交界处", "临肃公路"),
    SiteDef(_L, "农村公路中队", COUNTY_ROAD, "临泽县板桥镇乡村道路卡口", At("板桥"),
            "板桥镇乡村道路", ""),
    SiteDef(_L, "城区中队", HOSPITAL, "临泽县集中医学观察点", Near("临泽城区", 0.006, -0.004),
            "沙河镇", ""),
    # 高台大队
    SiteDef(_T, "高速公路中队", TOLL, "G30连霍高速高台收费站", At("高台互通"),
            "城关镇G30连霍高速高台出口", "G30"),
    SiteDef(_T, "高速公路中队", TOLL, "G30连霍高速南华收费站", At("南华"),
            "南华镇G30连霍高速南华出口", "G30",
            events=(Event("closed", 25, "收费站封闭管理，车辆分流至高台收费站"),)),
    SiteDef(_T, "高速公路中队", SERVICE, "G30连霍高速高台服务区", At("高台服务区"),
            "宣化镇G30连霍高速高台服务区", "G30"),
    SiteDef(_T, "农村公路中队", NATIONAL, "G312线高台县黑泉检查点", At("黑泉"),
            "黑泉镇G312线", "G312"),
    SiteDef(_T, "农村公路中队", COUNTY_ROAD, "高台县罗城镇乡村道路卡口", At("罗城"),
            "罗城镇乡村道路", ""),
    SiteDef(_T, "农村公路中队", BORDER, "高台县新坝镇高台—肃南界检查点", On("高新公路", 0.740),
            "新坝镇高台—肃南交界处", "高新公路"),
    # 山丹大队
    SiteDef(_S, "高速公路中队", TOLL, "G30连霍高速山丹东收费站", At("山丹东互通"),
            "清泉镇G30连霍高速山丹东出口", "G30"),
    SiteDef(_S, "高速公路中队", TOLL, "G30连霍高速山丹收费站", At("山丹互通"),
            "清泉镇G30连霍高速山丹出口", "G30"),
    SiteDef(_S, "高速公路中队", TOLL, "G30连霍高速东乐收费站", At("东乐"),
            "东乐镇G30连霍高速东乐出口", "G30"),
    SiteDef(_S, "高速公路中队", SERVICE, "G30连霍高速山丹服务区", At("山丹服务区"),
            "老军乡G30连霍高速山丹服务区", "G30"),
    SiteDef(_S, "农村公路中队", CHECKPOINT, "山丹县峡口公安检查站", At("峡口"),
            "老军乡峡口G312线", "G312", lanes=4),
    SiteDef(_S, "农村公路中队", BORDER, "G312线甘州—山丹界检查点", On("G312", 0.300),
            "东乐镇G312线甘州—山丹交界处", "G312"),
    SiteDef(_S, "农村公路中队", BORDER, "民山公路山丹—民乐界检查点", On("民山公路", 0.390),
            "陈户镇民山公路山丹—民乐交界处", "民山公路"),
    SiteDef(_S, "农村公路中队", COUNTY_ROAD, "山丹县大马营镇乡村道路卡口", At("大马营"),
            "大马营镇乡村道路", ""),
    # 民乐大队
    SiteDef(_M, "公路中队", TOLL, "张扁高速民乐收费站", At("民乐互通"),
            "洪水镇张扁高速民乐出口", "张扁高速"),
    SiteDef(_M, "公路中队", CHECKPOINT, "G227线扁都口公安检查站", At("扁都口"),
            "南丰镇G227线甘肃—青海交界处", "G227",
            events=(Event("suspended", 10, "降雪封山，G227线扁都口段临时封闭"),
                    Event("open", 13, "道路恢复通行，检查站恢复执勤"))),
    SiteDef(_M, "公路中队", NATIONAL, "G227线民乐县六坝检查点", At("六坝"),
            "六坝镇G227线", "G227"),
    SiteDef(_M, "城区中队", HUB, "兰新高铁民乐站出站口检查点", At("民乐站"),
            "六坝镇民乐站站前广场", ""),
    # 肃南大队
    SiteDef(_N, "红湾寺中队", NATIONAL, "S213线肃南县康乐检查点", At("康乐"),
            "康乐镇S213线", "S213"),
    SiteDef(_N, "红湾寺中队", COUNTY_ROAD, "肃南县明花乡乡村道路卡口", At("明花"),
            "明花乡乡村道路", ""),
    SiteDef(_N, "皇城中队", CHECKPOINT, "肃南县皇城公安检查站", At("皇城南"),
            "皇城镇甘肃—青海交界处", "皇城公路"),
    SiteDef(_N, "皇城中队", COUNTY_ROAD, "肃南县马蹄藏族乡乡村道路卡口", At("马蹄"),
            "马蹄藏族乡乡村道路", ""),
)  # fmt: skip


@dataclass(frozen=True)
class Street:
    """A street of a city grid; a long street changes its name at the centre line."""

    low: str  # west of / south of the centre
    high: str  # east of / north of the centre
    middle: str  # where it meets the centre line
    offset: float  # from the centre, in degrees of longitude (N-S) or latitude (E-W)


# Ganzhou's old town: the 鼓楼 (drum tower) at the centre, ring roads around it.
GANZHOU_NS = (
    Street("滨河大道", "滨河大道", "滨河大道", -0.0426),
    Street("西环路", "西环路", "西环路", -0.0236),
    Street("南大街", "北大街", "大街", 0.0),
    Street("东环路", "东环路", "东环路", 0.0254),
)
GANZHOU_EW = (
    Street("北环路", "北环路", "北环路", 0.0214),
    Street("青年西街", "青年东街", "青年街", 0.0104),
    Street("西街", "东街", "鼓楼", 0.0),
    Street("县府街", "县府街", "县府街", -0.0056),
    Street("民主西街", "民主东街", "民主街", -0.0126),
    Street("南环路", "南环路", "南环路", -0.0216),
)
# Crossings with no post: the drum tower itself, and streets that do not reach the river.
GANZHOU_SKIP = frozenset(
    {("大街", "鼓楼"), ("滨河大道", "县府街"), ("滨河大道", "民主街"), ("滨河大道", "鼓楼")}
)
GANZHOU_CLOSED = frozenset({("滨河大道", "北环路"), ("东环路", "南环路")})

# The county seats' main crossings: (county, squad, north-south street, east-west street,
# offset from the seat).
COUNTY_INTERSECTIONS: tuple[tuple[str, str, str, str, float, float], ...] = (
    (LINZE, "城区中队", "昭武路", "北环路", 0.0, 0.008),
    (LINZE, "城区中队", "昭武路", "南环路", 0.0, -0.008),
    (LINZE, "城区中队", "东环路", "沙河街", 0.012, 0.0),
    (GAOTAI, "城区中队", "解放路", "北环路", 0.0, 0.008),
    (GAOTAI, "城区中队", "解放路", "南环路", 0.0, -0.007),
    (GAOTAI, "城区中队", "东环路", "人民路", 0.011, 0.0),
    (SHANDAN, "城区中队", "人民路", "北环路", 0.0, 0.009),
    (SHANDAN, "城区中队", "人民路", "南环路", 0.0, -0.008),
    (SHANDAN, "城区中队", "东环路", "清泉路", 0.012, 0.0),
    (MINLE, "城区中队", "中大街", "北环路", 0.0, 0.008),
    (MINLE, "城区中队", "中大街", "南环路", 0.0, -0.007),
    (MINLE, "城区中队", "东环路", "新民路", 0.010, 0.0),
    (SUNAN, "红湾寺中队", "隆畅河路", "裕固路", 0.0, 0.003),
    (SUNAN, "红湾寺中队", "隆畅河路", "祁连路", 0.004, -0.003),
)

SEATS: dict[str, str] = {
    GANZHOU: "张掖城区",
    LINZE: "临泽城区",
    GAOTAI: "高台城区",
    SHANDAN: "山丹城区",
    MINLE: "民乐城区",
    SUNAN: "红湾寺",
}

# Community gates: (county, police station, sub-district or town, communities, centre).
GATES: tuple[tuple[str, str, str, tuple[str, ...], Near], ...] = (
    (GANZHOU, "东街派出所", "东街街道", ("东关社区", "青年社区", "金安苑小区"),
     Near("张掖城区", 0.013, 0.002)),
    (GANZHOU, "西街派出所", "西街街道", ("西关社区", "西来寺社区", "润泉湖小区"),
     Near("张掖城区", -0.013, 0.002)),
    (GANZHOU, "南街派出所", "南街街道", ("南关社区", "民主社区", "南城巷小区"),
     Near("张掖城区", 0.0, -0.012)),
    (LINZE, "沙河派出所", "沙河镇", ("城关社区", "昭武社区"), Near("临泽城区", 0.0, 0.0)),
    (GAOTAI, "城关派出所", "城关镇", ("解放社区", "人民社区"), Near("高台城区", 0.0, 0.0)),
    (SHANDAN, "清泉派出所", "清泉镇", ("南关社区", "北关社区"), Near("山丹城区", 0.0, 0.0)),
)  # fmt: skip
