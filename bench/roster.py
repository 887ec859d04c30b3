"""Benchmark the roster engine: the demo brigade, a detachment, re-rostering, NRP instances.

Progress goes to stderr; the last stdout line is one JSON object with the figures.

    python bench/roster.py           # the full run, about 13 minutes on 2 cores
    python bench/roster.py --quick   # under a minute: shorter limits, fewer instances
    python bench/roster.py --only instances   # one part: demo, brigade, detachment or instances
    python bench/roster.py --only fresh --seeds 1 2 3   # instances the engine has never seen
    python bench/roster.py --only instances --work 60   # in work, not seconds: see below
    python bench/roster.py --only instances --options '{"cover_first": 0}'   # other settings

``fresh`` solves instances generated at random from a seed (:func:`random_instance`, in the
benchmark's own text format, sized like instances 5–8) and detachments of other seeds: the
engine's quality on problems it was not tuned on. They have no best-known value; the figures
are the objective (evaluated from the roster), the bound, and the detachment's missing cover.

The demo part loads the demo prefecture into a throw-away SQLite database and reads each
brigade's roster problem through the app's own problem builder (``roster/problem.py``).

``--work W`` limits each instance and fresh instance in CP-SAT's deterministic time (its own
measure of work) instead of seconds (``SolveOptions.work_limit``): the search then runs in one
thread and gives the same roster whatever the load of the machine, so that two versions of the
engine can be compared on a shared machine. Say the load (``uptime``) with the seconds anyway.
"""

from __future__ import annotations

import argparse
import atexit
import json
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fangkong.roster.engine import nrp, synthetic  # noqa: E402
from fangkong.roster.engine.bound import cover_bound  # noqa: E402
from fangkong.roster.engine.police import (  # noqa: E402
    AUXILIARY,
    LEADER,
    OFFICER,
    PoliceProblem,
    translate,
)
from fangkong.roster.engine.rostering import (  # noqa: E402
    RosterResult,
    roster_resolve,
    roster_solve,
    roster_solve_units,
)
from fangkong.roster.engine.solver import SolveOptions  # noqa: E402
from fangkong.roster.engine.validate import validate  # noqa: E402

BEST_KNOWN = {
    "Instance1": 607,
    "Instance2": 828,
    "Instance3": 1001,
    "Instance4": 1716,
    "Instance5": 1143,
    "Instance6": 1950,
    "Instance7": 1056,
    "Instance8": 1300,
}


def bench_data() -> Path:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "bench-data"
    return Path(os.environ.get("FANGKONG_BENCH_DATA", default))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def summary(result: RosterResult) -> str:
    return (
        f"status={result.status} objective={result.objective:.0f} bound={result.bound:.0f} "
        f"gap={result.gap:.4f} missing={result.missing} duties={len(result.duties)} "
        f"wall={result.wall_time_s:.1f}s first_full={result.first_full_s}"
    )


def brigade(figures: dict, quick: bool) -> RosterResult:
    problem = synthetic.brigade()
    log(f"brigade: {len(problem.staff)} staff, {len(problem.sites)} sites, {problem.days} days")
    log(f"brigade: demand / capacity {synthetic.capacity_report(problem)}")
    figures["brigade_unavoidable_missing"] = cover_bound(translate(problem).problem).missing
    first = roster_solve(problem, time_limit_s=5 if quick else 10)
    violations = validate(problem, first.duties)
    log(f"brigade 10 s: {summary(first)} violations={len(violations)}")
    figures["brigade_hard_ok"] = not violations
    figures["brigade_first_s"] = _round(first.first_full_s or first.wall_time_s)
    figures["brigade_full_cover"] = first.missing == 0
    figures["brigade_missing_at_limit"] = first.missing
    limit = 10 if quick else 60
    # The bound is the cover no roster can avoid (engine/bound.py), 0 here; CP-SAT on the
    # whole model (``prove=True``) proves nothing better on this model within a minute and
    # would take one of the two cores from the search, so the search gets both.
    proved = roster_solve(problem, time_limit_s=limit)
    log(f"brigade {limit} s: {summary(proved)}")
    figures["brigade_objective"] = proved.objective
    figures["brigade_bound"] = proved.bound
    figures["brigade_gap"] = round(proved.gap, 5)
    figures["brigade_gap_abs"] = proved.objective - proved.bound
    figures["brigade_missing_at_60s"] = proved.missing
    figures["brigade_first_full_s_in_60s_run"] = _round(proved.first_full_s)
    figures["brigade_gap_time_s"] = limit
    # The run returns as soon as its roster costs no more than the bound: how soon that was.
    figures["brigade_wall_s"] = _round(proved.wall_time_s)
    figures["brigade_penalties"] = dict(proved.penalties)
    figures["brigade_hard_ok"] = figures["brigade_hard_ok"] and not validate(problem, proved.duties)
    return proved


