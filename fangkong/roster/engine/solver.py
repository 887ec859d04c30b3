"""Solve a :class:`~.model.Problem`: a first roster, then large neighbourhood search.

The first roster is greedy when every hard rule is an upper limit (the police rules), else it
comes from CP-SAT on the whole model; on a small model CP-SAT also runs first in any case, as
it often proves optimality outright. The search (:mod:`.lns`) then improves the roster until
the time limit. The roster returned is the best found; its objective is recomputed in Python
from the roster (:mod:`.costs`). The bound is the cost of the missing cover no roster can avoid
(:mod:`.bound`; every other cost term is non-negative) unless CP-SAT on the whole model proved
better: on a small model, or with ``prove=True``, which keeps it
running on one core beside the search.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from .bound import cover_bound
from .build import Cell, Duty, ModelBuilder, allowed, fairness_targets, frozen_assignments
from .greedy import greedy_roster
from .lns import Incumbent, Search
from .model import Assignment, Change, CoverGap, Problem, Solution

# Up to this many (person, day) cells, CP-SAT on the whole model runs first: it often proves
# optimality outright. Beyond, building the whole model alone takes seconds.
SMALL_MODEL_CELLS = 2000
# The most a first roster's repair (greedy.py) may take in one go.
REPAIR_MAX_S = 5.0
# While the repair still covers more posts in each go, it goes on, up to this share of the
# time: on a large problem it covers posts far faster than the search does, and a slow or
# busy machine can stop its first go long before it is done (a detachment of another seed,
# 800 staff, 28 days: 28-39 posts left uncovered at 60 s when the first go was cut short).
REPAIR_SHARE = 0.5
# In work (``SolveOptions.work_limit``): the repair's tries to cover a post in one go, in place
# of its seconds (the brigade's first roster needs about 10,000), and how many greedy rosters
# with ties broken at random are tried in place of the seconds for them.
REPAIR_STEPS = 100_000
GREEDY_TRIES = 3
# How many first phases' time the whole model may take to find a first roster before one is
# built row by row (where rules bind from below, see ``_Run.row_by_row_left``).
FIRST_ROSTER_PHASES = 3


@dataclass(frozen=True)
class SolveOptions:
    time_limit_s: float = 10.0
    workers: int = 2  # threads; one per core is best
    seed: int = 0
    # A roster to start from (the previous one when re-rostering); infeasible hints are repaired.
    hint: tuple[Assignment, ...] = ()
    relative_gap: float = 0.0  # stop once the objective is this close to the bound
    # Keep CP-SAT on the whole model running on one worker, for a proven bound.
    prove: bool = False
    lns: bool = True  # improve by neighbourhood search; else CP-SAT alone
    first_phase: float = 0.1  # share of the time for CP-SAT on a small whole model first
    part_time_s: float = 1.0  # time limit of one neighbourhood
    # CP-SAT deterministic time of one neighbourhood once every post is covered, with
    # ``part_time_s`` as its limit in seconds (None: ``part_time_s`` alone, as before).
    polish_dtime: float | None = None
    # (objective, deterministic time): once a covered roster costs at most that objective,
    # each neighbourhood gets that much work instead of ``polish_dtime``.
    finish: tuple[float, float] | None = None
    stop_when_covered: bool = False  # return the first roster that leaves no demand uncovered
    # Return once every post is covered and the search has found nothing better for this long.
    quiet_s: float | None = None
    log: bool = False
    # Share of the time spent first on the problem without its other soft costs (requests,
    # fairness, continuity, changes), whose roster then starts the search on the whole problem.
    # Where the cover is hard to reach, a search that weighs nothing else settles in fewer
    # uncovered posts (measured: docs/roster-engine.md, "Tuning measurements").
    cover_first: float = 0.0
    # Set from outside (a person pressed "stop"): the search ends at once with its best roster.
    stop: threading.Event | None = None
    # Called from the search threads with each better roster found; keep it quick.
    progress: Callable[[Progress], None] | None = None
    # A limit in work instead of seconds: CP-SAT's deterministic time summed over the whole
    # solve (``time_limit_s`` still caps the seconds). Every phase and neighbourhood is then
    # measured in work, the search runs in one thread, and the same problem and seed give the
    # same roster however busy the machine is: for measuring the search, and for tests.
    work_limit: float | None = None


@dataclass(frozen=True)
class Progress:
    """What the search has reached: for a page that shows a solve as it runs."""

    elapsed_s: float
    objective: float
    missing: int  # people missing on posts, summed over the uncovered demands
    bound: float


def solve(problem: Problem, options: SolveOptions | None = None) -> Solution:
    """Solve ``problem`` within the time limit and return the best roster found."""
    options = options or SolveOptions()
    problem.check()
    if options.cover_first and options.lns:
        bare = _cover_only(problem)
        if bare != problem:  # else there is nothing but cover to weigh
            return _cover_first(problem, bare, options)
    run = _Run(problem, options)
    return run.solve()


def _cover_only(problem: Problem) -> Problem:
    return replace(
        problem, requests=(), fairness=(), home_weight=0, group_change_weight=0, change_weight=0
    )


def _cover_first(problem: Problem, bare: Problem, options: SolveOptions) -> Solution:
    """A share of the time on cover alone, then the rest on the whole problem from there."""
    started = time.perf_counter()
    work = options.work_limit
    first_run = _Run(
        bare,
        replace(
            options,
            time_limit_s=options.cover_first * options.time_limit_s,
            cover_first=0,
            work_limit=None if work is None else options.cover_first * work,
        ),
    )
    first = first_run.solve()
    offset = time.perf_counter() - started
    rest = replace(
        options,
        time_limit_s=max(0.01, options.time_limit_s - offset),
        hint=first.assignments or options.hint,
        cover_first=0,
        work_limit=None if work is None else max(0.01, work - first_run.work_spent),
    )
    if options.stop is not None and options.stop.is_set():
        return replace(first, wall_time_s=time.perf_counter() - started)
    # The cover alone costs no more than the whole problem (every other cost is non-negative):
    # its bound holds for both, and is often the better one (CP-SAT proved it on the bare model).
    solution = _Run(problem, rest, bound=first.bound).solve()
    return replace(
        solution,
        wall_time_s=time.perf_counter() - started,
        first_solution_s=first.first_solution_s,
        timeline=tuple((t + offset, objective, under) for t, objective, under in solution.timeline),
    )


class _Run:
    def __init__(self, problem: Problem, options: SolveOptions, bound: float = 0.0) -> None:
        self.problem = problem
        self.options = options
        self.started = time.perf_counter()
        self.deadline = self.started + options.time_limit_s
        self.targets = fairness_targets(problem)
        self.frozen = frozen_assignments(problem)
        self._builder: ModelBuilder | None = None
        self.timeline: list[tuple[float, float, int]] = []
        # Every cost term is non-negative, and some missing cover may be provably unavoidable.
        self.cover = cover_bound(problem)
        self.bound = max(float(self.cover.cost), bound if math.isfinite(bound) else 0.0)
        self.lock = threading.Lock()
        self.best: Incumbent | None = None
        # Set when there is no point going on: optimality proved, the gap or cover reached,
        # or a stop asked for from outside.
        self.done = threading.Event()
        if options.stop is not None:
            _relay(options.stop, self.done)
        self.work_spent = 0.0  # CP-SAT's deterministic time used so far
        # Where a rule binds from below (minimum hours, runs), a first roster may be long in
        # coming from the whole model: after ``FIRST_ROSTER_PHASES`` first phases without one,
        # it is built row by row instead (``_row_by_row``).
        self.row_by_row_left = not _upper_limits_only(problem)

    @property
    def work_left(self) -> float | None:
        """What is left of ``work_limit``; None without one."""
        if self.options.work_limit is None:
            return None
        return max(0.0, self.options.work_limit - self.work_spent)

    @property
    def builder(self) -> ModelBuilder:
        """The whole model, built on first use: a big one takes seconds to build."""
        if self._builder is None:
            self._builder = ModelBuilder(self.problem, self.targets)
            self._builder.build()
        return self._builder

    @property
    def model(self) -> cp_model.CpModel:
        return self.builder.model

    def solve(self) -> Solution:
        try:
            if not self.options.lns:
                self._whole_model(self.deadline, self.options.workers, stop_early=False)
                return self._solution()
            self._start()
            if self.best is None or self._small():
                # CP-SAT on the whole model: a first roster, or on a small model often a proof.
                self._whole_model(self.deadline, self.options.workers, stop_early=True)
            if self.best is None and self.row_by_row_left:
                self.row_by_row_left = False
                self._row_by_row()
                if self.best is None:  # some row cannot be kept alone: the whole model again
                    self._whole_model(self.deadline, self.options.workers, stop_early=True)
            if self.best is not None and not self.done.is_set():
                self._search()
            return self._solution()
        finally:
            self.done.set()  # ends the stop relay, if any

    def _small(self) -> bool:
        return len(self.problem.people) * self.problem.days <= SMALL_MODEL_CELLS

    # -- phases ------------------------------------------------------------------------------

    def _start(self) -> None:
        """A first roster: greedy from the hint where upper limits are the only hard rules,
        else the hint itself if it is feasible."""
        if _upper_limits_only(self.problem):
            # A greedy fill keeps upper limits by construction, and seeds the search far
            # sooner than CP-SAT on the whole model finds a roster as good.
            fixed = {(a.person, a.day): (a.shift, a.post) for a in self.frozen}
            hinted = self._hinted_roster()
            engine = self._search_engine()
            # The fill's repair gets a share of the time: it covers far faster than the search.
            repair_s = min(REPAIR_MAX_S, self.options.first_phase * self.options.time_limit_s)
            # Where staff is short, the fill rations each day to what can be covered at all.
            share = self.cover.coverable / self.cover.demand if self.cover.demand else 1.0
            steps = REPAIR_STEPS if self.options.work_limit is not None else None
            best = engine.incumbent(
                greedy_roster(
                    self.problem,
                    fixed,
                    hinted,
                    repair_s=repair_s,
                    share=share,
                    repair_steps=steps,
                )
            )
            # Ties broken at random give rosters of quite different quality: keep the best
            # of as many as a small share of the time allows.
            until = time.perf_counter() + min(
                2.0, self.options.first_phase * self.options.time_limit_s
            )
            seed = self.options.seed
            while self._more_tries(until, seed) and best.under:
                seed += 1
                left = max(0.0, until - time.perf_counter())
                other = engine.incumbent(
                    greedy_roster(
                        self.problem,
                        fixed,
                        hinted,
                        seed=seed,
                        repair_s=left,
                        share=share,
                        repair_steps=steps,
                    )
                )
                if other.objective < best.objective:
                    best = other
            best = self._repair_more(engine, best, fixed, share)
            # Frozen cells might still need company (an auxiliary whose officer left).
            if not self.problem.frozen or self._feasible(best.roster):
                self._offer(best)
        elif self.options.hint:
            roster = self._hinted_roster()
            if self._feasible(roster):
                self._offer(self._search_engine().incumbent(roster))

    def _row_by_row(self) -> None:
        """A first roster one person at a time (``Search.row_by_row``), kept if it keeps every
        hard rule: CP-SAT on the whole model may take long to find any roster at all (benchmark
        instance 8: none in 5 units of its work on one core), and then starts from it."""
        engine = self._search_engine()
        work = self.options.part_time_s if self.options.work_limit is not None else None
        found = engine.row_by_row(self.options.part_time_s, work)
        self.work_spent += engine.work_spent
        if found is not None and self._feasible(found.roster):
            self._offer(found)

    def _more_tries(self, until: float, seed: int) -> bool:
        if self.options.work_limit is not None:
            return seed < self.options.seed + GREEDY_TRIES
        return time.perf_counter() < until

    def _repair_more(self, engine: Search, best: Incumbent, fixed: dict, share: float) -> Incumbent:
        """Repair ``best`` again, go after go, while each go covers more (see
        :data:`REPAIR_SHARE`)."""
        until = self.started + REPAIR_SHARE * self.options.time_limit_s
        seed = self.options.seed
        overhead = 0.0  # what a go takes besides its repair (keeping the roster, costing it)
        # Missing cover the bound proves unavoidable is no reason to go on.
        steps = REPAIR_STEPS if self.options.work_limit is not None else None
        while self._missing(best) > self.cover.missing and not self.done.is_set():
            left = min(REPAIR_MAX_S, until - time.perf_counter() - overhead)
            if left <= 0 and steps is None:
                break
            began = time.perf_counter()
            again = engine.incumbent(
                greedy_roster(
                    self.problem,
                    fixed,
                    best.roster,
                    seed=seed,
                    repair_s=left,
                    share=share,
                    repair_steps=steps,
                )
            )
            overhead = max(0.0, time.perf_counter() - began - left)
            if again.under >= best.under:
                break  # the repair has done what it can: the search takes over
            best = again
        return best

    def _search(self) -> None:
        # In work, one thread: two sharing the best roster would take turns as the machine
        # lets them, and the runs would differ.
        threads = 1 if self.options.work_limit is not None else self.options.workers
        prover = None
        if self.options.prove and threads > 1:
            threads -= 1
            prover = threading.Thread(
                target=self._whole_model, args=(self.deadline, 1, False), daemon=True
            )
            prover.start()
        search = self._search_engine(threads)
        search.stop = self.done
        assert self.best is not None  # run() searches only from a first roster
        found = search.run(self.best)
        self.work_spent += search.work_spent
        self._offer(found)
        if prover is not None:
            prover.join()

    def _search_engine(self, threads: int = 1) -> Search:
        def improved(found: Incumbent) -> None:
            self._offer(found)
            if self._close_enough():
                self.done.set()

        return Search(
            self.problem,
            self.targets,
            self.frozen,
            deadline=self.deadline,
            threads=threads,
            seed=self.options.seed,
            on_improve=improved,
            part_time_s=self.options.part_time_s,
            quiet_s=self.options.quiet_s,
            polish_dtime=self.options.polish_dtime,
            finish=self.options.finish,
            work_budget=self.work_left,
        )

    def _whole_model(self, until: float, workers: int, stop_early: bool) -> None:
        """CP-SAT on the whole model; with ``stop_early``, only until a first roster."""
        model = self.model
        if self.best is not None:
            model = self.model.clone()
            self._hint(model, self.best.roster)
        elif self.options.hint:
            model = self.model.clone()
            self._hint(model, self._hinted_roster())
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, until - time.perf_counter())
        params.num_workers = workers
        params.random_seed = self.options.seed
        params.log_search_progress = self.options.log
        if workers == 1:
            params.linearization_level = 2  # the bound comes from the LP
        work = self.work_left
        callback = _Callback(self, stop_early)
        if work is not None:
            # The first phase ends with the first roster found after its share of the work,
            # not of the clock; and one worker, as parallel workers find their rosters in the
            # order the machine lets them.
            share = self.options.first_phase * work if stop_early else None
            if share is not None and self.best is not None:
                work = share  # a roster to return exists: the phase ends on its share
            elif share is not None and self.row_by_row_left:
                work = min(work, FIRST_ROSTER_PHASES * share)
            params.max_deterministic_time = max(0.01, work)
            params.num_workers = 1
            params.linearization_level = 2
            callback.first_phase_work = share
            callback.stop_early = stop_early = False  # not on the clock
        solver.best_bound_callback = self._new_bound
        watchdog = threading.Event()
        _watch(self, solver, watchdog, stop_early)
        status = solver.solve(model, callback)
        watchdog.set()
        self.work_spent += solver.deterministic_time
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(model.validate())
        with self.lock:
            self.bound = max(self.bound, solver.best_objective_bound)
        if status == cp_model.OPTIMAL:
            self.done.set()

    def _new_bound(self, bound: float) -> None:
        with self.lock:
            self.bound = max(self.bound, bound)
        if self._close_enough():
            self.done.set()

    # -- incumbent -----------------------------------------------------------------------------

    def _offer(self, found: Incumbent) -> None:
        with self.lock:
            if self.best is None or found.objective < self.best.objective:
                self.best = found
                elapsed = time.perf_counter() - self.started
                self.timeline.append((elapsed, found.objective, found.under))
                report = self.options.progress
            else:
                report = None
        if report is not None:
            report(Progress(elapsed, found.objective, self._missing(found), self.bound))
        if self.options.stop_when_covered and not found.under:
            self.done.set()
        if self._close_enough():  # e.g. only the provably unavoidable cover is missing
            self.done.set()

    def _missing(self, found: Incumbent) -> int:
        staffed: dict[tuple[int, str, str], int] = defaultdict(int)
        for _, day, shift, post in self._frozen_cells():
            staffed[(day, shift, post)] += 1
        for (_, day), (shift, post) in found.roster.items():
            staffed[(day, shift, post)] += 1
        return sum(
            max(0, d.required - staffed[(d.day, d.shift, d.post)]) for d in self.problem.demands
        )

    def _frozen_cells(self) -> list[tuple[str, int, str, str]]:
        return [(a.person, a.day, a.shift, a.post) for a in self.frozen]

    def _close_enough(self) -> bool:
        with self.lock:
            if self.best is None:
                return False
            gap = (self.best.objective - self.bound) / max(1, self.best.objective)
            return gap <= self.options.relative_gap

    def _roster_of(self, values) -> dict[Cell, Duty]:
        return {(p, d): (s, post) for (p, d, s, post), lit in self.builder.x.items() if values(lit)}

    def _hinted_roster(self) -> dict[Cell, Duty]:
        index = {p.id: i for i, p in enumerate(self.problem.people)}
        posts = {p.id: p for p in self.problem.posts}
        frozen = self.problem.frozen
        roster = {}
        for a in self.options.hint:
            person = index.get(a.person)
            if person is None or (a.person, a.day) in frozen or a.post not in posts:
                continue
            if a.day in self.problem.people[person].busy:
                continue
            if allowed(posts[a.post], self.problem.people[person], a.day, a.shift):
                roster[(person, a.day)] = (a.shift, a.post)
        return self._without_lone_dependants(roster)

    def _without_lone_dependants(self, roster: dict[Cell, Duty]) -> dict[Cell, Duty]:
        """Drop duties whose dependency lost its support (an auxiliary whose officer fell ill)."""
        staffed = {(d, s, post) for (_, d), (s, post) in roster.items()}
        staffed |= {(a.day, a.shift, a.post) for a in self.frozen}
        needs = {dep.post: dep.needs for dep in self.problem.dependencies}
        return {
            (p, d): (s, post)
            for (p, d), (s, post) in roster.items()
            if post not in needs or (d, s, needs[post]) in staffed
        }

    def _hint(self, model: cp_model.CpModel, roster: dict[Cell, Duty]) -> None:
        for (p, d, s, post), lit in self.builder.x.items():
            model.add_hint(lit, roster.get((p, d)) == (s, post))

    def _feasible(self, roster: dict[Cell, Duty]) -> bool:
        model = self.model.clone()
        for (p, d, s, post), lit in self.builder.x.items():
            value = int(roster.get((p, d)) == (s, post))
            domain = model.proto.variables[lit.index].domain
            domain[0] = value
            domain[1] = value
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.01, self.deadline - time.perf_counter())
        return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)

    def _solution(self) -> Solution:
        wall = time.perf_counter() - self.started
        if self.best is None:
            return Solution("unknown", (), math.inf, self.bound, wall)
        people = self.problem.people
        assignments = tuple(
            sorted(
                self.frozen
                + [
                    Assignment(people[p].id, d, s, post)
                    for (p, d), (s, post) in self.best.roster.items()
                ],
                key=lambda a: (a.day, a.person, a.shift),
            )
        )
        objective = self.best.objective
        return Solution(
            status="optimal" if objective <= self.bound else "feasible",
            assignments=assignments,
            objective=objective,
            bound=self.bound,
            wall_time_s=wall,
            first_solution_s=self.timeline[0][0] if self.timeline else None,
            penalties=dict(self.best.costs),
            gaps=_cover_gaps(self.problem, assignments),
            changes=_diff(self.problem, assignments),
            timeline=tuple(self.timeline),
        )


def _relay(stop: threading.Event, done: threading.Event) -> None:
    """Set ``done`` once ``stop`` is set; the relay ends when ``done`` is set either way."""

    def relay() -> None:
        while not done.wait(0.1):
            if stop.is_set():
                done.set()

    threading.Thread(target=relay, daemon=True).start()


def _upper_limits_only(problem: Problem) -> bool:
    """Whether every hard rule is an upper limit, so that working less never breaks one."""
    return not any(
        p.rules.min_total_minutes
        or p.rules.min_consecutive_shifts
        or p.rules.min_consecutive_days_off
        for p in problem.people
    )


def _watch(run: _Run, solver: cp_model.CpSolver, finished: threading.Event, first_phase: bool):
    """Stop ``solver`` when the run is done, or when the first phase is over with a roster."""
    end = run.started + run.options.first_phase * run.options.time_limit_s
    # Without a roster yet, a first roster row by row may come after a few phases.
    last = run.started + FIRST_ROSTER_PHASES * run.options.first_phase * run.options.time_limit_s

    def watch() -> None:
        while not finished.wait(0.05):
            now = time.perf_counter()
            over = first_phase and now >= end and run.best is not None
            over = over or (first_phase and run.row_by_row_left and now >= last)
            if over or run.done.is_set():
                solver.stop_search()
                return

    threading.Thread(target=watch, daemon=True).start()


class _Callback(cp_model.CpSolverSolutionCallback):
    """Hands each whole-model solution to the run; may stop once the first phase is over."""

    def __init__(self, run: _Run, stop_early: bool) -> None:
        super().__init__()
        self.run = run
        self.stop_early = stop_early
        self.first_phase_end = run.started + run.options.first_phase * run.options.time_limit_s
        self.first_phase_work: float | None = None  # in work, the first phase's end instead

    def on_solution_callback(self) -> None:
        run = self.run
        with run.lock:
            better = run.best is None or self.objective_value < run.best.objective
        if better:
            roster = run._roster_of(self.boolean_value)
            run._offer(run._search_engine().incumbent(roster))
        if run.done.is_set() or (self.stop_early and time.perf_counter() >= self.first_phase_end):
            self.stop_search()
        elif self.first_phase_work is not None and self.deterministic_time >= self.first_phase_work:
            self.stop_search()


def _cover_gaps(problem: Problem, assignments: Sequence[Assignment]) -> tuple[CoverGap, ...]:
    staffed: dict[tuple[int, str, str], int] = defaultdict(int)
    for a in assignments:
        staffed[(a.day, a.shift, a.post)] += 1
    gaps = []
    for demand in problem.demands:
        count = staffed[(demand.day, demand.shift, demand.post)]
        if count < demand.required:
            gaps.append(CoverGap(demand.day, demand.shift, demand.post, demand.required, count))
    return tuple(gaps)


def _diff(problem: Problem, assignments: Sequence[Assignment]) -> tuple[Change, ...]:
    if not problem.previous:
        return ()
    before = {(a.person, a.day): a for a in problem.previous}
    after = {(a.person, a.day): a for a in assignments}
    changes = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[1], k[0])):
        if before.get(key) != after.get(key):
            changes.append(Change(key[0], key[1], before.get(key), after.get(key)))
    return tuple(changes)
