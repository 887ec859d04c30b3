"""What the duty records say before a roster's period, for the engine (issue 22, items 4, 5):
the leaders bound to key posts (包保), and the hours each person actually worked on the days
before it: from sign-ins on days that are over, from the published roster on the days that
are not (today and the days up to the start)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from fangkong.duty import attendance
from fangkong.duty.models import PostLeader, SignIn
from fangkong.duty.shifts import shift_window
from fangkong.roster.choices import RosterStatus
from fangkong.roster.engine import police
from fangkong.roster.models import RosterAssignment

# As far back as the engine looks (the longest run of days its rules count).
LOOKBACK_DAYS = police.HISTORY_DAYS


def post_leaders(site_ids: Iterable[int], start: date, days: int) -> tuple[police.PostLeader, ...]:
    """The leaders bound to these sites for some of the period, with the days they hold.

    A leader outside the roster's staff is still listed: the engine then reports the post's
    lead as missing with no eligible staff, rather than silently leaving it out."""
    end = start + timedelta(days=days - 1)
    result = []
    for row in PostLeader.objects.filter(
        site_id__in=list(site_ids), starts_on__lte=end, ends_on__gte=start
    ).order_by("site_id", "starts_on"):
        first, last = max(row.starts_on, start), min(row.ends_on, end)
        held = frozenset(first + timedelta(days=k) for k in range((last - first).days + 1))
        result.append(police.PostLeader(str(row.site_id), str(row.leader_id), held))
    return tuple(result)


@dataclass
class Worked:
    """One person's minutes per day before the period, and when their last work ended."""

    minutes: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    last_off: datetime | None = None

    def add(self, begin: datetime, end: datetime) -> None:
        self.minutes[begin.date()] += int((end - begin).total_seconds() // 60)
        if self.last_off is None or end > self.last_off:
            self.last_off = end


def worked_before(
    staff_ids: Iterable[int], start: date, now: datetime | None = None
) -> dict[int, Worked]:
    """Per person, the work of the :data:`LOOKBACK_DAYS` days before ``start``: signed in
    and out on the days that are over, as published on the days that are not."""
    staff_ids = list(staff_ids)
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    first = start - timedelta(days=LOOKBACK_DAYS)
    found: dict[int, Worked] = defaultdict(Worked)
    # Days that are over: the sign-ins (a shift is the day it starts, as on the roster).
    actual_until = min(start, today)
    if first < actual_until:
        since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
        until = timezone.make_aware(datetime.combine(actual_until, datetime.min.time()))
        events: dict[int, list[attendance.Event]] = defaultdict(list)
        for staff_id, kind, at in SignIn.objects.filter(
            staff_id__in=staff_ids, at__gte=since - attendance.OPEN_SHIFT_CAP, at__lt=until
        ).values_list("staff_id", "kind", "at"):
            events[staff_id].append(attendance.Event(kind, timezone.localtime(at)))
        for staff_id, own in events.items():
            for begin, end in attendance.worked_spans(own, timezone.localtime(until)):
                if since <= begin:
                    found[staff_id].add(begin, end)
    # Days not over yet: the published duties.
    planned_from = max(first, today)
    if planned_from < start:
        for staff_id, day, shift, pattern in RosterAssignment.objects.filter(
            staff_id__in=staff_ids,
            roster__status=RosterStatus.PUBLISHED,
            date__gte=planned_from,
            date__lt=start,
        ).values_list("staff_id", "date", "shift", "roster__pattern"):
            window = shift_window(pattern, day, shift)
            if window is not None:
                begin = timezone.localtime(window.start)
                found[staff_id].add(begin, timezone.localtime(window.end))
    return dict(found)