@dataclass(frozen=True)
class SickCall:
    """A re-roster after an officer on duty mid-way through ``days`` fell sick for all of them."""

    officer: str
    problem: PoliceProblem  # the problem again, with the leave and the roster before
    result: RosterResult
    elapsed_s: float
    lost: int  # the officer's duties that someone else had to take


def sick_call(problem: PoliceProblem, before: RosterResult, offsets: tuple[int, ...]) -> SickCall:
    days = [problem.start + timedelta(days=d) for d in offsets]
    officer = next(
        d.staff for d in before.duties if d.role == OFFICER and d.day == days[1] and d.site
    )
    staff = tuple(
        replace(p, leave=p.leave | frozenset(days)) if p.id == officer else p for p in problem.staff
    )
    again = replace(problem, staff=staff, previous=before.duties)
    started = time.perf_counter()
    result = roster_resolve(again, time_limit_s=5)
    elapsed = time.perf_counter() - started
    lost = sum(1 for d in before.duties if d.staff == officer and d.day in days)
    return SickCall(officer, again, result, elapsed, lost)


def reroster(figures: dict, problem: PoliceProblem, before: RosterResult) -> None:
    """An officer falls sick for three days in the middle of the period."""
    call = sick_call(problem, before, (12, 13, 14))
    result, elapsed, lost = call.result, call.elapsed_s, call.lost
    violations = validate(call.problem, result.duties)
    log(f"re-roster: {summary(result)} changes={len(result.changes)} lost duties={lost}")
    figures["reroster_s"] = _round(elapsed)
    figures["reroster_changes"] = len(result.changes)
    figures["reroster_sick_duties"] = lost
    figures["reroster_missing_before"] = before.missing
    figures["reroster_missing_after"] = result.missing
    figures["reroster_hard_ok"] = not violations


DEMO_BRIGADE = "甘州大队"
SHORT_SQUAD = "甘州大队城郊中队"


