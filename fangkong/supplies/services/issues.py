"""Supplies to the posts: a post's request goes up the chain of stores until one approves it
(adjusting the quantities if need be); the approved issue, or one a store makes directly to a
post or a person, moves stock only when the recipient signs for it on the phone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import unit_in_scope
from fangkong.org.models import Staff
from fangkong.sites.models import Site
from fangkong.supplies.choices import IssueStatus, MovementKind, RequestStatus
from fangkong.supplies.models import (
    Issue,
    IssueLine,
    Location,
    Movement,
    RequestLine,
    SupplyRequest,
)
from fangkong.supplies.permissions import can_act_at_post, can_manage_stock
from fangkong.supplies.services.stock import (
    Line,
    _check_quantities,
    _pair,
    _user,
    draw,
    local_day,
    lock,
    post_location,
    record,
    require_stock_role,
    stores_above,
)
from fangkong.supplies.signatures import SignatureError, process_signature

SIGNATURE_MESSAGES = {
    "signature_missing": lambda: _("Sign in the box first."),
    "signature_blank": lambda: _("The signature is empty. Sign in the box with a finger."),
    "signature_invalid": lambda: _("The signature could not be read. Sign again."),
    "signature_too_large": lambda: _("The signature image is too large."),
}


def _require_post(actor: Any, site: Site) -> None:
    if not can_act_at_post(actor, site):
        raise PermissionDeniedError(_("You may not record supplies at this post."))


def _lock_request(request: SupplyRequest) -> SupplyRequest:
    return (
        SupplyRequest.objects.select_for_update()
        .select_related("store__unit", "post")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_create(
    *, actor: Any, site: Site, lines: Sequence[Line], note: str = ""
) -> SupplyRequest:
    """A post asks the nearest store above it for supplies."""
    _require_post(actor, site)
    errors = FieldErrors()
    _check_quantities(errors, lines)
    if len({line.item.pk for line in lines}) != len(lines):
        errors.add("lines", _("An item is asked for twice."), "item_twice")
    stores = stores_above(site.unit)
    if not stores:
        errors.add("__all__", _("No store above this post can supply it."), "no_store")
    errors.raise_if_any()
    request = SupplyRequest.objects.create(
        post=post_location(site), store=stores[0], note=note, requested_by=_user(actor)
    )
    RequestLine.objects.bulk_create(
        RequestLine(request=request, item=line.item, requested=line.quantity) for line in lines
    )
    audit_record(actor=actor, action="supplies.request_create", target=request)
    return request


def _decide(request: SupplyRequest, actor: Any, status: str, note: str) -> None:
    request.status = status
    request.decided_by = _user(actor)
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def _require_open(request: SupplyRequest) -> None:
    if request.status != RequestStatus.SUBMITTED:
        errors = FieldErrors()
        errors.add("__all__", _("This request has already been decided."), "request_decided")
        errors.raise_if_any()


@transaction.atomic
def request_approve(
    *,
    actor: Any,
    request: SupplyRequest,
    quantities: Mapping[int, int] | None = None,
    note: str = "",
) -> Issue:
    """Approve a request, each item at the quantity asked or at ``quantities[item_id]``
    (0 leaves it out); the issue awaits the post's signature."""
    request = _lock_request(request)
    require_stock_role(actor, request.store)
    _require_open(request)
    lines = list(request.lines.select_related("item"))
    errors = FieldErrors()
    approved = {}
    for line in lines:
        wanted = (quantities or {}).get(line.item_id, line.requested)
        if wanted < 0:
            errors.add("lines", _("Quantities are whole numbers above zero."), "quantity_invalid")
        approved[line.pk] = wanted
        if wanted > 0:
            draw(errors, request.store, line.item, wanted)
    if not any(q > 0 for q in approved.values()):
        errors.add("lines", _("Approve at least one item, or reject the request."), "lines_empty")
    errors.raise_if_any()
    for line in lines:
        line.approved = approved[line.pk]
    RequestLine.objects.bulk_update(lines, ["approved"])
    changed = any(line.approved != line.requested for line in lines)
    _decide(request, actor, RequestStatus.APPROVED, note)
    issue = Issue.objects.create(
        store=request.store, post=request.post, request=request, prepared_by=_user(actor), note=note
    )
    IssueLine.objects.bulk_create(
        IssueLine(issue=issue, item=line.item, quantity=line.approved)
        for line in lines
        if line.approved
    )
    audit_record(
        actor=actor,
        action="supplies.request_approve",
        target=request,
        extra={"issue": issue.pk, "adjusted": changed},
    )
    return issue


@transaction.atomic
def request_forward(*, actor: Any, request: SupplyRequest, note: str = "") -> SupplyRequest:
    """Pass a request the store cannot meet to the next store up the chain."""
    request = _lock_request(request)
    require_stock_role(actor, request.store)
    _require_open(request)
    above = [s for s in stores_above(request.store.unit) if s.unit_id != request.store.unit_id]
    if not above:
        errors = FieldErrors()
        errors.add("__all__", _("There is no store above this one."), "no_store_above")
        errors.raise_if_any()
    previous = request.store
    request.store = above[0]
    request.decision_note = note
    request.save(update_fields=["store", "decision_note"])
    audit_record(
        actor=actor,
        action="supplies.request_forward",
        target=request,
        reason=note,
        extra={"from": previous.pk, "to": request.store_id},
    )
    return request


@transaction.atomic
def request_reject(*, actor: Any, request: SupplyRequest, reason: str) -> SupplyRequest:
    request = _lock_request(request)
    require_stock_role(actor, request.store)
    _require_open(request)
    if not reason.strip():
        errors = FieldErrors()
        errors.add("reason", _("Say why the request is rejected."), "reason_required")
        errors.raise_if_any()
    _decide(request, actor, RequestStatus.REJECTED, reason.strip())
    audit_record(actor=actor, action="supplies.request_reject", target=request, reason=reason)
    return request


