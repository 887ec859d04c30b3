"""Exchanges: two people trade their duties over a run of days.

Once every post is covered, what a police roster still pays for belongs to single people: a
change of site between two working days, a night above the fair share, a request not honoured.
CP-SAT on a neighbourhood mends most of them; the last few need people to trade stretches of
duties, which takes a neighbourhood larger than CP-SAT solves in a short look (traced on the
brigade: after 25 s, 105 of 219 such looks proved there was nothing to gain in them, 108 ran
out of work, 7 improved the roster).

An exchange moves every duty of the stretch from one person to the other, so each post keeps
exactly as many people as it had: cover, over-cover and dependencies (no auxiliary without an
officer) cannot change. Only the two people's own rules and costs can, and Python checks those
in microseconds, so a walk tries some 60,000 exchanges a second. Most that keep every
rule cost nothing more or less; the walk takes those as well and so wanders over rosters of
equal cost until an exchange mends something. The costs are :mod:`.costs`' own per-person
terms; the rules follow :mod:`.build` rule by rule (a test checks them against the model). The
search re-costs the whole roster a walk ends on before taking it (:mod:`.lns`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence

from .build import Cell, Duty, allowed
from .costs import PersonCosts, Row
from .model import Problem, Rules, history_minutes, history_run

# The longest stretch of days two people trade: a week covers a run of nights and the rest
# days after it; longer stretches rarely keep both people's rules.
LONGEST = 7

# The share of exchanges that start from someone whose row costs something; the others start
# from anyone (measured: docs/roster-engine.md, "Tuning measurements").
COSTLY_SHARE = 0.5


class Exchanges:
    """Per-person rules and costs of ``problem``, and walks of exchanges between people."""

    def __init__(
        self,
        problem: Problem,
        targets: Mapping[tuple[str, int], int],
        frozen_cells: Sequence[tuple[int, int, str, str]],
    ) -> None:
        self.problem = problem
        self.days = problem.days
        self.minutes = {s.id: s.minutes for s in problem.shifts}
        self.nights = {s.id for s in problem.shifts if s.night}
        self.posts = {p.id: p for p in problem.posts}
        self.weekends = problem.weekends()
        # What every row holds whatever is decided: shifts worked elsewhere and frozen duties.
        self.fixed: list[dict[int, Duty]] = [
            {day: (shift, "") for day, shift in p.busy.items()} for p in problem.people
        ]
        for person, day, shift, post in frozen_cells:
            self.fixed[person][day] = (shift, post)
        # Work actually done before the period (:func:`.model.history_run`).
        self.history_run = [history_run(p) for p in problem.people]
        self.history_minutes = [
            history_minutes(p, 7, p.rules.max_minutes_per_week) if p.history else []
            for p in problem.people
        ]
        self.costs = PersonCosts(problem, targets)
        self.open = self.costs.open
        self.partners = _partners(problem)

    # -- rows ------------------------------------------------------------------------------

    def row(self, roster: Mapping[Cell, Duty], person: int) -> Row:
        fixed = self.fixed[person]
        return [fixed.get(day) or roster.get((person, day)) for day in range(self.days)]

    def keeps_rules(self, person: int, row: Row) -> bool:
        """Whether ``row`` keeps every hard rule of the person (as :mod:`.build` states them)."""
        rules = self.problem.people[person].rules
        shifts = [duty[0] if duty else None for duty in row]
        return self._keeps_limits(person, rules, shifts) and self._keeps_runs(person, rules, shifts)

    def _keeps_limits(self, person: int, rules: Rules, shifts: list[str | None]) -> bool:
        """Limits on counts: shifts of a kind, minutes in the period and in any week."""
        for shift, limit in rules.max_shifts.items():
            if shifts.count(shift) > limit:
                return False
        daily = [self.minutes[s] if s else 0 for s in shifts]
        total = sum(daily)
        days = self.days
        if rules.max_total_minutes is not None and total > rules.max_total_minutes:
            return False
        if rules.min_total_minutes is not None and total < rules.min_total_minutes:
            return False
        if rules.max_minutes_per_week is not None:
            width = min(7, self.days)
            before = self.history_minutes[person]
            if before:  # the weeks reaching back before the period
                daily, days, width = before + daily, days + len(before), 7
            window = sum(daily[:width])
            for start in range(days - width + 1):
                if start:
                    window += daily[start + width - 1] - daily[start - 1]
                if window > rules.max_minutes_per_week:
                    return False
        return True

    def _keeps_runs(self, person: int, rules: Rules, shifts: list[str | None]) -> bool:
        """Rules on what follows what: runs, days off, weekends and forbidden successions."""
        worked = [s is not None for s in shifts]
        if rules.max_consecutive_shifts is not None:
            # The run worked before the period, if the row's first day continues it.
            before = [True] * self.history_run[person] if worked and worked[0] else []
            if _longest_run(before + worked) > rules.max_consecutive_shifts:
                return False
        if rules.max_consecutive_nights is not None:
            if _longest_run([s in self.nights for s in shifts]) > rules.max_consecutive_nights:
                return False
        for on, minimum in (
            (True, rules.min_consecutive_shifts),
            (False, rules.min_consecutive_days_off),
        ):
            if minimum and _short_inner_run(worked, on, minimum):
                return False
        if rules.max_weekends is not None:
            weekends = sum(1 for days in self.weekends if any(worked[d] for d in days))
            if weekends > rules.max_weekends:
                return False
        for succession in self.problem.forbidden:
            first, then, gap = succession.first, succession.then, succession.gap_days
            if any(shifts[d] == first and shifts[d + gap] == then for d in range(self.days - gap)):
                return False
        return True

    def cost(self, person: int, row: Row) -> int:
        return sum(self.costs.terms(person, row).values())

    # -- the walk --------------------------------------------------------------------------

    def walk(
        self,
        roster: Mapping[Cell, Duty],
        rng: random.Random,
        until: float,
        rounds: int | None = None,
    ) -> tuple[dict[Cell, Duty], int]:
        """Random exchanges that cost nothing more, until ``until`` (``time.perf_counter``)
        or after ``rounds`` rounds of 200 tries: the roster it ends on, and what that saves.

        Most exchanges that keep every rule change no cost: the walk takes those too, and so
        wanders over rosters of equal cost until one exchange mends something (a plateau
        walk). Brigade from a covered roster costing 40: exchanges that must save something
        stop at 37; the walk reaches 0 (see ``COSTLY_SHARE``).
        """
        people = len(self.problem.people)
        rows = [self.row(roster, person) for person in range(people)]
        costs = [self.cost(person, row) for person, row in enumerate(rows)]
        saved = 0
        changed: set[int] = set()
        while time.perf_counter() < until and (rounds is None or rounds > 0):
            if rounds is not None:
                rounds -= 1
            costly = [person for person, cost in enumerate(costs) if cost]
            for _ in range(200):  # the clock is read between rounds, not on every try
                # Half the exchanges start from someone whose row costs something.
                if costly and rng.random() < COSTLY_SHARE:
                    person = rng.choice(costly)
                else:
                    person = rng.randrange(people)
                partners = self.partners[person]
                if not partners:
                    continue
                partner = rng.choice(partners)
                length = rng.randint(1, LONGEST)
                first = max(0, rng.randrange(self.days) - rng.randrange(length))
                last = min(self.days - 1, first + length - 1)
                gain = self._exchange(rows, costs, person, partner, first, last)
                if gain is not None:
                    saved += gain
                    changed.update((person, partner))
        result = {cell: duty for cell, duty in roster.items() if cell[0] not in changed}
        for person in changed:
            for day, duty in enumerate(rows[person]):
                if duty is not None and self.open[person][day]:
                    result[(person, day)] = duty
        return result, saved

    def _exchange(
        self, rows: list[Row], costs: list[int], person: int, partner: int, first: int, last: int
    ) -> int | None:
        """Trade the two rows' duties from ``first`` to ``last`` if every duty may change
        hands, both keep their rules and it costs nothing more: what it saves, else None."""
        mine, theirs = rows[person], rows[partner]
        if mine[first : last + 1] == theirs[first : last + 1]:
            return None
        for day in range(first, last + 1):
            if not self._may_trade(person, partner, day, mine[day], theirs[day]):
                return None
        a = mine[:first] + theirs[first : last + 1] + mine[last + 1 :]
        b = theirs[:first] + mine[first : last + 1] + theirs[last + 1 :]
        cost_a, cost_b = self.cost(person, a), self.cost(partner, b)
        gain = costs[person] + costs[partner] - cost_a - cost_b
        if gain < 0 or not (self.keeps_rules(person, a) and self.keeps_rules(partner, b)):
            return None
        rows[person], rows[partner] = a, b
        costs[person], costs[partner] = cost_a, cost_b
        return gain

    def _may_trade(
        self, person: int, partner: int, day: int, mine: Duty | None, theirs: Duty | None
    ) -> bool:
        """Whether each may take the other's duty (or day off) on ``day``."""
        if not (self.open[person][day] and self.open[partner][day]):
            return False
        people = self.problem.people
        if theirs is not None and not allowed(
            self.posts[theirs[1]], people[person], day, theirs[0]
        ):
            return False
        return mine is None or allowed(self.posts[mine[1]], people[partner], day, mine[0])


def _longest_run(flags: Sequence[bool]) -> int:
    longest = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def _short_inner_run(worked: Sequence[bool], on: bool, minimum: int) -> bool:
    """Whether a run of ``on`` days bounded on both sides inside the period is too short."""
    run_start = None
    for day, flag in enumerate(worked):
        if flag == on:
            if run_start is None:
                run_start = day
        elif run_start is not None:
            if run_start > 0 and day - run_start < minimum:
                return True
            run_start = None
    return False


def _partners(problem: Problem) -> list[list[int]]:
    """Who may trade with whom: people who share a skill (everyone, where none has one)."""
    by_skills: dict[frozenset[str], list[int]] = {}
    for i, person in enumerate(problem.people):
        by_skills.setdefault(person.skills, []).append(i)
    together = {
        skills: sorted(
            j
            for others, members in by_skills.items()
            if skills & others or skills == others
            for j in members
        )
        for skills in by_skills
    }
    return [[j for j in together[p.skills] if j != i] for i, p in enumerate(problem.people)]