def demo(figures: dict, quick: bool) -> None:
    """The demo's brigades as the app rosters them: full cover, unavoidable shortage, the
    duty leader, the short squad's spread of gaps, and a re-roster after a sick call."""
    from datetime import date

    import django
    from django.core.management import call_command

    shm = Path("/dev/shm")  # noqa: S108 - a private temporary directory inside
    folder = tempfile.mkdtemp(prefix="fangkong-bench-", dir=shm if shm.is_dir() else None)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["FANGKONG_DATA_DIR"] = folder
    os.environ.pop("FANGKONG_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("demo_load", checks=0, verbosity=0)
    from fangkong.org.choices import UnitKind
    from fangkong.org.models import Unit
    from fangkong.roster.problem import build_input

    start = date(2026, 3, 2)  # a Monday
    limit = 5 if quick else 10
    brigades = Unit.objects.filter(kind=UnitKind.BRIGADE).order_by("path")
    if quick:
        brigades = brigades.filter(name=DEMO_BRIGADE)
    missing: dict[str, dict[str, int]] = {}
    unavoidable: dict[str, dict[str, int]] = {}
    leaders = 0
    for days in (7,) if quick else (7, 28):
        for unit in brigades:
            problem = build_input(unit=unit, start=start, days=days, wartime=False).problem
            bound = cover_bound(translate(problem).problem).missing
            result = roster_solve(problem, time_limit_s=limit)
            lead = sum(s.missing for s in result.shortages if s.role == LEADER)
            log(f"demo {unit.name} {days} days: {summary(result)} unavoidable={bound}")
            missing.setdefault(unit.name, {})[str(days)] = result.missing
            unavoidable.setdefault(unit.name, {})[str(days)] = bound
            leaders += lead
            if unit.name == DEMO_BRIGADE and days == 7:
                reroster_demo(figures, problem, result)
    figures["demo_brigade_missing_10s"] = missing[DEMO_BRIGADE]
    figures["demo_brigade_unavoidable"] = unavoidable[DEMO_BRIGADE]
    figures["demo_brigades_missing_10s"] = missing
    figures["demo_brigades_unavoidable"] = unavoidable
    figures["leader_slots_missing"] = leaders
    squad = Unit.objects.get(name=SHORT_SQUAD)
    shares = {}
    for days in (7,) if quick else (7, 28):
        problem = build_input(unit=squad, start=start, days=days, wartime=False).problem
        result = roster_solve(problem, time_limit_s=limit)
        per_day = Counter(s.day for s in result.shortages for _ in range(s.missing))
        shares[str(days)] = round(max(per_day.values()) / result.missing, 3)
        log(f"demo {SHORT_SQUAD} {days} days: {summary(result)} per day {sorted(per_day.values())}")
    figures["max_day_share_of_gaps"] = shares


def reroster_demo(figures: dict, problem: PoliceProblem, before: RosterResult) -> None:
    """An officer of the demo brigade falls sick for three days: who else has to move."""
    call = sick_call(problem, before, (2, 3, 4))
    officer, result, elapsed, lost = call.officer, call.result, call.elapsed_s, call.lost
    others = sum(1 for c in result.changes if c.staff != officer)
    post = {(d.staff, d.day): (d.shift, d.site) for d in result.duties}
    moved = sum(
        1
        for d in before.duties
        if d.role == AUXILIARY and post.get((d.staff, d.day)) != (d.shift, d.site)
    )
    log(f"demo re-roster: {summary(result)} changes={len(result.changes)} lost={lost}")
    figures["demo_reroster_s"] = _round(elapsed)
    figures["demo_reroster_sick_duties"] = lost
    figures["demo_reroster_changes"] = len(result.changes)
    figures["demo_reroster_changes_of_others"] = others
    figures["demo_reroster_changes_ratio"] = round(others / max(1, lost), 2)
    figures["demo_reroster_auxiliaries_moved"] = moved
    figures["demo_reroster_missing_after"] = result.missing
    figures["demo_reroster_hard_ok"] = not validate(call.problem, result.duties)


def detachment(figures: dict, quick: bool) -> None:
    problem = synthetic.detachment(days=7) if quick else synthetic.detachment()
    shared = sum(1 for p in problem.staff if p.shared_units)
    log(
        f"detachment: {len(problem.staff)} staff ({shared} shared), {len(problem.sites)} sites, "
        f"{len(problem.units())} units, demand / capacity {synthetic.capacity_report(problem)}"
    )
    limit = 8 if quick else 60
    # Missing cover the max-flow relaxation proves unavoidable (0: full cover may exist).
    figures["detachment_unavoidable_missing"] = cover_bound(translate(problem).problem).missing
    figures["detachment_staff"] = len(problem.staff)
    figures["detachment_sites"] = len(problem.sites)
    figures["detachment_days"] = problem.days

    # One problem: the neighbourhood search never builds the whole model, so it scales.
    result = roster_solve(problem, time_limit_s=limit)
    violations = validate(problem, result.duties)
    log(f"detachment as one problem: {summary(result)} violations={len(violations)}")
    figures["detachment_first_s"] = _round(result.first_full_s or result.wall_time_s)
    figures["detachment_full_cover"] = result.missing == 0
    figures["detachment_missing"] = result.missing
    figures["detachment_duties"] = len(result.duties)
    figures["detachment_wall_s"] = _round(result.wall_time_s)
    figures["detachment_hard_ok"] = not violations

    def progress(unit: str, part: RosterResult) -> None:
        log(f"  unit {unit}: {summary(part)}")

    # Unit by unit, with shared people fixed from earlier units.
    units = roster_solve_units(problem, time_limit_s=limit, progress=progress)
    unit_violations = validate(problem, units.duties)
    log(f"detachment unit by unit: {summary(units)} violations={len(unit_violations)}")
    figures["detachment_units_missing"] = units.missing
    figures["detachment_units_wall_s"] = _round(units.wall_time_s)
    figures["detachment_units_hard_ok"] = not unit_violations
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def instances(
    figures: dict,
    quick: bool,
    limit_s: float | None = None,
    names: list[str] | None = None,
    work: float | None = None,
    overrides: dict | None = None,
) -> None:
    folder = bench_data() / "shift-scheduling"
    names = names or (["Instance1", "Instance2", "Instance3"] if quick else list(BEST_KNOWN))
    limit = limit_s or (4 if quick else 60)
    results = {}
    for name in names:
        path = folder / f"{name}.txt"
        if not path.exists():
            log(f"{name}: missing at {path}")
            continue
        # Each instance in a process of its own, as a solver run on its own would be: no
        # threads or heap left over from the runs before it.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            result = pool.submit(_instance, path, limit, work, overrides).result()
        best = BEST_KNOWN[name]
        ratio = round(result["objective"] / best, 4)
        results[name] = {**result, "best_known": best, "ratio": ratio}
        log(f"{name}: {results[name]}")
    figures["instances"] = results
    figures["instance_time_limit_s"] = limit
    figures["instance_work_limit"] = work


def _instance_options(
    limit: float, work: float | None, overrides: dict | None = None
) -> SolveOptions:
    # Neighbourhoods of these small models are worth a longer look than the police ones; and
    # the first half goes to cover alone (see ``SolveOptions.cover_first``). In work, the
    # seconds are only a safety net.
    options = SolveOptions(
        time_limit_s=limit if work is None else max(limit, 300 * work),
        workers=2,
        part_time_s=2.0,
        cover_first=0.5,
        work_limit=work,
    )
    return replace(options, **(overrides or {}))


def _instance(
    path: Path, limit: float, work: float | None = None, overrides: dict | None = None
) -> dict:
    result = nrp.solve_instance(path, _instance_options(limit, work, overrides))
    return {
        "objective": result.objective,
        "bound": result.bound,
        "feasible": not result.violations,
        "time_s": _round(result.wall_time_s),
    }


def random_instance(seed: int) -> str:
    """A random rostering instance in the Shift Scheduling Benchmark's text format, sized and
    shaped like instances 5–8 (16–30 staff, 28 days, 2–4 shift types, full- and part-timers,
    days off, requests, cover close to what the staff can work)."""
    rng = random.Random(seed)
    days = 28
    names = ["E", "D", "L", "N"][: rng.randint(2, 4)]
    shifts = [(name, 480) for name in names]
    lines = ["SECTION_HORIZON", str(days), "", "SECTION_SHIFTS"]
    for n, (name, minutes) in enumerate(shifts):
        # A later shift may not be followed the next day by an earlier one.
        lines.append(f"{name},{minutes},{'|'.join(s for s, _ in shifts[:n])}")
    staff = [_staff_name(n) for n in range(rng.randint(16, 30))]
    lines += ["", "SECTION_STAFF"]
    capacity = 0.0
    for person in staff:
        part = rng.random() < 0.25
        most = rng.choice([3420, 5160]) if part else 8640
        least = most - rng.choice([960, 1440])  # room for the random days off below
        limits = "|".join(
            f"{name}={28 if n == 0 or rng.random() < 0.5 else rng.choice([0, 4, 8, 14])}"
            for n, (name, _) in enumerate(shifts)
        )
        # As the public instances pair them: runs of at most 5 with 2 days off, of 6 with 3;
        # part-timers may work single days.
        run = rng.choice([5, 6])
        rest = (1 if run == 5 else 2) if part else run - 3
        lines.append(
            f"{person},{limits},{most},{least},{run},{1 if part else 2},{rest},{3 if part else 2}"
        )
        capacity += (most + least) / 2 / 480
    lines += ["", "SECTION_DAYS_OFF"]
    for person in staff:
        lines.append(",".join([person, *map(str, sorted(rng.sample(range(days), 2)))]))
    on, off = [], []
    for person in staff:
        for _ in range(rng.randint(0, 10)):
            row = f"{person},{rng.randrange(days)},{rng.choice(names)},{rng.randint(1, 3)}"
            (on if rng.random() < 0.5 else off).append(row)
    lines += ["", "SECTION_SHIFT_ON_REQUESTS", *sorted(set(on))]
    lines += ["", "SECTION_SHIFT_OFF_REQUESTS", *sorted(set(off))]
    lines += ["", "SECTION_COVER"]
    # Demand about what the staff can work (0.9–1.05 of it), spread over the shift types.
    per_day = capacity * rng.uniform(0.9, 1.05) / days
    for day in range(days):
        weights = [rng.uniform(0.5, 1.5) for _ in names]
        for name, weight in zip(names, weights, strict=True):
            need = max(1, round(per_day * weight / sum(weights)))
            lines.append(f"{day},{name},{need},100,1")
    return "\n".join(lines) + "\n"


def _staff_name(n: int) -> str:
    return chr(65 + n) if n < 26 else "A" + chr(65 + n - 26)


def fresh(
    figures: dict,
    quick: bool,
    seeds: list[int],
    limit_s: float | None = None,
    detachments_too: bool = True,
    work: float | None = None,
    overrides: dict | None = None,
) -> None:
    """Instances and detachments the engine was never tuned on."""
    limit = limit_s or (4 if quick else 60)
    seeds = seeds[:1] if quick else seeds  # --quick stays within its minute
    results = {}
    for seed in seeds:
        text = random_instance(seed)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            result = pool.submit(_instance_text, text, limit, work, overrides).result()
        results[str(seed)] = result
        log(f"random instance {seed}: {result}")
    figures["fresh_instances"] = results
    figures["fresh_time_limit_s"] = limit
    figures["fresh_work_limit"] = work
    if not detachments_too:
        return
    detachments = {}
    for seed in seeds[:2]:
        problem = synthetic.detachment(seed=seed, days=7) if quick else synthetic.detachment(seed)
        result = roster_solve(problem, time_limit_s=limit_s or (8 if quick else 60))
        log(f"detachment seed {seed}: {summary(result)}")
        detachments[str(seed)] = {
            "missing": result.missing,
            "unavoidable": cover_bound(translate(problem).problem).missing,
            "first_full_s": _round(result.first_full_s),
            "objective": result.objective,
            "hard_ok": not validate(problem, result.duties),
        }
    figures["fresh_detachments"] = detachments


def _instance_text(
    text: str, limit: float, work: float | None = None, overrides: dict | None = None
) -> dict:
    result = nrp.solve_instance_text(text, _instance_options(limit, work, overrides))
    return {
        "objective": result.objective,
        "bound": result.bound,
        "feasible": not result.violations,
        "time_s": _round(result.wall_time_s),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="finish within a minute")
    parser.add_argument(
        "--only",
        choices=["demo", "brigade", "detachment", "instances", "fresh"],
        help="one part of the run",
    )
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[1, 2, 3], help="seeds of the fresh part"
    )
    parser.add_argument(
        "--limit", type=float, help="time limit (s) of each instance and fresh problem"
    )
    parser.add_argument(
        "--instances", nargs="+", help="instance names of the instances part (Instance1 …)"
    )
    parser.add_argument(
        "--work",
        type=float,
        help="limit of each instance and fresh instance in CP-SAT deterministic time",
    )
    parser.add_argument(
        "--options",
        type=json.loads,
        default={},
        help='SolveOptions of the instances and fresh instances, as JSON: {"cover_first": 0}',
    )
    parser.add_argument(
        "--no-detachments", action="store_true", help="fresh part: the random instances only"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    figures: dict = {"quick": args.quick, "cpus": os.cpu_count(), "options": args.options}
    if args.only in (None, "demo"):
        demo(figures, args.quick)
    if args.only in (None, "brigade"):
        proved = brigade(figures, args.quick)
        reroster(figures, synthetic.brigade(), proved)
    if args.only in (None, "detachment"):
        detachment(figures, args.quick)
    if args.only in (None, "instances"):
        instances(figures, args.quick, args.limit, args.instances, args.work, args.options)
    if args.only in (None, "fresh"):
        fresh(
            figures,
            args.quick,
            args.seeds,
            args.limit,
            not args.no_detachments,
            args.work,
            args.options,
        )
    figures["total_s"] = _round(time.perf_counter() - started)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
