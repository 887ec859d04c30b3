#!/usr/bin/env python3
"""Benchmark: importing and matching an outside list against the registrations, and tracing
cases against the check-ins, each join compared with DuckDB on the same data in the same run.

Usage: ``python bench/intel.py [--quick] [--registrations N] [--list L] [--checks C]
[--cases K] [--postgres [URL]]``. It writes N registrations (of N/2 persons, each person
registered twice, at 100 sites over a week) and C checks straight into a fresh database (a
temporary SQLite file, or with ``--postgres`` a scratch database ``wt_intel_bench`` on that
server, dropped afterwards; COPY on PostgreSQL, the tables' secondary indexes made afterwards
by one sort each), then times:

- ``import_rows_per_s``: the import job's own path (``lists.watch_list_import_run``) for an
  L-row CSV list: reading it (``tabular`` + ``intel.listfile``: header guessing, normalising,
  checking every ID number, dropping duplicates), its report, and storing its entries
  (encrypted, with blind indexes);
- ``match_s``: import and ``matching.match_run`` end to end (every source, the tasks);
- ``join_vs_duckdb``: the exact joins of the list to the registrations (document through the
  person, and phone), counted, in our database over the same joins in DuckDB on the same rows
  (in memory), best of three each;
- ``trace_vs_duckdb``: the site-window join of K cases' whereabouts to the check-ins, ours over
  DuckDB's; ``trace_s`` is ``tracing.trace_run`` for the K cases end to end, and ``trace2_s``
  for K/5 of them (or ``--second-degree S``) with the second degree (the contacts' own
  whereabouts joined the same way).

The last line of stdout is one JSON object. ``--quick`` is 100,000 registrations, a 10,000-row
list, 100,000 checks and 50 cases; the targets are 3,000,000 / 100,000 / 3,000,000 / 200.
DuckDB is a dependency of the benchmark only (``requirements-bench.txt``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _scratch import scratch_environment, secondary_indexes_dropped

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "wt_intel_bench"
SITES = 100
BATCH = 20_000


def _best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def _id_number(i: int, region: str = "620702") -> str:
    from fangkong.lib.idnumber import checksum_char

    born = (datetime(1950, 1, 1) + timedelta(days=i // 1000)).strftime("%Y%m%d")
    first17 = f"{region}{born}{i % 1000:03d}"
    return first17 + checksum_char(first17)


def _stamp(value: datetime, vendor: str) -> Any:
    # Django keeps SQLite datetimes as naive UTC text.
    if vendor == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _insert(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """Write ``rows`` into ``table`` in one transaction: COPY on PostgreSQL, batched
    ``executemany`` on SQLite."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns.split(",")))
        # The table and its columns are this module's own constants.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _world(args: argparse.Namespace) -> dict[str, Any]:
    """Sites, persons, registrations and checks, written in bulk."""
    from django.db import connection

    from fangkong.core.identity import blind_index_of, document_index, keyring
    from fangkong.org.models import Unit
    from fangkong.sites.models import Site

    vendor = connection.vendor
    rng = random.Random(7)
    unit = Unit.objects.create(code="620700", name="bench", kind="detachment", path="/620700/")
    sites = [
        Site(code=f"B{i:03d}", name=f"卡点{i}", kind="checkpoint", unit=unit, lng=100.4, lat=38.9)
        for i in range(SITES)
    ]
    Site.objects.bulk_create(sites)
    site_ids = list(Site.objects.values_list("pk", flat=True))
    persons = args.registrations // 2
    dummy = keyring().encrypt("x", context=b"registration_person.doc_number")
    numbers = [_id_number(i) for i in range(persons)]
    person_rows = [
        (
            i + 1,
            "resident_id",
            dummy,
            document_index("resident_id", n),
            "",
            "",
            "",
            "",
            "",
            False,
            _stamp(datetime.now(UTC), vendor),
        )
        for i, n in enumerate(numbers)
    ]
    _insert(
        "registration_person",
        "id, doc_type, doc_number, doc_index, birth_index, verified_name, verified_name_index,"
        " verified_phone, verified_phone_index, hold, created_at",
        person_rows,
    )
    end = datetime.now(UTC)
    phones = [f"13{i:09d}" for i in range(persons)]
    phone_index = [blind_index_of("phone", p) for p in phones]
    reg_rows = []
    for i in range(args.registrations):
        person = i % persons
        at = _stamp(end - timedelta(seconds=rng.randrange(7 * 86400)), vendor)
        reg_rows.append(
            (
                i + 1,
                "community",
                rng.choice(site_ids),
                person + 1,
                "",
                phones[person][-4:],
                "",
                "",
                "",
                "{}",
                f"t{i}",
                f"s{i % 10**7}",
                at,
                f"k{i}",
                at,
                "",
                "",
                "",
                phone_index[person],
            )
        )
    _insert(
        "registration_registration",
        "id, kind, site_id, person_id, role, phone_tail, contact_name, contact_phone,"
        " contact_phone_index, declared, pass_token, short_code, valid_until, submission_key,"
        " created_at, name, name_index, phone, phone_index",
        reg_rows,
    )
    check_rows = []
    for i in range(args.checks):
        at = _stamp(end - timedelta(seconds=rng.randrange(7 * 86400)), vendor)
        person = rng.randrange(persons)
        # A check copies the phone its registration declared.
        check_rows.append(
            (
                rng.choice(site_ids),
                person + 1,
                "pass",
                "pass",
                "[]",
                "",
                "",
                1,
                at,
                at,
                f"c{i}",
                "",
                "",
                "",
                "",
                phone_index[person],
            )
        )
    _insert(
        "screening_check",
        "site_id, person_id, recommended, outcome, reasons, override_reason, note,"
        " policy_version, checked_at, received_at, idempotency_key, vehicle_kind, name,"
        " name_index, phone, phone_index",
        check_rows,
    )
    return {
        "unit": unit,
        "numbers": numbers,
        "phones": phones,
        "persons": [(r[0], r[3]) for r in person_rows],
        "registrations": [(r[0], r[3], r[18]) for r in reg_rows],
        "checks": [(r[0], r[1], r[8]) for r in check_rows],
    }


