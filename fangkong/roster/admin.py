from django.contrib import admin

from fangkong.roster.models import (
    Leave,
    Roster,
    RosterAssignment,
    RosterRules,
    RosterShortage,
    ShiftPattern,
)


@admin.register(ShiftPattern)
class ShiftPatternAdmin(admin.ModelAdmin):
    list_display = ("unit", "site", "kind")
    list_select_related = ("unit", "site")
    raw_id_fields = ("unit", "site")


@admin.register(RosterRules)
class RosterRulesAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "min_rest_hours",
        "max_consecutive_days",
        "max_consecutive_nights",
        "max_hours_per_week",
        "wartime",
    )
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)


@admin.register(Leave)
class LeaveAdmin(admin.ModelAdmin):
    list_display = ("staff", "starts_on", "ends_on", "kind")
    list_filter = ("kind",)
    list_select_related = ("staff",)
    raw_id_fields = ("staff",)
    date_hierarchy = "starts_on"


class AssignmentInline(admin.TabularInline):
    model = RosterAssignment
    fields = ("date", "shift", "site", "staff", "role")
    raw_id_fields = ("staff", "site")
    extra = 0


class ShortageInline(admin.TabularInline):
    model = RosterShortage
    raw_id_fields = ("site",)
    extra = 0


@admin.register(Roster)
class RosterAdmin(admin.ModelAdmin):
    list_display = ("unit", "start", "days", "status", "version", "wartime", "created_at")
    list_filter = ("status", "wartime")
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "based_on")
    readonly_fields = ("created_by", "published_by", "published_at", "summary")
    inlines = [AssignmentInline, ShortageInline]
