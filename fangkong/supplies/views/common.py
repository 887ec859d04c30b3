"""What every supplies view shares: the refusal page, scoped look-ups that answer 404 outside
the user's jurisdiction, and the form pages that call a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.errors import PermissionDeniedError
from fangkong.sites.models import Site
from fangkong.sites.selectors import site_get_for_user
from fangkong.supplies import selectors
from fangkong.supplies.models import Location

RECORDED = gettext_lazy("Recorded.")


def forbidden(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    message = str(exc) if exc else _("You may not do this.")
    return render(request, "supplies/forbidden.html", {"message": message}, status=403)


def location_or_404(request: HttpRequest, location_id: int) -> Location:
    try:
        return selectors.location_get_for_user(user=request.user, location_id=location_id)
    except ObjectDoesNotExist:
        raise Http404 from None


def site_or_404(request: HttpRequest, site_id: int) -> Site:
    try:
        return site_get_for_user(user=request.user, site_id=site_id)
    except ObjectDoesNotExist:
        raise Http404 from None


def get_or_404(select: Any, **kwargs: Any) -> Any:
    try:
        return select(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def service_form_page(
    request: HttpRequest,
    form: Any,
    action: Callable[[Any], Any],
    done: str | Callable[[Any], str],
    template: str,
    context: dict[str, Any],
    *,
    message: Any = RECORDED,
) -> HttpResponse:
    """A form page whose valid POST calls a service (``action(form)``): the service's field
    errors go on the form, a refusal is the 403 page; success says ``message`` (if any) and
    goes to ``done``, a URL or a function of what the service returned that gives one."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError as exc:
            return forbidden(request, exc)
        else:
            if message:
                messages.success(request, message)
            return redirect(done(result) if callable(done) else done)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (an empty ``request.POST`` is falsy, and a
    form given None would not be bound, hence not checked)."""
    return request.POST if request.method == "POST" else None


def files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None