def _list_csv(world: dict[str, Any], rows: int) -> bytes:
    """A list of ``rows``: a tenth people we registered (some ID numbers with a lowercase x or
    full-width digits), a twentieth by phone only (+86), the rest strangers, a few repeated."""
    rng = random.Random(11)
    numbers, phones = world["numbers"], world["phones"]
    lines = ["卫健委名单", "姓名,身份证号,手机号"]
    for i in range(rows):
        if i % 10 == 0:
            number = numbers[rng.randrange(len(numbers))]
            lines.append(f"甲,{number.lower() if i % 20 == 0 else number},")
        elif i % 20 == 1:
            phone = phones[rng.randrange(len(phones))]
            lines.append(f"乙,,+86 {phone[:3]} {phone[3:7]} {phone[7:]}")
        elif i % 97 == 0 and len(lines) > 3:
            lines.append(lines[-1])
        else:
            lines.append(f"丙,{_id_number(i, '620799')},")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _import_and_match(world: dict[str, Any], data: bytes) -> dict[str, Any]:
    from django.utils import timezone

    from fangkong.intel.models import WatchList
    from fangkong.intel.services import lists, matching
    from fangkong.lib.tabular import read as tabular_read

    tabular_read.MAX_BYTES = 10**9  # the benchmark's lists are larger than an upload may be
    watch_list = WatchList.objects.create(
        name="bench",
        source="bench",
        purpose="close_contact",
        legal_basis="bench",
        expires_on=timezone.localdate() + timedelta(days=7),
        unit=world["unit"],
        file_name="list.csv",
        upload=data,
    )
    # The import job's own path: reading, checking, the report and the stored entries.
    started = time.perf_counter()
    read = lists.watch_list_import_run(watch_list=watch_list)
    import_s = time.perf_counter() - started
    counts = matching.match_run(watch_list=watch_list)
    match_s = time.perf_counter() - started
    return {
        "list": watch_list,
        "import_s": import_s,
        "match_s": match_s,
        "rows": read.rows_read,
        "entries": len(read.entries),
        "problems": len(read.problems),
        "counts": counts,
    }


