from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from fangkong.core.audit import audit_record
from fangkong.core.models import AppendOnlyError, AuditLog


@pytest.mark.django_db
def test_audit_records_refuse_update_and_delete(commander) -> None:
    record = audit_record(actor=commander, action="person.view", reason="核查")
    assert record.actor_name == "commander"
    record.reason = "changed"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=record.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql", ["UPDATE core_auditlog SET reason = 'x'", "DELETE FROM core_auditlog"]
)
def test_database_refuses_raw_changes(commander, sql: str) -> None:
    audit_record(actor=commander, action="export")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditLog.objects.filter(reason="x").count() == 0
