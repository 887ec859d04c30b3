"""Re-encrypt every encrypted column under the current key, or (``--check``) report which keys
the stored values use and which of those ``FANGKONG_ENCRYPTION_KEYS`` lacks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.identity import keyring
from fangkong.core.rekey import (
    BATCH,
    EncryptedTable,
    encrypted_tables,
    key_usage,
    rekey_table,
    row_count,
)


class Progress:
    """A bar redrawn in place on a terminal; a line per tenth of the table otherwise."""

    WIDTH = 30

    def __init__(self, out: Any, label: str, total: int) -> None:
        self.out, self.label, self.total, self.done = out, label, max(total, 1), 0
        self.tty = out.isatty()
        self.shown_tenth = -1

    def __call__(self, rows: int) -> None:
        self.done += rows
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.WIDTH)
        line = f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
        line += f"{self.done}/{self.total} {share:.0%}"
        if self.tty:
            self.out.write("\r" + line, ending="")
            self.out.flush()
        elif int(share * 10) > self.shown_tenth:
            self.shown_tenth = int(share * 10)
            self.out.write(line)

    def close(self) -> None:
        if self.tty:
            self.out.write("")


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the current key (the first of "
        "FANGKONG_ENCRYPTION_KEYS) in the current format; safe to interrupt and run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing: list the key ids in use per column and those missing.",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(
        self, *args: Any, check: bool = False, batch_size: int = BATCH, **options: Any
    ) -> None:
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1"), returncode=2)
        tables = encrypted_tables()
        if check:
            self._check(tables)
        else:
            self._rekey(tables, batch_size)

    def _rekey(self, tables: list[EncryptedTable], batch_size: int) -> None:
        ring = keyring()
        self.stdout.write(_("Re-encrypting under key %(key)s.") % {"key": ring.current})
        unreadable: Counter[str] = Counter()
        totals: dict[str, dict[str, Any]] = {}
        for table in tables:
            progress = Progress(self.stdout, table.label, row_count(table))
            tally = rekey_table(table, batch_size=batch_size, progress=progress)
            progress.close()
            self.stdout.write(
                _(
                    "%(table)s: %(rows)s rows; %(rekeyed)s values re-encrypted, %(current)s "
                    "already current, %(changed)s changed meanwhile, %(unreadable)s unreadable"
                )
                % {
                    "table": table.label,
                    "rows": tally.rows,
                    "rekeyed": tally.rekeyed,
                    "current": tally.current,
                    "changed": tally.changed_meanwhile,
                    "unreadable": tally.unreadable,
                }
            )
            unreadable.update(tally.missing)
            unreadable["damaged"] += tally.undecryptable
            totals[table.label] = {"rows": tally.rows, "rekeyed": tally.rekeyed}
        audit_record(actor=None, action="keys.rekey", extra={"key": ring.current, **totals})
        self._fail_on_unreadable(unreadable)

    def _fail_on_unreadable(self, unreadable: Counter[str]) -> None:
        missing = sorted(k for k, n in unreadable.items() if n and k != "damaged")
        if missing:
            message = _(
                "Values under keys missing from FANGKONG_ENCRYPTION_KEYS were left as they "
                "are: %(keys)s. Put those keys back (after the current one) and run rekey again."
            ) % {"keys": ", ".join(missing)}
            raise CommandError(message, returncode=1)
        if unreadable["damaged"]:
            message = _("%(count)s values do not decrypt (changed or moved) and were left.")
            raise CommandError(message % {"count": unreadable["damaged"]}, returncode=1)

    def _check(self, tables: list[EncryptedTable]) -> None:
        ring = keyring()
        in_use: Counter[str] = Counter()
        stale = 0
        for table in tables:
            for column in key_usage(table):
                parts = []
                for (key_id, form), count in sorted(column.by_key.items()):
                    in_use[key_id] += count
                    current = key_id == ring.current and form == "v2"
                    stale += 0 if current else count
                    parts.append(f"{key_id} ({form}) {count}")
                self.stdout.write(f"{column.column}: {', '.join(parts) or '-'}")
        missing = sorted(set(in_use) - set(ring.keys))
        self.stdout.write(
            _("Keys in use: %(used)s; configured: %(configured)s; current: %(current)s.")
            % {
                "used": ", ".join(sorted(in_use)) or "-",
                "configured": ", ".join(ring.keys),
                "current": ring.current,
            }
        )
        self.stdout.write(
            _("Values not yet under the current key and format: %(n)s.") % {"n": stale}
        )
        if missing:
            message = _("Keys in use but missing from FANGKONG_ENCRYPTION_KEYS: %(keys)s.")
            raise CommandError(message % {"keys": ", ".join(missing)}, returncode=1)
        self.stdout.write(_("No key in use is missing."))
