#!/usr/bin/env python3
"""Benchmark: a soak of citizens' registrations through worker restarts, then a write lock.

Usage: ``python bench/soak.py [--quick]``. Starts gunicorn as ``make demo`` runs it (2 sync
workers, ``--preload``, recycled after ``--max-requests`` with a jitter as large as the limit)
on a temporary SQLite database, with the server and the load generator of
``bench/registration.py``, and measures:

- ``max_registrations_per_s``: the public form's POSTs flat out, for a few seconds;
- ``soak_p99_ms`` (and ``soak_p50_ms``, ``soak_5xx``, ``soak_errors``): the same POSTs at 70 %
  of that rate for five minutes (``--quick``: 30 s), latency counted from when each request
  was due; the workers are recycled after a few thousand requests (``--max-requests``, lower
  than production's so that restarts happen during the run: ``worker_restarts``);
- ``rss_growth_mb``: the largest resident memory of a worker at the end less the largest after
  the warm-up (recycling bounds it);
- ``locked_max_ms``, ``locked_5xx``, ``locked_503``, ``locked_ok``: the same POSTs at the same
  rate while another process holds SQLite's write lock for 10 s (``--quick``: 5 s): the
  slowest answer, the 5xx that are not the 503 "busy" answer, the 503s and the successes;
  ``locked_read_max_ms``: the slowest of the reads (the form page) sent meanwhile.

Targets (issue 26): ``soak_5xx`` 0, ``soak_p99_ms`` <= 100, ``rss_growth_mb`` <= 20,
``locked_max_ms`` <= 5000, ``locked_5xx`` 0. Progress goes to stderr; the last line of stdout is
one JSON object. The load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import registration as reg  # noqa: E402

SHARE = 0.7
HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def gunicorn_args(max_requests: int) -> tuple[str, ...]:
    limit = str(max_requests)
    hooks = ("-c", "python:fangkong.core.gunicorn_hooks")
    return ("--preload", *hooks, "--max-requests", limit, "--max-requests-jitter", limit)


def restarts(server: reg.Server) -> int:
    return server.log.read_text(errors="replace").count("Autorestarting worker")


def statuses_under_lock(
    server: reg.Server, database: Path, hold_s: float, rate: float, first_n: int
) -> dict[str, Any]:
    """Form POSTs at ``rate`` and a read every 100 ms while another process holds the lock."""
    port = server.port
    state = reg.form_prepare(port, {}, first_n, int(rate * (hold_s + 2)) + 10)
    writes: list[tuple[int, float]] = []
    reads: list[tuple[int, float]] = []
    lock = threading.Lock()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database), str(hold_s)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    started = time.perf_counter()

    def send(raw: bytes, sink: list[tuple[int, float]], due: float) -> None:
        try:
            code = reg.status(port, raw)
        except OSError:
            code = 0
        with lock:
            sink.append((code, time.perf_counter() - due))

    threads = []
    read = reg.encode("GET", f"/r/{reg.SITES[0]}/road/")
    n, next_read = 0, started
    while (now := time.perf_counter()) - started < hold_s:
        due = started + n / rate
        if now < due:
            time.sleep(min(due - now, max(0.0, next_read - now)) or due - now)
            continue
        raw = state["raws"][n]
        threads.append(threading.Thread(target=send, args=(raw, writes, due)))
        threads[-1].start()
        n += 1
        if now >= next_read:
            threads.append(threading.Thread(target=send, args=(read, reads, now)))
            threads[-1].start()
            next_read = now + 0.1
    for thread in threads:
        thread.join()
    holder.wait(timeout=30)
    codes = [code for code, _ in writes]
    figures = {
        "locked_max_ms": round(max(t for _, t in writes) * 1000, 1),
        "locked_5xx": sum(1 for c in codes if c >= 500 and c != 503) + codes.count(0),
        "locked_503": codes.count(503),
        "locked_ok": codes.count(303),
        "locked_writes": len(codes),
        "locked_read_max_ms": round(max(t for _, t in reads) * 1000, 1),
        "locked_read_errors": sum(1 for c, _ in reads if c != 200),
        "locked_statuses": {str(c): codes.count(c) for c in sorted(set(codes))},
    }
    reg.log(f"under the lock: {figures}")
    return figures


def run(quick: bool, max_requests: int) -> dict[str, Any]:
    seconds = {"max": 4, "warm": 2, "soak": 30, "lock": 5} if quick else {}
    seconds = seconds or {"max": 10, "warm": 5, "soak": 300, "lock": 10}
    with tempfile.TemporaryDirectory(prefix="fangkong-soak-") as tmp:
        server = reg.Server(Path(tmp), gunicorn_args(max_requests))
        reg.log("migrating and seeding a temporary database")
        server.manage("migrate", "--no-input", "-v", "0")
        server.manage("shell", "-c", "import bench.registration as b; b.seed()")
        server.start()
        try:
            flat_out = reg.load("form", server.port, seconds["max"], first_n=1_000_000)
            rate = flat_out["per_s"] * SHARE
            reg.load("form", server.port, seconds["warm"], rate=rate, first_n=3_000_000)
            rss_start = max(server.worker_rss_mb())
            restarts_before = restarts(server)
            soak = soak_at(server, seconds["soak"], rate)
            rss_end = max(server.worker_rss_mb())
            locked = statuses_under_lock(
                server, Path(tmp) / "fangkong.sqlite3", seconds["lock"], rate, 21_000_000
            )
            return {
                "max_registrations_per_s": flat_out["per_s"],
                "soak_rate_per_s": round(rate, 1),
                "soak_seconds": seconds["soak"],
                "soak_p50_ms": soak["p50_ms"],
                "soak_p99_ms": soak["p99_ms"],
                "soak_errors": soak["errors"],
                "soak_5xx": soak["errors"],
                "worker_restarts": restarts(server) - restarts_before,
                "max_requests": max_requests,
                "rss_mb_start": rss_start,
                "rss_mb_end": rss_end,
                "rss_growth_mb": round(rss_end - rss_start, 1),
                **locked,
                "notes": [
                    "soak_5xx counts every answer other than the 303 to the pass",
                    "locked_5xx counts 5xx other than 503 and failed connections",
                ],
            }
        finally:
            server.stop()


def soak_at(server: reg.Server, seconds: float, rate: float) -> dict[str, Any]:
    # In slices, so that a slow restart shows in the log where it happened.
    slices = max(1, int(seconds // 30))
    runs = [
        reg.load("form", server.port, seconds / slices, rate=rate, first_n=10_000_000 + i * 10**6)
        for i in range(slices)
    ]
    latencies = [x for r in runs for x in r["latencies"]]
    figures = reg.summarise(
        sum(int(r["per_s"] * seconds / slices) for r in runs),
        sum(int(r["errors"]) for r in runs),
        seconds,
        latencies,
        sum(r["wall_s"] for r in runs),
    )
    reg.log(f"soak: {figures}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="under a minute")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=2000,
        help="requests before a worker is recycled (jitter as large); production: 5000",
    )
    args = parser.parse_args()
    print(json.dumps(run(args.quick, args.max_requests), ensure_ascii=False))


if __name__ == "__main__":
    main()
