"""The tallies' update triggers, one per tally (migration 0008_tallies made one for all): a
follow-up writes only its episode's follow-up marks, and rewrote the status and measure tallies
too (taking the row off and adding it back), which on PostgreSQL locked the community's status
tally row for every follow-up, so that two grid workers of a community waited for each other.
Now each tally's trigger fires only on an update of the columns it counts (``UPDATE OF``), and
only when the row's contribution to it changes (``WHEN``): whether it counts, and under which
key. Inserts and deletes keep 0008's triggers. The statements are 0008's (``PARTS``)."""

from importlib import import_module

from django.db import migrations

t = import_module("fangkong.keypersons.migrations.0008_tallies")

# Per part of 0008's PARTS: a name and the columns its condition and key read.
MARKS = ["status", "community_id", "cell_id", "start_on", "planned_end_on"]
NAMES = ["status", "measure", "done", "abnormal"]
# PostgreSQL fires a row's triggers in the order of their names: numbered, they take the
# tallies' rows in 0008's order (status, measure, done, abnormal), as its insert and delete
# function does, so that two transactions never lock the same two rows the other way round.
TRIGGERS = [f"kp_tally_update_{i}_{name}" for i, name in enumerate(NAMES, 1)]
COLUMNS = [
    ["status", "community_id", "category_id", "measure"],
    MARKS,
    [*MARKS, "last_followup_on", "followups_that_day", "followups_per_day"],
    [*MARKS, "abnormal_on"],
]


def _moved(part: tuple, differ: str, false: str) -> str:
    """Whether an update moves a row's contribution to the part: it counted before and not
    after or the other way round, or it counts under another key. A condition on NULL
    columns is NULL: it does not count."""
    condition, _table, _columns, values, _counter = part
    old = f"COALESCE(({condition.format(r='OLD')}), {false})"
    new = f"COALESCE(({condition.format(r='NEW')}), {false})"
    keys = ["{r}.community_id", *values]
    rekeyed = " OR ".join(f"{k.format(r='OLD')} {differ} {k.format(r='NEW')}" for k in keys)
    return f"({old} {differ} {new}) OR ({new} AND ({rekeyed}))"


def _body(i: int) -> str:
    """Part ``i``'s statements (0008's ``sub`` and ``add`` make one a part, in order): the
    old row counted out, the new one in."""
    return f"{t.sub('OLD')[i]} {t.add('NEW')[i]}"


def _sqlite() -> list[str]:
    out = []
    for i, (part, trigger, columns) in enumerate(zip(t.PARTS, TRIGGERS, COLUMNS, strict=True)):
        out.append(
            f"CREATE TRIGGER {trigger} AFTER UPDATE OF {', '.join(columns)}"
            f" ON keypersons_keyperson WHEN {_moved(part, 'IS NOT', '0')} BEGIN {_body(i)} END;"
        )
    return out


def _postgres() -> list[str]:
    out = []
    parts = zip(t.PARTS, NAMES, TRIGGERS, COLUMNS, strict=True)
    for i, (part, name, trigger, columns) in enumerate(parts):
        out += [
            f"CREATE FUNCTION kp_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + _body(i)
            + " RETURN NULL; END; $$;",
            f"CREATE TRIGGER {trigger} AFTER UPDATE OF {', '.join(columns)}"
            f" ON keypersons_keyperson FOR EACH ROW"
            f" WHEN ({_moved(part, 'IS DISTINCT FROM', 'false')})"
            f" EXECUTE FUNCTION kp_tally_{name}();",
        ]
    return out


def per_tally(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop = {
        "sqlite": ["DROP TRIGGER IF EXISTS kp_tally_update;"],
        "postgresql": ["DROP TRIGGER IF EXISTS kp_tally_update ON keypersons_keyperson;"],
    }[vendor]
    for sql in drop + {"sqlite": _sqlite, "postgresql": _postgres}[vendor]():
        schema_editor.execute(sql, params=None)


def one_for_all(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        drop = [f"DROP TRIGGER IF EXISTS {trigger};" for trigger in TRIGGERS]
        make = [sql for sql in t.SQLITE if "kp_tally_update " in sql]
    else:
        drop = [
            f"DROP TRIGGER IF EXISTS {trigger} ON keypersons_keyperson; "
            f"DROP FUNCTION IF EXISTS kp_tally_{name}();"
            for name, trigger in zip(NAMES, TRIGGERS, strict=True)
        ]
        make = [sql for sql in t.POSTGRES if "kp_tally_update " in sql]
    for sql in drop + make:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("keypersons", "0008_tallies"),
    ]

    operations = [
        migrations.RunPython(per_tally, one_for_all),
    ]
