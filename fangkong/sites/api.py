from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from fangkong.sites import selectors
from fangkong.sites.models import Site
from fangkong.sites.schemas import FeatureCollection, SiteFilter, SiteOut

router = Router(tags=["sites"])


def site_out(site: Site) -> SiteOut:
    return SiteOut(
        id=site.pk,
        code=site.code,
        name=site.name,
        kind=site.kind,
        kind_label=str(site.get_kind_display()),
        unit_id=site.unit_id,
        unit=site.unit.name,
        lng=site.lng,
        lat=site.lat,
        address=site.address,
        division_code=site.division_code,
        lanes=site.lanes,
        required_officers=site.required_officers,
        required_auxiliaries=site.required_auxiliaries,
        status=site.status,
        status_label=str(site.get_status_display()),
    )


def _filtered(request: HttpRequest, filters: SiteFilter, *, for_map: bool):
    select = selectors.site_list_for_map if for_map else selectors.site_list_for_user
    sites = select(
        user=request.user, unit_id=filters.unit, kind=filters.kind, status=filters.status
    )
    return sites[filters.offset : filters.offset + filters.limit]


@router.get("/sites", response=list[SiteOut], operation_id="site_list")
def site_list(request: HttpRequest, filters: Query[SiteFilter]) -> list[SiteOut]:
    return [site_out(site) for site in _filtered(request, filters, for_map=False)]


@router.get("/sites/geojson", response=FeatureCollection, operation_id="site_geojson")
def site_geojson(request: HttpRequest, filters: Query[SiteFilter]) -> FeatureCollection:
    features = [selectors.site_feature(s) for s in _filtered(request, filters, for_map=True)]
    return FeatureCollection(features=features)


@router.get("/sites/{site_id}", response=SiteOut, operation_id="site_get")
def site_get(request: HttpRequest, site_id: int) -> SiteOut:
    return site_out(selectors.site_get_for_user(user=request.user, site_id=site_id))
