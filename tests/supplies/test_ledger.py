"""The ledger's arithmetic, without a database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.supplies import ledger, postlog
from fangkong.supplies.ledger import BatchStock, Draw

TODAY = date(2020, 2, 10)


def test_an_issue_draws_the_earliest_expiry_first_and_never_an_expired_batch() -> None:
    batches = [
        BatchStock(1, 100, None),
        BatchStock(2, 50, date(2020, 6, 1)),
        BatchStock(3, 30, date(2020, 3, 1)),
        BatchStock(4, 999, date(2020, 2, 1)),  # expired
    ]
    assert ledger.first_expiry_first(batches, 60, today=TODAY) == [Draw(3, 30), Draw(2, 30)]
    assert ledger.first_expiry_first(batches, 180, today=TODAY)[-1] == Draw(1, 100)
    with pytest.raises(ledger.NotEnoughStock) as caught:
        ledger.first_expiry_first(batches, 181, today=TODAY)
    assert caught.value.available == 180


@settings(deadline=None)  # the machine is shared: a slow example is not a failure
@given(
    st.lists(st.tuples(st.integers(0, 500), st.none() | st.dates()), max_size=8),
    st.integers(1, 3000),
)
def test_a_draw_takes_exactly_what_is_wanted_from_what_there_is(
    specs: list[tuple[int, date | None]], wanted: int
) -> None:
    batches = [BatchStock(n, q, d) for n, (q, d) in enumerate(specs)]
    try:
        draws = ledger.first_expiry_first(batches, wanted, today=date.min)
    except ledger.NotEnoughStock:
        assert sum(q for q, _ in specs) < wanted
        return
    assert sum(d.quantity for d in draws) == wanted
    held = {b.batch_id: b.quantity for b in batches}
    assert all(0 < d.quantity <= held[d.batch_id] for d in draws)


@pytest.mark.parametrize(
    ("kind", "quantity", "at_post", "effect"),
    [
        ("received", 100, False, (100, 0, 100)),
        ("issued", -40, False, (0, 40, -40)),
        ("issued", 40, True, (40, 0, 40)),
        ("transferred", -10, False, (0, 10, -10)),
        ("used", -5, True, (0, 5, -5)),
        ("counted", -7, True, (0, 7, -7)),  # gone from a post since its last count: used
        ("counted", -7, False, (0, 0, -7)),  # a store's shortfall is not consumption
        ("counted", 3, True, (0, 0, 3)),
        ("written_off", -20, False, (0, 0, -20)),
    ],
)
def test_day_effects(kind: str, quantity: int, at_post: bool, effect: tuple[int, ...]) -> None:
    got = ledger.day_effect(kind, quantity, at_post=at_post)
    assert (got.received, got.consumed, got.net) == effect


def test_days_left_and_reorder() -> None:
    assert ledger.days_left(700, 700) == 7
    assert ledger.days_left(100, 0) is None
    assert ledger.days_left(-5, 70) == 0
    assert ledger.is_low(20, 70, 3) and not ledger.is_low(30, 70, 3)
    assert ledger.reorder_quantity(100, 700, 14) == 1300
    assert ledger.reorder_quantity(5000, 700, 14) == 0


def test_missing_log_entries_by_the_hour() -> None:
    from datetime import datetime

    morning = datetime(2020, 2, 10, 9, 30)
    assert postlog.missing(morning, [], []) == postlog.Gaps(rounds=(), shifts=("night", "day"))
    afternoon = datetime(2020, 2, 10, 13, 0)
    gaps = postlog.missing(afternoon, [datetime(2020, 2, 10, 13, 0)], ["night", "day"])
    assert gaps.rounds == (1,)  # the afternoon's disinfection is not the morning's
    evening = datetime(2020, 2, 10, 21, 0)
    done = [datetime(2020, 2, 10, 7, 0), datetime(2020, 2, 10, 15, 0)]
    assert not postlog.missing(evening, done, ["night", "day", "evening"])
