"""The stock pages: the overview with days of stock left, a store's or post's page, the
movement forms (receive, transfer, count, write off), the ledger and the Excel exports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from fangkong.core.audit import audit_record
from fangkong.core.exports import XLSX, attachment
from fangkong.org.selectors import unit_list_for_user
from fangkong.supplies import exports, selectors, services
from fangkong.supplies.choices import LocationKind, MovementKind, RequestStatus
from fangkong.supplies.forms import CountForm, ReceiveForm, TransferForm, WriteOffForm
from fangkong.supplies.models import BatchLevel, Location
from fangkong.supplies.permissions import can_manage_any_stock, can_manage_stock
from fangkong.supplies.views.common import (
    forbidden,
    int_param,
    location_or_404,
    posted,
    service_form_page,
)

PAGE_SIZE = 100


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    unit_id = int_param(request, "unit")
    rows = selectors.days_left_for_user(user=request.user, unit_id=unit_id)
    pending = selectors.request_list_for_user(user=request.user, status=RequestStatus.SUBMITTED)
    context = {
        "rows": [row for row in rows if row.kind == LocationKind.STORE],
        "posts_low": selectors.posts_below_threshold(rows),
        "threshold": selectors.low_days(),
        "pending": pending.count(),
        "units": unit_list_for_user(user=request.user),
        "unit_id": unit_id,
        "stores": selectors.store_list_for_user(user=request.user),
        "may_manage": can_manage_any_stock(request.user),
    }
    return render(request, "supplies/overview.html", context)


@login_required
def reorder_xlsx(request: HttpRequest) -> HttpResponse:
    rows = selectors.days_left_for_user(user=request.user, unit_id=int_param(request, "unit"))
    audit_record(actor=request.user, action="supplies.reorder_export")
    book = exports.reorder_workbook(selectors.reorder_rows(rows), rows)
    return attachment(book, XLSX, f"reorder-{timezone.localdate().isoformat()}.xlsx")


@login_required
def location_detail(request: HttpRequest, location_id: int) -> HttpResponse:
    location = location_or_404(request, location_id)
    levels = selectors.level_list_for_user(user=request.user, location_id=location.pk)
    batches = (
        BatchLevel.objects.filter(location=location, quantity__gt=0)
        .select_related("batch", "item")
        .order_by("item__sort_order", "batch__expires_on", "batch__number")
        if location.kind == LocationKind.STORE
        else []
    )
    context = {
        "location": location,
        "levels": levels,
        "batches": batches,
        "movements": selectors.movement_list_for_user(user=request.user, location_id=location.pk)[
            :30
        ],
        "consumption": selectors.post_consumption(post=location)
        if location.kind == LocationKind.POST
        else [],
        "may_manage": can_manage_stock(request.user, location.unit),
        "today": timezone.localdate(),
    }
    return render(request, "supplies/location_detail.html", context)


def _movement_page(
    request: HttpRequest, location: Location, form: Any, title: str, action: Any
) -> HttpResponse:
    """A movement form: on a valid POST, ``action(form)`` calls the service."""
    done = reverse("supplies:location", kwargs={"location_id": location.pk})
    context = {"location": location, "title": title}
    return service_form_page(request, form, action, done, "supplies/movement_form.html", context)


def _store_or_refuse(request: HttpRequest, location_id: int) -> Location | HttpResponse:
    location = location_or_404(request, location_id)
    if location.kind != LocationKind.STORE or not can_manage_stock(request.user, location.unit):
        return forbidden(request)
    return location


@login_required
def receive(request: HttpRequest, location_id: int) -> HttpResponse:
    store = _store_or_refuse(request, location_id)
    if isinstance(store, HttpResponse):
        return store
    form = ReceiveForm(posted(request), items=selectors.item_list(), batches=True)

    def act(f: ReceiveForm) -> None:
        services.stock_receive(
            actor=request.user,
            store=store,
            lines=f.lines(),
            supplier=f.cleaned_data["supplier"],
            reference=f.cleaned_data["reference"],
            note=f.cleaned_data["note"],
        )

    return _movement_page(request, store, form, _("Receive goods"), act)


@login_required
def transfer(request: HttpRequest, location_id: int) -> HttpResponse:
    store = _store_or_refuse(request, location_id)
    if isinstance(store, HttpResponse):
        return store
    targets = Location.objects.filter(kind=LocationKind.STORE, active=True).exclude(pk=store.pk)
    form = TransferForm(
        posted(request),
        items=selectors.item_list(),
        targets=targets.select_related("unit").order_by("unit__path"),
    )

    def act(f: TransferForm) -> None:
        services.stock_transfer(
            actor=request.user,
            source=store,
            target=f.cleaned_data["target"],
            lines=f.lines(),
            note=f.cleaned_data["note"],
        )

    return _movement_page(request, store, form, _("Send to another store"), act)


@login_required
def count(request: HttpRequest, location_id: int) -> HttpResponse:
    location = location_or_404(request, location_id)
    form = CountForm(posted(request), items=selectors.item_list(), counting=True)

    def act(f: CountForm) -> None:
        services.stock_count(
            actor=request.user, location=location, lines=f.lines(), note=f.cleaned_data["note"]
        )

    return _movement_page(request, location, form, _("Count the stock"), act)


@login_required
def write_off(request: HttpRequest, location_id: int) -> HttpResponse:
    store = _store_or_refuse(request, location_id)
    if isinstance(store, HttpResponse):
        return store
    form = WriteOffForm(posted(request))

    def act(f: WriteOffForm) -> None:
        services.stock_write_off(actor=request.user, store=store, **f.cleaned_data)

    return _movement_page(request, store, form, _("Write off"), act)


def _ledger_filters(request: HttpRequest) -> dict[str, Any]:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    kind = request.GET.get("kind", "")
    return {
        "location_id": int_param(request, "location"),
        "item_id": int_param(request, "item"),
        "kind": kind if kind in MovementKind.values else None,
        "first": day("first"),
        "last": day("last"),
    }


@login_required
@vary_on_headers("HX-Request")
def ledger(request: HttpRequest) -> HttpResponse:
    filters = _ledger_filters(request)
    movements = selectors.movement_list_for_user(user=request.user, **filters)
    page = Paginator(movements, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "locations": selectors.location_list_for_user(user=request.user),
        "items": selectors.item_list(active_only=False),
        "kinds": MovementKind.choices,
    }
    template = "supplies/partials/ledger_table.html" if request.htmx else "supplies/ledger.html"
    return render(request, template, context)


@login_required
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    filters = _ledger_filters(request)
    movements = selectors.movement_list_for_user(user=request.user, **filters)[:100_000]
    audit_record(
        actor=request.user,
        action="supplies.ledger_export",
        extra={k: str(v) for k, v in filters.items() if v},
    )
    book = exports.ledger_workbook(movements)
    return attachment(book, XLSX, f"ledger-{timezone.localdate().isoformat()}.xlsx")
