"""Reads of the grid, always scoped by :func:`fangkong.grid.scope.grid_q`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from fangkong.grid.models import Building, Community, Door, DoorVisit, GridCell, Resident
from fangkong.grid.scope import grid_q


def community_list_for_user(*, user: Any) -> QuerySet[Community]:
    scoped = Community.objects.filter(grid_q(user, community="", cell=None))
    return scoped.select_related("street", "station", "officer").order_by("code")


def community_get_for_user(*, user: Any, community_id: int) -> Community:
    return community_list_for_user(user=user).get(pk=community_id)


def cell_list_for_user(*, user: Any, community_id: int | None = None) -> QuerySet[GridCell]:
    cells = GridCell.objects.filter(grid_q(user, community="community", cell=""))
    if community_id is not None:
        cells = cells.filter(community_id=community_id)
    return cells.select_related("community", "worker").order_by("code")


def cell_get_for_user(*, user: Any, cell_id: int) -> GridCell:
    return cell_list_for_user(user=user).get(pk=cell_id)


def building_list_for_user(*, user: Any, cell_id: int | None = None) -> QuerySet[Building]:
    buildings = Building.objects.filter(grid_q(user, community="cell__community", cell="cell"))
    if cell_id is not None:
        buildings = buildings.filter(cell_id=cell_id)
    return buildings.select_related("cell").order_by("cell__code", "name", "pk")


def door_list_for_user(
    *, user: Any, cell_id: int | None = None, building_id: int | None = None
) -> QuerySet[Door]:
    doors = Door.objects.filter(grid_q(user, community="cell__community", cell="cell"))
    if cell_id is not None:
        doors = doors.filter(cell_id=cell_id)
    if building_id is not None:
        doors = doors.filter(building_id=building_id)
    return doors.select_related("building").order_by("building_id", "label", "pk")


def door_get_for_user(*, user: Any, door_id: int) -> Door:
    return door_list_for_user(user=user).get(pk=door_id)


def resident_list_for_user(
    *, user: Any, door_id: int | None = None, cell_id: int | None = None, active: bool = True
) -> QuerySet[Resident]:
    residents = Resident.objects.filter(grid_q(user, community="cell__community", cell="cell"))
    if door_id is not None:
        residents = residents.filter(door_id=door_id)
    if cell_id is not None:
        residents = residents.filter(cell_id=cell_id)
    return residents.filter(active=active).select_related("door", "person").order_by("pk")


def resident_get_for_user(*, user: Any, resident_id: int) -> Resident:
    residents = Resident.objects.filter(grid_q(user, community="cell__community", cell="cell"))
    return residents.select_related("door", "person").get(pk=resident_id)


def doors_to_sweep(
    *, user: Any, cell_ids: list[int] | None, since: datetime, limit: int
) -> list[Door]:
    """Doors of the cells (``None``: every door in scope) not visited since ``since``, the
    longest unvisited first."""
    doors = door_list_for_user(user=user)
    if cell_ids is not None:
        doors = doors.filter(cell_id__in=cell_ids)
    doors = doors.filter(Q(swept_at__isnull=True) | Q(swept_at__lt=since))
    # Never visited first on either database (PostgreSQL sorts NULL last by default).
    return list(doors.order_by(F("swept_at").asc(nulls_first=True), "pk")[:limit])


@dataclass(frozen=True)
class Coverage:
    cell_id: int
    cell: str
    community: str
    doors: int
    visited: int

    @property
    def percent(self) -> float:
        return round(100 * self.visited / self.doors, 1) if self.doors else 0.0


def sweep_coverage_for_user(
    *, user: Any, since: datetime, community_id: int | None = None
) -> list[Coverage]:
    """Per cell: its doors and how many were visited since ``since``; one query."""
    cells = cell_list_for_user(user=user, community_id=community_id)
    rows = cells.annotate(
        n_doors=Count("doors"), n_visited=Count("doors", filter=Q(doors__swept_at__gte=since))
    ).values_list("pk", "name", "community__name", "n_doors", "n_visited")
    return [Coverage(*row) for row in rows]


def visit_list_for_user(*, user: Any, door_id: int) -> QuerySet[DoorVisit]:
    door = door_get_for_user(user=user, door_id=door_id)
    return DoorVisit.objects.filter(door=door).select_related("staff").order_by("-at")
