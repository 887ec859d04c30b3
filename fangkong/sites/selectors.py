from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse

from fangkong.core.jurisdiction import scope_q
from fangkong.sites.models import Site, SiteAssignment, SitePhoto


def site_list_for_user(
    *,
    user: Any,
    unit_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[Site]:
    sites = Site.objects.filter(scope_q(user)).select_related("unit")
    if unit_id:
        path = _unit_path(unit_id)
        # An unknown unit filters to nothing rather than to everything (a NUL sentinel here
        # was a 500 on PostgreSQL, which refuses NUL in text).
        sites = sites.filter(unit__path__startswith=path) if path else sites.none()
    if kind:
        sites = sites.filter(kind=kind)
    if status:
        sites = sites.filter(status=status)
    return sites.order_by("unit__path", "code")


def _unit_path(unit_id: int) -> str:
    from fangkong.org.models import Unit

    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""


def site_list_for_map(*, user: Any, **filters: Any) -> QuerySet[Site]:
    """Sites with what a map popup shows: the newest photo and the assigned staff count."""
    newest_photos = SitePhoto.objects.order_by("site_id", "-uploaded_at", "-id")
    return (
        site_list_for_user(user=user, **filters)
        .annotate(staff_count=Count("staff", distinct=True))
        .prefetch_related(Prefetch("photos", queryset=newest_photos))
    )


def site_get_for_user(*, user: Any, site_id: int, details: bool = False) -> Site:
    """The site, if the user's jurisdiction covers its unit; ``Site.DoesNotExist`` otherwise
    (a foreign site looks absent). With ``details``, its photos, status changes and staff
    too, for the site's own page."""
    sites = Site.objects.filter(scope_q(user)).select_related("unit")
    if details:
        sites = sites.prefetch_related("photos", "status_changes__changed_by", "staff__unit")
    return sites.get(pk=site_id)


def site_id_assigned_to(*, staff: Any) -> int | None:
    """The site a staff member is assigned to (the last one, if several), or None."""
    assigned = SiteAssignment.objects.filter(staff=staff).order_by("-assigned_at", "-id")
    return assigned.values_list("site_id", flat=True).first()


def site_photo_get_for_user(*, user: Any, photo_id: int) -> SitePhoto:
    """A photo of a site in the user's jurisdiction; ``DoesNotExist`` for any other."""
    return SitePhoto.objects.filter(scope_q(user, unit_field="site__unit")).get(pk=photo_id)


def site_feature(site: Site) -> dict[str, Any]:
    """One site as a GeoJSON feature (coordinates WGS-84, as GeoJSON requires)."""
    photos = list(site.photos.all())
    return {
        "type": "Feature",
        "id": site.pk,
        "geometry": {"type": "Point", "coordinates": [site.lng, site.lat]},
        "properties": {
            "id": site.pk,
            "code": site.code,
            "name": site.name,
            "kind": site.kind,
            "kind_label": str(site.get_kind_display()),
            "status": site.status,
            "status_label": str(site.get_status_display()),
            "unit_id": site.unit_id,
            "unit": site.unit.name,
            "lanes": site.lanes,
            "staff_count": getattr(site, "staff_count", None),
            "photo": reverse("sites:photo_thumb", args=[photos[0].pk]) if photos else None,
            "url": f"/sites/{site.pk}/",
        },
    }
