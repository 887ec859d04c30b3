"""The CP-SAT model of a :class:`~.model.Problem`.

One Boolean per (person, day, shift, post) that the person may stand; everything else (who
works which shift, who works at all) is derived. Cells fixed by the input — shifts worked in
another unit (``busy``), frozen cells, and in a neighbourhood model every cell outside the
neighbourhood — are Python constants, so they cost no variables and fold out of constraints.

Every cover requirement is soft, so the model is feasible whenever the per-person rules are.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .model import Assignment, CoverDemand, Person, Post, Problem, history_minutes, history_run

# A literal, or the constants 0 / 1 for cells fixed by the input or outside a neighbourhood.
Term = cp_model.IntVar | int
Cell = tuple[int, int]  # (person index, day)
Duty = tuple[str, str]  # (shift, post)


@dataclass(frozen=True)
class Part:
    """A neighbourhood: only ``free`` cells are decided; the rest keep ``roster``."""

    free: frozenset[Cell]
    roster: Mapping[Cell, Duty]
    # Whether to model the spread of missing cover. A roster that misses nobody pays no
    # spread, and a part that left someone missing would pay the cover's weight, far more:
    # the squares only slow such parts down (their result is costed in full anyway).
    spread: bool = True


@dataclass
class _PersonCells:
    person: Person
    index: int
    # (day, shift) -> the person works that shift that day (a literal or 1).
    shift_on: dict[tuple[int, str], Term] = field(default_factory=dict)
    work: list[Term] = field(default_factory=list)  # per day
    # (day, group) -> terms for the person's duties at that group (site) that day.
    group_terms: dict[tuple[int, str], list[Term]] = field(default_factory=dict)


def fairness_targets(problem: Problem) -> dict[tuple[str, int], int]:
    """Each person's fair share of each fairness goal, in proportion to their available days."""
    posts = {p.id: p for p in problem.posts}
    targets = {}
    for goal in problem.fairness:
        days = set(range(problem.days)) if goal.days is None else set(goal.days)
        total = sum(
            d.required
            for d in problem.demands
            if d.day in days
            and (goal.shifts is None or d.shift in goal.shifts)
            and (goal.skill is None or posts[d.post].skill == goal.skill)
        )
        group = [
            (i, p)
            for i, p in enumerate(problem.people)
            if goal.skill is None or goal.skill in p.skills
        ]
        available = {i: len(days - p.days_off) for i, p in group}
        pool = sum(available.values())
        if not total or not pool:
            continue
        for i, _ in group:
            targets[(goal.name, i)] = math.ceil(total * available[i] / pool)
    return targets


def able(post: Post, person: Person) -> bool:
    """Whether the person may stand ``post`` on some day: they have its skill and may serve
    its group (site)."""
    if post.skill is not None and post.skill not in person.skills:
        return False
    return person.groups is None or not post.group or post.group in person.groups


def able_people(problem: Problem, post: Post) -> list[int]:
    """The indexes of the people who may stand ``post`` on some day."""
    return [i for i, person in enumerate(problem.people) if able(post, person)]


def allowed(post: Post, person: Person, day: int, shift: str) -> bool:
    """Whether the person may stand ``post`` on that shift and day at all."""
    if not able(post, person):
        return False
    if day in person.days_off or (day, shift) in person.unavailable:
        return False
    return person.rules.max_shifts.get(shift) != 0


def frozen_assignments(problem: Problem) -> list[Assignment]:
    """The previous assignments of frozen cells that still stand (a cell on leave is off)."""
    people = {p.id: p for p in problem.people}
    posts = {p.id: p for p in problem.posts}
    return [
        a
        for a in problem.previous
        if (a.person, a.day) in problem.frozen
        and a.person in people
        and a.day not in people[a.person].busy
        and allowed(posts[a.post], people[a.person], a.day, a.shift)
    ]


