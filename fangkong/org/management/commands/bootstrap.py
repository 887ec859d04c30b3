"""``manage.py bootstrap``: the first step after ``migrate`` on a new installation.

Creates the roles, the top unit (from its GB/T 2260 division code) and the first commander,
each only when missing, so it can be run again safely. The commander's password comes from
``FANGKONG_BOOTSTRAP_PASSWORD`` or is asked for; it must be changed at the first login.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fangkong.org.choices import UnitKind
from fangkong.org.services import installation_bootstrap


class Command(BaseCommand):
    help = "Create the roles, the top unit and the first commander (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", required=True, help="GB/T 2260 code, e.g. 620700")
        parser.add_argument("--unit-name", required=True, help="e.g. 张掖市公安局交警支队")
        parser.add_argument("--kind", choices=UnitKind.values, default="", help="unit kind")
        parser.add_argument("--username", required=True, help="the commander's login name")
        parser.add_argument("--name", required=True, help="the commander's full name")
        parser.add_argument("--badge", required=True, help="the commander's badge number")

    def handle(self, *args: Any, **options: Any) -> None:
        exists = get_user_model().objects.filter(username=options["username"]).exists()
        password = "" if exists else self._password()
        try:
            result = installation_bootstrap(
                division_code=options["division"],
                unit_name=options["unit_name"],
                unit_kind=options["kind"],
                username=options["username"],
                password=password,
                staff_name=options["name"],
                badge_number=options["badge"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(_("Roles created: %(count)d") % {"count": result.roles_created})
        unit_line = (
            _("Top unit created: %(unit)s")
            if result.unit_created
            else _("Top unit already there: %(unit)s")
        )
        self.stdout.write(unit_line % {"unit": result.unit})
        user_line = (
            _("Commander created: %(user)s")
            if result.user_created
            else _("Commander already there, password unchanged: %(user)s")
        )
        self.stdout.write(user_line % {"user": result.user.get_username()})

    def _password(self) -> str:
        password = os.environ.get("FANGKONG_BOOTSTRAP_PASSWORD", "")
        if password:
            return password
        if not sys.stdin.isatty():
            message = _("Set %(variable)s or run the command in a terminal to type a password.")
            raise CommandError(message % {"variable": "FANGKONG_BOOTSTRAP_PASSWORD"})
        password = getpass.getpass(_("Commander's password: "))
        if password != getpass.getpass(_("The same password again: ")):
            raise CommandError(_("The two passwords differ."))
        return password
