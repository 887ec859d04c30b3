"""The donations register: goods given to the unit, received into a store as batches of
their own, so that where they went can be followed and printed on the receipt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors
from fangkong.core.validation import clean_phone
from fangkong.supplies.choices import DonorKind
from fangkong.supplies.models import Batch, Donation, DonationLine, Item, Location
from fangkong.supplies.services.stock import (
    Line,
    _check_quantities,
    _user,
    require_stock_role,
    stock_receive,
)


@dataclass(frozen=True)
class DonatedLine:
    item: Item
    quantity: int
    value: Decimal = Decimal(0)
    expires_on: date | None = None


def _validate(errors: FieldErrors, data: dict[str, Any], lines: Sequence[DonatedLine]) -> None:
    if not data["donor_name"].strip():
        errors.add("donor_name", _("Enter the donor's name."), "donor_required")
    if data["donor_kind"] not in DonorKind.values:
        errors.add("donor_kind", _("Choose the kind of donor."), "donor_kind_invalid")
    if data["received_on"] > timezone.localdate():
        errors.add("received_on", _("The date cannot be in the future."), "date_future")
    _check_quantities(errors, [Line(line.item, line.quantity) for line in lines])
    if any(line.value < 0 for line in lines):
        errors.add("lines", _("A value cannot be below zero."), "value_invalid")


@transaction.atomic
def donation_record(
    *,
    actor: Any,
    store: Location,
    donor_name: str,
    donor_kind: str,
    received_on: date,
    lines: Sequence[DonatedLine],
    donor_phone: str = "",
    publish: bool = False,
    anonymous: bool = False,
    note: str = "",
) -> Donation:
    require_stock_role(actor, store)
    data = {"donor_name": donor_name, "donor_kind": donor_kind, "received_on": received_on}
    errors = FieldErrors()
    _validate(errors, data, lines)
    phone = clean_phone(errors, "donor_phone", donor_phone)
    errors.raise_if_any()
    donation = Donation.objects.create(
        store=store,
        donor_name=donor_name.strip(),
        donor_kind=donor_kind,
        donor_phone=phone,
        received_on=received_on,
        value=sum((line.value for line in lines), Decimal(0)),
        publish=publish,
        anonymous=anonymous,
        note=note,
        recorded_by=_user(actor),
    )
    # A batch of its own per line (numbered after the receipt), so that issues from it can
    # be traced back to the donation.
    batches = [
        Batch.objects.create(
            item=line.item, number=f"{donation.receipt_number}-{n}", expires_on=line.expires_on
        )
        for n, line in enumerate(lines, start=1)
    ]
    DonationLine.objects.bulk_create(
        DonationLine(
            donation=donation, item=line.item, quantity=line.quantity, value=line.value, batch=batch
        )
        for line, batch in zip(lines, batches, strict=True)
    )
    midday = timezone.make_aware(datetime.combine(received_on, time(12)))
    stock_receive(
        actor=actor,
        store=store,
        lines=[Line(line.item, line.quantity) for line in lines],
        batches=batches,
        supplier=donation.donor_name,
        reference=donation.receipt_number,
        at=min(midday, timezone.now()),
        donation=donation,
    )
    audit_record(actor=actor, action="supplies.donation_record", target=donation)
    return donation


@transaction.atomic
def donation_set_publish(
    *, actor: Any, donation: Donation, publish: bool, anonymous: bool
) -> Donation:
    require_stock_role(actor, donation.store)
    donation.publish, donation.anonymous = publish, anonymous
    donation.save(update_fields=["publish", "anonymous"])
    audit_record(
        actor=actor,
        action="supplies.donation_publish",
        target=donation,
        extra={"publish": publish, "anonymous": anonymous},
    )
    return donation
