"""Delete personal data past its retention period: every registered purge step, in order."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from fangkong.registration.retention import purge_all


class Command(BaseCommand):
    help = "Purge registrations, checks and other personal data older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Retention in days (default {settings.RETENTION_DAYS}, FANGKONG_RETENTION_DAYS).",
        )

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        if days is not None and days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        for step, counts in purge_all(days=days).items():
            summary = ", ".join(f"{name} {count}" for name, count in counts.items())
            self.stdout.write(f"{step}: {summary}")
