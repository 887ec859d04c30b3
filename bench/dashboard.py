#!/usr/bin/env python3
"""Benchmark: the command-centre dashboard from the rollups against a naive GROUP BY over raw
checks, at volume.

Usage: ``python bench/dashboard.py [--quick] [--checks N] [--days D] [--postgres [URL]]``.
It loads the demo prefecture (its units and sites) into a fresh database (a temporary SQLite
file, or with ``--postgres`` a database ``fangkong_bench`` created on the local server and
dropped afterwards), streams N synthetic checks over D days into ``Check`` and the rollups
(``fangkong.command.generate``, progress on stderr), then times the dashboard's core figures
(units of the next level today / yesterday / last week, the hourly series, the outcome split,
the daily trends) for the whole prefecture, both ways, and checks that they agree.

The last line of stdout is one JSON object: ``checks``, ``days``, ``sites``, ``backend``,
``insert_s`` and ``insert_per_s`` (the streaming load), ``p95_ms`` and ``median_ms`` of the
rollup path over ``--repeat`` runs, ``naive_ms`` (median of the naive path), ``speedup``
(``naive_ms / p95_ms``), the same three as CPU time (``p95_cpu_ms``, ``naive_cpu_ms``,
``speedup_cpu``: meaningful on SQLite, which runs in this process), ``same_figures``,
``report_pdf_s`` (median of three: the detachment's daily report, data and PDF), ``database_mb``
(the database on disk), ``load_peak_rss_mb`` (this process at the end of the load) and
``peak_rss_mb`` (at the end, the naive queries included), and ``page_p95_ms`` /
``page_median_ms``: the dashboard as the commander's browser opens it (the HTML page, the
supplies block it loads at once), through Django's test client.
``--quick`` is 200,000 checks over 14 days.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _scratch import add_postgres_option, scratch_environment

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "fangkong_bench"


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], list[float], Any]:
    """Wall-clock and CPU milliseconds of each run. On SQLite the database works inside this
    process, so CPU time is the figure that a busy machine does not inflate."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return times, cpu, result


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def rollup_figures(scope: Any, day: date, first: date) -> dict[str, Any]:
    from fangkong.command import selectors

    units = selectors.unit_figures(scope=scope, day=day)
    return {
        "units": {
            u["name"]: (
                u["today"],
                u["yesterday_full"],  # the naive path counts whole days
                u["last_week_full"],
                u["persuade_return"],
                u["refer_health"],
            )
            for u in units
        },
        "hourly": [
            (p["persons"] or 0, p["persuade_return"] or 0, p["refer_health"] or 0)
            for p in selectors.hourly_series(scope=scope, day=day)
        ],
        "outcomes": {
            k: v
            for k, v in selectors.outcome_split(scope=scope, first=day, last=day).items()
            if k.startswith("outcome_") or k in ("persons", "overrides")
        },
        "trends": [
            (t["date"], t["persons"], t["persuade_return"], t["refer_health"])
            for t in selectors.daily_trends(scope=scope, first=first, last=day)
        ],
    }


def naive_figures(scope: Any, day: date, first: date) -> dict[str, Any]:
    """The same figures straight from the raw checks, as one would without rollups."""
    from datetime import UTC

    from django.db.models import Case, CharField, Count, F, Q, Value, When
    from django.db.models.functions import TruncDate, TruncHour

    from fangkong.command.rollups import day_bounds, hour_start, local_zone
    from fangkong.command.selectors import next_level_units
    from fangkong.screening.models import Check

    checks = Check.objects.filter(site__unit__path__startswith=scope.path)

    def within(d1: date, d2: date) -> Q:
        start, _ = day_bounds(d1)
        _, end = day_bounds(d2)
        return Q(checked_at__gte=start, checked_at__lt=end)

    children = next_level_units(scope)
    bucket = Case(
        *[When(site__unit__path__startswith=c.path, then=Value(c.name)) for c in children],
        default=Value(scope.unit.name if scope.unit else ""),
        output_field=CharField(),
    )
    yesterday, week = day - timedelta(days=1), day - timedelta(days=7)
    rows = (
        checks.filter(within(day, day) | within(yesterday, yesterday) | within(week, week))
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            today=Count("id", filter=within(day, day)),
            yesterday=Count("id", filter=within(yesterday, yesterday)),
            week=Count("id", filter=within(week, week)),
            persuade=Count("id", filter=within(day, day) & Q(outcome="persuade_return")),
            refer=Count("id", filter=within(day, day) & Q(outcome="refer_health")),
        )
        .order_by()
    )
    by_unit = {r["bucket"]: r for r in rows}
    units = {}
    for c in children:
        r = by_unit.get(c.name, {})
        units[c.name] = tuple(
            r.get(k, 0) for k in ("today", "yesterday", "week", "persuade", "refer")
        )
    if scope.unit and scope.unit.name in by_unit:
        r = by_unit[scope.unit.name]
        units[scope.unit.name] = (r["today"], r["yesterday"], r["week"], r["persuade"], r["refer"])
    hourly_rows = (
        checks.filter(within(day, day))
        .annotate(h=TruncHour("checked_at", tzinfo=UTC))
        .values("h")
        .annotate(
            persons=Count("id"),
            persuade=Count("id", filter=Q(outcome="persuade_return")),
            refer=Count("id", filter=Q(outcome="refer_health")),
        )
        .order_by()
    )
    hours = {hour_start(r["h"]).astimezone(local_zone()).hour: r for r in hourly_rows}
    outcome_names = ("pass", "priority_pass", "test_then_pass", "persuade_return", "refer_health")
    outcomes = checks.filter(within(day, day)).aggregate(
        persons=Count("id"),
        overrides=Count("id", filter=~Q(outcome=F("recommended"))),
        **{f"outcome_{o}": Count("id", filter=Q(outcome=o)) for o in outcome_names},
    )
    trend_rows = {
        r["d"]: r
        for r in checks.filter(within(first, day))
        .annotate(d=TruncDate("checked_at", tzinfo=local_zone()))
        .values("d")
        .annotate(
            persons=Count("id"),
            persuade=Count("id", filter=Q(outcome="persuade_return")),
            refer=Count("id", filter=Q(outcome="refer_health")),
        )
        .order_by()
    }
    days = [first + timedelta(days=i) for i in range((day - first).days + 1)]
    return {
        "units": units,
        "hourly": [
            tuple(hours.get(h, {}).get(k, 0) for k in ("persons", "persuade", "refer"))
            for h in range(24)
        ],
        "outcomes": outcomes,
        "trends": [
            (d, *(trend_rows.get(d, {}).get(k, 0) for k in ("persons", "persuade", "refer")))
            for d in days
        ],
    }


