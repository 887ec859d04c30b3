"""PostgreSQL: concurrent appends never fork the audit chain, and the application's role of
docs/deploy.md may only insert into and read the audit log."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction

from fangkong.core.audit import audit_record
from fangkong.core.models import AuditLog
from fangkong.core.selectors import audit_chain_verify

pytestmark = pytest.mark.django_db
DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


@pytest.fixture(autouse=True)
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite takes its write lock at BEGIN IMMEDIATE)")


def in_thread(work: Callable[[], Any]) -> threading.Thread:
    """Run ``work`` on a connection of its own, outside the test's transaction: it commits."""

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def remove_committed() -> None:
    """The rows the threads committed outlive the test's transaction: take them out as the
    superuser, with the triggers off for this session only (no ALTER TABLE, whose lock would
    wait on the test's transaction)."""

    def clean() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("DELETE FROM core_auditlog")

    in_thread(clean).join()


def test_an_append_waits_for_the_transaction_that_appended_before_it() -> None:
    appended, release, done = threading.Event(), threading.Event(), threading.Event()
    made: dict[str, AuditLog] = {}

    def first() -> None:
        with transaction.atomic():
            made["first"] = audit_record(actor=None, action="first")
            appended.set()
            release.wait(10)

    def second() -> None:
        appended.wait(10)
        with transaction.atomic():
            made["second"] = audit_record(actor=None, action="second")
        done.set()

    try:
        threads = [in_thread(first), in_thread(second)]
        assert appended.wait(10)
        # The first transaction holds the chain: the second waits instead of reading the
        # same last row and forking the chain.
        assert not done.wait(0.5)
        release.set()
        for thread in threads:
            thread.join(10)
        assert made["second"].prev_hash == made["first"].row_hash
        check = audit_chain_verify()
        assert check.problem is None and check.result.rows == 2
    finally:
        release.set()
        remove_committed()


def test_many_concurrent_appends_make_one_chain() -> None:
    start = threading.Barrier(4)

    def append_ten() -> None:
        start.wait(10)
        for n in range(10):
            with transaction.atomic():
                audit_record(actor=None, action="concurrent", extra={"n": n})

    try:
        for thread in [in_thread(append_ten) for _ in range(4)]:
            thread.join(30)
        check = audit_chain_verify()
        assert check.problem is None and check.result.rows == 40
    finally:
        remove_committed()


def documented_grants(role: str) -> list[str]:
    text = DEPLOY.read_text(encoding="utf-8")
    block = re.search(r"<!-- audit-grants.*?-->\n```sql\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md lost its audit-grants block"
    statements = [s.strip() for s in block.group(1).split(";") if s.strip()]
    return [s.replace("fangkong_app", role) for s in statements]


REFUSED = {
    "update": "UPDATE core_auditlog SET reason = 'x'",
    "delete": "DELETE FROM core_auditlog",
    "truncate": "TRUNCATE core_auditlog",
    "disable trigger": "ALTER TABLE core_auditlog DISABLE TRIGGER core_auditlog_no_change",
    "disable all triggers": "ALTER TABLE core_auditlog DISABLE TRIGGER ALL",
    "drop trigger": "DROP TRIGGER core_auditlog_no_change ON core_auditlog",
    "drop append trigger": "DROP TRIGGER core_auditlog_append_only ON core_auditlog",
    "drop table": "DROP TABLE core_auditlog",
    "replica role": "SET session_replication_role = replica",
}


def test_the_application_role_may_only_insert_and_read(commander) -> None:
    audit_record(actor=commander, action="before")
    # Roles belong to the server, not the database: a name of our own, created in the test's
    # transaction and gone with it.
    role = f"fk_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        for statement in documented_grants(f'"{role}"'):
            cursor.execute(statement)
        cursor.execute(f'SET ROLE "{role}"')
        try:
            for what, sql in REFUSED.items():
                with pytest.raises(DatabaseError), transaction.atomic():
                    cursor.execute(sql)
                assert what  # the statement was refused
            # What the application does every day still works under that role.
            record = audit_record(actor=commander, action="after", reason="导出")
            cursor.execute("SELECT count(*) FROM core_auditlog")
            assert cursor.fetchone()[0] == 2
            assert AuditLog.objects.get(pk=record.pk).reason == "导出"
            assert audit_chain_verify().problem is None
        finally:
            cursor.execute("RESET ROLE")
