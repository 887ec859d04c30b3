"""Site pages: the list, the map, a site's page, the create / edit form, photo upload and
status change. Views parse with ``forms``, call one service or selector, and render; HTMX
requests get the fragment they swap, other requests the whole page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.jurisdiction import user_unit
from fangkong.lib.divisions import division_name, division_path
from fangkong.org.permissions import can_administer, can_administer_any
from fangkong.registration.choices import RegistrationKind
from fangkong.registration.selectors import site_accepted_kinds
from fangkong.sites import selectors, services
from fangkong.sites.choices import ROAD_KINDS, SiteKind, SiteStatus
from fangkong.sites.forms import PhotoForm, SiteFilterForm, SiteForm, StatusForm
from fangkong.sites.models import Site, SitePhoto

PAGE_SIZE = 50

# Marker colours by kind; the legend and map.js read them from here. Road posts are drawn as
# circles, places (stations, gates, hospitals) as rounded squares.
KIND_COLOURS = {
    SiteKind.CHECKPOINT: "#d32f2f",
    SiteKind.TOLL_STATION: "#1976d2",
    SiteKind.SERVICE_AREA: "#0097a7",
    SiteKind.NATIONAL_ROAD: "#7b1fa2",
    SiteKind.COUNTY_ROAD: "#795548",
    SiteKind.COUNTY_BORDER: "#f57c00",
    SiteKind.TRANSPORT_HUB: "#388e3c",
    SiteKind.COMMUNITY_GATE: "#c2185b",
    SiteKind.CITY_INTERSECTION: "#303f9f",
    SiteKind.HOSPITAL: "#c49000",
}


def _forbidden(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    message = str(exc) if exc else _("You may not change sites of this unit.")
    return render(request, "sites/forbidden.html", {"message": message}, status=403)


def _site_or_404(request: HttpRequest, site_id: int) -> Site:
    try:
        return selectors.site_get_for_user(user=request.user, site_id=site_id, details=True)
    except Site.DoesNotExist:
        raise Http404 from None


def map_config() -> dict[str, Any]:
    """What map.js needs, handed over with ``json_script``. Coordinates stay WGS-84 on the
    server; ``crs`` tells the script to shift them to GCJ-02 for AMap tiles."""
    return {
        "tiles": settings.MAP_TILES,
        "crs": "gcj02" if settings.MAP_TILES == "amap" else "wgs84",
        "tileUrl": settings.MAP_TILE_URL,
        "tileKey": settings.MAP_TILE_KEY,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "outlineUrl": static(settings.MAP_OUTLINE),
        "sitesUrl": reverse("api:site_geojson"),
        "kinds": {
            kind: {
                "colour": KIND_COLOURS[kind],
                "shape": "circle" if kind in ROAD_KINDS else "square",
            }
            for kind in SiteKind.values
        },
        "labels": {
            "kind": _("Kind"),
            "unit": _("Unit"),
            "status": _("Status"),
            "assigned": _("Assigned staff"),
            "open": _("Open site page"),
            "noPhoto": _("No photo"),
            "loadFailed": _("The sites could not be loaded. Reload the page to try again."),
            "count": _("%(n)s sites"),
        },
    }


def legend() -> list[dict[str, str]]:
    return [
        {"kind": kind, "label": str(label), "colour": KIND_COLOURS[kind]}
        for kind, label in SiteKind.choices
    ]


@login_required
@vary_on_headers("HX-Request")
def site_list(request: HttpRequest) -> HttpResponse:
    filters = SiteFilterForm(request.GET or None, user=request.user)
    sites = selectors.site_list_for_user(user=request.user, **filters.filters())
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    unit = user_unit(request.user)
    context = {"filters": filters, "page": page, "poster_unit": unit}
    template = "sites/partials/site_table.html" if request.htmx else "sites/site_list.html"
    return render(request, template, context)


@login_required
def site_map(request: HttpRequest) -> HttpResponse:
    context = {
        "filters": SiteFilterForm(request.GET or None, user=request.user),
        "map_config": map_config(),
        "legend": legend(),
        "statuses": SiteStatus.choices,
    }
    return render(request, "sites/site_map.html", context)


def _detail_context(
    request: HttpRequest,
    site: Site,
    *,
    photo_form: PhotoForm | None = None,
    status_form: StatusForm | None = None,
) -> dict[str, Any]:
    """The site page's context; a form given here (bound, with its errors) replaces the
    empty one that administrators of the site's unit see."""
    may_change = can_administer(request.user, site.unit)
    if may_change:
        photo_form = photo_form if photo_form is not None else PhotoForm()
        status_form = status_form if status_form is not None else StatusForm()
    return {
        "site": site,
        "division_name": division_name(site.division_code) if site.division_code else None,
        "division_path": " ".join(division_path(site.division_code)),
        "may_change": may_change,
        "photo_form": photo_form,
        "status_form": status_form,
        "map_config": map_config(),
        "kind_colour": KIND_COLOURS.get(site.kind, "#555"),
        "registration_links": _registration_links(site),
    }


