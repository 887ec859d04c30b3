"""Data for the browser tests, written into the throw-away database of ``conftest.py``.

The three personas of ``tests/conftest.py`` (commander, brigade, linze) log in with
``PASSWORD``; Ganzhou has 30 sites (10 of them in its squad) and Linze 12, so the commander
sees 42 and the Ganzhou brigade 30. A fourth user, ``jiuquan``, administers a detachment
outside Zhangye: the sites that tests add go there, so they change nobody else's counts. Run
``manage.py shell -c "import tests.browser.seed as s; s.run()"``.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Role, Unit
from fangkong.sites import services
from fangkong.sites.choices import SiteKind, SiteStatus
from tests.factories import StaffFactory, UnitFactory

PASSWORD = "fangkong-browser-1"
COUNTS = {"commander": 42, "brigade": 30, "linze": 12}

KIND_NAMES = {
    SiteKind.CHECKPOINT: "公安检查站",
    SiteKind.TOLL_STATION: "收费站",
    SiteKind.SERVICE_AREA: "服务区",
    SiteKind.NATIONAL_ROAD: "国道卡口",
    SiteKind.COUNTY_ROAD: "乡道卡口",
    SiteKind.COUNTY_BORDER: "县界卡口",
    SiteKind.TRANSPORT_HUB: "客运站",
    SiteKind.COMMUNITY_GATE: "小区卡口",
    SiteKind.CITY_INTERSECTION: "路口卡点",
    SiteKind.HOSPITAL: "定点医院",
}
PLACES = ["东", "西", "南", "北", "新墩", "党寨", "碱滩", "三闸", "梁家墩", "长安", "上秦", "大满"]


def _county_polygon(adcode: str) -> list[list[float]]:
    outline = Path(settings.BASE_DIR, "fangkong", "static", settings.MAP_OUTLINE)
    for feature in json.loads(outline.read_text())["features"]:
        if feature["properties"]["adcode"] == adcode:
            geometry = feature["geometry"]
            return geometry["coordinates"][0] if geometry["type"] == "Polygon" else []
    raise LookupError(adcode)


def _inside(ring: list[list[float]], lng: float, lat: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _points(adcode: str, n: int, rng: random.Random) -> list[tuple[float, float]]:
    ring = _county_polygon(adcode)
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    points: list[tuple[float, float]] = []
    while len(points) < n:
        lng, lat = rng.uniform(min(lngs), max(lngs)), rng.uniform(min(lats), max(lats))
        if _inside(ring, lng, lat):
            points.append((round(lng, 6), round(lat, 6)))
    return points


def _photo(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, 800, 80):
        draw.rectangle([x, 380, x + 40, 420], fill=(250, 250, 250))
    draw.rectangle([300, 150, 500, 380], fill=(60, 60, 70))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def _persona(unit: Unit, username: str, full_name: str, role: str, password: str) -> Any:
    user = get_user_model().objects.create(
        username=username, first_name=full_name, password=password
    )
    staff = StaffFactory(unit=unit, user=user, name=full_name, kind=StaffKind.OFFICER)
    staff.roles.set(Role.objects.filter(code=role))
    return user


def run() -> None:
    rng = random.Random(2020)
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    detachment = UnitFactory(code="620700", name="张掖市公安局交警支队", kind=UnitKind.DETACHMENT)
    ganzhou = UnitFactory(code="620702", name="甘州大队", kind=UnitKind.BRIGADE, parent=detachment)
    squad = UnitFactory(code="620702-1", name="甘州一中队", kind=UnitKind.SQUAD, parent=ganzhou)
    linze = UnitFactory(code="620723", name="临泽大队", kind=UnitKind.BRIGADE, parent=detachment)
    # Hashing is slow on purpose: hash the shared password once.
    hashed = make_password(PASSWORD)
    commander = _persona(detachment, "commander", "王建国", RoleCode.COMMANDER, hashed)
    _persona(ganzhou, "brigade", "李卫东", RoleCode.UNIT_ADMIN, hashed)
    _persona(linze, "linze", "张志强", RoleCode.UNIT_ADMIN, hashed)
    jiuquan = UnitFactory(code="620900", name="酒泉市公安局交警支队", kind=UnitKind.DETACHMENT)
    _persona(jiuquan, "jiuquan", "赵文明", RoleCode.COMMANDER, hashed)
    StaffFactory(unit=jiuquan, name="孙小红", kind=StaffKind.AUXILIARY, phone="13987654321")
    staff = {
        unit.pk: [
            StaffFactory(unit=unit, kind=StaffKind.OFFICER if i % 3 == 0 else StaffKind.AUXILIARY)
            for i in range(6)
        ]
        for unit in (ganzhou, squad, linze)
    }

    kinds = list(SiteKind.values)
    plan = [
        (ganzhou, "GZ", "620702", 20),
        (squad, "GZ1", "620702", 10),
        (linze, "LZ", "620723", 12),
    ]
    number = 0
    for unit, prefix, division, count in plan:
        for i, (lng, lat) in enumerate(_points(division, count, rng), start=1):
            kind = kinds[number % len(kinds)]
            number += 1
            site = services.site_create(
                actor=commander,
                code=f"{prefix}-{i:03d}",
                name=f"{rng.choice(PLACES)}{unit.name[:2]}{KIND_NAMES[kind]}{i}号",
                kind=kind,
                unit=unit,
                lng=lng,
                lat=lat,
                address=f"甘肃省张掖市{unit.name[:2]}{rng.choice(PLACES)}路{i}号",
                division_code=division,
                lanes=rng.randint(1, 6),
                required_officers=rng.randint(1, 3),
                required_auxiliaries=rng.randint(2, 4),
                notes="",
                staff_ids=[s.pk for s in staff[unit.pk][: (i % 4)]],
            )
            if i % 9 == 0:
                services.site_set_status(
                    actor=commander, site=site, status=SiteStatus.SUSPENDED, reason="大雪封路"
                )
            elif i % 11 == 0:
                services.site_set_status(
                    actor=commander, site=site, status=SiteStatus.CLOSED, reason="撤点"
                )
            if i <= 2:
                services.site_photo_add(
                    actor=commander,
                    site=site,
                    upload=_photo((40 * i, 120, 160)),
                    caption="卡口全景",
                )
