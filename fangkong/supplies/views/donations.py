"""The donations register: the list, recording one, its page with where the goods went, the
PDF receipt, and the public list a unit may publish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.audit import audit_record
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import attachment
from fangkong.org.models import Unit
from fangkong.supplies import selectors, services
from fangkong.supplies.forms import DonationForm, PublishForm
from fangkong.supplies.models import Donation
from fangkong.supplies.permissions import can_manage_any_stock, can_manage_stock
from fangkong.supplies.receipts import receipt_pdf
from fangkong.supplies.views.common import (
    forbidden,
    get_or_404,
    posted,
    service_form_page,
)


@login_required
def donation_list(request: HttpRequest) -> HttpResponse:
    donations = selectors.donation_list_for_user(user=request.user)[:300]
    context = {"donations": donations, "may_manage": can_manage_any_stock(request.user)}
    return render(request, "supplies/donation_list.html", context)


@login_required
def donation_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_any_stock(request.user):
        return forbidden(request)
    stores = selectors.store_list_for_user(user=request.user)
    form = DonationForm(posted(request), items=selectors.item_list(), stores=stores)

    def act(f: DonationForm) -> Donation:
        data = f.cleaned_data
        return services.donation_record(
            actor=request.user,
            store=data["store"],
            donor_name=data["donor_name"],
            donor_kind=data["donor_kind"],
            donor_phone=data["donor_phone"],
            received_on=data["received_on"],
            lines=f.donated(),
            publish=data["publish"],
            anonymous=data["anonymous"],
            note=data["note"],
        )

    def done(donation: Donation) -> str:
        return reverse("supplies:donation", kwargs={"donation_id": donation.pk})

    message = _("Donation recorded.")
    template = "supplies/donation_form.html"
    return service_form_page(request, form, act, done, template, {}, message=message)


@login_required
def donation_detail(request: HttpRequest, donation_id: int) -> HttpResponse:
    donation = get_or_404(
        selectors.donation_get_for_user, user=request.user, donation_id=donation_id
    )
    context = {
        "donation": donation,
        "destinations": selectors.donation_destinations(donation),
        "may_manage": can_manage_stock(request.user, donation.store.unit),
        "publish_form": PublishForm(
            initial={"publish": donation.publish, "anonymous": donation.anonymous}
        ),
    }
    return render(request, "supplies/donation_detail.html", context)


@login_required
@require_POST
def donation_publish(request: HttpRequest, donation_id: int) -> HttpResponse:
    donation = get_or_404(
        selectors.donation_get_for_user, user=request.user, donation_id=donation_id
    )
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        services.donation_set_publish(
            actor=request.user,
            donation=donation,
            publish=form.cleaned_data.get("publish", False),
            anonymous=form.cleaned_data.get("anonymous", False),
        )
    except PermissionDeniedError as exc:
        return forbidden(request, exc)
    messages.success(request, _("Saved."))
    return redirect("supplies:donation", donation_id=donation.pk)


@login_required
def donation_receipt(request: HttpRequest, donation_id: int) -> HttpResponse:
    donation = get_or_404(
        selectors.donation_get_for_user, user=request.user, donation_id=donation_id
    )
    pdf = receipt_pdf(donation, selectors.donation_destinations(donation))
    audit_record(actor=request.user, action="supplies.donation_receipt", target=donation)
    return attachment(pdf, "application/pdf", f"donation-{donation.receipt_number}.pdf")


def public_donations(request: HttpRequest, unit_code: str) -> HttpResponse:
    """The donations a unit has chosen to publish, for everyone: no login, no phone
    numbers, the donor's name only where they agreed."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise Http404
    donations = selectors.donation_public_list(unit=unit)[:500]
    return render(request, "supplies/public_donations.html", {"unit": unit, "donations": donations})
