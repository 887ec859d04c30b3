"""Key persons on the command view: the map layer's figures per community (API, scoped, the
dashboard's config points at it) and the key-person section of the daily analysis report, in
its page, its PDF and its workbook, opened again."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fangkong.command.reports import report_data
from fangkong.keypersons import services
from fangkong.keypersons.report import keyperson_section
from tests.conftest import login
from tests.grid.world import World
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db
API = "/api/v1/keypersons/map"


@pytest.fixture
def persons(world: World) -> list[Any]:
    """Three under the measure in 交通巷社区 (one followed up fully, one once and abnormal, one
    not yet) and
    one in 甘泉社区 not yet followed up; 交通巷社区 has its place on the map."""
    world.community.lng, world.community.lat = 100.45, 38.93
    world.community.save(update_fields=["lng", "lat"])
    kps = [episode(world, n) for n in (1, 2, 3)]
    kps.append(episode(world, 4, door=world.other_door, actor=world.users["station"]))
    grid = world.users["grid"]
    for _n in range(kps[0].followups_per_day):
        services.followup_record(
            actor=grid, key_person=kps[0], data=services.FollowUpIn(temperature=Decimal("36.5"))
        )
    services.followup_record(
        actor=grid, key_person=kps[1], data=services.FollowUpIn(temperature=Decimal("38.2"))
    )
    return kps


def test_map_layer_figures_per_community(world: World, persons: list[Any]) -> None:
    rows = {r["name"]: r for r in login(world.users["station"]).get(API).json()}
    assert set(rows) == {world.community.name, world.community2.name}
    first, second = rows[world.community.name], rows[world.community2.name]
    assert (first["active"], first["done"], first["missing"], first["abnormal"]) == (3, 1, 2, 1)
    assert first["state"] == "abnormal" and (first["lat"], first["lng"]) == (38.93, 100.45)
    assert second["state"] == "missing" and second["lat"] is None
    # A community officer sees their community; another county nothing of these.
    mine = login(world.users["community"]).get(API).json()
    assert [r["name"] for r in mine] == [world.community.name]
    assert login(world.users["linze_station"]).get(API).json()[0]["active"] == 0
    narrowed = login(world.users["station"]).get(API, {"unit": world.linze_station.pk}).json()
    assert narrowed == []


def test_dashboard_config_names_the_layer(world: World, persons: list[Any], tree: Any) -> None:
    page = login(world.users["station"]).get("/command/").content.decode()
    assert '"communitiesUrl": "/api/v1/keypersons/map"' in page
    assert 'id="community-legend"' in page


def test_report_section_figures(world: World, persons: list[Any], tree: Any) -> None:
    section = keyperson_section(unit_path=tree.ganzhou.path, day=timezone.localdate())
    assert (section["active"], section["started"], section["ended"]) == (4, 4, 0)
    assert section["followups"] == {"due": 4, "done": 1, "missing": 3, "abnormal": 1}
    assert section["by_category"] == [{"name": "密切接触者", "count": 4}]
    assert section["communities"][0]["name"] == world.community.name  # the most to do first
    linze = keyperson_section(unit_path=tree.linze.path, day=timezone.localdate())
    assert linze["active"] == 0 and linze["communities"] == []
    data = report_data(unit=tree.ganzhou, day=timezone.localdate())
    assert data["keypersons"]["active"] == 4
    assert "4名重点人员" in data["summary"] or "4 key persons" in data["summary"]


def test_report_page_pdf_and_workbook_have_the_section(
    world: World, persons: list[Any], tree: Any, commander: Any, tmp_path: Any
) -> None:
    client = login(commander)
    base = f"/command/reports/{tree.ganzhou.pk}/{timezone.localdate()}/"
    page = client.get(base).content.decode()
    assert 'id="report-keypersons"' in page and world.community.name in page
    pdf = client.post(base + "report.pdf", {"reason": "报送上级"})
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = text.replace(" ", "")
    assert "重点人员" in flat and world.community.name in flat
    assert "随访缺失" in flat
    book = load_workbook(BytesIO(client.post(base + "report.xlsx", {"reason": "报送上级"}).content))
    sheet = book["重点人员"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
    figures = {r[0]: r[1] for r in rows}
    assert figures["在管人数"] == 4 and figures["随访缺失"] == 3 and figures["随访异常"] == 1
    assert any(r[0] == world.community.name and r[2] == 3 for r in rows)
