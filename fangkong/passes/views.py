"""Pages of the vehicle passes: the company's public form and status page, the brigade's list
and decisions, and the checkpoint's scan page. Thin: each calls one service or selector."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import export_with_reason
from fangkong.core.http import client_ip
from fangkong.core.models import AuditLog
from fangkong.core.ratelimit import Verdict
from fangkong.core.selectors import audit_history
from fangkong.org.permissions import can_administer
from fangkong.passes import selectors, services
from fangkong.passes.choices import PassDecision, PassStatus
from fangkong.passes.forms import DecisionForm, DriverFormSet, PassApplyForm
from fangkong.passes.models import VehiclePass
from fangkong.passes.pdf import pass_qr_svg
from fangkong.passes.ratelimit import limited_message, pass_apply_hit

TEMPLATES = "passes/"
HISTORY_LABELS = {
    "vehicle_pass.apply": gettext_lazy("Application submitted"),
    "vehicle_pass.approve": gettext_lazy("Approved"),
    "vehicle_pass.reject": gettext_lazy("Rejected"),
    "vehicle_pass.revoke": gettext_lazy("Revoked"),
    "vehicle_pass.print": gettext_lazy("Printed"),
}


def scan_url(request: HttpRequest, vehicle_pass: VehiclePass) -> str:
    """The absolute URL the QR code holds."""
    return request.build_absolute_uri(reverse("passes:scan", args=[vehicle_pass.token]))


def _pass_context(request: HttpRequest, vehicle_pass: VehiclePass) -> dict[str, Any]:
    now = timezone.now()
    state = selectors.vehicle_pass_state_of(vehicle_pass, now)
    context = {
        "vp": vehicle_pass,
        "plate_display": selectors.display_plate(vehicle_pass.plate),
        "drivers": selectors.drivers_of(vehicle_pass),
        "state": str(state),
        "state_label": selectors.vehicle_pass_state_label(vehicle_pass, state, now),
    }
    if vehicle_pass.status == PassStatus.APPROVED:
        context["qr_svg"] = pass_qr_svg(scan_url(request, vehicle_pass))
    return context


# The company's pages: public, reached by the link with the token ----------------------------


def pass_apply(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = PassApplyForm(request.POST)
        drivers = DriverFormSet(request.POST, prefix="drivers")
        verdict = pass_apply_hit(request)
        if verdict.limited:
            return _apply_limited(request, form, drivers, verdict)
        valid = form.is_valid()
        valid = drivers.is_valid() and valid
        if valid:
            try:
                vehicle_pass, _created = services.vehicle_pass_apply(
                    application=form.application(drivers),
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as exc:
                _put_errors(exc, form, drivers)
            else:
                return redirect("passes:status", token=vehicle_pass.token)
        status = 422
    else:
        form = PassApplyForm(initial={"submission_key": secrets.token_urlsafe(24)})
        drivers = DriverFormSet(prefix="drivers")
    context = {"form": form, "drivers": drivers}
    return render(request, TEMPLATES + "apply.html", context, status=status)


def _apply_limited(
    request: HttpRequest, form: PassApplyForm, drivers: Any, verdict: Verdict
) -> HttpResponse:
    """The form as the company filled it (same submission key), with the wait, and 429."""
    context = {"form": form, "drivers": drivers, "limited": limited_message(verdict)}
    response = render(request, TEMPLATES + "apply.html", context, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _put_errors(exc: ValidationError, form: PassApplyForm, drivers: Any) -> None:
    for field, errors in exc.error_dict.items():
        for error in errors:
            if field.startswith("drivers."):
                _prefix, index, name = field.split(".")
                drivers.add_service_error(int(index), name, error)
            elif field == "drivers":
                drivers.extra_errors.append(error)
            elif field in form.fields:
                form.add_error(field, error)
            else:
                form.add_error(None, error)


def pass_status(request: HttpRequest, token: str) -> HttpResponse:
    vehicle_pass = _by_token(token)
    return render(request, TEMPLATES + "status.html", _pass_context(request, vehicle_pass))


def pass_status_pdf(request: HttpRequest, token: str) -> HttpResponse:
    return _pdf_response(request, _by_token(token))


def _by_token(token: str) -> VehiclePass:
    try:
        return selectors.vehicle_pass_get_by_token(token)
    except VehiclePass.DoesNotExist:
        raise Http404 from None


def _pdf_response(
    request: HttpRequest, vehicle_pass: VehiclePass, reason: str = ""
) -> HttpResponse:
    if vehicle_pass.status != PassStatus.APPROVED:
        raise Http404
    body = services.vehicle_pass_print(
        actor=request.user,
        vehicle_pass=vehicle_pass,
        scan_url=scan_url(request, vehicle_pass),
        reason=reason,
        ip=client_ip(request),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{vehicle_pass.number}.pdf"'
    return response


# The brigade's pages ------------------------------------------------------------------------


@login_required
def pass_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PassStatus.APPLIED)
    if status not in PassStatus.values:
        status = ""
    rows = selectors.vehicle_pass_list_for_user(user=request.user, status=status or None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": PassStatus.choices,
        "today": selectors.local_today(),  # an approved pass past its last day shows as expired
    }
    template = "partials/list_table.html" if request.htmx else "list.html"
    return render(request, TEMPLATES + template, context)


@login_required
def pass_detail(request: HttpRequest, pass_id: int) -> HttpResponse:
    vehicle_pass = _get_for_user(request, pass_id)
    return _render_detail(request, vehicle_pass)


def _get_for_user(request: HttpRequest, pass_id: int) -> VehiclePass:
    try:
        return selectors.vehicle_pass_get_for_user(user=request.user, pass_id=pass_id)
    except VehiclePass.DoesNotExist:
        raise Http404 from None


def _render_detail(
    request: HttpRequest, vehicle_pass: VehiclePass, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _pass_context(request, vehicle_pass)
    context.update(
        can_decide=can_administer(request.user, vehicle_pass.unit),
        approve_form=forms.get("approve_form") or DecisionForm(kind="approve"),
        reject_form=forms.get("reject_form") or DecisionForm(kind="reject"),
        revoke_form=forms.get("revoke_form") or DecisionForm(kind="revoke"),
        history=_history(vehicle_pass),
    )
    return render(request, TEMPLATES + "detail.html", context, status=status)


def _history(vehicle_pass: VehiclePass) -> list[AuditLog]:
    entries = list(audit_history(vehicle_pass))
    for entry in entries:
        entry.label = HISTORY_LABELS.get(entry.action, entry.action)
    return entries


@login_required
def pass_pdf(request: HttpRequest, pass_id: int) -> HttpResponse:
    vehicle_pass = _get_for_user(request, pass_id)
    if vehicle_pass.status != PassStatus.APPROVED:
        raise Http404
    # Staff print a company's pass, with its drivers' names: an export, with a reason. The
    # company's own print from its status page (pass_status_pdf) needs none: the pass is theirs.
    what = _("Vehicle pass %(number)s (PDF)") % {"number": vehicle_pass.number}
    return export_with_reason(
        request, what=what, respond=lambda reason: _pdf_response(request, vehicle_pass, reason)
    )


DONE_MESSAGES = {
    PassDecision.APPROVE: gettext_lazy("Pass %(number)s approved."),
    PassDecision.REJECT: gettext_lazy("Application %(number)s rejected."),
    PassDecision.REVOKE: gettext_lazy(
        "Pass %(number)s revoked. Checkpoints see it as revoked from now on."
    ),
}


@login_required
@require_POST
def pass_approve(request: HttpRequest, pass_id: int) -> HttpResponse:
    return _decide(request, pass_id, PassDecision.APPROVE)


@login_required
@require_POST
def pass_reject(request: HttpRequest, pass_id: int) -> HttpResponse:
    return _decide(request, pass_id, PassDecision.REJECT)


@login_required
@require_POST
def pass_revoke(request: HttpRequest, pass_id: int) -> HttpResponse:
    return _decide(request, pass_id, PassDecision.REVOKE)


def _decide(request: HttpRequest, pass_id: int, decision: PassDecision) -> HttpResponse:
    # Scoped: a pass outside the user's jurisdiction is not found, as on its detail page.
    vehicle_pass = _get_for_user(request, pass_id)
    form = DecisionForm(request.POST, kind=decision)
    if form.is_valid():
        try:
            decided = services.vehicle_pass_decide(
                actor=request.user,
                vehicle_pass=vehicle_pass,
                decision=decision,
                reason=form.cleaned_data["reason"],
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error("reason" if field == "reason" else None, error)
        else:
            messages.success(request, DONE_MESSAGES[decision] % {"number": decided.number})
            return redirect("passes:detail", pass_id=decided.pk)
    forms = {f"{decision}_form": form}
    return _render_detail(request, vehicle_pass, status=422, **forms)


# The checkpoint's page ----------------------------------------------------------------------


@login_required
def pass_scan(request: HttpRequest, token: str = "") -> HttpResponse:
    """By the token in the QR code, or by the plate typed in (posted, so that the plate stays
    out of the URL and the access log; the token's URL is the QR code's, redacted in logs)."""
    plate = request.POST.get("plate", "").strip() if request.method == "POST" else ""
    context: dict[str, Any] = {"plate": plate, "searched": bool(token or plate)}
    status = 200
    if token:
        try:
            vehicle_pass = selectors.vehicle_pass_get_by_token(token)
        except VehiclePass.DoesNotExist:
            context.update(state="unknown", state_label=_("Not a pass issued here"))
            status = 404
        else:
            context.update(_pass_context(request, vehicle_pass))
    elif plate:
        now = timezone.now()
        state, found = selectors.vehicle_pass_for_plate(plate=plate, at=now)
        if found is not None:
            context.update(_pass_context(request, found))
        label = selectors.vehicle_pass_state_label(found, state, now)
        context.update(state=str(state), state_label=label)
    context.pop("qr_svg", None)  # the officer has the pass in front of them
    return render(request, TEMPLATES + "scan.html", context, status=status)
