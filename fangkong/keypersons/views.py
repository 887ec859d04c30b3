"""Pages: the command view's figures, the grid worker's day on a phone, an episode's details
(read with a reason), and the person's self-report page (no account, the link's token)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.http import client_ip
from fangkong.core.ratelimit import RateLimited
from fangkong.grid import selectors as grid_selectors
from fangkong.grid import services as grid_services
from fangkong.grid.services_import import importable_communities
from fangkong.keypersons import figures, grid_views, selectors, services
from fangkong.keypersons.choices import CHECK_OUTCOMES
from fangkong.keypersons.forms import (
    FollowUpForm,
    HandoverForm,
    ReasonForm,
    ReturnConfirmForm,
    ReturnForm,
)
from fangkong.keypersons.models import Candidate, HealthHandover, KeyPerson, ReturnReferral
from fangkong.screening.choices import Outcome as OutcomeChoices


def _keyperson_or_404(request: HttpRequest, key_person_id: int) -> KeyPerson:
    try:
        return selectors.keyperson_get_for_user(user=request.user, key_person_id=key_person_id)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    s = figures.summary_for_user(user=request.user)
    context = {
        "s": s,
        "by_unit": figures.by_station(s),
        "by_category": [(s.categories.get(k, ""), v) for k, v in s.by_category.items()],
        "releases": selectors.release_list_for_user(user=request.user)[:100],
        "candidates": selectors.candidate_list_for_user(user=request.user).count(),
        "may_import": bool(importable_communities(request.user)),
    }
    return render(request, "keypersons/summary.html", context)


@login_required
def today(request: HttpRequest) -> HttpResponse:
    day = selectors.today_for_user(user=request.user)
    context = {"day": day, "form": FollowUpForm(), **grid_views.verify_context(request.user)}
    return render(request, "keypersons/today.html", context)


@login_required
@require_POST
def followup(request: HttpRequest, key_person_id: int) -> HttpResponse:
    kp = _keyperson_or_404(request, key_person_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        data = services.FollowUpIn(
            temperature=form.cleaned_data["temperature"],
            symptoms=form.cleaned_data["symptoms"],
            at_home=form.cleaned_data["at_home"],
            note=form.cleaned_data["note"],
        )
        try:
            services.followup_record(
                actor=request.user, key_person=kp, data=data,
                idempotency_key=request.POST.get("idempotency_key", "")[:64] or None,
            )  # fmt: skip
        except PermissionDeniedError as exc:
            return render(request, "keypersons/message.html", {"message": str(exc)}, status=403)
        except ValidationError as exc:
            return render(request, "keypersons/message.html", {"message": exc.messages[0]},
                          status=422)  # fmt: skip
        return redirect(reverse("keypersons:today") + "#due")
    day = selectors.today_for_user(user=request.user)
    return render(request, "keypersons/today.html", {"day": day, "form": form, "failed": kp.pk},
                  status=422)  # fmt: skip


@login_required
@require_POST
def door_visit(request: HttpRequest, door_id: int) -> HttpResponse:
    try:
        door = grid_selectors.door_get_for_user(user=request.user, door_id=door_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        seen = max(0, min(int(request.POST.get("residents_seen") or 0), 500))
    except ValueError:
        seen = 0
    grid_services.door_visit_record(
        actor=request.user, door=door, residents_seen=seen,
        note=request.POST.get("note", "")[:200],
        idempotency_key=request.POST.get("idempotency_key", "")[:64] or None,
    )  # fmt: skip
    return redirect(reverse("keypersons:today") + "#doors")


@login_required
def detail(request: HttpRequest, key_person_id: int) -> HttpResponse:
    """GET asks for the reason; POST with a reason shows the details, audited."""
    kp = _keyperson_or_404(request, key_person_id)
    form = ReasonForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "keypersons/reason.html", {"kp": kp, "form": form})
    kp = selectors.keyperson_detail_for_user(
        user=request.user, key_person_id=kp.pk, reason=form.cleaned_data["reason"],
        ip=client_ip(request),
    )  # fmt: skip
    context: dict[str, Any] = {
        "kp": kp,
        "full": selectors.sees_identity(request.user),
        "health": selectors.sees_health(request.user),
        "followups": selectors.followup_list_for_user(user=request.user, key_person_id=kp.pk)[:60],
        "changes": kp.status_changes.select_related("by"),
    }
    return render(request, "keypersons/detail.html", context)


def self_report(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own page: no account; the link stops working when the episode ends."""
    episode = services.followups.keyperson_by_token(token)
    if episode is None:
        return render(request, "keypersons/self_report.html", {"expired": True}, status=404)
    form = FollowUpForm(request.POST or None)
    done = False
    if request.method == "POST" and form.is_valid():
        data = services.FollowUpIn(
            temperature=form.cleaned_data["temperature"],
            symptoms=form.cleaned_data["symptoms"],
            at_home=form.cleaned_data["at_home"],
            note=form.cleaned_data["note"],
        )
        try:
            services.followup_self_report(token=token, data=data, ip=client_ip(request) or "")
        except RateLimited as exc:
            return render(request, "keypersons/self_report.html",
                          {"limited": exc.message, "form": form}, status=429)  # fmt: skip
        except KeyPerson.DoesNotExist:
            return render(request, "keypersons/self_report.html", {"expired": True}, status=404)
        done = True
        form = FollowUpForm()
    ends = episode.planned_end_on
    context = {"form": form, "done": done, "ends": ends, "name": episode.name_masked,
               "days_left": (ends - timezone.localdate()).days}  # fmt: skip
    return render(request, "keypersons/self_report.html", context)


