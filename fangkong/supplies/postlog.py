"""Which entries of a post's log are missing by now: the two disinfection rounds of the day
and the welfare of each shift that has begun. Pure: local times in, codes out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fangkong.supplies.choices import DISINFECTION_ROUNDS, WELFARE_SHIFT_HOURS

WELFARE_GRACE_HOURS = 1


@dataclass(frozen=True)
class Gaps:
    rounds: tuple[int, ...]  # disinfection rounds (1, 2) overdue
    shifts: tuple[str, ...]  # shifts begun without a welfare entry

    def __bool__(self) -> bool:
        return bool(self.rounds or self.shifts)


def missing(now: datetime, disinfected_at: Iterable[datetime], welfare: Iterable[str]) -> Gaps:
    """``now`` and ``disinfected_at`` are local times of today; ``welfare`` the shifts of
    today with an entry. A round is missing once its due hour has passed without a
    disinfection in its hours; a shift's welfare an hour after the shift began (meals and
    water are brought at its start)."""
    hours = [at.hour for at in disinfected_at]
    rounds = tuple(
        number
        for number, (first, end, due) in enumerate(DISINFECTION_ROUNDS, start=1)
        if now.hour >= due and not any(first <= hour < end for hour in hours)
    )
    recorded = set(welfare)
    shifts = tuple(
        shift
        for shift, (start, _end) in WELFARE_SHIFT_HOURS.items()
        if now.hour >= start + WELFARE_GRACE_HOURS and shift not in recorded
    )
    return Gaps(rounds=rounds, shifts=shifts)
