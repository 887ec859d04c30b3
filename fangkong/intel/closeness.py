"""Which first-degree contacts came closest to the case: the order in which a bounded second
degree follows them. Pure Python, so that the order is the same on every database."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Place:
    """Where and when someone was: a site, a moment and the travel group, if any."""

    site_id: int
    at: datetime
    group_id: int | None = None


def closest_first(case: Iterable[Place], whereabouts: Iterable[tuple[int, Place]],
                  persons: Sequence[int]) -> list[int]:  # fmt: skip
    """``persons`` ordered by how near in time any of their whereabouts came to one of the
    case's at the same site (a shared travel group counts as no time apart), then by id.

    A contact with no such place (same vehicle on another day at another site, a train or
    flight manifest) comes after every contact that has one: a manifest says nothing of how
    near they sat, and the window joins measure nearness only at a shared site.
    """
    times: dict[int, list[datetime]] = defaultdict(list)
    groups: set[int] = set()
    for place in case:
        times[place.site_id].append(place.at)
        if place.group_id is not None:
            groups.add(place.group_id)
    for moments in times.values():
        moments.sort()
    nearest: dict[int, float] = {}
    for person, place in whereabouts:
        gap = 0.0 if place.group_id in groups else _gap(times.get(place.site_id, []), place.at)
        nearest[person] = min(nearest.get(person, math.inf), gap)
    return sorted(persons, key=lambda person: (nearest.get(person, math.inf), person))


def _gap(moments: list[datetime], at: datetime) -> float:
    """Seconds from ``at`` to the nearest of the sorted ``moments`` (infinite if none)."""
    i = bisect_left(moments, at)
    near = moments[max(i - 1, 0) : i + 1]
    return min((abs((at - m).total_seconds()) for m in near), default=math.inf)
