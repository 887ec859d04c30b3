"""The catalogue and the stores are set up in the admin; the ledger is read-only there, since
every change of stock goes through a service as a new movement."""

from typing import Any

from django.contrib import admin

from fangkong.supplies.models import Batch, Item, Location, Movement


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "grade", "measure", "tracks_expiry", "active"]
    list_filter = ["category", "active"]
    search_fields = ["name", "code", "aliases"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "site", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["site"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["item", "number", "expires_on"]
    search_fields = ["number", "item__name"]


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["at", "location", "kind", "item", "quantity", "batch"]
    list_filter = ["kind"]
    date_hierarchy = "at"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
