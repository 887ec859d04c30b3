from django.contrib import admin

from fangkong.sites.models import Site, SitePhoto, SiteStatusChange


class PhotoInline(admin.TabularInline):
    model = SitePhoto
    extra = 0
    fields = ["image", "caption", "width", "height"]
    readonly_fields = ["width", "height"]


class StatusInline(admin.TabularInline):
    model = SiteStatusChange
    extra = 0
    readonly_fields = ["recorded_at"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "unit", "status", "lanes"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "code", "address"]
    autocomplete_fields = ["unit"]
    inlines = [StatusInline, PhotoInline]
