"""Large neighbourhood search around CP-SAT.

Rostering models have a weak LP relaxation, so CP-SAT on a whole large model improves rosters
slowly. Here the incumbent roster is improved by re-solving parts of it exactly: a neighbourhood
(some people, a window of days, the people of one site around a day, the people who could fill
an uncovered post, those who could mend a cost the roster pays) becomes a small model in which
every other cell is a constant, CP-SAT with the full linearisation optimises it, and the whole
roster is re-costed in Python. Sizes adapt: a part solved to optimality grows, one that timed
out shrinks. Once every post is covered, most of the time goes to what the roster still pays
for: parts around its costs, and walks of exchanges between two people (:mod:`.swap`), which
mend the last costs that no part small enough for a short look can. One search thread runs per
core, all sharing the incumbent.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .build import Cell, Duty, ModelBuilder, Part, able_people
from .costs import cell_costs
from .model import Assignment, CoverDemand, Problem
from .swap import Exchanges

# With no improvement for this long, a search thread takes one long look at many people.
STALL_S = 8.0
STALL_TIME_FACTOR = 4
# In work (``work_budget``): the walk's rounds of exchanges that stand for a look of
# ``part_time_s``, and the work without improvement that counts as stuck.
WALK_ROUNDS_PER_S = 50
STALL_WORK = STALL_S
# Once every post is covered, this share of the looks goes to what the roster pays for (a part
# around a cost, see ``_blame_neighbourhood``, or a walk of exchanges): it is what is left to
# mend (measured: docs/roster-engine.md, "Tuning measurements").
BLAME_SHARE = 0.8


@dataclass
class Incumbent:
    roster: dict[Cell, Duty]  # decided cells only: frozen cells are not in it
    costs: dict[str, int]

    @property
    def objective(self) -> int:
        return sum(self.costs.values())

    @property
    def under(self) -> int:
        return self.costs.get("cover_under", 0)


class Search:
    def __init__(
        self,
        problem: Problem,
        targets: Mapping[tuple[str, int], int],
        frozen: list[Assignment],
        *,
        deadline: float,
        threads: int,
        seed: int,
        on_improve: Callable[[Incumbent], None] | None = None,
        part_time_s: float = 1.0,
        quiet_s: float | None = None,
        polish_dtime: float | None = None,
        finish: tuple[float, float] | None = None,
        work_budget: float | None = None,
    ) -> None:
        self.problem = problem
        self.targets = targets
        self.frozen = frozen
        self.deadline = deadline
        self.threads = max(1, threads)
        self.seed = seed
        self.on_improve = on_improve
        self.part_time_s = part_time_s
        self.quiet_s = quiet_s
        self.polish_dtime = polish_dtime
        self.finish = finish
        # With a budget of CP-SAT's deterministic time, every look is limited in work too, and
        # stalls are measured in work: with one thread, the search is then reproducible.
        self.work_budget = work_budget
        self.work_spent = 0.0
        self.improved_work = 0.0  # ``work_spent`` at the last improvement
        self.lock = threading.Lock()
        self.stop = threading.Event()  # set from outside to end the search early
        self.best: Incumbent | None = None
        self.improved_at = time.perf_counter()
        self.people = len(problem.people)
        self.days = problem.days
        self.members: dict[str, list[int]] = {}  # group -> people who may serve it
        for group in sorted({p.group for p in problem.posts if p.group}):
            self.members[group] = [
                i for i, p in enumerate(problem.people) if p.groups is None or group in p.groups
            ]
        self.ids = [p.id for p in problem.people]
        index = {person: i for i, person in enumerate(self.ids)}
        self.frozen_cells = [(index[a.person], a.day, a.shift, a.post) for a in frozen]
        open_cells = [
            (i, d)
            for i, p in enumerate(problem.people)
            for d in range(problem.days)
            if (p.id, d) not in problem.frozen and d not in p.busy
        ] or [(0, 0)]
        self.open_people = sorted({i for i, _ in open_cells})
        self.open_days = (min(d for _, d in open_cells), max(d for _, d in open_cells))
        self.posts = {p.id: p for p in problem.posts}
        self.able: dict[str, list[int]] = {}
        self._exchanges: Exchanges | None = None

    def incumbent(self, roster: dict[Cell, Duty]) -> Incumbent:
        cells = [*self.frozen_cells, *((p, d, s, post) for (p, d), (s, post) in roster.items())]
        return Incumbent(roster, cell_costs(self.problem, cells, self.targets))

    def row_by_row(self, limit: float, work: float | None = None) -> Incumbent | None:
        """A roster built one person at a time from an empty one: each gets the row that keeps
        their own rules and costs least beside the rows chosen before (CP-SAT on that person
        alone). Rules that bind one person hold; None if someone has no row that keeps them.
        Rules across people (a dependant post) only admit rows beside those already chosen."""
        current = self.incumbent({})
        for person in self.open_people:
            low, high = self.open_days
            free = self._cells([person], low, high - low + 1)
            if not free:
                continue
            status, found = self._solve_part(current, free, limit, work)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None
            if found is not None:
                current = found
        return current

    def run(self, start: Incumbent) -> Incumbent:
        self.best = start
        workers = [
            threading.Thread(target=self._work, args=(n,), daemon=True) for n in range(self.threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return self.best

    def _best(self) -> Incumbent:
        """The best roster so far: ``run`` sets one before any worker starts."""
        assert self.best is not None
        return self.best

    def _work(self, number: int) -> None:
        rng = random.Random(self.seed * 7919 + number)
        kinds = ["people", "window", "people_window", "gap", "two_windows", "gap_people"]
        if self.members:
            kinds.append("site")
        kinds += ["blame", "walk"]
        size = {
            "people": 3.0,
            "window": 3.0,
            "people_window": 4.0,
            "site": 7.0,
            "gap": 5.0,
            "two_windows": 4.0,
            "gap_people": 4.0,
            "blame": 5.0,
            "walk": 1.0,
        }
        # Adaptive choice: each kind is drawn in proportion to its recent improvements per
        # second (smoothed), with a floor so that none is forgotten.
        rate = dict.fromkeys(kinds, 1.0)
        rate["gap"] = 3.0  # uncovered posts dominate the objective wherever they exist
        while self._time_left() and not self.stop.is_set():
            with self.lock:
                current = self._best()
                quiet = time.perf_counter() - self.improved_at
            if self.quiet_s is not None and quiet > self.quiet_s and not current.under:
                return  # covered, and no better roster for a while: good enough to hand back
            kind = rng.choices(kinds, weights=[max(rate[k], 0.05) for k in kinds])[0]
            if not current.under and rng.random() < BLAME_SHARE:
                # What is left to mend: by CP-SAT around a cost, or by a walk of exchanges.
                mending = ["blame", "walk"]
                kind = rng.choices(mending, weights=[max(rate[k], 0.05) for k in mending])[0]
            if kind in ("gap", "gap_people") and not current.under:
                kind = "window"
            # Covering a post is worth a longer look than polishing the rest.
            hunting = current.under and kind in ("gap", "gap_people")
            limit = self.part_time_s * (2 if hunting else 1)
            if self._stalled():
                # Stuck: one long look at many people (up to half) over the whole period.
                with self.lock:
                    self.improved_at = time.perf_counter()
                    self.improved_work = self.work_spent
                kind, limit = "stall", STALL_TIME_FACTOR * self.part_time_s
                count = min(len(self.open_people) // 2, round(3 * size["people"]))
                free = self._cells(
                    rng.sample(self.open_people, max(1, count)),
                    self.open_days[0],
                    self.open_days[1] - self.open_days[0] + 1,
                )
            elif kind != "walk":
                free = self._neighbourhood(kind, size[kind], rng, current)
                if not free:
                    continue
            started, worked = time.perf_counter(), self.work_spent
            if kind == "walk":
                status, found = cp_model.UNKNOWN, self._walk(current, rng, limit)
            else:
                work = self._work_limit(current)
                if work is None and self.work_budget is not None:
                    work = limit  # in work, a look of so many seconds is that much work
                status, found = self._solve_part(current, free, limit, work)
            improved = found is not None and found.objective < current.objective
            # While posts are uncovered, only covering them counts as progress for the choice.
            progress = found is not None and (
                found.under < current.under if current.under else improved
            )
            if self.work_budget is None:
                spent = max(0.01, time.perf_counter() - started)
            else:
                spent = max(0.01, self.work_spent - worked)
            if kind == "stall":
                if found is not None:
                    self._offer(found)
                continue
            rate[kind] = 0.8 * rate[kind] + 0.2 * (progress / spent)
            if status == cp_model.OPTIMAL:
                size[kind] *= 1.2
            elif not improved:
                size[kind] = max(1.0, size[kind] * 0.85)
            if found is not None:
                self._offer(found)

    def _time_left(self) -> bool:
        if self.work_budget is not None and self.work_spent >= self.work_budget:
            return False
        return self.deadline - time.perf_counter() > 0.05

    def _stalled(self) -> bool:
        if self.work_budget is not None:
            return self.work_spent - self.improved_work > STALL_WORK
        return time.perf_counter() - self.improved_at > STALL_S

    def _work_limit(self, current: Incumbent) -> float | None:
        """CP-SAT's deterministic time for a look at ``current``: none while posts are
        uncovered (the limit in seconds alone); once covered, every look is short, the stall's
        long look too (measured so), until the roster pays for only a few things: each of those
        is hard to mend (the easy ones went first), and worth a longer look."""
        if current.under or self.polish_dtime is None:
            return None
        if self.finish is not None and current.objective <= self.finish[0]:
            return self.finish[1]
        return self.polish_dtime

    def _neighbourhood(
        self, kind: str, size: float, rng: random.Random, current: Incumbent
    ) -> frozenset[Cell]:
        # Only people and days with open cells are worth choosing (re-rostering freezes most).
        people, (low, high) = self.open_people, self.open_days
        span = high - low + 1
        count = max(1, min(len(people), round(size)))
        width = max(1, min(span, round(size)))
        if kind == "people":
            return self._cells(rng.sample(people, count), low, span)
        if kind == "window":
            return self._cells(people, low + rng.randrange(span - width + 1), width)
        if kind == "people_window":
            chosen = rng.sample(people, min(len(people), 2 * count))
            width = min(span, 14)
            return self._cells(chosen, low + rng.randrange(span - width + 1), width)
        if kind == "site":
            group = rng.choice(sorted(self.members))
            return self._cells(self.members[group], low + rng.randrange(span - width + 1), width)
        if kind == "gap_people":
            # Some of those who could fill an uncovered shift, over the whole period.
            gap = self._random_gap(rng, current)
            if gap is None:
                return frozenset()
            able = [p for p in self._able(gap.post) if self._may_work(p, gap.shift)]
            # Those with room for more of that shift first: they are who can fill it.
            worked = Counter(p for (p, _), (s, _) in current.roster.items() if s == gap.shift)
            room = [p for p in able if worked[p] < self._shift_limit(p, gap.shift)]
            chosen = rng.sample(room, min(len(room), max(1, count // 2)))
            rest = [p for p in able if p not in chosen]
            chosen += rng.sample(rest, min(len(rest), count - len(chosen)))
            return self._cells(chosen, low, span)
        if kind == "blame":
            return self._blame_neighbourhood(rng, width, current)
        if kind == "two_windows":
            # Everyone on two separate stretches: moves weekends worked, total hours and
            # shift counts from one part of the period to another.
            width = max(1, min(span // 2, round(size)))
            cells = self._gap_neighbourhood(rng, width, current, expand=False) or self._cells(
                people, low + rng.randrange(span - width + 1), width
            )
            return cells | self._cells(people, low + rng.randrange(span - width + 1), width)
        return self._gap_neighbourhood(rng, width, current)

    def _gap_neighbourhood(
        self, rng: random.Random, width: int, current: Incumbent, expand: bool = True
    ) -> frozenset[Cell]:
        """Who could fill an uncovered post around its day, and who could stand in for them.

        Filling a gap usually means moving someone from another site (a mobile officer, say),
        whose duty there someone else must then take: so the people able to stand the posts
        the first group works in the window are freed as well.
        """
        gap = self._random_gap(rng, current)
        if gap is None:
            return frozenset()
        first = max(0, min(self.days - width, gap.day - width // 2))
        days = range(first, first + width)
        people = {p for p in self._able(gap.post) if self._may_work(p, gap.shift)}
        if expand and rng.random() < 0.5:
            posts = {
                current.roster[(p, d)][1] for p in people for d in days if (p, d) in current.roster
            }
            for post in posts - {gap.post}:
                people.update(self._able(post))
        return self._cells(people, first, width)

    def _blame_neighbourhood(
        self, rng: random.Random, width: int, current: Incumbent
    ) -> frozenset[Cell]:
        """A cell that costs something, and who could take its duty or give theirs around it.

        Once every post is covered, what is left are the soft costs of single people: a change
        of site between two working days, a duty away from home, a request not honoured, a
        night above the fair share. Each is mended by swapping duties with someone of the same
        role at the sites involved, so those people are freed around the day it happens.
        """
        blamed = self._blamed(current)
        if not blamed:
            return frozenset()
        person, day, groups, _ = rng.choices(blamed, weights=[b[3] for b in blamed])[0]
        skills = self.problem.people[person].skills
        people = {person}
        # Without sites, everyone of the same skill may swap.
        pools: list[Iterable[int]] = [self.members.get(g, []) for g in groups]
        for members in pools or [range(self.people)]:
            people.update(
                i for i in members if not skills or self.problem.people[i].skills & skills
            )
        first = max(0, min(self.days - width, day - width // 2))
        return self._cells(people, first, width)

    def _blamed(self, current: Incumbent) -> list[tuple[int, int, set[str], float]]:
        """(person, day, groups involved, cost) of every soft cost the roster pays."""
        problem = self.problem
        group_of = {post: p.group for post, p in self.posts.items()}
        duties: dict[int, dict[int, tuple[str, str]]] = {}  # person -> day -> (shift, group)
        for (person, day), (shift, post) in current.roster.items():
            duties.setdefault(person, {})[day] = (shift, group_of[post])
        blamed: list[tuple[int, int, set[str], float]] = []
        for person, days in duties.items():
            home = problem.people[person].home_group
            for day, (_, group) in days.items():
                if not group:
                    continue
                if home is not None and group != home:
                    blamed.append((person, day, {home, group}, problem.home_weight))
                before = days.get(day - 1, ("", ""))[1]
                if home is None and before and before != group:
                    blamed.append((person, day, {before, group}, problem.group_change_weight))
        index = {p.id: i for i, p in enumerate(problem.people)}
        for request in problem.requests:
            person = index[request.person]
            duty = duties.get(person, {}).get(request.day)
            hit = duty is not None if request.shift is None else duty and duty[0] == request.shift
            if bool(hit) != request.on:
                near = {
                    g for d, (_, g) in duties.get(person, {}).items() if abs(d - request.day) <= 1
                }
                own = problem.people[person].home_group
                groups = {g for g in (*near, own) if g}
                blamed.append((person, request.day, groups, request.weight))
        for goal in problem.fairness:
            for person, days in duties.items():
                target = self.targets.get((goal.name, person))
                if target is None:
                    continue
                counted = [
                    (day, group)
                    for day, (shift, group) in days.items()
                    if (goal.days is None or day in goal.days)
                    and (goal.shifts is None or shift in goal.shifts)
                ]
                if len(counted) > target:
                    # The excess may go on any of the days counted.
                    share = goal.weight * (len(counted) - target) / len(counted)
                    blamed.extend((person, day, {group} - {""}, share) for day, group in counted)
        return blamed

    def _random_gap(self, rng: random.Random, current: Incumbent) -> CoverDemand | None:
        staffed = Counter((d, s, post) for (_, d), (s, post) in current.roster.items())
        staffed.update((a.day, a.shift, a.post) for a in self.frozen)
        gaps = [d for d in self.problem.demands if staffed[(d.day, d.shift, d.post)] < d.required]
        return rng.choice(gaps) if gaps else None

    def _shift_limit(self, person: int, shift: str) -> int:
        limit = self.problem.people[person].rules.max_shifts.get(shift)
        return self.days if limit is None else limit

    def _may_work(self, person: int, shift: str) -> bool:
        return self.problem.people[person].rules.max_shifts.get(shift) != 0

    def _able(self, post_id: str) -> list[int]:
        """The people who may stand ``post_id`` (on some day)."""
        if post_id not in self.able:
            self.able[post_id] = able_people(self.problem, self.posts[post_id])
        return self.able[post_id]

    def _cells(self, people, first: int, width: int) -> frozenset[Cell]:
        return frozenset(
            (p, d)
            for p in people
            for d in range(first, first + width)
            if (self.ids[p], d) not in self.problem.frozen
        )

    def _solve_part(
        self, current: Incumbent, free: frozenset[Cell], limit: float, work: float | None = None
    ):
        spread = bool(current.costs.get("cover_spread"))
        builder = ModelBuilder(self.problem, self.targets, Part(free, current.roster, spread))
        model = builder.build()
        # No hint: completing one costs CP-SAT more than finding a roster from its LP (and
        # once covered, a hinted part re-rosters slower, with no better result).
        solver = cp_model.CpSolver()
        # In work, the clock only keeps the deadline: a look ends on its work alone.
        seconds = limit if self.work_budget is None else float("inf")
        solver.parameters.max_time_in_seconds = max(
            0.01, min(seconds, self.deadline - time.perf_counter())
        )
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        if work is not None:
            # A short look at a covered roster: a limit in work, not seconds, so that the
            # search behaves alike on a fast and a slow machine; and no presolve probing or
            # symmetry detection, which cost a good part of so short a look and rarely pay
            # (measured: docs/roster-engine.md, "Tuning measurements").
            solver.parameters.max_deterministic_time = work
            if not current.under or self.work_budget is None:
                solver.parameters.cp_model_probing_level = 0
                solver.parameters.symmetry_level = 0
        status = solver.solve(model)
        with self.lock:
            self.work_spent += solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return status, None
        chosen = {
            (p, d): (shift, post)
            for (p, d, shift, post), lit in builder.x.items()
            if solver.boolean_value(lit)
        }
        if all(current.roster.get(cell) == chosen.get(cell) for cell in free):
            return status, None  # the same roster: nothing to cost
        roster = {cell: duty for cell, duty in current.roster.items() if cell not in free}
        roster.update(chosen)
        return status, self.incumbent(roster)

    def _walk(self, current: Incumbent, rng: random.Random, limit: float) -> Incumbent | None:
        """A walk of exchanges (see :mod:`.swap`) from ``current``, for ``limit`` seconds."""
        until = min(self.deadline, time.perf_counter() + limit)
        rounds = None
        if self.work_budget is not None:
            until = self.deadline  # so many rounds, however long they take
            rounds = max(1, round(WALK_ROUNDS_PER_S * limit))
            with self.lock:
                self.work_spent += limit
        with self.lock:
            if self._exchanges is None:  # not on every Search: many only cost rosters
                self._exchanges = Exchanges(self.problem, self.targets, self.frozen_cells)
        roster, _ = self._exchanges.walk(current.roster, rng, until, rounds)
        return self.incumbent(roster) if roster != current.roster else None

    def _offer(self, found: Incumbent) -> None:
        with self.lock:
            best = self._best()
            if found.objective < best.objective:
                self.best = found
                self.improved_at = time.perf_counter()
                self.improved_work = self.work_spent
                if self.on_improve is not None:
                    self.on_improve(found)
            elif found.objective == best.objective:
                self.best = found  # a sideways move keeps the search moving on plateaus
