"""Shift windows of published duties, as aware moments: the roster keeps a duty as a day
and a shift code, the pattern says when that shift starts and how long it lasts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fangkong.duty.attendance import Window
from fangkong.roster.engine.police import LEAD_SHIFT, SHIFT_PATTERNS


def shift_window(pattern: str, day: date, shift: str) -> Window | None:
    shifts = SHIFT_PATTERNS.get(pattern) or SHIFT_PATTERNS["three"]
    found = next((s for s in (*shifts, LEAD_SHIFT) if s.id == shift), None)
    if found is None:
        return None
    midnight = timezone.make_aware(datetime.combine(day, time()))
    start = midnight + timedelta(minutes=found.start_minute)
    return Window(start, start + timedelta(minutes=found.minutes))
