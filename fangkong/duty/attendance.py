"""The attendance rules, pure: a planned duty's state from its shift window and the
person's sign-ins, and the hours and days actually worked from sign-in/sign-out pairs.
Nothing here imports Django; the selectors feed it and show what it returns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# A sign-in up to this long after the shift starts is on time (handover at the post); the
# default of the setting FANGKONG_DUTY_GRACE_MINUTES, which the selectors pass in.
GRACE = timedelta(minutes=10)
# A sign-in this long before the shift starts still counts for it.
EARLY = timedelta(hours=2)
# Someone who never signed out stops counting as present after this long.
MAX_PRESENCE = timedelta(hours=16)
# A shift with a sign-in but no sign-out counts at most its planned length.
OPEN_SHIFT_CAP = timedelta(hours=12)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def takes(self, moment: datetime) -> bool:
        return self.start - EARLY <= moment <= self.end


@dataclass(frozen=True)
class Event:
    kind: str  # "in" or "out"
    at: datetime


def duty_state(
    window: Window, events: Sequence[Event], now: datetime, grace: timedelta = GRACE
) -> tuple[str, datetime | None]:
    """The state of one planned duty (present, late, absent, not due yet, signed out) and
    the first sign-in that answered it. ``events`` are the person's at the duty's post."""
    mine = sorted((e for e in events if window.takes(e.at)), key=lambda e: e.at)
    first_in = next((e.at for e in mine if e.kind == "in"), None)
    if first_in is None:
        return ("expected" if now < window.start + grace else "absent"), None
    if mine[-1].kind == "out":
        return "left", first_in
    return ("late" if first_in > window.start + grace else "present"), first_in


def late_minutes(window: Window, at: datetime) -> int:
    return max(0, int((at - window.start).total_seconds() // 60))


@dataclass(frozen=True)
class Worked:
    day: date
    hours: float


def worked_spans(events: Iterable[Event], now: datetime) -> list[tuple[datetime, datetime]]:
    """Pairs each sign-in with the next sign-out; a sign-in never closed ends after
    :data:`OPEN_SHIFT_CAP` (or now); a sign-out with no sign-in before it counts nothing."""
    spans: list[tuple[datetime, datetime]] = []
    opened: datetime | None = None
    for event in sorted(events, key=lambda e: e.at):
        if event.kind == "in":
            if opened is not None:
                spans.append((opened, min(event.at, opened + OPEN_SHIFT_CAP)))
            opened = event.at
        elif opened is not None:
            spans.append((opened, min(event.at, opened + OPEN_SHIFT_CAP)))
            opened = None
    if opened is not None:
        spans.append((opened, min(now, opened + OPEN_SHIFT_CAP)))
    return [(a, b) for a, b in spans if b > a]


@dataclass(frozen=True)
class Fatigue:
    hours_7d: float
    consecutive_days: int
    days_worked: frozenset[date]

    def over(self, *, max_days: int, max_hours_7d: float) -> list[str]:
        """The limits exceeded, as codes: ``days`` and ``hours``."""
        codes = []
        if self.consecutive_days > max_days:
            codes.append("days")
        if self.hours_7d > max_hours_7d:
            codes.append("hours")
        return codes


def fatigue(spans: Iterable[tuple[datetime, datetime]], today: date, now: datetime) -> Fatigue:
    """Hours worked in the 7 days up to ``now`` and the run of days worked up to ``today``
    (yesterday's run counts when today has no sign-in yet: the day is not over)."""
    spans = list(spans)
    since = now - timedelta(days=7)
    hours = sum((min(b, now) - max(a, since)).total_seconds() / 3600 for a, b in spans if b > since)
    days = frozenset(a.date() for a, _b in spans)
    day = today if today in days else today - timedelta(days=1)
    run = 0
    while day in days:
        run += 1
        day -= timedelta(days=1)
    return Fatigue(round(max(hours, 0.0), 1), run, days)
