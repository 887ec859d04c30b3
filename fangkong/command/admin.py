from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fangkong.command.models import (
    AnalysisReport,
    OriginRollup,
    SiteDayRollup,
    SiteHourRollup,
)


class ReadOnly(admin.ModelAdmin):
    """Rollups are written by the receivers and ``rollup_rebuild`` only; reports by their
    services (sign-off freezes them), so the admin shows and never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SiteHourRollup)
class SiteHourRollupAdmin(ReadOnly):
    list_display = ["site", "hour", "persons", "vehicles", "overrides"]
    list_filter = ["site__kind"]
    date_hierarchy = "hour"


@admin.register(SiteDayRollup)
class SiteDayRollupAdmin(ReadOnly):
    list_display = ["site", "date", "persons", "outcome_persuade_return", "overrides"]
    list_filter = ["site__kind"]
    date_hierarchy = "date"


@admin.register(OriginRollup)
class OriginRollupAdmin(ReadOnly):
    list_display = ["site", "date", "origin", "count"]
    date_hierarchy = "date"


@admin.register(AnalysisReport)
class AnalysisReportAdmin(ReadOnly):
    list_display = ["unit", "day", "status", "signed_by", "signed_at"]
    list_filter = ["status"]
    date_hierarchy = "day"
