"""Delete personal data past its retention period: every registered purge step, in order."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from fangkong.registration.retention import purge_all


class Command(BaseCommand):
    help = (
        "Purge registrations, checks, vehicle passes, and the persons and vehicles no record "
        "refers to any more, past their retention periods."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=(
                f"Retention in days for every kind (default {settings.RETENTION_DAYS}, "
                f"FANGKONG_RETENTION_DAYS; passes {settings.PASS_RETENTION_DAYS}, "
                "FANGKONG_PASS_RETENTION_DAYS)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted, per kind, and delete nothing.",
        )

    def handle(
        self, *args: Any, days: int | None = None, dry_run: bool = False, **options: Any
    ) -> None:
        if days is not None and days < 1:
            self.stderr.write(_("--days must be at least 1"))
            raise SystemExit(2)
        results = purge_all(days=days, dry_run=dry_run)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was deleted. It would delete:"))
        for step, counts in results.items():
            summary = ", ".join(f"{name} {count}" for name, count in counts.items())
            self.stdout.write(f"{step}: {summary}")
