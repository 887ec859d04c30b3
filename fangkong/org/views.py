from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fangkong.org import selectors
from fangkong.org.models import Unit


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    units = list(selectors.unit_list_for_user(user=request.user))
    top = min((u.depth for u in units), default=0)
    for unit in units:
        unit.indent = unit.depth - top
    return render(request, "org/unit_tree.html", {"units": units})


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
