"""The command centre's JSON API: dashboard figures from the rollups, within the caller's
jurisdiction. The dashboard page refreshes itself from ``command_dashboard``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from fangkong.command import selectors
from fangkong.command.schemas import (
    DashboardFilter,
    DashboardOut,
    HourPointOut,
    OriginOut,
    OutcomesOut,
    QuietSiteOut,
    SiteVolumeOut,
    TrendOut,
    UnitFigureOut,
)

router = Router(tags=["command"])


def _scope(request: HttpRequest, filters: DashboardFilter) -> selectors.Scope:
    return selectors.scope_for_user(user=request.user, unit_id=filters.unit, kind=filters.kind)


def _day(filters: DashboardFilter) -> date:
    return filters.day or timezone.localdate()


def _first(filters: DashboardFilter) -> date:
    return filters.first or _day(filters) - timedelta(days=13)


@router.get("/command/dashboard", response=DashboardOut, operation_id="command_dashboard")
def command_dashboard(request: HttpRequest, filters: Query[DashboardFilter]) -> dict[str, Any]:
    return selectors.dashboard(
        scope=_scope(request, filters),
        day=_day(filters),
        first=_first(filters),
        quiet_hours=filters.quiet_hours,
    )


@router.get("/command/units", response=list[UnitFigureOut], operation_id="command_unit_figures")
def command_unit_figures(
    request: HttpRequest, filters: Query[DashboardFilter]
) -> list[dict[str, Any]]:
    return selectors.unit_figures(scope=_scope(request, filters), day=_day(filters))


@router.get("/command/hourly", response=list[HourPointOut], operation_id="command_hourly")
def command_hourly(request: HttpRequest, filters: Query[DashboardFilter]) -> list[dict[str, Any]]:
    return selectors.hourly_series(scope=_scope(request, filters), day=_day(filters))


@router.get("/command/outcomes", response=OutcomesOut, operation_id="command_outcomes")
def command_outcomes(request: HttpRequest, filters: Query[DashboardFilter]) -> dict[str, int]:
    scope = _scope(request, filters)
    return selectors.outcome_split(scope=scope, first=_first(filters), last=_day(filters))


@router.get("/command/origins", response=list[OriginOut], operation_id="command_origins")
def command_origins(request: HttpRequest, filters: Query[DashboardFilter]) -> list[dict[str, Any]]:
    scope = _scope(request, filters)
    return selectors.origin_top(scope=scope, first=_first(filters), last=_day(filters))


@router.get("/command/trends", response=list[TrendOut], operation_id="command_trends")
def command_trends(request: HttpRequest, filters: Query[DashboardFilter]) -> list[dict[str, Any]]:
    scope = _scope(request, filters)
    return selectors.daily_trends(scope=scope, first=_first(filters), last=_day(filters))


@router.get("/command/quiet", response=list[QuietSiteOut], operation_id="command_quiet_sites")
def command_quiet_sites(
    request: HttpRequest, filters: Query[DashboardFilter]
) -> list[dict[str, Any]]:
    scope = _scope(request, filters)
    return selectors.quiet_sites(scope=scope, quiet_hours=filters.quiet_hours)


@router.get("/command/sites", response=list[SiteVolumeOut], operation_id="command_site_volumes")
def command_site_volumes(
    request: HttpRequest, filters: Query[DashboardFilter]
) -> list[dict[str, Any]]:
    scope = _scope(request, filters)
    return selectors.site_volumes(scope=scope, day=_day(filters), quiet_hours=filters.quiet_hours)
