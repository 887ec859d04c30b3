"""Synthetic checks in volume for benchmarks: never against a production database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.command.generate import checks_generate


class Command(BaseCommand):
    help = "Insert N synthetic checks over D days at the existing sites, with their rollups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--checks", type=int, default=100_000)
        parser.add_argument("--days", type=int, default=14)
        parser.add_argument("--batch", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("refusing to generate synthetic checks in production")
        if options["checks"] < 1 or options["days"] < 1:
            raise CommandError("--checks and --days must be positive")
        try:
            result = checks_generate(
                checks=options["checks"],
                days=options["days"],
                batch_size=options["batch"],
                seed=options["seed"],
                progress=self.stderr._out,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.checks} checks, {result.groups} travel groups in {result.seconds:.1f} s"
        )
