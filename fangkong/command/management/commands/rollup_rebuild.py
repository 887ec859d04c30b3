"""Recompute the command centre's rollups from the raw checks and registrations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.command.rollups import rollups_rebuild


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Recompute the hourly and origin rollups of whole local days with GROUP BY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        last = _day(options["last"]) if options["last"] else today
        # By default only the days whose raw data the retention purge has not touched yet.
        first = (
            _day(options["first"])
            if options["first"]
            else today - timedelta(days=settings.RETENTION_DAYS - 1)
        )
        if first > last:
            raise CommandError("--from is after --to")
        counts = rollups_rebuild(first_day=first, last_day=last)
        self.stdout.write(
            f"rebuilt {first}..{last}: {counts['hours']} site-hours, {counts['origins']} origins"
        )
