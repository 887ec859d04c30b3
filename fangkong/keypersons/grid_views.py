"""Pages of the grid worker and community officer beside their key persons: the floating
population (流动人口) declared on their doors, verified, rejected, placed and moved out; and
sealed compounds (封控小区) with their gate log (出入登记) and supplies deliveries (物资配送).

The gate and delivery forms post as plain forms; with scripts on, ``today.js`` puts them in
the phone's outbox first and sends them to the API with a key, so a record is kept once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.http import client_ip
from fangkong.core.params import posted_day
from fangkong.core.pwa import service_worker_response
from fangkong.grid import floating, sealed
from fangkong.grid import selectors as grid_selectors
from fangkong.grid import services as grid_services
from fangkong.grid.models import SealedArea
from fangkong.keypersons.forms import (
    DeliveryForm,
    GateEntryForm,
    PlaceForm,
    RejectForm,
    SealedForm,
    SealedPassForm,
)

FLOATING_SHOWN = 200


def _message(request: HttpRequest, message: Any, status: int) -> HttpResponse:
    return render(request, "keypersons/message.html", {"message": message}, status=status)


def _failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, PermissionDeniedError):
        return _message(request, str(exc), 403)
    assert isinstance(exc, ValidationError)
    return _message(request, exc.messages[0], 422)


# Floating population


def _review(
    request: HttpRequest,
    find: Callable[[], Any],
    act: Callable[[Any, dict[str, Any]], object],
    form: forms.Form | None = None,
    field: str = "",
) -> HttpResponse:
    """One review button of the day's page: the record in the user's reach (404 otherwise),
    the form's first error on ``field`` if it has one, the action, and back to the list; or
    the message of what refused it."""
    try:
        record = find()
    except ObjectDoesNotExist:
        raise Http404 from None
    if form is not None and not form.is_valid():
        return _message(request, form.errors[field][0], 422)
    try:
        act(record, form.cleaned_data if form is not None else {})
    except ObjectDoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        return _failed(request, exc)
    return redirect(reverse("keypersons:today") + "#verify")


@login_required
@require_POST
def resident_verify(request: HttpRequest, resident_id: int) -> HttpResponse:
    note = request.POST.get("note", "")[:200]
    return _review(
        request,
        lambda: floating.resident_for_review(user=request.user, resident_id=resident_id),
        lambda resident, _: floating.resident_verify(
            actor=request.user, resident=resident, note=note
        ),
    )


@login_required
@require_POST
def resident_reject(request: HttpRequest, resident_id: int) -> HttpResponse:
    return _review(
        request,
        lambda: floating.resident_for_review(user=request.user, resident_id=resident_id),
        lambda resident, data: floating.resident_reject(
            actor=request.user, resident=resident, reason=data["reason"]
        ),
        RejectForm(request.POST),
        "reason",
    )


@login_required
@require_POST
def placement_place(request: HttpRequest, placement_id: int) -> HttpResponse:
    def place(placement: Any, data: dict[str, Any]) -> None:
        door = grid_selectors.door_get_for_user(user=request.user, door_id=data["door_id"])
        floating.placement_place(actor=request.user, placement=placement, door=door)

    return _review(
        request,
        lambda: floating.placement_get_for_user(user=request.user, placement_id=placement_id),
        place,
        PlaceForm(request.POST),
        "door_id",
    )


@login_required
@require_POST
def placement_reject(request: HttpRequest, placement_id: int) -> HttpResponse:
    return _review(
        request,
        lambda: floating.placement_get_for_user(user=request.user, placement_id=placement_id),
        lambda placement, data: floating.placement_reject(
            actor=request.user, placement=placement, reason=data["reason"]
        ),
        RejectForm(request.POST),
        "reason",
    )


def verify_context(user: Any) -> dict[str, Any]:
    """What the grid worker's day shows of the floating population: residents to verify,
    and registrations to place with the doors they may be placed on."""
    placements = list(floating.placements_for_user(user=user)[:20])
    doors: dict[int, list[Any]] = {}
    for p in placements:
        if p.community_id not in doors:
            rows = grid_selectors.door_list_for_user(user=user).filter(
                cell__community_id=p.community_id
            )
            doors[p.community_id] = list(rows[:500])
    return {
        "to_verify": list(floating.to_verify_for_user(user=user)[:50]),
        "placements": [(p, doors[p.community_id]) for p in placements],
    }


@login_required
def floating_list(request: HttpRequest) -> HttpResponse:
    """The floating population of the user's grid, with a move-out form per person."""
    if request.method == "POST":
        return _move_out(request)
    rows = floating.floating_list_for_user(user=request.user)[:FLOATING_SHOWN]
    return render(request, "keypersons/floating.html",
                  {"residents": rows, "today": timezone.localdate()})  # fmt: skip


def _move_out(request: HttpRequest) -> HttpResponse:
    try:
        resident = floating.resident_for_review(
            user=request.user, resident_id=int(request.POST.get("resident", "0") or 0)
        )
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None
    try:
        day = posted_day(request.POST.get("moved_out_on", ""), _("Move-out date"))
        grid_services.resident_move_out(
            actor=request.user, resident=resident, day=day or timezone.localdate(),
            reason=request.POST.get("reason", "")[:200],
        )  # fmt: skip
    except ValidationError as exc:
        return _failed(request, exc)
    return redirect("keypersons:floating")


# Sealed compounds


