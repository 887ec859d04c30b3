"""A proven lower bound on the cost of uncovered demand, from a maximum flow.

Relax the problem to what can be counted: a person works at most one shift a day, not on a
day off or a day worked elsewhere, at most as many shifts in any 7 days as the weekly hours and
the consecutive-day limit allow, at most as many in the period as its total allows, and only at
posts of their skill and groups. Every roster obeys these, so the most demand a flow through
them can meet is at least the most any roster meets, and the rest can be covered by no roster.
The bound is that rest times the smallest weight of missing cover: a proof that some shortages
are unavoidable (and how many), where CP-SAT on a big model proves nothing in useful time.

Rest between shifts, forbidden successions, dependencies (no auxiliary without an officer) and
per-shift limits are left out of the relaxation; the bound stays valid, only less tight.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.graph.python import max_flow

from .model import Person, Post, Problem

WEEK = 7


@dataclass(frozen=True)
class CoverBound:
    demand: int  # people required, summed over every demand
    coverable: int  # the most of it any roster can cover
    weight: int  # the smallest weight of a missing person

    @property
    def missing(self) -> int:
        """Missing people no roster can avoid."""
        return self.demand - self.coverable

    @property
    def cost(self) -> int:
        return self.missing * self.weight


def cover_bound(problem: Problem) -> CoverBound:
    demands = [d for d in problem.demands if d.required > 0]
    if not demands:
        return CoverBound(0, 0, 0)
    shifts = {s.id: s for s in problem.shifts}
    posts = {p.id: p for p in problem.posts}
    needed: dict[tuple[int, str], int] = defaultdict(int)  # (day, post) -> people
    post_shifts: dict[str, set[str]] = defaultdict(set)
    for d in demands:
        needed[(d.day, d.post)] += d.required
        post_shifts[d.post].add(d.shift)

    graph = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    nodes = 2
    post_day: dict[tuple[int, str], int] = {}
    for key, required in needed.items():
        post_day[key] = nodes
        graph.add_arc_with_capacity(nodes, sink, required)
        nodes += 1
    by_day: dict[int, list[str]] = defaultdict(list)
    for day, post in needed:
        by_day[day].append(post)

    for person in problem.people:
        eligible = [p for p in post_shifts if _may_stand(posts[p], person)]
        if not eligible:
            continue
        own_shifts = {s for p in eligible for s in post_shifts[p]}
        shortest = min(shifts[s].minutes for s in own_shifts)
        person_node = nodes
        nodes += 1
        graph.add_arc_with_capacity(source, person_node, _period_cap(problem, person, shortest))
        for first in range(0, problem.days, WEEK):
            days = range(first, min(first + WEEK, problem.days))
            free = [d for d in days if _free(person, d, own_shifts)]
            cap = _week_cap(problem, person, days, shortest)
            if not free or cap <= 0:
                continue
            week_node = nodes
            nodes += 1
            graph.add_arc_with_capacity(person_node, week_node, min(cap, len(free)))
            for day in free:
                targets = [post_day[(day, p)] for p in by_day[day] if p in eligible]
                if not targets:
                    continue
                day_node = nodes
                nodes += 1
                graph.add_arc_with_capacity(week_node, day_node, 1)
                for target in targets:
                    graph.add_arc_with_capacity(day_node, target, 1)

    status = graph.solve(source, sink)
    if status != graph.OPTIMAL:  # pragma: no cover - integer capacities always solve
        raise RuntimeError(f"max flow failed: {status}")
    return CoverBound(
        demand=sum(needed.values()),
        coverable=graph.optimal_flow(),
        weight=min(d.under_weight for d in demands),
    )


def _may_stand(post: Post, person: Person) -> bool:
    if post.skill is not None and post.skill not in person.skills:
        return False
    return person.groups is None or not post.group or post.group in person.groups


def _free(person: Person, day: int, shifts: set[str]) -> bool:
    if day in person.days_off or day in person.busy:
        return False
    return any(
        (day, s) not in person.unavailable and person.rules.max_shifts.get(s) != 0 for s in shifts
    )


def _week_cap(problem: Problem, person: Person, days: range, shortest: int) -> int:
    """Shifts the person may work here on ``days`` (at most 7 consecutive days)."""
    rules = person.rules
    busy = [d for d in days if d in person.busy]
    cap = len(days) - len(busy)
    if rules.max_minutes_per_week is not None:
        used = sum(_minutes(problem, person.busy[d]) for d in busy)
        cap = min(cap, (rules.max_minutes_per_week - used) // shortest)
    if rules.max_consecutive_shifts is not None:
        run = rules.max_consecutive_shifts
        cap = min(cap, len(days) - len(days) // (run + 1) - len(busy))
    return cap


def _period_cap(problem: Problem, person: Person, shortest: int) -> int:
    rules = person.rules
    cap = problem.days
    if rules.max_total_minutes is not None:
        used = sum(_minutes(problem, s) for s in person.busy.values())
        cap = min(cap, max(0, rules.max_total_minutes - used) // shortest)
    return cap


def _minutes(problem: Problem, shift: str) -> int:
    return next((s.minutes for s in problem.shifts if s.id == shift), 0)
