#!/usr/bin/env python3
"""Benchmark: sign-ins at the post recorded at 5,000 a minute while the dashboard's "posts
short now" refreshes, and "posts short now" over the detachment.

Usage: ``python bench/duty.py [--quick] [--signins N] [--postgres [URL]]``. It loads the demo
prefecture (with its week of duty in the Ganzhou brigade) into a fresh database (a temporary
SQLite file, or with ``--postgres`` a scratch database ``fangkong_bench_duty`` on that server,
dropped afterwards), gives every other brigade the same kind of published rotation so that
every open post of the detachment has a running shift, then times:

- ``posts_short``: ``selectors.posts_short_now`` over the detachment, alone (target p95 ≤ 100 ms);
- ``sign_in``: ``services.sign_in_record`` (one transaction each, presence kept, as the API
  calls it) from ``--writers`` threads (4) paced together at 5,000 a minute, while another
  thread refreshes ``posts_short_now`` once a second as the dashboard card does (target
  p99 ≤ 50 ms).

The last line of stdout is one JSON object: ``backend``, ``posts``, ``duties_now``,
``signins``, ``signins_per_min`` (achieved), ``sign_in_p99_ms`` / ``_median_ms`` /
``_p99_cpu_ms``, ``posts_short_p95_ms`` / ``_median_ms`` (alone), ``posts_short_during_p95_ms``
(while signing in), ``refreshes`` and ``posts_short`` (what the read found). ``--quick``
records 1,000 sign-ins (12 seconds at the pace); the full run 5,000 (one minute).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from _scratch import add_postgres_option, scratch_environment

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "fangkong_bench_duty"
PER_MINUTE = 5_000


def _quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def _rotations() -> None:
    """A published rotation in every brigade that has none, as the demo gives Ganzhou."""
    from django.utils import timezone

    from fangkong.demo import duty as demo_duty
    from fangkong.demo.loader import DemoContext
    from fangkong.demo.prefecture import build
    from fangkong.org.models import Unit
    from fangkong.roster.models import Roster

    now = timezone.now()
    ctx = DemoContext(prefecture=build(), now=now, start=now)
    today = timezone.localdate()
    for brigade in Unit.objects.filter(kind="brigade"):
        if not Roster.objects.filter(unit=brigade).exists():
            demo_duty._rotation(ctx, brigade, today - timedelta(days=1), today)


def _refresher(path: str, stop: threading.Event, out: list[float]) -> None:
    from django.db import connection

    from fangkong.duty import selectors

    try:
        while not stop.is_set():
            started = time.perf_counter()
            selectors.posts_short_now(path=path)
            out.append((time.perf_counter() - started) * 1000)
            stop.wait(1.0)
    finally:
        connection.close()


def _writer(
    w: int,
    args: argparse.Namespace,
    people: list[Any],
    began: float,
    wall: list[float],
    cpu: list[float],
) -> None:
    """One of ``args.writers`` phones' worth of sign-ins, together at 5,000 a minute."""
    from django.db import connection
    from django.utils import timezone

    from fangkong.duty import services

    interval = 60.0 * args.writers / PER_MINUTE
    try:
        for i, n in enumerate(range(w, args.signins, args.writers)):
            actor, site = people[n % len(people)]
            kind = "in" if (n // len(people)) % 2 == 0 else "out"
            t0, c0 = time.perf_counter(), time.thread_time()
            services.sign_in_record(
                actor=actor, site=site, kind=kind, at=timezone.now(),
                idempotency_key=uuid.uuid4().hex, lat=site.lat, lng=site.lng, accuracy_m=10,
            )  # fmt: skip
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            pause = began + w * interval / args.writers + (i + 1) * interval - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
    finally:
        connection.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fangkong.demo.loader import demo_load
    from fangkong.duty import selectors
    from fangkong.org.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    print("loading the demo prefecture", file=sys.stderr, flush=True)
    demo_load()
    _rotations()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    detachment = Unit.objects.get(kind="detachment")
    now = timezone.now()
    running = selectors.running_duties(path=detachment.path, now=now)
    posts = {duty.site_id for duty, _window in running}

    alone = []
    short = selectors.posts_short_now(path=detachment.path)  # warm
    for _ in range(args.repeat):
        started = time.perf_counter()
        short = selectors.posts_short_now(path=detachment.path)
        alone.append((time.perf_counter() - started) * 1000)

    people = [
        (SimpleNamespace(staff=d.staff, is_authenticated=False, pk=None), d.site)
        for d, _w in running
    ]
    stop, during = threading.Event(), []
    refresher = threading.Thread(target=_refresher, args=(detachment.path, stop, during))
    refresher.start()
    wall: list[float] = []
    cpu: list[float] = []
    began = time.perf_counter()
    writers = [
        threading.Thread(target=_writer, args=(w, args, people, began, wall, cpu))
        for w in range(args.writers)
    ]
    try:
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
    finally:
        stop.set()
        refresher.join()
    elapsed = time.perf_counter() - began
    return {
        "backend": connection.vendor,
        "posts": len(posts),
        "duties_now": len(running),
        "signins": args.signins,
        "writers": args.writers,
        "signins_per_min": round(args.signins / elapsed * 60),
        "sign_in_p99_ms": round(_quantile(wall, 99), 1),
        "sign_in_median_ms": round(statistics.median(wall), 1),
        "sign_in_p99_cpu_ms": round(_quantile(cpu, 99), 1),
        "posts_short_p95_ms": round(_quantile(alone, 95), 1),
        "posts_short_median_ms": round(statistics.median(alone), 1),
        "posts_short_during_p95_ms": round(_quantile(during, 95), 1) if during else None,
        "refreshes": len(during),
        "posts_short": len(short),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 sign-ins, fewer runs")
    parser.add_argument("--signins", type=int, default=PER_MINUTE)
    parser.add_argument("--repeat", type=int, default=60, help="runs of posts short now")
    parser.add_argument("--writers", type=int, default=4, help="threads signing in together")
    add_postgres_option(parser, BENCH_DB)
    args = parser.parse_args()
    if args.quick:
        args.signins, args.repeat = 1_000, 30
    sys.path.insert(0, str(ROOT))
    with scratch_environment(args.postgres, BENCH_DB):
        figures = run(args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
