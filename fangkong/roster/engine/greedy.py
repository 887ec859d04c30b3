"""A first roster in a blink: fill cover demands day by day with whoever may still work.

Used to seed the neighbourhood search when every hard rule is an upper limit (the police
configuration): walking forward through the days, a person is only checked against what they
already work. Posts that others depend on (officers, whom auxiliaries need) are filled first.
Among the candidates, the one with the least work so far gets the duty (then one without a
request for the day off, then one at home on the site).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping

from .build import Cell, Duty, allowed
from .model import Problem


def greedy_roster(
    problem: Problem,
    fixed: Mapping[tuple[str, int], tuple[str, str]],
    start: Mapping[Cell, Duty] | None = None,
    seed: int | None = None,
) -> dict[Cell, Duty]:
    """A roster ``{(person index, day): (shift, post)}`` keeping every upper-limit rule.

    ``fixed`` holds cells already decided (frozen), keyed by person id and day. Duties of
    ``start`` (a previous roster) are kept first wherever they still keep every rule; then the
    demand left is filled. A ``seed`` breaks ties between equal candidates at random.
    """
    filler = _Filler(problem, fixed, seed)
    for day in range(problem.days):  # all kept duties first, so that fills respect them
        filler.keep_day(day, start or {})
    for day in range(problem.days):
        filler.fill_day(day)
    return filler.roster


class _Filler:
    def __init__(
        self,
        problem: Problem,
        fixed: Mapping[tuple[str, int], tuple[str, str]],
        seed: int | None = None,
    ) -> None:
        self.problem = problem
        order = list(range(len(problem.people)))
        if seed is not None:
            random.Random(seed).shuffle(order)
        self.tie = order  # person index -> tie-breaking rank
        self.able: dict[str, list[int]] = {}  # post -> people who may ever stand it
        self.shifts = {s.id: s for s in problem.shifts}
        self.posts = {p.id: p for p in problem.posts}
        self.roster: dict[Cell, Duty] = {}
        # Everything each person works (busy, fixed and chosen): person -> day -> shift.
        self.worked: list[dict[int, str]] = [dict(p.busy) for p in problem.people]
        self.staffed: dict[tuple[int, str, str], int] = defaultdict(int)
        index = {p.id: i for i, p in enumerate(problem.people)}
        for (person, day), (shift, post) in fixed.items():
            self.worked[index[person]][day] = shift
            self.staffed[(day, shift, post)] += 1
        self.fixed_days = {(index[p], d) for p, d in fixed}
        self.weekend_of = {d: n for n, days in enumerate(problem.weekends()) for d in days}
        needed = {d.needs for d in problem.dependencies}
        self.demands_by_day = defaultdict(list)
        # Supported posts first: officers before the auxiliaries who need them.
        for demand in sorted(problem.demands, key=lambda d: (d.post not in needed, d.post)):
            self.demands_by_day[demand.day].append(demand)
        self.needs = {d.post: d.needs for d in problem.dependencies}
        self.off_requests = {
            (r.person, r.day) for r in problem.requests if not r.on and r.shift is None
        }

    def keep_day(self, day: int, start: Mapping[Cell, Duty]) -> None:
        kept = sorted(
            ((p, shift, post) for (p, d), (shift, post) in start.items() if d == day),
            key=lambda item: item[2] in self.needs,  # supported posts (officers) first
        )
        for person, shift, post_id in kept:
            post = self.posts[post_id]
            if post_id in self.needs and not self.staffed[(day, shift, self.needs[post_id])]:
                continue  # the officer beside them is gone
            if day in self.worked[person] or (person, day) in self.fixed_days:
                continue
            if allowed(post, self.problem.people[person], day, shift) and self._keeps_rules(
                person, day, shift
            ):
                self.roster[(person, day)] = (shift, post_id)
                self.worked[person][day] = shift
                self.staffed[(day, shift, post_id)] += 1

    def fill_day(self, day: int) -> None:
        for demand in self.demands_by_day[day]:
            post = self.posts[demand.post]
            key = (day, demand.shift, demand.post)
            if post.id in self.needs and not self.staffed[(day, demand.shift, self.needs[post.id])]:
                continue  # nobody to stand beside
            while self.staffed[key] < demand.required:
                person = self._best_candidate(day, demand.shift, post.id)
                if person is None:
                    break
                self.roster[(person, day)] = (demand.shift, post.id)
                self.worked[person][day] = demand.shift
                self.staffed[key] += 1

    def _best_candidate(self, day: int, shift: str, post_id: str) -> int | None:
        post = self.posts[post_id]
        if post_id not in self.able:
            self.able[post_id] = [
                i
                for i, p in enumerate(self.problem.people)
                if (post.skill is None or post.skill in p.skills)
                and (not post.group or p.groups is None or post.group in p.groups)
            ]
        best, best_key = None, None
        for index in self.able[post_id]:
            person = self.problem.people[index]
            if day in self.worked[index] or (index, day) in self.fixed_days:
                continue
            if not allowed(post, person, day, shift) or not self._keeps_rules(index, day, shift):
                continue
            key = (
                len(self.worked[index]),  # the least worked first keeps capacity for later
                (person.id, day) in self.off_requests,
                person.home_group is not None and person.home_group != post.group,
                self.tie[index],
            )
            if best_key is None or key < best_key:
                best, best_key = index, key
        return best

    def _keeps_rules(self, index: int, day: int, shift: str) -> bool:
        """Whether adding ``shift`` on ``day`` keeps the person's upper limits.

        ``worked`` may hold later days too (shifts fixed in other units), so every rule looks
        both ways.
        """
        rules = self.problem.people[index].rules
        worked = self.worked[index]
        for rule in self.problem.forbidden:
            if rule.then == shift and worked.get(day - rule.gap_days) == rule.first:
                return False
            if rule.first == shift and worked.get(day + rule.gap_days) == rule.then:
                return False
        if rules.max_consecutive_shifts is not None:
            if _run_through(worked, day, lambda s: True) > rules.max_consecutive_shifts:
                return False
        if rules.max_consecutive_nights is not None and self.shifts[shift].night:
            if (
                _run_through(worked, day, lambda s: self.shifts[s].night)
                > rules.max_consecutive_nights
            ):
                return False
        minutes = self.shifts[shift].minutes
        if rules.max_minutes_per_week is not None:
            width = min(7, self.problem.days)
            for first in range(max(0, day - width + 1), min(day, self.problem.days - width) + 1):
                window = range(first, first + width)
                used = sum(self.shifts[worked[d]].minutes for d in window if d in worked)
                if used + minutes > rules.max_minutes_per_week:
                    return False
        if rules.max_total_minutes is not None:
            total = sum(self.shifts[s].minutes for s in worked.values())
            if total + minutes > rules.max_total_minutes:
                return False
        limit = rules.max_shifts.get(shift)
        if limit is not None and sum(1 for s in worked.values() if s == shift) >= limit:
            return False
        return self._weekend_ok(worked, day, rules.max_weekends)

    def _weekend_ok(self, worked: Mapping[int, str], day: int, limit: int | None) -> bool:
        if limit is None or day not in self.weekend_of:
            return True
        weekends = {self.weekend_of[d] for d in worked if d in self.weekend_of}
        return self.weekend_of[day] in weekends or len(weekends) < limit


def _run_through(worked: Mapping[int, str], day: int, counts) -> int:
    """The length of the run of counted shifts ``day`` would make."""
    length, d = 1, day - 1
    while d in worked and counts(worked[d]):
        length, d = length + 1, d - 1
    d = day + 1
    while d in worked and counts(worked[d]):
        length, d = length + 1, d + 1
    return length
