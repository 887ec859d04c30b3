from django.contrib import admin

from fangkong.org.models import Role, Staff, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.path = obj.build_path()
        super().save_model(request, obj, form, change)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "badge_number", "kind", "rank", "unit", "active"]
    list_filter = ["kind", "active", "roles"]
    search_fields = ["name", "badge_number"]
    autocomplete_fields = ["unit", "user"]
    filter_horizontal = ["roles"]
    exclude = ["phone"]


admin.site.register(Role)