JOINS = (
    "SELECT count(*) FROM intel_listentry e JOIN registration_person p ON p.doc_index ="
    " e.doc_index JOIN registration_registration r ON r.person_id = p.id"
    " WHERE e.watch_list_id = {list} AND e.doc_index <> ''",
    "SELECT count(*) FROM intel_listentry e JOIN registration_registration r"
    " ON r.phone_index = e.phone_index WHERE e.watch_list_id = {list} AND e.phone_index <> ''",
)
TRACE_JOIN = (
    "SELECT count(*) FROM intel_traceevent ev JOIN screening_check c ON c.site_id = ev.site_id"
    " AND c.checked_at BETWEEN ev.lo AND ev.hi WHERE ev.trace_id IN ({traces})"
)


def _ours(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _duck_table(duck: Any, name: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """Load ``rows`` into a DuckDB table through a CSV file (DuckDB's fastest way in without
    pandas or Arrow)."""
    import csv

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as out:
        csv.writer(out).writerows(rows)
    duck.execute(f"CREATE TABLE {name} ({columns})")
    duck.execute(f"COPY {name} FROM '{out.name}' (HEADER false)")
    os.unlink(out.name)


def _duck_joins(world: dict[str, Any], list_id: int) -> tuple[float, list[int], Any]:
    import duckdb

    from fangkong.intel.models import ListEntry

    duck = duckdb.connect()
    _duck_table(duck, "registration_person", "id BIGINT, doc_index VARCHAR", world["persons"])
    _duck_table(
        duck,
        "registration_registration",
        "id BIGINT, person_id BIGINT, phone_index VARCHAR",
        world["registrations"],
    )
    entries = ListEntry.objects.filter(watch_list_id=list_id).values_list(
        "watch_list_id", "doc_index", "phone_index"
    )
    _duck_table(
        duck,
        "intel_listentry",
        "watch_list_id BIGINT, doc_index VARCHAR, phone_index VARCHAR",
        list(entries),
    )
    seconds, counts = _best(
        lambda: [duck.execute(q.format(list=list_id)).fetchone()[0] for q in JOINS]
    )
    return seconds, counts, duck


def _traces(world: dict[str, Any], cases: int, second_cases: int, duck: Any) -> dict[str, Any]:
    from django.utils import timezone

    from fangkong.intel.models import Trace, TraceEvent
    from fangkong.intel.services import tracing

    rng = random.Random(13)
    with_checks = sorted({person for _site, person, _at in world["checks"]})
    chosen = rng.sample(with_checks, min(cases, len(with_checks)))
    traces = [
        Trace.objects.create(
            case_kind="person",
            person_id=person,
            unit=world["unit"],
            since=timezone.now() - timedelta(days=14),
        )
        for person in chosen
    ]
    started = time.perf_counter()
    contacts = sum(tracing.trace_run(trace=trace) for trace in traces)
    trace_s = time.perf_counter() - started
    ids = ",".join(str(t.pk) for t in traces)
    ours_s, ours_count = _best(lambda: _ours(TRACE_JOIN.format(traces=ids)))
    events = list(
        TraceEvent.objects.filter(trace__in=traces).values_list("trace_id", "site_id", "lo", "hi")
    )
    events = [(t, s, _utc(lo), _utc(hi)) for t, s, lo, hi in events]
    columns = "trace_id BIGINT, site_id BIGINT, lo TIMESTAMP, hi TIMESTAMP"
    _duck_table(duck, "intel_traceevent", columns, events)
    checks = [(site, person, _utc(at)) for site, person, at in world["checks"]]
    columns = "site_id BIGINT, person_id BIGINT, checked_at TIMESTAMP"
    _duck_table(duck, "screening_check", columns, checks)
    duck_s, duck_count = _best(lambda: duck.execute(TRACE_JOIN.format(traces=ids)).fetchone()[0])
    second = [
        Trace.objects.create(
            case_kind="person", person_id=person, unit=world["unit"], second_degree=True,
            since=timezone.now() - timedelta(days=14),
        )
        for person in chosen[:second_cases]
    ]  # fmt: skip
    started = time.perf_counter()
    contacts2 = sum(tracing.trace_run(trace=trace) for trace in second)
    trace2_s = time.perf_counter() - started
    return {
        "trace2_s": round(trace2_s, 3),
        "cases2": len(second),
        "contacts2": contacts2,
        "trace_s": round(trace_s, 3),
        "cases": len(traces),
        "contacts": contacts,
        "trace_join_s": round(ours_s, 4),
        "trace_join_duckdb_s": round(duck_s, 4),
        "trace_vs_duckdb": round(ours_s / duck_s, 2),
        "trace_rows_same": ours_count == duck_count,
    }


def _utc(value: Any) -> str:
    """A moment as naive UTC text, as DuckDB's TIMESTAMP reads it."""
    if isinstance(value, str):
        return value
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    load_before = os.getloadavg()[0]
    print(f"writing {args.registrations:,} registrations, {args.checks:,} checks", file=sys.stderr)
    started = time.perf_counter()
    with secondary_indexes_dropped(
        "registration_person", "registration_registration", "screening_check"
    ):
        world = _world(args)
    with connection.cursor() as cursor:
        # A table loaded in bulk is vacuumed by autovacuum within a minute (its insert
        # threshold): until then no page is marked all-visible, index-only scans read the
        # heap for every row, and the planner prices them accordingly. Measure the state the
        # database is in the rest of the time.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    load_s = time.perf_counter() - started
    data = _list_csv(world, args.list)
    # A job worker does not hold the benchmark's millions of seeded rows: keep the collector
    # from walking them in every collection the timed work triggers.
    gc.freeze()
    print(f"importing and matching a {args.list:,}-row list", file=sys.stderr)
    done = _import_and_match(world, data)
    list_id = done["list"].pk
    ours_s, ours_counts = _best(lambda: [_ours(q.format(list=list_id)) for q in JOINS])
    duck_s, duck_counts, duck = _duck_joins(world, list_id)
    print(f"tracing {args.cases} cases", file=sys.stderr)
    second_cases = args.second_degree if args.second_degree is not None else max(1, args.cases // 5)
    traced = _traces(world, args.cases, second_cases, duck)
    return {
        "backend": connection.vendor,
        "quick": args.quick,
        # The machine's one-minute load at the start and the end: the times are wall times.
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "registrations": args.registrations,
        "checks": args.checks,
        "list_rows": done["rows"],
        "entries": done["entries"],
        "problems": done["problems"],
        "matched": sum(v for k, v in done["counts"].items() if k.startswith("exact")),
        "load_s": round(load_s, 1),
        "import_s": round(done["import_s"], 3),
        "import_rows_per_s": round(done["rows"] / done["import_s"]),
        "match_s": round(done["match_s"], 3),
        "join_s": round(ours_s, 4),
        "join_duckdb_s": round(duck_s, 4),
        "join_vs_duckdb": round(ours_s / duck_s, 2),
        "join_rows_same": ours_counts == duck_counts,
        **traced,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a scaled-down run, under a minute")
    parser.add_argument("--registrations", type=int, default=3_000_000)
    parser.add_argument("--list", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=3_000_000)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument(
        "--second-degree",
        type=int,
        default=None,
        help="how many of the cases are traced again with the second degree (default: a fifth)",
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgres://postgres@127.0.0.1:5432/postgres",
        help="run on PostgreSQL; the URL's server gets a scratch database " + BENCH_DB,
    )
    parser.add_argument(
        "--scratch-db",
        default=BENCH_DB,
        help="the scratch database's name (dropped afterwards), when others run the benchmark",
    )
    args = parser.parse_args()
    if args.quick:
        args.registrations, args.list, args.checks, args.cases = 100_000, 10_000, 100_000, 50
    sys.path.insert(0, str(ROOT))
    with scratch_environment(args.postgres, args.scratch_db):
        figures = run(args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
