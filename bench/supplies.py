#!/usr/bin/env python3
"""Benchmark: days of stock left over a detachment's stores and posts with a year of
movements, and recording an issue.

Usage: ``python bench/supplies.py [--quick] [--days D] [--postgres [URL]]``. It loads the demo
prefecture (with its month of supplies) into a fresh database (a temporary SQLite file, or with
``--postgres`` a scratch database ``fangkong_bench_supplies`` on that server, dropped
afterwards), gives every one of the 95 sites a post, writes D days of movements before the
demo's month (each post's evening count of five items, an issue to it every four days, the
stores' deliveries) straight into the ledger and rebuilds the sums from it, then times:

- ``days_left``: ``selectors.days_left_for_user`` for the detachment commander (every store
  and post, every item) and ``posts_below_threshold`` on its rows;
- ``issue``: ``services.issue_create`` and ``services.issue_sign`` (the signature checked,
  re-encoded and stored, the movements and their sums written) of one item to a post, one
  transaction each, as the pages and the API call them.

The last line of stdout is one JSON object: ``backend``, ``days``, ``posts``, ``movements``,
``load_s``, ``days_left_p95_ms`` / ``_median_ms`` / ``_p95_cpu_ms`` (target p95 ≤ 100 ms),
``issue_sign_p99_ms`` (target ≤ 50 ms) and ``issue_sign_p99_cpu_ms`` (this process's CPU: on
SQLite the figure a busy machine does not inflate), ``issue_create_p99_ms``, ``issue_total_p99_ms``,
``rows`` and ``posts_low`` (what the read found). ``--quick`` is 92 days and fewer runs;
the full run is a year. Whole four-day cycles are written, so the history leaves each post's
stock where it was.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from _scratch import add_postgres_option, scratch_environment

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "fangkong_bench_supplies"
COUNTED = ("MASK-SURG", "MASK-N95", "GLOVE", "ALC-500", "HEATPACK")


def _quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _history(days: int) -> tuple[int, int]:
    """``days`` days of movements before the demo's month, at every site's post."""
    from django.utils import timezone

    from fangkong.sites.models import Site
    from fangkong.supplies import aggregates
    from fangkong.supplies.choices import LocationKind, MovementKind
    from fangkong.supplies.models import Batch, Item, Location, Movement
    from fangkong.supplies.services import post_location, stores_above

    posts = [post_location(site) for site in Site.objects.select_related("unit").order_by("code")]
    items = [Item.objects.get(code=code) for code in COUNTED]
    stores = {post.pk: stores_above(post.unit)[0] for post in posts}
    batches = {
        item.pk: Batch.objects.create(item=item, number=f"BENCH-{item.code}") for item in items
    }
    first = timezone.localdate() - timedelta(days=31 + days)
    rows: list[Movement] = []
    written = 0

    def flush() -> None:
        nonlocal written
        Movement.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
        rows.clear()

    for n in range(days - days % 4):
        day = first + timedelta(days=n)
        at = timezone.make_aware(datetime.combine(day, dtime(11)))
        evening = at + timedelta(hours=9)
        for post in posts:
            store = stores[post.pk]
            for item in items:
                if n % 4 == 0:
                    group = uuid.uuid4()
                    for location, other, q in ((store, post, -60), (post, store, 60)):
                        rows.append(
                            Movement(
                                kind=MovementKind.ISSUED,
                                location=location,
                                counterpart=other,
                                item=item,
                                batch=batches[item.pk],
                                quantity=q,
                                at=at,
                                day=day,
                                group=group,
                            )
                        )
                rows.append(
                    Movement(
                        kind=MovementKind.COUNTED,
                        location=post,
                        item=item,
                        quantity=-15,
                        counted=45,
                        at=evening,
                        day=day,
                    )
                )
        for store in {s.pk: s for s in stores.values()}.values():
            for item in items:
                if n % 4 == 0:
                    receipt = Movement(
                        kind=MovementKind.RECEIVED,
                        location=store,
                        item=item,
                        batch=batches[item.pk],
                        quantity=2000,
                        at=at,
                        day=day,
                    )
                    rows.append(receipt)
        if len(rows) > 20_000:
            flush()
    flush()
    aggregates.rebuild()
    return written, Location.objects.filter(kind=LocationKind.POST).count()


def _signature() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(40, 150), (200, 40), (380, 160), (560, 50)], fill="black", width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from fangkong.demo.loader import demo_load
    from fangkong.sites.models import Site
    from fangkong.supplies import selectors, services
    from fangkong.supplies.models import Item, Location, Movement

    call_command("migrate", interactive=False, verbosity=0)
    print("loading the demo prefecture", file=sys.stderr, flush=True)
    demo_load()
    started = time.perf_counter()
    print(f"writing {args.days} days of movements", file=sys.stderr, flush=True)
    _history(args.days)
    load_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    commander = get_user_model().objects.get(username="commander")

    def days_left() -> Any:
        rows = selectors.days_left_for_user(user=commander)
        return rows, selectors.posts_below_threshold(rows)

    rows, low = days_left()  # warm, as a page in use would be
    wall, cpu = _timed(days_left, args.repeat)

    mask = Item.objects.get(code="MASK-SURG")
    sites = list(Site.objects.select_related("unit").order_by("code"))
    png = _signature()
    create_ms, sign_ms, sign_cpu, total_ms = [], [], [], []
    with tempfile.TemporaryDirectory() as media:
        from django.conf import settings

        settings.MEDIA_ROOT = media
        for n in range(args.issues):
            site = sites[n % len(sites)]
            store = services.stores_above(site.unit)[0]
            t0 = time.perf_counter()
            issue = services.issue_create(
                actor=commander, store=store, site=site, lines=[services.Line(mask, 1)]
            )
            t1, c1 = time.perf_counter(), time.process_time()
            services.issue_sign(actor=commander, issue=issue, signed_name="王", signature=png)
            t2 = time.perf_counter()
            sign_cpu.append((time.process_time() - c1) * 1000)
            create_ms.append((t1 - t0) * 1000)
            sign_ms.append((t2 - t1) * 1000)
            total_ms.append((t2 - t0) * 1000)
    return {
        "backend": connection.vendor,
        "days": args.days,
        "posts": Location.objects.filter(kind="post").count(),
        "movements": Movement.objects.count(),
        "load_s": round(load_s, 1),
        "days_left_p95_ms": round(_quantile(wall, 95), 1),
        "days_left_median_ms": round(statistics.median(wall), 1),
        "days_left_p95_cpu_ms": round(_quantile(cpu, 95), 1),
        "issue_sign_p99_ms": round(_quantile(sign_ms, 99), 1),
        "issue_sign_median_ms": round(statistics.median(sign_ms), 1),
        "issue_sign_p99_cpu_ms": round(_quantile(sign_cpu, 99), 1),
        "issue_create_p99_ms": round(_quantile(create_ms, 99), 1),
        "issue_total_p99_ms": round(_quantile(total_ms, 99), 1),
        "rows": len(rows),
        "posts_low": len(low),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="92 days, fewer runs")
    parser.add_argument("--days", type=int, default=364)
    parser.add_argument("--repeat", type=int, default=60, help="runs of days-left")
    parser.add_argument("--issues", type=int, default=300, help="issues recorded")
    add_postgres_option(parser, BENCH_DB)
    args = parser.parse_args()
    if args.quick:
        args.days, args.repeat, args.issues = 92, 30, 100
    sys.path.insert(0, str(ROOT))
    with scratch_environment(args.postgres, BENCH_DB):
        figures = run(args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
