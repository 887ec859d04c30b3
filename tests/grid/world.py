"""A small grid for tests: one Ganzhou police station with two communities, each with one
cell (its grid worker), a building and two doors; a Linze station with one community.

Personas: ``community`` (the officer of 交通巷社区), ``grid`` (the worker of its cell),
``grid2`` (the worker of 甘泉社区's cell), ``station`` (an officer of 东街派出所 with no
assignment, who sees both communities) and ``linze_station`` (who must be refused them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from fangkong.grid import services as grid_services
from fangkong.grid.models import Building, Community, Door, GridCell
from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Role, Unit
from tests.conftest import Tree
from tests.factories import StaffFactory, UnitFactory, UserFactory


@dataclass
class World:
    station: Unit
    linze_station: Unit
    community: Community
    community2: Community
    linze_community: Community
    cell: GridCell
    cell2: GridCell
    linze_cell: GridCell
    door: Door
    door2: Door
    other_door: Door
    users: dict[str, Any]


def persona(unit: Unit, username: str, kind: str, *roles: str) -> Any:
    user = UserFactory(username=username)
    staff = StaffFactory(unit=unit, user=user, name=username, kind=kind)
    staff.roles.set(Role.objects.filter(code__in=roles))
    return user


def _cell(community: Community, code: str, worker: Any) -> tuple[GridCell, list[Door]]:
    cell = GridCell.objects.create(
        community=community, code=code, name=f"{community.name}第一网格", worker=worker
    )
    building = Building.objects.create(cell=cell, name="1号楼", head_name="楼长甲")
    doors = [
        Door.objects.create(
            building=building,
            cell=cell,
            label=f"1单元{n}01",
            address=f"{community.name}1号楼1单元{n}01",
        )
        for n in (1, 2)
    ]
    return cell, doors


@pytest.fixture
def world(tree: Tree) -> World:
    root = _superuser()
    station = UnitFactory(code="620702200100", name="甘州区东街派出所", kind=UnitKind.STATION,
                          parent=tree.ganzhou)  # fmt: skip
    linze_station = UnitFactory(code="620723200100", name="临泽县沙河派出所",
                                kind=UnitKind.STATION, parent=tree.linze)  # fmt: skip
    users = {
        "community": persona(station, "community", StaffKind.OFFICER, RoleCode.COMMUNITY_OFFICER),
        "grid": persona(station, "grid", StaffKind.GRID_WORKER, RoleCode.GRID_WORKER),
        "grid2": persona(station, "grid2", StaffKind.GRID_WORKER, RoleCode.GRID_WORKER),
        "station": persona(station, "station", StaffKind.OFFICER, RoleCode.DUTY_LEADER),
        "linze_station": persona(
            linze_station, "linze_station", StaffKind.OFFICER, RoleCode.UNIT_ADMIN
        ),  # fmt: skip
    }
    community = grid_services.community_create(
        actor=root, code="620702001001", station=station, officer=users["community"].staff
    )
    community2 = grid_services.community_create(actor=root, code="620702001005", station=station)
    linze_community = Community.objects.create(
        code="620723100001", name="临泽测试社区", street=community.street, station=linze_station
    )
    cell, doors = _cell(community, "C1", users["grid"].staff)
    cell2, doors2 = _cell(community2, "C2", users["grid2"].staff)
    linze_cell, _doors3 = _cell(linze_community, "L1", None)
    return World(station, linze_station, community, community2, linze_community, cell, cell2,
                 linze_cell, doors[0], doors[1], doors2[0], users)  # fmt: skip


def _superuser() -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)