def _registration_links(site: Site) -> list[dict[str, str]]:
    """The self-registration forms the site offers, with their QR codes and A4 posters."""
    labels = dict(RegistrationKind.choices)
    return [
        {
            "label": str(labels.get(kind, kind)),
            "form": reverse("registration:form", args=[site.code, kind]),
            "qr": reverse("registration:site_qr", args=[site.pk, kind]),
            "poster": reverse("registration:site_poster", args=[site.pk, kind]),
        }
        for kind in site_accepted_kinds(site)
    ]


@login_required
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    return render(request, "sites/site_detail.html", _detail_context(request, site))


def _form_page(request: HttpRequest, form: SiteForm) -> HttpResponse:
    code = form["division_code"].value() or ""
    context = {
        "form": form,
        "site": form.site,
        "map_config": map_config(),
        "division_names": division_path(code) if len(code) == 6 else (),
    }
    return render(request, "sites/site_form.html", context)


@login_required
def site_create(request: HttpRequest) -> HttpResponse:
    if not can_administer_any(request.user):
        return _forbidden(request)
    form = SiteForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(
                actor=request.user,
                staff_ids=form.staff_ids(),
                photo=form.cleaned_data.get("photo"),
                **form.site_data(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDeniedError as exc:
            return _forbidden(request, exc)
        else:
            messages.success(request, _("Site “%(name)s” created.") % {"name": site.name})
            return redirect("sites:detail", site_id=site.pk)
    return _form_page(request, form)


@login_required
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    site = _site_or_404(request, site_id)
    if not can_administer(request.user, site.unit):
        return _forbidden(request)
    form = SiteForm(request.POST or None, user=request.user, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(
                actor=request.user, site=site, staff_ids=form.staff_ids(), **form.changes()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDeniedError as exc:
            return _forbidden(request, exc)
        else:
            messages.success(request, _("Site “%(name)s” saved.") % {"name": site.name})
            return redirect("sites:detail", site_id=site.pk)
    return _form_page(request, form)


@login_required
@require_safe
def site_photo_file(request: HttpRequest, photo_id: int, thumb: bool = False) -> HttpResponse:
    """A site photo (or its thumbnail), only for staff whose jurisdiction holds the site; 404
    for anyone else. Read through the storage API, or, with ``MEDIA_ACCEL_PREFIX`` set, handed
    to nginx to send from an ``internal`` location (docs/deploy.md)."""
    try:
        photo = selectors.site_photo_get_for_user(user=request.user, photo_id=photo_id)
    except SitePhoto.DoesNotExist:
        raise Http404 from None
    name = (photo.thumbnail if thumb else photo.image).name
    if settings.MEDIA_ACCEL_PREFIX:
        response = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX + quote(name)
    else:
        try:
            response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
        except FileNotFoundError:
            raise Http404 from None
    # A photo's file never changes (a new upload is a new photo), but it is not public.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_POST
def site_photo_add(request: HttpRequest, site_id: int) -> HttpResponse:
    def add(site: Site, data: dict[str, Any]) -> None:
        services.site_photo_add(
            actor=request.user, site=site, upload=data["photo"], caption=data["caption"]
        )

    form = PhotoForm(request.POST, request.FILES)
    return _detail_form_post(
        request, site_id, form, add, done=_("Photo added."), key="photo_form", part="site_photos"
    )


@login_required
@require_POST
def site_status(request: HttpRequest, site_id: int) -> HttpResponse:
    def set_status(site: Site, data: dict[str, Any]) -> None:
        services.site_set_status(actor=request.user, site=site, **data)

    form = StatusForm(request.POST)
    return _detail_form_post(
        request, site_id, form, set_status, done=_("Status changed."), key="status_form",
        part="site_status",
    )  # fmt: skip


def _detail_form_post(
    request: HttpRequest,
    site_id: int,
    form: Any,  # PhotoForm or StatusForm, for _detail_context's keyword
    act: Callable[[Site, dict[str, Any]], object],
    *,
    done: str,
    key: str,
    part: str,
) -> HttpResponse:
    """A form of the site's page, posted: the action and back to the page (with HTMX, the
    page's part with a fresh form), or the form with what refused it."""
    site = _site_or_404(request, site_id)
    if form.is_valid():
        try:
            act(site, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDeniedError as exc:
            return _forbidden(request, exc)
        else:
            if not request.htmx:
                messages.success(request, done)
                return redirect("sites:detail", site_id=site.pk)
            site, form = _site_or_404(request, site_id), type(form)()
    context = _detail_context(request, site, **{key: form})
    template = f"sites/partials/{part}.html" if request.htmx else "sites/site_detail.html"
    return render(request, template, context)


@login_required
@require_GET
def division_lookup(request: HttpRequest) -> HttpResponse:
    """The name under the division code input, as the user types."""
    code = request.GET.get("division_code", "").strip()
    names = division_path(code) if len(code) == 6 else ()
    return render(request, "sites/partials/division_name.html", {"code": code, "names": names})


@login_required
@require_GET
def staff_options(request: HttpRequest) -> HttpResponse:
    """The assigned-staff checkboxes for the unit chosen in the form."""
    initial = {"unit": request.GET.get("unit"), "staff": request.GET.getlist("staff")}
    form = SiteForm(user=request.user, initial=initial)
    return render(request, "sites/partials/staff_field.html", {"form": form})
