"""The stock ledger through its services: every change a movement, the sums always the
ledger's, and who may move what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.supplies import aggregates, services
from fangkong.supplies.models import (
    AppendOnlyError,
    BatchLevel,
    Movement,
    StockDay,
    StockLevel,
)
from fangkong.supplies.services import Line

pytestmark = pytest.mark.django_db


def level(location: Any, item: Any) -> int:
    row = StockLevel.objects.filter(location=location, item=item).first()
    return row.quantity if row else 0


def test_receiving_writes_a_movement_and_its_sums(stores, items, logistics) -> None:
    mask = items["MASK-SURG"]
    soon = timezone.localdate() + timedelta(days=90)
    services.stock_receive(
        actor=logistics,
        store=stores.ganzhou,
        lines=[Line(mask, 1000, "B1", soon), Line(mask, 500, "B2", soon + timedelta(days=30))],
        supplier="张掖医药公司",
        reference="RK-001",
    )
    assert level(stores.ganzhou, mask) == 1500
    assert sorted(BatchLevel.objects.values_list("batch__number", "quantity")) == [
        ("B1", 1000),
        ("B2", 500),
    ]
    day = StockDay.objects.get(location=stores.ganzhou, item=mask)
    assert (day.received, day.consumed, day.net) == (1500, 0, 1500)
    assert AuditLog.objects.filter(action="supplies.receive").count() == 1


def test_the_ledger_is_never_edited(stores, items, logistics) -> None:
    [movement] = services.stock_receive(
        actor=logistics, store=stores.ganzhou, lines=[Line(items["GLOVE"], 10)]
    )
    with pytest.raises(AppendOnlyError):
        movement.save()
    with pytest.raises(AppendOnlyError):
        Movement.objects.filter(pk=movement.pk).update(quantity=99)
    with pytest.raises(AppendOnlyError):
        Movement.objects.all().delete()


def test_a_batch_number_keeps_its_expiry(stores, items, logistics) -> None:
    mask = items["MASK-N95"]
    services.stock_receive(
        actor=logistics, store=stores.ganzhou, lines=[Line(mask, 10, "X1", date(2030, 1, 1))]
    )
    with pytest.raises(ValidationError) as caught:
        services.stock_receive(
            actor=logistics, store=stores.ganzhou, lines=[Line(mask, 10, "X1", date(2031, 1, 1))]
        )
    assert caught.value.error_dict["lines"][0].code == "batch_expiry_conflict"


def test_transfer_moves_the_earliest_expiry_between_stores(stores, items, commander) -> None:
    mask = items["MASK-SURG"]
    today = timezone.localdate()
    services.stock_receive(
        actor=commander,
        store=stores.detachment,
        lines=[
            Line(mask, 300, "LATE", today + timedelta(days=300)),
            Line(mask, 200, "EARLY", today + timedelta(days=30)),
        ],
    )
    services.stock_transfer(
        actor=commander, source=stores.detachment, target=stores.ganzhou, lines=[Line(mask, 250)]
    )
    assert level(stores.detachment, mask) == 250
    assert level(stores.ganzhou, mask) == 250
    got = dict(
        BatchLevel.objects.filter(location=stores.ganzhou).values_list("batch__number", "quantity")
    )
    assert got == {"EARLY": 200, "LATE": 50}
    sent = StockDay.objects.get(location=stores.detachment, item=mask)
    assert sent.consumed == 250  # what a store sends on counts as its consumption


def test_too_little_stock_is_refused_on_the_field(stores, items, logistics) -> None:
    with pytest.raises(ValidationError) as caught:
        services.stock_transfer(
            actor=logistics,
            source=stores.ganzhou,
            target=stores.detachment,
            lines=[Line(items["GLOVE"], 1)],
        )
    assert caught.value.error_dict["lines"][0].code == "not_enough_stock"
    assert not Movement.objects.exists()


def test_counts_at_a_store_and_at_a_post(stores, items, logistics, post_leader, sites) -> None:
    glove = items["GLOVE"]
    services.stock_receive(actor=logistics, store=stores.ganzhou, lines=[Line(glove, 100)])
    services.stock_count(actor=logistics, location=stores.ganzhou, lines=[Line(glove, 90)])
    assert level(stores.ganzhou, glove) == 90
    assert StockDay.objects.get(location=stores.ganzhou, item=glove).consumed == 0
    post = services.post_location(sites["ganzhou"][2])
    services.stock_count(actor=post_leader, location=post, lines=[Line(glove, 40)])
    services.stock_count(actor=post_leader, location=post, lines=[Line(glove, 25)])
    assert level(post, glove) == 25
    day = StockDay.objects.get(location=post, item=glove)
    assert (day.consumed, day.net) == (15, 25)
    counted = Movement.objects.filter(location=post).order_by("id")
    assert [(m.quantity, m.counted) for m in counted] == [(40, 40), (-15, 25)]


def test_write_off_takes_an_expired_batch(stores, items, logistics) -> None:
    alcohol = items["ALC-500"]
    past = timezone.localdate() - timedelta(days=1)
    services.stock_receive(
        actor=logistics,
        store=stores.ganzhou,
        lines=[Line(alcohol, 5, "OLD", past), Line(alcohol, 20, "NEW", date(2035, 1, 1))],
    )
    services.stock_write_off(
        actor=logistics, store=stores.ganzhou, item=alcohol, quantity=5, reason="过期"
    )
    assert BatchLevel.objects.get(batch__number="OLD").quantity == 0
    with pytest.raises(ValidationError) as caught:
        services.stock_write_off(
            actor=logistics, store=stores.ganzhou, item=alcohol, quantity=1, reason=" "
        )
    assert caught.value.error_dict["reason"][0].code == "reason_required"


def test_only_logistics_of_the_jurisdiction_move_stock(
    stores, items, logistics, other_officer, brigade_officer, post_leader
) -> None:
    line = [Line(items["GLOVE"], 1)]
    with pytest.raises(PermissionDeniedError):
        services.stock_receive(actor=other_officer, store=stores.ganzhou, lines=line)
    with pytest.raises(PermissionDeniedError):
        services.stock_receive(actor=logistics, store=stores.detachment, lines=line)
    with pytest.raises(PermissionDeniedError):  # a duty leader at a post runs no store
        services.stock_receive(actor=post_leader, store=stores.ganzhou, lines=line)
    services.stock_receive(actor=brigade_officer, store=stores.ganzhou, lines=line)


def test_a_post_asks_the_nearest_store_above_it(stores, sites) -> None:
    squad_site = sites["ganzhou"][2]
    assert services.stores_above(squad_site.unit) == [stores.ganzhou, stores.detachment]


def test_rebuilding_the_sums_gives_what_the_services_kept(
    stores, items, commander, post_leader, sites
) -> None:
    mask, glove = items["MASK-SURG"], items["GLOVE"]
    services.stock_receive(
        actor=commander, store=stores.detachment, lines=[Line(mask, 900), Line(glove, 80)]
    )
    services.stock_transfer(
        actor=commander, source=stores.detachment, target=stores.ganzhou, lines=[Line(mask, 400)]
    )
    services.stock_use(actor=commander, location=stores.ganzhou, item=mask, quantity=30)
    post = services.post_location(sites["ganzhou"][2])
    services.stock_count(actor=post_leader, location=post, lines=[Line(glove, 12)])
    services.stock_count(actor=post_leader, location=post, lines=[Line(glove, 5)])
    services.stock_write_off(
        actor=commander, store=stores.detachment, item=glove, quantity=3, reason="破损"
    )

    def snapshot() -> tuple[list[Any], ...]:
        return (
            sorted(StockLevel.objects.values_list("location_id", "item_id", "quantity")),
            sorted(BatchLevel.objects.values_list("location_id", "batch_id", "quantity")),
            sorted(
                StockDay.objects.values_list(
                    "location_id", "item_id", "day", "received", "consumed", "net"
                )
            ),
        )

    kept = snapshot()
    aggregates.rebuild()
    assert snapshot() == kept


def test_the_rebuild_command(stores, items, commander) -> None:
    from django.core.management import call_command

    services.stock_receive(actor=commander, store=stores.ganzhou, lines=[Line(items["GLOVE"], 7)])
    StockLevel.objects.all().delete()
    call_command("supplies_rebuild", stdout=None)
    assert level(stores.ganzhou, items["GLOVE"]) == 7
