"""A first roster in a blink: fill cover demands day by day with whoever may still work,
then repair what is left uncovered by moving duties.

Used to seed the neighbourhood search when every hard rule is an upper limit (the police
configuration): walking forward through the days, a person is only checked against what they
already work. The weightiest demands go first (the police: the duty leader, key posts, sworn
officers, auxiliaries), posts that others depend on before those that depend on them, and a
day's shifts in the order they start. Among the candidates, those with fewer skills go first
(a duty leader who is also an officer is kept for the leader's duty, which only such people may
take: filled in the day's order, leaders stood officers' posts until a week's hours left none
for the leader's 24 hours, on 18 of the demo brigade's 28 days); then the one to whom the duty
adds the least soft cost (a request against it, a night or weekend above their fair share, a
change of site from the day before or a duty away from home: the search starts far lower),
then the one with the least work so far (it keeps capacity for later), then one who worked the
same shift the day before (rest rules often forbid changing shift overnight, so keeping people
on their shift keeps the others free for the rest).

The fill leaves some posts uncovered when the staff is tight: everyone able is either on
duty that day or held back by a rule (a full week, a run of nights). The repair then tries,
for each uncovered post, a chain of moves: someone able takes it after giving up one or two
of their duties near that day (those that held them back, or another shift that day), and
others take over those duties, free or in turn giving up one of theirs, up to
``REPAIR_DEPTH`` moves deep. Each move keeps every rule, so the roster stays valid; a chain
that cannot be completed is taken back whole.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections import defaultdict
from collections.abc import Mapping

from .build import Cell, Duty, able_people, allowed, fairness_targets
from .model import FairnessGoal, Problem, history_minutes, history_run

# Rounds of filling, from the share of the demand that can be covered up to the whole of it.
SHARE_ROUNDS = 4
# How many duties deep a repair may move people to cover one post.
REPAIR_DEPTH = 3


def greedy_roster(
    problem: Problem,
    fixed: Mapping[tuple[str, int], tuple[str, str]],
    start: Mapping[Cell, Duty] | None = None,
    seed: int | None = None,
    repair_s: float = 0.0,
    share: float = 1.0,
    repair_steps: int | None = None,
) -> dict[Cell, Duty]:
    """A roster ``{(person index, day): (shift, post)}`` keeping every upper-limit rule.

    ``fixed`` holds cells already decided (frozen), keyed by person id and day. Duties of
    ``start`` (a previous roster) are kept first wherever they still keep every rule; then the
    demand left is filled. A ``seed`` breaks ties between equal candidates at random. Up to
    ``repair_s`` seconds then go to covering what is left by moving duties; or, given
    ``repair_steps``, that many tries to cover a post (chains of moves included), whatever
    the clock says: the same roster on a fast or a busy machine.

    ``share`` below 1 (the part of the demand that can be covered at all, when the staff is
    short): each demand is first filled to that share only, day by day, and then topped up in
    rounds; filled in one pass, the early days took everyone and the seventh was left empty.
    """
    filler = _Filler(problem, fixed, seed)
    filler.rotate = share < 1
    for day in range(problem.days):  # all kept duties first, so that fills respect them
        filler.keep_day(day, start or {})
    # Short of staff, the days are filled in rounds, each to a larger share of their demand:
    # the capacity left after one round goes to all days alike, not to the first ones.
    rounds = [share + (1 - share) * k / SHARE_ROUNDS for k in range(SHARE_ROUNDS)]
    for part in [r for r in rounds if r < 1] + [1.0]:
        for day in range(problem.days):
            filler.fill_day(day, part)
    if repair_steps is not None:
        filler.steps = repair_steps
        filler.repair(math.inf)
    elif repair_s > 0:
        filler.repair(time.perf_counter() + repair_s)
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
        self.rotate = False  # rank the most rested first (when short of staff)
        self.steps: int | None = None  # tries to cover a post the repair has left
        self.able: dict[str, list[int]] = {}  # post -> people who may ever stand it
        self.shifts = {s.id: s for s in problem.shifts}
        self.posts = {p.id: p for p in problem.posts}
        self.roster: dict[Cell, Duty] = {}
        self.journal: list[tuple[bool, int, int, str, str]] = []  # for taking moves back
        # Everything each person works (busy, fixed and chosen): person -> day -> shift.
        self.worked: list[dict[int, str]] = [dict(p.busy) for p in problem.people]
        self.staffed: dict[tuple[int, str, str], int] = defaultdict(int)
        index = {p.id: i for i, p in enumerate(problem.people)}
        for (person, day), (shift, post) in fixed.items():
            self.worked[index[person]][day] = shift
            self.staffed[(day, shift, post)] += 1
        self.fixed_days = {(index[p], d) for p, d in fixed}
        # Work actually done before the period: the run of days, and the minutes of the days
        # the weekly windows reach (indexed -1, -2, ... from the end).
        self.history_run = [history_run(p) for p in problem.people]
        self.history_minutes: list[dict[int, int]] = []
        for p in problem.people:
            limit = p.rules.max_minutes_per_week
            minutes = history_minutes(p, 7, limit) if p.history else []
            self.history_minutes.append({d - len(minutes): m for d, m in enumerate(minutes)})
        self.weekend_of = {d: n for n, days in enumerate(problem.weekends()) for d in days}
        needed = {d.needs for d in problem.dependencies}
        self.demands_by_day = defaultdict(list)
        # Supported posts first (officers before the auxiliaries who need them), then the
        # day's shifts in the order they start.
        # The weightiest demands first (the police: the duty leader, key posts, officers,
        # auxiliaries).
        starts = {s.id: s.start_minute for s in problem.shifts}
        for demand in sorted(
            problem.demands,
            key=lambda d: (-d.under_weight, d.post not in needed, starts[d.shift], d.post),
        ):
            self.demands_by_day[demand.day].append(demand)
        self.needs = {d.post: d.needs for d in problem.dependencies}
        # What a duty would cost in requests: (person, day) -> [(shift or None, on, weight)].
        self.requests: dict[tuple[str, int], list] = defaultdict(list)
        for r in problem.requests:
            self.requests[(r.person, r.day)].append((r.shift, r.on, r.weight))
        # Fairness: each person's goals (goal number, goal, fair share), and their count of
        # each goal's cells.
        targets = fairness_targets(problem)
        self.goals_of: list[list[tuple[int, FairnessGoal, int]]] = [
            [(k, goal, targets[(goal.name, i)]) for k, goal in enumerate(problem.fairness)
             if (goal.name, i) in targets]
            for i in range(len(problem.people))
        ]  # fmt: skip
        self.goal_count: dict[tuple[int, int], int] = defaultdict(int)  # (goal, person)
        # Where each person stands each day (the group), for site changes and home.
        self.place: list[dict[int, str]] = [{} for _ in problem.people]
        for (person, day), (_, post) in fixed.items():
            self.place[index[person]][day] = self.posts[post].group
        for who, worked in enumerate(self.worked):
            for day, shift in worked.items():
                self._count_goals(who, day, shift, 1)

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
                self._apply(True, person, day, shift, post_id)

    def fill_day(self, day: int, share: float = 1.0) -> None:
        for demand in self.demands_by_day[day]:
            post = self.posts[demand.post]
            key = (day, demand.shift, demand.post)
            if post.id in self.needs and not self.staffed[(day, demand.shift, self.needs[post.id])]:
                continue  # nobody to stand beside
            wanted = math.floor(share * demand.required) - self.staffed[key]
            if wanted > 0:
                # A duty changes only its own person's standing: the best ``wanted`` of one
                # ranking are whom one-by-one picks would choose, at a fraction of the cost.
                for person in self._best_candidates(day, demand.shift, post.id, wanted):
                    self._assign(person, day, demand.shift, post.id)

    def _assign(self, person: int, day: int, shift: str, post_id: str) -> None:
        self._apply(True, person, day, shift, post_id)
        self.journal.append((True, person, day, shift, post_id))

    def _unassign(self, person: int, day: int) -> tuple[str, str]:
        shift, post_id = self.roster[(person, day)]
        self._apply(False, person, day, shift, post_id)
        self.journal.append((False, person, day, shift, post_id))
        return shift, post_id

    def _apply(self, add: bool, person: int, day: int, shift: str, post_id: str) -> None:
        if add:
            self.roster[(person, day)] = (shift, post_id)
            self.worked[person][day] = shift
            self.place[person][day] = self.posts[post_id].group
        else:
            del self.roster[(person, day)]
            del self.worked[person][day]
            del self.place[person][day]
        self.staffed[(day, shift, post_id)] += 1 if add else -1
        self._count_goals(person, day, shift, 1 if add else -1)

    def _count_goals(self, person: int, day: int, shift: str, step: int) -> None:
        for k, goal, _ in self.goals_of[person]:
            if _counts(goal, day, shift):
                self.goal_count[(k, person)] += step

    def _soft_cost(self, index: int, day: int, shift: str, post_id: str) -> int:
        """What giving the person this duty adds to the soft costs: requests against it,
        cells above a fair share, a change of site from the day before or a duty away from
        home. Only a guide for the choice: the search optimises the real objective."""
        problem = self.problem
        person = problem.people[index]
        cost = 0
        for wanted, on, weight in self.requests.get((person.id, day), ()):
            if wanted is None or wanted == shift:
                cost += 0 if on else weight
            elif on:
                cost += weight
        for k, goal, target in self.goals_of[index]:
            if _counts(goal, day, shift) and self.goal_count[(k, index)] >= target:
                cost += goal.weight
        group = self.posts[post_id].group
        if person.home_group is not None:
            if group and group != person.home_group:
                cost += problem.home_weight
        elif group:
            before = self.place[index].get(day - 1)
            after = self.place[index].get(day + 1)
            cost += problem.group_change_weight * (
                bool(before and before != group) + bool(after and after != group)
            )
        return cost

    def _undo_point(self) -> int:
        return len(self.journal)

    def _undo_to(self, point: int) -> None:
        """Take back every assignment and removal made since ``point``, newest first."""
        while len(self.journal) > point:
            added, person, day, shift, post_id = self.journal.pop()
            self._apply(not added, person, day, shift, post_id)

    def _able(self, post_id: str) -> list[int]:
        if post_id not in self.able:
            self.able[post_id] = able_people(self.problem, self.posts[post_id])
        return self.able[post_id]

    def _may_take(self, person: int, day: int, shift: str, post_id: str) -> bool:
        """Whether ``person``, free on ``day``, may take the duty under every rule."""
        if day in self.worked[person] or (person, day) in self.fixed_days:
            return False
        post = self.posts[post_id]
        return allowed(post, self.problem.people[person], day, shift) and self._keeps_rules(
            person, day, shift
        )

    # -- repair --------------------------------------------------------------------------

    def repair(self, deadline: float) -> None:
        """Cover what the fill left uncovered, while time allows (see the module's notes)."""
        progress = True
        while progress and not self._over(deadline):
            progress = False
            for demand in self._gaps():
                if self._over(deadline):
                    return
                key = (demand.day, demand.shift, demand.post)
                while self.staffed[key] < demand.required and self._cover(
                    demand.day, demand.shift, demand.post, deadline, REPAIR_DEPTH, frozenset()
                ):
                    progress = True

    def _over(self, deadline: float) -> bool:
        if self.steps is not None:
            return self.steps <= 0
        return time.perf_counter() >= deadline

    def _gaps(self) -> list:
        gaps = []
        for day in range(self.problem.days):
            for demand in self.demands_by_day[day]:
                if self.staffed[(day, demand.shift, demand.post)] >= demand.required:
                    continue
                needs = self.needs.get(demand.post)
                if needs is None or self.staffed[(day, demand.shift, needs)]:
                    gaps.append(demand)
        return gaps

    def _cover(
        self,
        day: int,
        shift: str,
        post_id: str,
        deadline: float,
        depth: int,
        moved: frozenset[int],
    ) -> bool:
        """Staff one more at ``post_id`` on ``day``: someone free, or else someone who gives
        up other duties to stand-ins found the same way, ``depth`` moves deep at most. People
        in ``moved`` are not moved again."""
        if self.steps is not None:
            self.steps -= 1
        free = self._best_candidate(day, shift, post_id, exclude=moved)
        if free is not None:
            self._assign(free, day, shift, post_id)
            return True
        if depth == 0:
            return False
        order = sorted((p for p in self._able(post_id) if p not in moved), key=self.tie.__getitem__)
        for person in order:
            if self._over(deadline):
                return False
            if (person, day) in self.fixed_days or day in self.problem.people[person].busy:
                continue
            if not allowed(self.posts[post_id], self.problem.people[person], day, shift):
                continue
            if self._cover_by_moving(person, day, shift, post_id, deadline, depth, moved):
                return True
        return False

    def _cover_by_moving(
        self,
        person: int,
        day: int,
        shift: str,
        post_id: str,
        deadline: float,
        depth: int,
        moved: frozenset[int],
    ) -> bool:
        """``person`` gives up one or two duties near ``day`` (that day's, or those a rest or
        hours rule holds against it) to others who may take them, and takes the uncovered
        one: every move keeps every rule, or none is made."""
        window = range(max(0, day - 6), min(self.problem.days, day + 7))
        mine = [d for d in window if (person, d) in self.roster]
        if day in self.worked[person] and day not in mine:
            return False  # busy or fixed that day
        near = [d for d in mine if abs(d - day) <= 2]
        choices: list[tuple[int, ...]] = [(d,) for d in mine]
        choices += [(a, b) for i, a in enumerate(near) for b in near[i + 1 :]]
        for given_up in choices:
            if day in self.worked[person] and day not in given_up:
                continue
            duties = [(d, *self._unassign(person, d)) for d in given_up]
            if self._may_take(person, day, shift, post_id):
                self._assign(person, day, shift, post_id)
                undo = self._undo_point()
                if all(
                    self._cover(d, s, p, deadline, depth - 1, moved | {person})
                    for d, s, p in duties
                ):
                    return True
                self._undo_to(undo)
                self._unassign(person, day)
            for other_day, other_shift, other_post in duties:
                self._assign(person, other_day, other_shift, other_post)
        return False

    def _best_candidate(
        self, day: int, shift: str, post_id: str, exclude: frozenset[int] = frozenset()
    ) -> int | None:
        """Who of those free on ``day`` should take the duty (see the module's notes)."""
        best = self._best_candidates(day, shift, post_id, 1, exclude)
        return best[0] if best else None

    def _best_candidates(
        self, day: int, shift: str, post_id: str, count: int, exclude: frozenset[int] = frozenset()
    ) -> list[int]:
        """The ``count`` best of those free on ``day`` for the duty, best first."""
        ranked = (
            (
                len(self.problem.people[index].skills),
                # Short of staff, the most rested first (who worked least in the six days
                # before): else the same people kept working until the week's limit held
                # them all back on the seventh day, left nearly empty.
                self._recent(index, day) if self.rotate else 0,
                self._soft_cost(index, day, shift, post_id),
                len(self.worked[index]),  # the least worked first keeps capacity for later
                self.worked[index].get(day - 1) != shift,
                self.tie[index],
                index,
            )
            for index in self._able(post_id)
            if index not in exclude and self._may_take(index, day, shift, post_id)
        )
        return [key[-1] for key in heapq.nsmallest(count, ranked)]

    def _recent(self, index: int, day: int) -> int:
        worked = self.worked[index]
        return sum(1 for d in range(day - 6, day) if d in worked)

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
            run = _run_through(worked, day, lambda s: True)
            if all(d in worked for d in range(day)):  # the run reaches back before the period
                run += self.history_run[index]
            if run > rules.max_consecutive_shifts:
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
            before = self.history_minutes[index]
            if before:  # the weeks reaching back before the period count it too
                width = 7
            earliest = -len(before)
            last = max(earliest, min(day, self.problem.days - width))
            for first in range(max(earliest, day - width + 1), last + 1):
                window = range(first, first + width)
                used = sum(self.shifts[worked[d]].minutes for d in window if d in worked)
                used += sum(before[d] for d in window if d < 0)
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


def _counts(goal: FairnessGoal, day: int, shift: str) -> bool:
    return (goal.days is None or day in goal.days) and (goal.shifts is None or shift in goal.shifts)


def _run_through(worked: Mapping[int, str], day: int, counts) -> int:
    """The length of the run of counted shifts ``day`` would make."""
    length, d = 1, day - 1
    while d in worked and counts(worked[d]):
        length, d = length + 1, d - 1
    d = day + 1
    while d in worked and counts(worked[d]):
        length, d = length + 1, d + 1
    return length
