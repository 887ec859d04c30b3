#!/usr/bin/env python3
"""Benchmark: re-encrypting persons under a new key (``rekey``), appending audit records to the
hash chain, and walking the chain (``audit_verify``).

Usage: ``python bench/keys_audit.py [--quick] [--persons N] [--records M] [--postgres [URL]]``.
A fresh database (a temporary SQLite file, or with ``--postgres`` a database
``fangkong_bench_keys`` created on the local server and dropped afterwards) gets N persons
encrypted under key ``k1``; the keyring then becomes ``k2,k1`` and every person is re-encrypted
(two columns each). Then M audit records are appended one by one, each in its own transaction,
and the chain is verified.

The last line of stdout is one JSON object: ``backend``, ``persons``, ``rekey_s``,
``rekey_values_per_s``, ``records``, ``append_ms`` (median of one append with its commit),
``append_p95_ms``, ``verify_s`` and ``verify_rows_per_s``. ``--quick`` is 20,000 persons and
2,000 records.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _scratch import add_postgres_option, scratch_environment

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "fangkong_bench_keys"
K1 = base64.b64encode(b"1" * 32).decode()
K2 = base64.b64encode(b"2" * 32).decode()


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from fangkong.core.audit import audit_record
    from fangkong.core.rekey import encrypted_tables, rekey_table
    from fangkong.core.selectors import audit_chain_verify
    from fangkong.registration.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    with override_settings(ENCRYPTION_KEYS=f"k1:{K1}"):
        batch = []
        for n in range(args.persons):
            batch.append(
                Person(doc_type="passport", doc_number=f"E{n:08d}", verified_phone=f"139{n:08d}")
            )
            if len(batch) == 2000:
                Person.objects.bulk_create(batch)
                batch = []
        Person.objects.bulk_create(batch)
    table = next(t for t in encrypted_tables() if t.model is Person)
    with override_settings(ENCRYPTION_KEYS=f"k2:{K2},k1:{K1}"):
        started = time.perf_counter()
        tally = rekey_table(table)
        rekey_s = time.perf_counter() - started
    appends = []
    for n in range(args.records):
        started = time.perf_counter()
        with transaction.atomic():
            audit_record(actor=None, action="bench.append", reason="基准", extra={"n": n})
        appends.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    check = audit_chain_verify()
    verify_s = time.perf_counter() - started
    assert check.problem is None and tally.rekeyed == 2 * args.persons
    return {
        "backend": connection.vendor,
        "persons": args.persons,
        "rekey_s": round(rekey_s, 2),
        "rekey_values_per_s": round(tally.rekeyed / rekey_s),
        "records": args.records,
        "append_ms": round(statistics.median(appends), 2),
        "append_p95_ms": round(statistics.quantiles(appends, n=20)[-1], 2),
        "verify_s": round(verify_s, 2),
        "verify_rows_per_s": round(check.result.rows / verify_s),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--records", type=int, default=20_000)
    add_postgres_option(parser, BENCH_DB)
    args = parser.parse_args()
    if args.quick:
        args.persons, args.records = 20_000, 2_000
    sys.path.insert(0, str(ROOT))
    os.environ["FANGKONG_ENCRYPTION_KEYS"] = f"k1:{K1}"
    os.environ["FANGKONG_BLIND_INDEX_KEY"] = K1
    with scratch_environment(args.postgres, BENCH_DB):
        result = run(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