class ModelBuilder:
    def __init__(
        self,
        problem: Problem,
        targets: Mapping[tuple[str, int], int] | None = None,
        part: Part | None = None,
    ) -> None:
        self.problem = problem
        self.targets = fairness_targets(problem) if targets is None else targets
        self.part = part
        self.model = cp_model.CpModel()
        self.shifts = {s.id: s for s in problem.shifts}
        self.posts = {p.id: p for p in problem.posts}
        self.demands: dict[tuple[int, str, str], CoverDemand] = {
            (d.day, d.shift, d.post): d for d in problem.demands
        }
        self.demand_cells: dict[int, list[Duty]] = defaultdict(list)
        for day, shift, post in self.demands:
            self.demand_cells[day].append((shift, post))
        self.x: dict[tuple[int, int, str, str], cp_model.IntVar] = {}
        self.cover_lits: dict[tuple[int, str, str], list[cp_model.IntVar]] = defaultdict(list)
        self.cover_fixed: dict[tuple[int, str, str], int] = defaultdict(int)
        self.frozen = frozen_assignments(problem)  # part of the roster, never decided
        self.costs: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        self.previous = {(a.person, a.day): a for a in problem.previous}
        self.cells: list[_PersonCells] = []
        self.under_vars: list[cp_model.IntVar] = []
        self.under_of: dict[tuple[int, str, str], Term] = {}  # each demand's missing people

    def build(self) -> cp_model.CpModel:
        included = self._included()
        for index, person in enumerate(self.problem.people):
            if index not in included:
                self._count_outside(index)
                continue
            cells = _PersonCells(person, index)
            self.cells.append(cells)
            for day in range(self.problem.days):
                self._day_cells(cells, day)
        for cells in self.cells:
            self._person_rules(cells)
        self._cover()
        self._spread()
        self._dependencies()
        self._requests()
        self._fairness()
        self._continuity()
        self._changes()
        self.model.minimize(
            cp_model.LinearExpr.sum([term for group in self.costs.values() for term in group])
        )
        return self.model

    # -- variables -----------------------------------------------------------------------

    def _included(self) -> set[int]:
        if self.part is None:
            return set(range(len(self.problem.people)))
        return {person for person, _ in self.part.free}

    def _count_outside(self, index: int) -> None:
        """A person outside the neighbourhood only contributes their cover."""
        person = self.problem.people[index]
        for day in range(self.problem.days):
            duty = self._fixed_duty(person, index, day)
            if duty is not None:
                self.cover_fixed[(day, *duty)] += 1

    def _fixed_duty(self, person: Person, index: int, day: int) -> Duty | None:
        """The duty a cell is fixed to, None if fixed to a day off; KeyError if free."""
        if day in person.busy:
            return None
        if (person.id, day) in self.problem.frozen:
            before = self.previous.get((person.id, day))
            if before is None or not allowed(self.posts[before.post], person, day, before.shift):
                return None
            return (before.shift, before.post)
        if self.part is not None and (index, day) not in self.part.free:
            return self.part.roster.get((index, day))
        raise KeyError((index, day))

    def _day_cells(self, cells: _PersonCells, day: int) -> None:
        person = cells.person
        if day in person.busy:
            cells.shift_on[(day, person.busy[day])] = 1
            cells.work.append(1)
            return
        try:
            duty = self._fixed_duty(person, cells.index, day)
        except KeyError:
            self._free_cell(cells, day)
            return
        if duty is None:
            cells.work.append(0)
            return
        shift, post = duty
        cells.shift_on[(day, shift)] = 1
        cells.work.append(1)
        self.cover_fixed[(day, shift, post)] += 1
        group = self.posts[post].group
        if group:
            cells.group_terms.setdefault((day, group), []).append(1)

    def _free_cell(self, cells: _PersonCells, day: int) -> None:
        by_shift: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for shift, post in self.demand_cells.get(day, ()):
            if not allowed(self.posts[post], cells.person, day, shift):
                continue
            lit = self.model.new_bool_var(f"x_{cells.index}_{day}_{shift}_{post}")
            self.x[(cells.index, day, shift, post)] = lit
            self.cover_lits[(day, shift, post)].append(lit)
            by_shift[shift].append(lit)
            group = self.posts[post].group
            if group:
                cells.group_terms.setdefault((day, group), []).append(lit)
        shift_lits = [
            self._or_of(lits, f"s_{cells.index}_{day}_{s}") for s, lits in by_shift.items()
        ]
        for shift, lit in zip(by_shift, shift_lits, strict=True):
            cells.shift_on[(day, shift)] = lit
        cells.work.append(self._or_of(shift_lits, f"w_{cells.index}_{day}") if shift_lits else 0)

    def _or_of(self, lits: list[cp_model.IntVar], name: str) -> cp_model.IntVar:
        """A literal equal to the sum of ``lits``, which also become mutually exclusive."""
        if len(lits) == 1:
            return lits[0]
        total = self.model.new_bool_var(name)
        self.model.add(sum(lits) == total)
        return total

    # -- hard per-person rules -------------------------------------------------------------

    def _person_rules(self, cells: _PersonCells) -> None:
        rules = cells.person.rules
        days = self.problem.days
        for shift, limit in rules.max_shifts.items():
            self._add(sum(cells.shift_on.get((d, shift), 0) for d in range(days)) <= limit)
        minutes = sum(self.shifts[s].minutes * t for (_, s), t in cells.shift_on.items())
        if rules.max_total_minutes is not None:
            self._add(minutes <= rules.max_total_minutes)
        if rules.min_total_minutes is not None:
            self._add(minutes >= rules.min_total_minutes)
        if rules.max_consecutive_shifts is not None:
            limit = rules.max_consecutive_shifts
            # The run worked before the period continues into it (at most ``limit`` days of
            # it matter, and then no window is made of constants alone).
            before: list[Term] = [1] * min(history_run(cells.person), limit)
            self._window_limit(before + cells.work, limit)
        if rules.max_consecutive_nights is not None:
            nights = [
                sum(cells.shift_on.get((d, s.id), 0) for s in self.problem.shifts if s.night)
                for d in range(days)
            ]
            self._window_limit(nights, rules.max_consecutive_nights)
        if rules.max_minutes_per_week is not None:
            self._weekly_minutes(cells, rules.max_minutes_per_week)
        if rules.min_consecutive_shifts:
            self._min_runs(cells.work, rules.min_consecutive_shifts, on=True)
        if rules.min_consecutive_days_off:
            self._min_runs(cells.work, rules.min_consecutive_days_off, on=False)
        if rules.max_weekends is not None:
            self._max_weekends(cells, rules.max_weekends)
        self._successions(cells)

    def _window_limit(self, series: Sequence[cp_model.LinearExprT], limit: int) -> None:
        """No more than ``limit`` consecutive days with ``series`` at 1 (each day at most 1:
        a person works one shift a day)."""
        self._sliding_limit(series, limit + 1, limit, [1] * len(series))

    def _weekly_minutes(self, cells: _PersonCells, limit: int) -> None:
        daily: list[cp_model.LinearExpr | int] = [0] * self.problem.days
        most = [0] * self.problem.days  # the most a day can add: its longest shift
        for (day, shift), term in cells.shift_on.items():
            minutes = self.shifts[shift].minutes
            daily[day] += minutes * term
            most[day] = max(most[day], minutes)
        width = min(7, self.problem.days)
        if cells.person.history:  # the weeks reaching back before the period
            before = history_minutes(cells.person, 7, limit)
            daily, most, width = [*before, *daily], [0] * len(before) + most, 7
            if len(daily) < width:
                return
        self._sliding_limit(daily, width, limit, most)

    def _sliding_limit(
        self, series: Sequence[cp_model.LinearExprT], width: int, limit: int, most: list[int]
    ) -> None:
        """``sum(series[start : start + width]) <= limit`` for every window of ``width`` days,
        where ``most[day]`` is the largest value a day that is not a constant can take.

        In a neighbourhood most of a person's days are constants. A window that keeps the
        limit whatever its free days hold needs no constraint, and a window of constants only
        a check (fixed input may break the rule): running sums find both without building a
        sum per window, which was the largest part of building a neighbourhood's model.
        """
        fixed, top = [0], [0]  # running sums of the constants, and of what the rest may add
        for term, largest in zip(series, most, strict=True):
            if isinstance(term, int):
                fixed.append(fixed[-1] + term)
                top.append(top[-1])
            else:
                fixed.append(fixed[-1])
                top.append(top[-1] + largest)
        for start in range(len(series) - width + 1):
            end = start + width
            constants, free = fixed[end] - fixed[start], top[end] - top[start]
            if not free:
                self._add(constants <= limit)
            elif constants + free > limit:
                self.model.add(cp_model.LinearExpr.sum(series[start:end]) <= limit)

    def _min_runs(self, work: list[Term], minimum: int, *, on: bool) -> None:
        """Forbid inner runs (bounded on both sides inside the period) shorter than minimum."""
        days = len(work)
        for length in range(1, minimum):
            for start in range(1, days - length):
                end = start + length  # first day after the run
                # Clause: the run is not exactly the days start .. end - 1.
                literals = [(work[start - 1], on), (work[end], on)]
                literals += [(work[d], not on) for d in range(start, end)]
                self._clause(literals)

    def _max_weekends(self, cells: _PersonCells, limit: int) -> None:
        worked: list[Term] = []
        for weekend in self.problem.weekends():
            terms = [cells.work[d] for d in weekend]
            if any(isinstance(t, int) and t for t in terms):
                worked.append(1)
                continue
            lits = [t for t in terms if not isinstance(t, int)]
            if not lits:
                continue
            flag = self.model.new_bool_var(f"wk_{cells.index}_{weekend[0]}")
            for lit in lits:
                self.model.add_implication(lit, flag)
            worked.append(flag)
        self._add(sum(worked) <= limit)

    def _successions(self, cells: _PersonCells) -> None:
        # Only a day on which the first shift may be worked can break a succession: walk
        # those (in day order, as ``shift_on`` was filled), not every day of the period.
        days_of: dict[str, list[tuple[int, Term]]] = defaultdict(list)
        for (day, shift), term in cells.shift_on.items():
            days_of[shift].append((day, term))
        last = self.problem.days
        for succession in self.problem.forbidden:
            gap, then_shift = succession.gap_days, succession.then
            for day, first in days_of.get(succession.first, ()):
                if day + gap < last:
                    then = cells.shift_on.get((day + gap, then_shift), 0)
                    self._clause([(first, False), (then, False)])

    # -- cover and the soft goals ----------------------------------------------------------

    def _cover(self) -> None:
        for key, demand in self.demands.items():
            lits = self.cover_lits.get(key, [])
            fixed = self.cover_fixed[key]
            if not lits:  # decided already: a constant cost
                self.under_of[key] = max(0, demand.required - fixed)
                self.costs["cover_under"].append(
                    demand.under_weight * max(0, demand.required - fixed)
                )
                self.costs["cover_over"].append(
                    demand.over_weight * max(0, fixed - demand.required)
                )
                continue
            name = f"{key[0]}_{key[1]}_{key[2]}"
            under = self.model.new_int_var(0, max(0, demand.required - fixed), f"under_{name}")
            self.under_vars.append(under)
            self.under_of[key] = under
            self.costs["cover_under"].append(demand.under_weight * under)
            if demand.over_weight:
                over = self.model.new_int_var(0, len(lits) + fixed, f"over_{name}")
                self.model.add(sum(lits) + fixed + under - over == demand.required)
                self.costs["cover_over"].append(demand.over_weight * over)
            else:
                self.model.add(sum(lits) + fixed + under >= demand.required)

    def _spread(self) -> None:
        """Each group's missing people, squared (see :class:`~.model.SpreadGroup`)."""
        if self.part is not None and not self.part.spread:
            return
        for number, group in enumerate(self.problem.spread):
            fixed, free, most = 0, [], 0
            for key in group.demands:
                term = self.under_of.get(key, 0)
                if isinstance(term, int):
                    fixed += term
                else:
                    free.append(term)
                    most += self.demands[key].required
            if not free:
                self.costs["cover_spread"].append(group.weight * fixed * fixed)
                continue
            top = fixed + most
            total = self.model.new_int_var(fixed, top, f"spread_{number}")
            self.model.add(total == cp_model.LinearExpr.sum(free) + fixed)
            square = self.model.new_int_var(fixed * fixed, top * top, f"spread_sq_{number}")
            self.model.add_multiplication_equality(square, [total, total])
            self.costs["cover_spread"].append(group.weight * square)

    def _dependencies(self) -> None:
        for dependency in self.problem.dependencies:
            for day in range(self.problem.days):
                for shift in self.shifts:
                    self._dependency(day, shift, dependency.post, dependency.needs)

    def _dependency(self, day: int, shift: str, post: str, needs: str) -> None:
        if self.cover_fixed[(day, shift, needs)]:
            return
        supports = self.cover_lits.get((day, shift, needs), [])
        if self.cover_fixed[(day, shift, post)]:
            self.model.add_bool_or(supports)
            return
        dependants = self.cover_lits.get((day, shift, post), [])
        if len(dependants) == 1:
            self.model.add_bool_or(supports).only_enforce_if(dependants[0])
        elif dependants:
            staffed = self.model.new_bool_var(f"dep_{day}_{shift}_{post}")
            for lit in dependants:
                self.model.add_implication(lit, staffed)
            self.model.add_bool_or(supports).only_enforce_if(staffed)

    def _requests(self) -> None:
        index = {cells.person.id: cells for cells in self.cells}
        for request in self.problem.requests:
            cells = index.get(request.person)
            if cells is None:
                continue
            if request.shift is None:
                term = cells.work[request.day]
            else:
                term = cells.shift_on.get((request.day, request.shift), 0)
            missed = (1 - term) if request.on else term
            self.costs["requests"].append(request.weight * missed)

    def _fairness(self) -> None:
        for goal in self.problem.fairness:
            days = set(range(self.problem.days)) if goal.days is None else set(goal.days)
            shifts = {
                s.id for s in self.problem.shifts if goal.shifts is None or s.id in goal.shifts
            }
            costs = self.costs[f"fairness:{goal.name}"]
            for cells in self.cells:
                target = self.targets.get((goal.name, cells.index))
                if target is None:
                    continue
                fixed, free, free_days = 0, [], set()
                for (day, shift), term in cells.shift_on.items():
                    if day not in days or shift not in shifts:
                        continue
                    if isinstance(term, int):
                        fixed += term
                    else:
                        free.append(term)
                        free_days.add(day)
                # One shift a day: no more than that many counted shifts, maybe fewer.
                if fixed + len(free_days) <= target:
                    continue  # within the fair share whatever the free days hold
                if not free:
                    costs.append(goal.weight * (fixed - target))
                    continue
                excess = self.model.new_int_var(0, len(days), f"fair_{goal.name}_{cells.index}")
                self.model.add(excess >= cp_model.LinearExpr.sum(free) + fixed - target)
                costs.append(goal.weight * excess)

    def _continuity(self) -> None:
        problem = self.problem
        for cells in self.cells:
            home = cells.person.home_group
            if home is not None and problem.home_weight:
                away = [
                    term
                    for (_, group), terms in cells.group_terms.items()
                    if group != home
                    for term in terms
                ]
                self.costs["home"].append(problem.home_weight * sum(away))
            elif home is None and problem.group_change_weight:
                self._group_changes(cells)

    def _group_changes(self, cells: _PersonCells) -> None:
        """A change: working at one site, then the next day working anywhere else."""
        groups = {group for _, group in cells.group_terms}
        for day in range(1, self.problem.days):
            if isinstance(cells.work[day], int) and not cells.work[day]:
                continue
            changed: cp_model.IntVar | int | None = None
            for group in groups:
                before = cells.group_terms.get((day - 1, group))
                if not before:
                    continue
                now = cells.group_terms.get((day, group), [])
                bound = sum(before) + cells.work[day] - sum(now) - 1
                if isinstance(bound, int):
                    if bound <= 0:
                        continue
                    changed = 1
                    break
                if changed is None:
                    changed = self.model.new_bool_var(f"chg_{cells.index}_{day}")
                self.model.add(changed >= bound)
            if changed is not None:
                self.costs["group_change"].append(self.problem.group_change_weight * changed)

    def _changes(self) -> None:
        problem = self.problem
        if not problem.previous or not problem.change_weight:
            return
        for cells in self.cells:
            for day in range(problem.days):
                if (cells.person.id, day) in problem.frozen or day in cells.person.busy:
                    continue
                before = self.previous.get((cells.person.id, day))
                changed: cp_model.LinearExpr | int
                if before is None:
                    changed = cells.work[day]
                elif self.part is not None and (cells.index, day) not in self.part.free:
                    changed = int(
                        self.part.roster.get((cells.index, day)) != (before.shift, before.post)
                    )
                else:
                    changed = 1 - self.x.get((cells.index, day, before.shift, before.post), 0)
                self.costs["changes"].append(problem.change_weight * changed)

    # -- helpers -----------------------------------------------------------------------------

    def _add(self, constraint: cp_model.BoundedLinearExpression | bool) -> None:
        # A constraint over constants only has already been evaluated to a bool.
        if isinstance(constraint, bool):
            if not constraint:
                self.model.add_bool_or([])  # fixed input breaks a hard rule
            return
        self.model.add(constraint)

    def _clause(self, literals: Iterable[tuple[Term, bool]]) -> None:
        """Add the disjunction of ``term == positive`` over ``literals``, folding constants."""
        clause = []
        for term, positive in literals:
            if isinstance(term, int):
                if bool(term) == positive:
                    return
                continue
            clause.append(term if positive else ~term)
        self.model.add_bool_or(clause)
