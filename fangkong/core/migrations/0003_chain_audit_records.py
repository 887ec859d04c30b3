"""Chain the audit records: each row carries the hash of the row before it and of its own
content (fangkong/core/auditchain.py). The rows already written are chained here, in id order,
with the update trigger set aside for the moment; then triggers refuse an insert that does not
extend the chain (on SQLite this also stops INSERT OR REPLACE, which deletes the row it
replaces without firing delete triggers while recursive_triggers is off)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from fangkong.core import auditchain

# SQLite copies the table to add a column, and its triggers go with the old copy: all of
# them are made again at the end.
SQLITE_TRIGGERS = ["core_auditlog_no_update", "core_auditlog_no_delete", "core_auditlog_append_only"]
SQLITE_NO_CHANGE = [
    "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
    "CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
]
# An insert must come after the last row (so never an id that exists: no REPLACE) and carry
# that row's hash as its previous hash (the first row: auditchain.GENESIS, 64 zeros).
SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER core_auditlog_append_only BEFORE INSERT ON core_auditlog "
    "WHEN NEW.id <= (SELECT COALESCE(MAX(id), 0) FROM core_auditlog) "
    "OR NEW.prev_hash IS NOT COALESCE("
    "(SELECT row_hash FROM core_auditlog ORDER BY id DESC LIMIT 1), printf('%064d', 0)) "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
)
POSTGRES_APPEND_ONLY = [
    "CREATE FUNCTION core_auditlog_check_append() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE last_id bigint; last_hash varchar; "
    "BEGIN "
    "SELECT id, row_hash INTO last_id, last_hash FROM core_auditlog ORDER BY id DESC LIMIT 1; "
    "IF NEW.id <= COALESCE(last_id, 0) "
    "OR NEW.prev_hash IS DISTINCT FROM COALESCE(last_hash, repeat('0', 64)) THEN "
    "RAISE EXCEPTION 'audit log is append-only'; END IF; "
    "RETURN NEW; END; $$;",
    "CREATE TRIGGER core_auditlog_append_only BEFORE INSERT ON core_auditlog "
    "FOR EACH ROW EXECUTE FUNCTION core_auditlog_check_append();",
]
POSTGRES_APPEND_ONLY_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditlog_append_only ON core_auditlog;",
    "DROP FUNCTION IF EXISTS core_auditlog_check_append();",
]


def chain_existing(apps, schema_editor):
    AuditLog = apps.get_model("core", "AuditLog")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    elif vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_auditlog DISABLE TRIGGER core_auditlog_no_change;")
    previous = auditchain.GENESIS
    fields = ["id", *(name for name in auditchain.FIELDS if name != "prev_hash")]
    rows = AuditLog.objects.order_by("id").values(*fields)
    with schema_editor.connection.cursor() as cursor:
        for row in rows.iterator(chunk_size=2000):
            row["prev_hash"] = previous
            row["ip"] = auditchain.normalize_ip(row["ip"])
            row["extra"] = auditchain.normalize_extra(row["extra"])
            digest = auditchain.row_hash(row)
            cursor.execute(
                "UPDATE core_auditlog SET prev_hash = %s, row_hash = %s, ip = %s WHERE id = %s",
                [previous, digest, row["ip"], row["id"]],
            )
            previous = digest
    if vendor == "sqlite":
        for sql in [*SQLITE_NO_CHANGE, SQLITE_APPEND_ONLY]:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_auditlog ENABLE TRIGGER core_auditlog_no_change;")
        for sql in POSTGRES_APPEND_ONLY:
            schema_editor.execute(sql)


def unchain(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditlog_append_only;")
    elif vendor == "postgresql":
        for sql in POSTGRES_APPEND_ONLY_REVERSE:
            schema_editor.execute(sql)


def restore_unchained(apps, schema_editor):
    """Going back: the fields are gone and SQLite's copy of the table lost 0002's triggers."""
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
        for sql in SQLITE_NO_CHANGE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_unchained),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="previous row's hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlog",
            name="row_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="row hash"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="time",
            ),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.RunPython(chain_existing, unchain),
    ]
