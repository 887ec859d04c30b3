#!/usr/bin/env python3
"""Benchmark: load the demo prefecture into a fresh, temporary SQLite database.

Usage: ``python bench/demo_load.py [--quick] [--seed N]``. ``--quick`` (what ``make bench``
passes) runs the same load, which is quick already. The database lives in a temporary data
directory that is removed afterwards; any ``FANGKONG_DATABASE_URL`` is ignored.

The last line of stdout is one JSON object: ``seconds`` (the load alone, in one
transaction), ``migrate_seconds``, ``peak_rss_mb`` (the process's peak resident set), and the
numbers of ``units``, ``sites`` and ``staff`` written. Target: under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(seed: int | None) -> dict[str, float | int]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from fangkong.demo.loader import demo_load
    from fangkong.demo.prefecture import DEFAULT_SEED

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - started
    result = demo_load(seed=DEFAULT_SEED if seed is None else seed)
    connections.close_all()
    return {
        "seconds": round(result.seconds, 3),
        "migrate_seconds": round(migrate_seconds, 3),
        "units": result.counts["units"],
        "sites": result.counts["sites"],
        "staff": result.counts["staff"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the same load (it is quick)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fangkong-bench-") as data_dir:
        # Settings read the environment when Django sets up, so this must come first.
        os.environ["FANGKONG_DATA_DIR"] = data_dir
        os.environ["FANGKONG_ENV"] = "development"
        os.environ.pop("FANGKONG_DATABASE_URL", None)
        os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
        sys.path.insert(0, str(ROOT))
        print(f"loading the demo prefecture into {data_dir}/fangkong.sqlite3", flush=True)
        figures = run(args.seed)
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