# --- what became of a checkpoint outcome ----------------------------------------------------

OUTCOME_FORMS: dict[str, type[ReturnForm | ReturnConfirmForm | HandoverForm]] = {
    "return": ReturnForm,
    "confirm": ReturnConfirmForm,
    "handover": HandoverForm,
}


def _check_or_404(request: HttpRequest, check_id: int) -> Any:
    from fangkong.screening.models import Check
    from fangkong.screening.selectors import check_get_for_user

    try:
        check = check_get_for_user(user=request.user, check_id=check_id)
    except Check.DoesNotExist:
        raise Http404 from None
    if check.outcome not in CHECK_OUTCOMES:
        raise Http404
    return check


def _save_outcome(request: HttpRequest, check: Any, action: str, form: Any) -> None:
    data = form.cleaned_data
    if action == "return":
        services.return_record(
            actor=request.user, check=check, destination=data["destination"], note=data["note"]
        )
    elif action == "confirm":
        services.return_confirm(
            actor=request.user, check=check, state=data["state"], how=data["how"],
            at=data["at"], note=data["note"],
        )  # fmt: skip
    else:
        services.handover_record(
            actor=request.user, check=check, receiver_name=data["receiver_name"],
            receiver_unit=data["receiver_unit"], handed_at=data["handed_at"], note=data["note"],
        )  # fmt: skip


@login_required
def check_outcome(request: HttpRequest, check_id: int) -> HttpResponse:
    """A 劝返 check's destination and its confirmation, or a 移交卫健 check's handover."""
    check = _check_or_404(request, check_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = {
        name: cls(request.POST if name == action else None) for name, cls in OUTCOME_FORMS.items()
    }
    status = 200
    if action in OUTCOME_FORMS:
        form = forms_[action]
        if form.is_valid():
            try:
                _save_outcome(request, check, action, form)
            except PermissionDeniedError as exc:
                return render(request, "keypersons/message.html", {"message": str(exc)},
                              status=403)  # fmt: skip
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("keypersons:check_outcome", check_id=check.pk)
        status = 422
    referral = ReturnReferral.objects.filter(check_record=check).select_related(
        "recorded_by__staff", "confirmed_by__staff"
    ).first()  # fmt: skip
    if referral is not None and not forms_["return"].is_bound:
        forms_["return"] = ReturnForm(
            initial={"destination": referral.destination, "note": referral.note}
        )
    context = {
        "check": check,
        "referral": referral,
        "handover": HealthHandover.objects.filter(check_record=check)
        .select_related("recorded_by__staff")
        .first(),
        "candidate": Candidate.objects.filter(check_record=check).first(),
        "forms": forms_,
        "outcome_label": dict(OutcomeChoices.choices).get(check.outcome, check.outcome),
    }
    return render(request, "keypersons/check_outcome.html", context, status=status)


@login_required
def candidates(request: HttpRequest) -> HttpResponse:
    """The review queue: checks ending in 劝返 or 移交卫健, with what became of each, and
    persons a list found in any record, each with the record it came from."""
    rows = selectors.candidate_list_for_user(user=request.user).select_related("person")[:200]
    return render(request, "keypersons/candidates.html", {"candidates": rows})
