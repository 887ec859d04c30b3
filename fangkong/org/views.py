from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from fangkong.org import selectors, services
from fangkong.org.models import Unit
from fangkong.org.permissions import can_administer_any


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also ends a forced change (``manage.py bootstrap``)
    and then goes on to the page the user had asked for."""

    # Our own name: the admin's registration/ template would win over one of that name.
    template_name = "core/password_change.html"

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if safe else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        staff = getattr(self.request.user, "staff", None)
        must_change = bool(staff is not None and staff.password_change_required)
        return super().get_context_data(next=self._next(), must_change=must_change, **kwargs)

    def get_success_url(self) -> str:
        return self._next() or reverse("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.staff_password_changed(user=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    units = list(selectors.unit_list_for_user(user=request.user))
    top = min((u.depth for u in units), default=0)
    for unit in units:
        unit.indent = unit.depth - top
    context = {"units": units, "can_import": can_administer_any(request.user)}
    return render(request, "org/unit_tree.html", context)


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        unit = selectors.unit_get_for_user(user=request.user, unit_id=unit_id)
    except Unit.DoesNotExist:
        raise Http404 from None
    staff = selectors.staff_list_for_user(user=request.user, unit=unit, subtree=True)
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    context = {"unit": unit, "page": page, "children": unit.children.order_by("sort_order", "code")}
    template = "org/partials/staff_table.html" if request.htmx else "org/unit_detail.html"
    return render(request, template, context)