def detachment_report_pdf(top: Any, day: date) -> bytes:
    """The detachment's daily analysis report as the PDF a leader downloads: its figures,
    the brigades' sub-reports, charts and all."""
    from fangkong.command.report_formats import report_pdf
    from fangkong.command.reports import report_for

    _, data = report_for(unit=top, day=day)
    return report_pdf(data=data, status_line="", remarks="")


def dashboard_page(client: Any) -> None:
    """What the commander's browser asks the application for when the dashboard opens: the
    page (its figures inside, drawn without a further request) and the supplies block it
    loads at once. The figures' API is asked only at the first refresh, a minute later."""
    from django.urls import reverse

    for url in (
        reverse("command:dashboard"),
        reverse("supplies:dashboard_block"),
    ):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")


def page_client() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(get_user_model().objects.get(username="commander"))
    return client


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fangkong.command.generate import checks_generate
    from fangkong.command.selectors import Scope
    from fangkong.demo.loader import demo_load
    from fangkong.org.models import Unit
    from fangkong.sites.models import Site

    call_command("migrate", interactive=False, verbosity=0)
    print("loading the demo prefecture's units and sites", file=sys.stderr, flush=True)
    demo_load()
    if connection.vendor == "sqlite":
        # A bigger page cache than the application's default, for the bulk load only.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-400000")
    end = timezone.now()
    generated = checks_generate(checks=args.checks, days=args.days, end=end)
    # The load's own peak, before the queries (the naive GROUP BY's sort takes its own memory).
    load_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    top = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    scope = Scope(unit=top)
    day = timezone.localdate(end)
    first = day - timedelta(days=args.days - 1)
    rollup_figures(scope, day, first)  # warm the caches once, as a dashboard in use would be
    rollup_times, rollup_cpu, fast = _timed(lambda: rollup_figures(scope, day, first), args.repeat)
    naive_times, naive_cpu, slow = _timed(
        lambda: naive_figures(scope, day, first), args.naive_repeat
    )
    p95 = _p95(rollup_times)
    naive_ms = statistics.median(naive_times)
    report_times, _, pdf = _timed(lambda: detachment_report_pdf(top, day), 3)
    client = page_client()
    dashboard_page(client)  # warm, as a page in use would be
    page_times, _, _ = _timed(lambda: dashboard_page(client), args.repeat)
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        size = sum(p.stat().st_size for p in name.parent.glob(name.name + "*"))
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    return {
        "backend": connection.vendor,
        "checks": generated.checks,
        "days": args.days,
        "sites": Site.objects.count(),
        "insert_s": round(generated.seconds, 1),
        "insert_per_s": round(generated.checks / generated.seconds),
        "p95_ms": round(p95, 2),
        "median_ms": round(statistics.median(rollup_times), 2),
        "naive_ms": round(naive_ms, 1),
        "speedup": round(naive_ms / p95, 1),
        "p95_cpu_ms": round(_p95(rollup_cpu), 2),
        "naive_cpu_ms": round(statistics.median(naive_cpu), 1),
        "speedup_cpu": round(statistics.median(naive_cpu) / _p95(rollup_cpu), 1),
        "same_figures": fast == slow,
        "page_p95_ms": round(_p95(page_times), 1),
        "page_median_ms": round(statistics.median(page_times), 1),
        "report_pdf_s": round(statistics.median(report_times) / 1000, 2),
        "report_pdf_bytes": len(pdf),
        "database_mb": round(size / 2**20),
        "load_peak_rss_mb": load_rss_mb,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 checks over 14 days")
    parser.add_argument("--checks", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--repeat", type=int, default=40, help="runs of the rollup path")
    parser.add_argument("--naive-repeat", type=int, default=3, help="runs of the naive path")
    add_postgres_option(parser, BENCH_DB, "postgres://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.quick:
        args.checks, args.days, args.repeat, args.naive_repeat = 200_000, 14, 20, 1
    sys.path.insert(0, str(ROOT))
    with scratch_environment(args.postgres, BENCH_DB):
        figures = run(args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