@transaction.atomic
def issue_create(
    *,
    actor: Any,
    store: Location,
    lines: Sequence[Line],
    site: Site | None = None,
    staff: Staff | None = None,
    note: str = "",
) -> Issue:
    """An issue straight from a store to a post or a person, to be signed for."""
    require_stock_role(actor, store)
    errors = FieldErrors()
    _check_quantities(errors, lines)
    if (site is None) == (staff is None):
        errors.add("recipient", _("Issue to a post or to a person."), "recipient_required")
    if site is not None and not can_manage_stock(actor, site.unit):
        errors.add("site", _("This post is not in your jurisdiction."), "site_out_of_scope")
    if staff is not None and not can_manage_stock(actor, staff.unit):
        errors.add("staff", _("This person is not in your jurisdiction."), "staff_out_of_scope")
    for line in lines:
        draw(errors, store, line.item, line.quantity)
    errors.raise_if_any()
    issue = Issue.objects.create(
        store=store,
        post=post_location(site) if site is not None else None,
        recipient_staff=staff,
        prepared_by=_user(actor),
        note=note,
    )
    IssueLine.objects.bulk_create(
        IssueLine(issue=issue, item=line.item, quantity=line.quantity) for line in lines
    )
    audit_record(actor=actor, action="supplies.issue_create", target=issue)
    return issue


def _require_signer(actor: Any, issue: Issue) -> None:
    # A post's location belongs to the site's unit, so its unit decides who works there.
    at_post = issue.post is not None and unit_in_scope(actor, issue.post.unit)
    if not (at_post or can_manage_stock(actor, issue.store.unit)):
        raise PermissionDeniedError(_("You may not sign for this issue."))


@transaction.atomic
def issue_sign(*, actor: Any, issue: Issue, signed_name: str, signature: bytes) -> Issue:
    """The recipient signs: the store's stock falls and the post's rises, once. Signing an
    issue already signed changes nothing and is refused.

    The issue's row is locked and its status read again first, so two signatures sent at
    once (a double tap, a retry) move the stock once."""
    _require_signer(actor, issue)
    errors = FieldErrors()
    locked = (
        Issue.objects.select_for_update()
        .filter(pk=issue.pk)
        .order_by()
        .values_list("status", flat=True)
    )
    if next(iter(locked), None) != IssueStatus.AWAITING_SIGNATURE:
        errors.add("__all__", _("This issue has already been signed for."), "issue_signed")
        errors.raise_if_any()
    if not signed_name.strip():
        errors.add("signed_name", _("Enter the name of the person signing."), "name_required")
    try:
        image = process_signature(signature)
    except SignatureError as exc:
        errors.add("signature", str(SIGNATURE_MESSAGES[exc.code]()), exc.code)
    errors.raise_if_any()
    lock(*([issue.store] + ([issue.post] if issue.post else [])))
    movements = _issue_movements(errors, issue, actor)
    errors.raise_if_any()
    record(movements)
    issue.signature.save(image.name, image, save=False)
    issue.status = IssueStatus.SIGNED
    issue.signed_name = signed_name.strip()
    issue.signed_at = timezone.now()
    issue.signature_recorded_by = _user(actor)
    issue.save(
        update_fields=["signature", "status", "signed_name", "signed_at", "signature_recorded_by"]
    )
    if issue.request_id is not None:
        SupplyRequest.objects.filter(pk=issue.request_id).update(status=RequestStatus.RECEIVED)
    audit_record(actor=actor, action="supplies.issue_sign", target=issue)
    return issue


def _issue_movements(errors: FieldErrors, issue: Issue, actor: Any) -> list[Movement]:
    at = timezone.now()
    recipient = issue.recipient_staff.name if issue.recipient_staff_id else ""
    movements: list[Movement] = []
    for line in issue.lines.select_related("item"):
        for part in draw(errors, issue.store, line.item, line.quantity):
            if issue.post is not None:
                movements += _pair(
                    MovementKind.ISSUED, issue.store, issue.post, line.item, part, at, actor,
                    issue=issue,
                )  # fmt: skip
            else:
                movements.append(
                    Movement(
                        kind=MovementKind.ISSUED,
                        location=issue.store,
                        item=line.item,
                        batch_id=part.batch_id,
                        quantity=-part.quantity,
                        at=at,
                        day=local_day(at),
                        issue=issue,
                        recipient=recipient,
                        recorded_by=_user(actor),
                    )
                )
    return movements


@transaction.atomic
def issue_cancel(*, actor: Any, issue: Issue, reason: str) -> Issue:
    """Cancel an issue not yet signed for; its request goes back to the store to decide."""
    issue = Issue.objects.select_for_update().select_related("store__unit").get(pk=issue.pk)
    require_stock_role(actor, issue.store)
    errors = FieldErrors()
    if issue.status != IssueStatus.AWAITING_SIGNATURE:
        errors.add("__all__", _("This issue has already been signed for."), "issue_signed")
    if not reason.strip():
        errors.add("reason", _("Say why the issue is cancelled."), "reason_required")
    errors.raise_if_any()
    request_id = issue.request_id
    issue.status, issue.note, issue.request = IssueStatus.CANCELLED, reason.strip(), None
    issue.save(update_fields=["status", "note", "request"])
    if request_id is not None:
        SupplyRequest.objects.filter(pk=request_id).update(
            status=RequestStatus.SUBMITTED, decided_by=None, decided_at=None
        )
    audit_record(actor=actor, action="supplies.issue_cancel", target=issue, reason=reason)
    return issue
