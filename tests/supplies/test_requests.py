"""A post's request up the chain, the issue signed for at the post, and issues to a person."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.errors import PermissionDeniedError
from fangkong.supplies import services
from fangkong.supplies.choices import IssueStatus, RequestStatus
from fangkong.supplies.models import Movement, StockLevel
from fangkong.supplies.services import Line
from tests.factories import StaffFactory
from tests.supplies.conftest import signature_png

pytestmark = pytest.mark.django_db


def level(location: Any, item: Any) -> int:
    row = StockLevel.objects.filter(location=location, item=item).first()
    return row.quantity if row else 0


@pytest.fixture
def stocked(stores, items, logistics) -> Any:
    services.stock_receive(
        actor=logistics,
        store=stores.ganzhou,
        lines=[Line(items["MASK-SURG"], 1000), Line(items["ALC-500"], 30)],
    )
    return stores


def test_request_approved_with_less_then_signed_for_moves_stock_once(
    stocked, items, logistics, post_leader, sites
) -> None:
    site = sites["ganzhou"][2]
    mask, alcohol = items["MASK-SURG"], items["ALC-500"]
    request = services.request_create(
        actor=post_leader, site=site, lines=[Line(mask, 200), Line(alcohol, 10)], note="夜班用"
    )
    assert request.store == stocked.ganzhou and request.status == RequestStatus.SUBMITTED
    issue = services.request_approve(
        actor=logistics, request=request, quantities={alcohol.pk: 6}, note="酒精紧张"
    )
    assert [(line.item_id, line.quantity) for line in issue.lines.all()] == [
        (mask.pk, 200),
        (alcohol.pk, 6),
    ]
    assert level(stocked.ganzhou, mask) == 1000  # nothing moves before the signature
    services.issue_sign(
        actor=post_leader, issue=issue, signed_name="王班长", signature=signature_png()
    )
    issue.refresh_from_db()
    request.refresh_from_db()
    assert issue.status == IssueStatus.SIGNED and issue.signature.name.endswith(".png")
    assert request.status == RequestStatus.RECEIVED
    assert level(stocked.ganzhou, mask) == 800 and level(issue.post, mask) == 200
    assert level(issue.post, alcohol) == 6
    with pytest.raises(ValidationError) as caught:
        services.issue_sign(
            actor=post_leader, issue=issue, signed_name="王班长", signature=signature_png()
        )
    assert caught.value.error_dict["__all__"][0].code == "issue_signed"
    assert level(stocked.ganzhou, mask) == 800
    assert Movement.objects.filter(issue=issue).count() == 4


def test_a_blank_or_missing_signature_is_refused(stocked, items, logistics, sites) -> None:
    issue = services.issue_create(
        actor=logistics, store=stocked.ganzhou, site=sites["ganzhou"][0], lines=[
            Line(items["MASK-SURG"], 5)
        ],
    )  # fmt: skip
    for data, code in ((signature_png(blank=True), "signature_blank"), (b"", "signature_missing"),
                       (b"GIF89a....", "signature_invalid")):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            services.issue_sign(actor=logistics, issue=issue, signed_name="张三", signature=data)
        assert caught.value.error_dict["signature"][0].code == code
    assert not Movement.objects.filter(issue=issue).exists()


def test_a_request_goes_up_the_chain(stocked, items, logistics, commander, post_leader, sites):
    request = services.request_create(
        actor=post_leader, site=sites["ganzhou"][2], lines=[Line(items["MASK-N95"], 50)]
    )
    with pytest.raises(ValidationError):  # Ganzhou has no N95 masks
        services.request_approve(actor=logistics, request=request)
    services.request_forward(actor=logistics, request=request, note="本大队无N95")
    request.refresh_from_db()
    assert request.store == stocked.detachment
    with pytest.raises(PermissionDeniedError):  # now the detachment's to decide
        services.request_reject(actor=logistics, request=request, reason="x")
    with pytest.raises(ValidationError) as caught:
        services.request_reject(actor=commander, request=request, reason="")
    assert caught.value.error_dict["reason"][0].code == "reason_required"
    services.request_reject(actor=commander, request=request, reason="全市缺货")
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED


def test_only_the_posts_own_people_ask(stocked, items, other_officer, sites) -> None:
    with pytest.raises(PermissionDeniedError):
        services.request_create(
            actor=other_officer, site=sites["ganzhou"][0], lines=[Line(items["GLOVE"], 1)]
        )


def test_issue_to_a_person_and_cancel(stocked, items, logistics, tree) -> None:
    officer = StaffFactory(unit=tree.ganzhou, name="赵警官")
    issue = services.issue_create(
        actor=logistics, store=stocked.ganzhou, staff=officer, lines=[Line(items["ALC-500"], 2)]
    )
    services.issue_sign(
        actor=logistics, issue=issue, signed_name="赵警官", signature=signature_png()
    )
    out = Movement.objects.get(issue=issue)
    assert (out.quantity, out.recipient, out.location_id) == (-2, "赵警官", stocked.ganzhou.pk)
    other = services.issue_create(
        actor=logistics, store=stocked.ganzhou, staff=officer, lines=[Line(items["ALC-500"], 1)]
    )
    services.issue_cancel(actor=logistics, issue=other, reason="重复")
    other.refresh_from_db()
    assert other.status == IssueStatus.CANCELLED
