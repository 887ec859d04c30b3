"""The arithmetic of the stock ledger, without Django: how a movement counts in a day's sums,
which batches an issue draws on, days of stock left and what to reorder.

Consumption is what leaves a location in the course of its work: a store's issues and
transfers on, anything used, and at a post what a count finds gone since the last count
(posts count what they have left; the difference is what they used). Write-offs and a
store's count corrections change the stock but are not consumption.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

RECEIVED, ISSUED, TRANSFERRED, USED, WRITTEN_OFF, COUNTED = (
    "received",
    "issued",
    "transferred",
    "used",
    "written_off",
    "counted",
)
# The consumption of the last this many full days gives the daily rate.
WINDOW_DAYS = 7


@dataclass(frozen=True)
class DayEffect:
    received: int
    consumed: int
    net: int


def day_effect(kind: str, quantity: int, *, at_post: bool) -> DayEffect:
    """How a movement of ``quantity`` (signed) adds to its location's sums of the day."""
    received = quantity if quantity > 0 and kind in (RECEIVED, ISSUED, TRANSFERRED) else 0
    consumed = 0
    if quantity < 0 and (kind in (ISSUED, TRANSFERRED, USED) or (kind == COUNTED and at_post)):
        consumed = -quantity
    return DayEffect(received=received, consumed=consumed, net=quantity)


@dataclass(frozen=True)
class BatchStock:
    batch_id: int
    quantity: int
    expires_on: date | None


@dataclass(frozen=True)
class Draw:
    batch_id: int
    quantity: int


class NotEnoughStock(Exception):  # noqa: N818 - a domain outcome, not a programming error
    def __init__(self, available: int, wanted: int) -> None:
        super().__init__(f"{available} available, {wanted} wanted")
        self.available = available
        self.wanted = wanted


def first_expiry_first(batches: Sequence[BatchStock], wanted: int, *, today: date) -> list[Draw]:
    """Which batches an issue of ``wanted`` draws on: the earliest expiry first, batches
    without expiry last, never an expired batch (that is written off, not issued)."""
    usable = [
        b for b in batches if b.quantity > 0 and (b.expires_on is None or b.expires_on >= today)
    ]
    usable.sort(key=lambda b: (b.expires_on is None, b.expires_on or date.max, b.batch_id))
    available = sum(b.quantity for b in usable)
    if wanted > available:
        raise NotEnoughStock(available, wanted)
    draws: list[Draw] = []
    left = wanted
    for batch in usable:
        if left == 0:
            break
        take = min(batch.quantity, left)
        draws.append(Draw(batch.batch_id, take))
        left -= take
    return draws


def daily_rate(consumed: int, days: int = WINDOW_DAYS) -> float:
    return consumed / days if days > 0 else 0.0


def days_left(balance: int, consumed: int, days: int = WINDOW_DAYS) -> float | None:
    """Days the balance lasts at the rate of the last ``days`` days; None when nothing was
    consumed (it lasts for ever, or the item is not used there)."""
    rate = daily_rate(consumed, days)
    if rate <= 0:
        return None
    return max(balance, 0) / rate


def is_low(balance: int, consumed: int, threshold_days: float) -> bool:
    left = days_left(balance, consumed)
    return left is not None and left < threshold_days


def reorder_quantity(balance: int, consumed: int, cover_days: int) -> int:
    """What to order so that the balance covers ``cover_days`` at the current rate."""
    need = daily_rate(consumed) * cover_days - max(balance, 0)
    return max(0, math.ceil(need))
