"""Requests and issues: the store's list of requests to decide, a request's page with the
decision, a direct issue, an issue's page, and the signature pad at the post."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core.errors import PermissionDeniedError
from fangkong.org.selectors import staff_list_for_user
from fangkong.sites.selectors import site_list_for_user
from fangkong.supplies import selectors, services
from fangkong.supplies.choices import IssueStatus, RequestStatus
from fangkong.supplies.forms import DecisionForm, IssueForm, SignForm
from fangkong.supplies.models import Issue
from fangkong.supplies.permissions import can_manage_any_stock, can_manage_stock
from fangkong.supplies.services.issues import SIGNATURE_MESSAGES
from fangkong.supplies.signatures import SignatureError, decode_data_url
from fangkong.supplies.views.common import (
    forbidden,
    get_or_404,
    int_param,
    location_or_404,
    posted,
    service_form_page,
)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", RequestStatus.SUBMITTED)
    status = status if status in RequestStatus.values else ""
    requests = selectors.request_list_for_user(user=request.user, status=status or None)[:200]
    context = {"requests": requests, "status": status, "statuses": RequestStatus.choices}
    return render(request, "supplies/request_list.html", context)


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    supply_request = get_or_404(
        selectors.request_get_for_user, user=request.user, request_id=request_id
    )
    lines = list(supply_request.lines.all())
    may_decide = supply_request.status == RequestStatus.SUBMITTED and can_manage_stock(
        request.user, supply_request.store.unit
    )
    form = DecisionForm(posted(request), lines=lines) if may_decide else None
    if request.method == "POST":
        if form is None:
            return forbidden(request)
        if form.is_valid():
            try:
                done = _decide(request, supply_request, form)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDeniedError as exc:
                return forbidden(request, exc)
            else:
                messages.success(request, done)
                return redirect("supplies:request", request_id=supply_request.pk)
    context = {"req": supply_request, "form": form, "issue": _issue_of(supply_request)}
    status = 422 if request.method == "POST" else 200
    return render(request, "supplies/request_detail.html", context, status=status)


def _issue_of(supply_request: object) -> object:
    try:
        return supply_request.issue  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: no issue yet
        return None


def _decide(request: HttpRequest, supply_request: object, form: DecisionForm) -> str:
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    if action == "approve":
        services.request_approve(
            actor=request.user, request=supply_request, quantities=form.quantities(), note=note
        )
        return _("Approved: the post signs for the supplies when they arrive.")
    if action == "forward":
        services.request_forward(actor=request.user, request=supply_request, note=note)
        return _("Passed up to the next store.")
    services.request_reject(actor=request.user, request=supply_request, reason=note)
    return _("Rejected.")


@login_required
def issue_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_any_stock(request.user):
        return forbidden(request)
    store_id = int_param(request, "store")
    store = location_or_404(request, store_id) if store_id else None
    stores = selectors.store_list_for_user(user=request.user)
    store = store or stores.first()
    if store is None or not can_manage_stock(request.user, store.unit):
        return forbidden(request)
    form = IssueForm(
        posted(request),
        items=selectors.item_list(),
        sites=site_list_for_user(user=request.user),
        staff=staff_list_for_user(user=request.user),
    )

    def act(f: IssueForm) -> Issue:
        return services.issue_create(
            actor=request.user,
            store=store,
            lines=f.lines(),
            site=f.cleaned_data["site"],
            staff=f.cleaned_data["staff"],
            note=f.cleaned_data["note"],
        )

    def done(issue: Issue) -> str:
        return reverse("supplies:issue_sign", kwargs={"issue_id": issue.pk})

    context = {"store": store, "stores": stores}
    template = "supplies/issue_form.html"
    return service_form_page(request, form, act, done, template, context, message=None)


@login_required
def issue_detail(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = get_or_404(selectors.issue_get_for_user, user=request.user, issue_id=issue_id)
    return render(request, "supplies/issue_detail.html", {"issue": issue})


@login_required
def issue_signature(request: HttpRequest, issue_id: int) -> HttpResponse:
    """The signature image, only to those who see the issue (not through /media/)."""
    issue = get_or_404(selectors.issue_get_for_user, user=request.user, issue_id=issue_id)
    if not issue.signature:
        raise Http404
    response = FileResponse(issue.signature.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def issue_sign(request: HttpRequest, issue_id: int) -> HttpResponse:
    """The phone page where the recipient signs with a finger (static/supplies/signature.js
    puts the drawing into the form as a PNG data URL)."""
    issue = get_or_404(selectors.issue_get_for_user, user=request.user, issue_id=issue_id)
    if issue.status != IssueStatus.AWAITING_SIGNATURE:
        return redirect("supplies:issue", issue_id=issue.pk)
    form = SignForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            png = decode_data_url(form.cleaned_data["signature"])
            services.issue_sign(
                actor=request.user,
                issue=issue,
                signed_name=form.cleaned_data["signed_name"],
                signature=png,
            )
        except SignatureError as exc:
            form.add_error(None, str(SIGNATURE_MESSAGES[exc.code]()))
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError as exc:
            return forbidden(request, exc)
        else:
            messages.success(request, _("Signed for. The stock has been updated."))
            if issue.post is not None:
                return redirect("supplies:post", site_id=issue.post.site_id)
            return redirect("supplies:issue", issue_id=issue.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "supplies/issue_sign.html", {"issue": issue, "form": form}, status=status
    )
