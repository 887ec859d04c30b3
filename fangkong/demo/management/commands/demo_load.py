"""``manage.py demo_load``: load the demo prefecture into an empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fangkong.demo.loader import DemoLoadRefused, demo_load
from fangkong.demo.prefecture import DEFAULT_SEED

DEMO_CHECKS = 30_000


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # argparse needs a plain string, translated when the parser is made.
        return _(
            "Load the demo prefecture (Zhangye: units, sites, staff and four demo logins) "
            "into an empty database."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing, successfully, when the database already has units."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("Seed of the synthetic names and numbers (default: %(default)s)."),
        )
        parser.add_argument(
            "--checks",
            type=int,
            default=DEMO_CHECKS,
            help=_("Synthetic checks over the last week (default: %(default)s; 0 for none)."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Load even into a production installation."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_load(
                seed=options["seed"],
                if_empty=options["if_empty"],
                force=options["force"],
                checks=max(0, options["checks"]),
            )
        except DemoLoadRefused as exc:
            raise CommandError(exc.message) from None
        if not result.loaded:
            self.stdout.write(_("The database already has units: the demo was not loaded."))
            return
        counts = result.counts
        message = _(
            "Loaded the demo prefecture (seed %(seed)s) in %(seconds).1f s: %(units)s units, "
            "%(sites)s sites, %(staff)s staff, %(users)s demo logins, %(checks)s checks, "
            "%(registrations)s self-registrations."
        ) % {
            "seed": result.seed,
            "seconds": result.seconds,
            "units": counts.get("units", 0),
            "sites": counts.get("sites", 0),
            "staff": counts.get("staff", 0),
            "users": counts.get("users", 0) + counts.get("grid_logins", 0),
            "checks": counts.get("checks", 0),
            "registrations": counts.get("registrations", 0),
        }
        self.stdout.write(self.style.SUCCESS(message))
