"""The audit log shows tampering: a hash chain that ``audit_verify`` walks, triggers that keep
raw SQL from rewriting it, and appends that never fork the chain."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import translation

from fangkong.core import auditchain
from fangkong.core.audit import audit_record
from fangkong.core.http import client_ip
from fangkong.core.models import AuditLog

pytestmark = pytest.mark.django_db
chain_migration = importlib.import_module("fangkong.core.migrations.0003_chain_audit_records")


@contextmanager
def triggers_off() -> Iterator[None]:
    """What an intruder with the owner's rights does first. Undone with the test's
    transaction anyway; set back here so that the test reads as the intruder's steps."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in chain_migration.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute("ALTER TABLE core_auditlog DISABLE TRIGGER USER")
        yield
        if connection.vendor == "sqlite":
            for sql in [*chain_migration.SQLITE_NO_CHANGE, chain_migration.SQLITE_APPEND_ONLY]:
                cursor.execute(sql)
        else:
            cursor.execute("ALTER TABLE core_auditlog ENABLE TRIGGER USER")


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def records(n: int, actor=None) -> list[AuditLog]:
    return [
        audit_record(actor=actor, action="person.view", reason=f"核查{i}", extra={"n": i})
        for i in range(n)
    ]


def verify() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("audit_verify", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=StringIO())
    assert failure.value.returncode == 1
    return str(failure.value)


def test_each_record_carries_the_hash_of_the_one_before(commander) -> None:
    first, second, third = records(3, commander)
    assert first.prev_hash == auditchain.GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.row_hash, second.row_hash)
    stored = AuditLog.objects.values("id", *auditchain.FIELDS, "row_hash").get(pk=second.pk)
    assert auditchain.row_hash(stored) == second.row_hash
    assert f"3 records; head {third.pk} {third.row_hash}" in verify()


def test_every_field_is_part_of_the_hash(commander) -> None:
    (record,) = records(1, commander)
    row = AuditLog.objects.values(*auditchain.FIELDS, "row_hash").get()
    changes = {
        "at": datetime(2020, 1, 1, tzinfo=UTC),
        "actor_id": 999,
        "actor_name": "x",
        "action": "x",
        "target_type": "x",
        "target_id": "x",
        "reason": "x",
        "extra": {"n": 1},
        "ip": "10.0.0.9",
        "prev_hash": "f" * 64,
    }
    assert set(changes) == set(auditchain.FIELDS)
    for name, value in changes.items():
        assert auditchain.row_hash({**row, name: value}) != record.row_hash, name


def test_a_changed_field_is_found(commander) -> None:
    rows = records(4, commander)
    with triggers_off():
        raw("UPDATE core_auditlog SET reason = %s WHERE id = %s", ["改过", rows[2].pk])
    assert (
        verify_fails()
        == f"Audit record {rows[2].pk} was changed: its content no longer matches its hash."
    )


def test_a_changed_row_whose_hash_was_recomputed_is_found(commander) -> None:
    rows = records(4, commander)
    row = AuditLog.objects.values(*auditchain.FIELDS).get(pk=rows[1].pk)
    forged = auditchain.row_hash({**row, "ip": "10.1.1.1"})
    with triggers_off():
        raw(
            "UPDATE core_auditlog SET ip = %s, row_hash = %s WHERE id = %s",
            ["10.1.1.1", forged, rows[1].pk],
        )
    assert f"Audit record {rows[1].pk} was changed" in verify_fails()


def test_a_removed_row_is_found(commander) -> None:
    rows = records(4, commander)
    with triggers_off():
        raw("DELETE FROM core_auditlog WHERE id = %s", [rows[1].pk])
    message = verify_fails()
    assert message == f"Audit records were removed between {rows[0].pk} and record {rows[2].pk}."


def test_removing_the_first_rows_is_found(commander) -> None:
    rows = records(3, commander)
    with triggers_off():
        raw("DELETE FROM core_auditlog WHERE id = %s", [rows[0].pk])
    assert "removed between the start and record" in verify_fails()


def _insert(row: dict) -> None:
    raw(
        "INSERT INTO core_auditlog (id, at, actor_id, actor_name, action, target_type, "
        "target_id, reason, extra, ip, prev_hash, row_hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            row["id"],
            row["at"],
            row["actor_id"],
            row["actor_name"],
            row["action"],
            row["target_type"],
            row["target_id"],
            row["reason"],
            '{"forged": true}',
            row["ip"],
            row["prev_hash"],
            row["row_hash"],
        ],
    )