def _area_or_404(request: HttpRequest, area_id: int) -> SealedArea:
    try:
        return sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
def sealed_list(request: HttpRequest) -> HttpResponse:
    communities = list(grid_selectors.community_list_for_user(user=request.user))
    form = SealedForm(request.POST or None)
    choices = [(c.pk, c.name) for c in communities]
    form.fields["community"].choices = choices  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        community = next(c for c in communities if c.pk == form.cleaned_data["community"])
        try:
            area = sealed.sealed_create(
                actor=request.user, community=community, name=form.cleaned_data["name"],
                gate=form.cleaned_data["gate"], reason=form.cleaned_data["reason"],
                starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"],
            )  # fmt: skip
        except (ValidationError, PermissionDeniedError) as exc:
            return _failed(request, exc)
        return redirect("keypersons:sealed_detail", area_id=area.pk)
    now = timezone.now()
    areas = list(sealed.sealed_list_for_user(user=request.user).order_by("-starts_at", "pk"))
    context = {
        "current": [a for a in areas if a.is_sealed(now)],
        "other": [a for a in areas if not a.is_sealed(now)],
        "form": form,
        "may_seal": any(sealed.may_seal(request.user, c) for c in communities),
    }
    return render(request, "keypersons/sealed_list.html", context,
                  status=422 if request.method == "POST" else 200)  # fmt: skip


@login_required
def sealed_detail(request: HttpRequest, area_id: int) -> HttpResponse:
    area = _area_or_404(request, area_id)
    doors = list(sealed.area_doors(area)[:1000])
    entry_form = GateEntryForm(request.POST if request.POST.get("form") == "entry" else None)
    delivery_form = DeliveryForm(request.POST if request.POST.get("form") == "delivery" else None)
    delivery_form.fields["door_id"].choices = [("", "-")] + [  # type: ignore[attr-defined]
        (d.pk, f"{d.building.name} {d.label}") for d in doors
    ]
    pass_form = SealedPassForm(request.POST if request.POST.get("form") == "pass" else None)
    if request.method == "POST":
        done = _sealed_post(request, area, entry_form, delivery_form, pass_form)
        if isinstance(done, HttpResponse):
            return done
    else:
        sealed.sealed_view(actor=request.user, area=area, ip=client_ip(request))
    now = timezone.now()
    context = {
        "area": area,
        "sealed_now": area.is_sealed(now),
        "figures": sealed.gate_figures(area, since=now - timedelta(days=1)),
        "passes": sealed.pass_list(area),
        "entries": sealed.entry_list(area)[: sealed.ENTRIES_SHOWN],
        "deliveries": sealed.delivery_list(area)[: sealed.ENTRIES_SHOWN],
        "entry_form": entry_form,
        "delivery_form": delivery_form,
        "pass_form": pass_form,
        "may_seal": sealed.may_seal(request.user, area.community),
    }
    return render(request, "keypersons/sealed_detail.html", context,
                  status=422 if request.method == "POST" else 200)  # fmt: skip


def _sealed_post(
    request: HttpRequest,
    area: SealedArea,
    entry_form: GateEntryForm,
    delivery_form: DeliveryForm,
    pass_form: SealedPassForm,
) -> HttpResponse | None:
    """Record what the posted form says; the redirect, or None to show the form's errors."""
    which = request.POST.get("form")
    key = request.POST.get("idempotency_key", "")[:64] or None
    anchor = {"entry": "#entries", "delivery": "#deliveries", "pass": "#passes"}.get(which or "")
    try:
        if which == "entry" and entry_form.is_valid():
            data = entry_form.cleaned_data
            sealed.entry_record(
                actor=request.user, area=area, direction=data["direction"], role=data["role"],
                name=data["name"], phone=data["phone"], temperature=data["temperature"],
                note=data["note"], idempotency_key=key,
            )  # fmt: skip
        elif which == "delivery" and delivery_form.is_valid():
            data = delivery_form.cleaned_data
            sealed.delivery_record(
                actor=request.user, area=area, items=data["items"], quantity=data["quantity"],
                unit=data["unit"], delivered_by=data["delivered_by"], door_id=data["door_id"],
                idempotency_key=key,
            )  # fmt: skip
        elif which == "pass" and pass_form.is_valid():
            data = pass_form.cleaned_data
            sealed.pass_add(actor=request.user, area=area, role=data["role"], name=data["name"],
                            phone=data["phone"], note=data["note"])  # fmt: skip
        elif which == "lift":
            sealed.sealed_lift(actor=request.user, area=area,
                               reason=request.POST.get("reason", "")[:200])  # fmt: skip
            anchor = ""
        else:
            return None
    except (ValidationError, PermissionDeniedError) as exc:
        return _failed(request, exc)
    return redirect(reverse("keypersons:sealed_detail", args=[area.pk]) + (anchor or ""))


# The day's page offline: a service worker like the officer app's.

TODAY_STATIC = (
    "core/fangkong.css",
    "core/page.js",
    "vendor/htmx.org/htmx.min.js",
    "keypersons/keypersons.css",
    "screening/outbox.js",
    "keypersons/today.js",
)


@require_GET
def today_sw(request: HttpRequest) -> HttpResponse:
    """The service worker of the grid worker's day, served under the page's own path so that
    its scope is the page."""
    return service_worker_response(
        cache_name="fangkong-grid", app_url=reverse("keypersons:today"), static_paths=TODAY_STATIC
    )
