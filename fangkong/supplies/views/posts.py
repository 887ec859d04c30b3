"""The posts' pages, made for a phone: a post's supplies, its requests and counts, the
issues waiting for its signature, disinfection and welfare; and the duty leader's list of
what is missing from the log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site
from fangkong.sites.selectors import site_list_for_user
from fangkong.supplies import selectors, services
from fangkong.supplies.choices import DisinfectionArea, WelfareShift
from fangkong.supplies.forms import CountForm, DisinfectionForm, RequestForm, WelfareForm
from fangkong.supplies.models import Location, StockLevel
from fangkong.supplies.views.common import (
    files,
    int_param,
    posted,
    service_form_page,
    site_or_404,
)


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    sites = site_list_for_user(user=request.user, status=SiteStatus.OPEN)
    return render(request, "supplies/post_list.html", {"sites": sites})


def _post_context(request: HttpRequest, site: Site) -> dict[str, Any]:
    post = Location.objects.filter(site=site).first()
    levels = (
        StockLevel.objects.filter(location=post).select_related("item").order_by("item__sort_order")
        if post
        else []
    )
    rows = selectors.days_left_for_user(user=request.user, unit_id=site.unit_id) if post else []
    days = {row.item_id: row for row in rows if row.location_id == getattr(post, "pk", 0)}
    areas = dict(DisinfectionArea.choices)
    disinfections = selectors.disinfection_list(post=post) if post else []
    return {
        "site": site,
        "post": post,
        "stock": [(level, days.get(level.item_id)) for level in levels],
        "awaiting": selectors.issues_awaiting_at(user=request.user, site=site),
        "requests": selectors.request_list_for_user(user=request.user).filter(post__site=site)[:5],
        "disinfections": [
            (entry, "、".join(str(areas.get(a, a)) for a in entry.areas)) for entry in disinfections
        ],
        "welfare": selectors.welfare_list(post=post) if post else [],
    }


@login_required
def post_page(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_or_404(request, site_id)
    return render(request, "supplies/post_page.html", _post_context(request, site))


def _post_form(
    request: HttpRequest, site: Site, form: Any, title: str, action: Any
) -> HttpResponse:
    done = reverse("supplies:post", kwargs={"site_id": site.pk})
    context = {"site": site, "title": title}
    return service_form_page(request, form, action, done, "supplies/post_form.html", context)


@login_required
def post_request(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_or_404(request, site_id)
    form = RequestForm(posted(request), items=selectors.item_list())

    def act(f: RequestForm) -> None:
        services.request_create(
            actor=request.user, site=site, lines=f.lines(), note=f.cleaned_data["note"]
        )

    return _post_form(request, site, form, _("Ask for supplies"), act)


@login_required
def post_count(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_or_404(request, site_id)
    form = CountForm(posted(request), items=selectors.item_list(), counting=True)

    def act(f: CountForm) -> None:
        location = services.post_location(site)
        services.stock_count(
            actor=request.user, location=location, lines=f.lines(), note=f.cleaned_data["note"]
        )

    return _post_form(request, site, form, _("Count what is left"), act)


@login_required
def post_disinfection(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_or_404(request, site_id)
    form = DisinfectionForm(posted(request), files(request))

    def act(f: DisinfectionForm) -> None:
        services.disinfection_record(actor=request.user, site=site, **f.cleaned_data)

    return _post_form(request, site, form, _("Record a disinfection"), act)


@login_required
def post_welfare(request: HttpRequest, site_id: int) -> HttpResponse:
    site = site_or_404(request, site_id)
    form = WelfareForm(posted(request))

    def act(f: WelfareForm) -> None:
        services.welfare_record(actor=request.user, site=site, **f.cleaned_data)

    return _post_form(request, site, form, _("Record meals, water and heating"), act)


@login_required
def log_missing(request: HttpRequest) -> HttpResponse:
    context = {
        "gaps": selectors.log_missing_for_user(user=request.user),
        "shifts": dict(WelfareShift.choices),
    }
    return render(request, "supplies/log_missing.html", context)


@login_required
def dashboard_block(request: HttpRequest) -> HttpResponse:
    """The command dashboard's supplies card (loaded by HTMX): the fewest days of stock left
    per store and the posts running low, in the dashboard's unit filter."""
    rows = selectors.days_left_for_user(user=request.user, unit_id=int_param(request, "unit"))
    stores: dict[int, Any] = {}
    for row in rows:
        if row.kind == "store" and row.days_left is not None:
            best = stores.get(row.location_id)
            if best is None or row.days_left < best.days_left:
                stores[row.location_id] = row
    context = {
        "stores": sorted(stores.values(), key=lambda r: r.days_left),
        "posts_low": selectors.posts_below_threshold(rows)[:10],
        "threshold": selectors.low_days(),
    }
    return render(request, "supplies/partials/dashboard_block.html", context)