def _forged_after(record: AuditLog, new_id: int, *, hashed: bool) -> dict:
    row = {
        "id": new_id,
        "at": record.at,
        "actor_id": None,
        "actor_name": "commander",
        "action": "person.view",
        "target_type": "",
        "target_id": "",
        "reason": "伪造",
        "extra": {"forged": True},
        "ip": None,
        "prev_hash": record.row_hash,
    }
    row["row_hash"] = auditchain.row_hash(row) if hashed else "0" * 64
    return row


@pytest.mark.parametrize("hashed", [True, False], ids=["with-its-hash", "without"])
def test_a_row_slipped_in_between_is_found(commander, hashed: bool) -> None:
    rows = records(4, commander)
    with triggers_off():
        # Make room after the second record, as a row cannot be put between two ids.
        for record in reversed(rows[2:]):
            raw("UPDATE core_auditlog SET id = id + 1 WHERE id = %s", [record.pk])
        _insert(_forged_after(rows[1], rows[2].pk, hashed=hashed))
    message = verify_fails()
    assert message == f"Audit record {rows[2].pk} was inserted: the chain goes on without it."


def test_a_cut_tail_loses_the_anchor(commander) -> None:
    rows = records(3, commander)
    head = f"{rows[2].pk}:{rows[2].row_hash}"
    with triggers_off():
        raw("DELETE FROM core_auditlog WHERE id = %s", [rows[2].pk])
    assert "intact" in verify()  # what is left is a whole chain on its own
    records(1)  # even with a new row in its place
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("audit_verify", "--anchor", head, stdout=StringIO())
    assert failure.value.returncode == 1 and "no longer in the chain" in str(failure.value)


def test_an_anchor_still_in_the_chain_passes(commander) -> None:
    rows = records(2, commander)
    records(2)
    out = StringIO()
    with translation.override("en"):
        call_command("audit_verify", "--anchor", f"{rows[1].pk}:{rows[1].row_hash}", stdout=out)
    assert "4 records" in out.getvalue()


def test_an_empty_log_is_intact() -> None:
    assert "0 records" in verify()


# --- the triggers ----------------------------------------------------------------------------


def _refused(sql: str, params: list | None = None) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(sql, params)


def test_raw_sql_cannot_replace_a_record(commander) -> None:
    first, second = records(2, commander)
    replace = (
        "INSERT OR REPLACE INTO core_auditlog (id, at, actor_name, action, target_type, "
        "target_id, reason, extra, prev_hash, row_hash) "
        "VALUES (%s, %s, 'x', 'x', '', '', 'replaced', '{}', %s, %s)"
        if connection.vendor == "sqlite"
        else "INSERT INTO core_auditlog (id, at, actor_name, action, target_type, target_id, "
        "reason, extra, prev_hash, row_hash) "
        "VALUES (%s, %s, 'x', 'x', '', '', 'replaced', '{}', %s, %s) "
        "ON CONFLICT (id) DO UPDATE SET reason = 'replaced'"
    )
    _refused(replace, [first.pk, first.at, second.row_hash, "0" * 64])
    assert AuditLog.objects.get(pk=first.pk).reason == "核查0"
    assert "intact" in verify()


def test_raw_sql_cannot_append_off_the_chain(commander) -> None:
    (first,) = records(1, commander)
    forged = _forged_after(first, first.pk + 1, hashed=True)
    forged["prev_hash"] = "1" * 64
    with pytest.raises(DatabaseError), transaction.atomic():
        _insert(forged)
    assert AuditLog.objects.count() == 1


def test_the_model_only_appends_through_audit_record(commander) -> None:
    from fangkong.core.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        AuditLog(action="x").save()


# --- the address -----------------------------------------------------------------------------


def test_the_address_comes_from_the_request(commander, settings) -> None:
    factory = RequestFactory()
    request = factory.get(
        "/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.5"
    )
    assert client_ip(request) == "192.0.2.7"
    settings.TRUSTED_PROXIES = ["192.0.2.7/32"]
    assert client_ip(request) == "198.51.100.5"
    record = audit_record(actor=commander, action="export", request=request)
    assert AuditLog.objects.get(pk=record.pk).ip == "198.51.100.5"
    settings.TRUSTED_PROXIES = []
    ipv6 = factory.get("/", REMOTE_ADDR="2001:0db8:0000::0001")
    assert client_ip(ipv6) == "2001:db8::1"
    assert client_ip(factory.get("/", REMOTE_ADDR="garbage")) is None
