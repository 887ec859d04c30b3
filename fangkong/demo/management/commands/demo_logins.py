"""``manage.py demo_logins``: where the demo runs, and its four logins, in Chinese and English."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.audit import audit_record
from fangkong.demo.logins import DemoLogin, demo_login_list

ROLES: dict[str, Promise] = {
    "commander": _("Detachment commander: sees the whole prefecture."),
    "brigade": _(
        "Leader of the Ganzhou brigade (unit administrator, duty leader): sees only the "
        "brigade, its squads and its police stations."
    ),
    "officer": _("Checkpoint officer of the Ganzhou brigade, on duty at %(site)s."),
    "analyst": _("Command-centre analyst: dashboards, list matching and analysis reports."),
    "grid": _("Grid worker of the Dongjie police station: follow-ups and door visits."),
    "community": _("Community officer of the Dongjie police station: a community's key persons."),
}
SEES = _("Sees: units %(units)s, sites %(sites)s, staff %(staff)s.")
HEADER = _("Fangkong demo: %(url)s")
PASSWORD = _("Password of every demo login: %(password)s")
# Both languages are printed, Chinese first, whatever the active language is.
LANGUAGES = ("zh-hans", "en")


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # argparse needs a plain string, translated when the parser is made.
        return gettext("Print the demo's address and its four logins, with what each sees.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            default=os.environ.get("PORT", "8000"),
            help=gettext("Port the demo server listens on (default: $PORT or 8000)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_login_list()
        if not logins:
            raise CommandError(
                gettext("There are no demo logins. Load the demo first: manage.py demo_load")
            )
        with transaction.atomic():
            audit_record(
                actor=None,
                action="demo.logins",
                extra={"usernames": [login.username for login in logins]},
            )
        url = f"http://127.0.0.1:{options['port']}/"
        self._both(lambda: HEADER % {"url": url})
        self._both(lambda: PASSWORD % {"password": settings.DEMO_PASSWORD})
        if not self._password_works(logins[0].username):
            self.stderr.write(
                gettext("The demo logins were loaded with another password than this one.")
            )
        for login in logins:
            self.stdout.write("")
            self.stdout.write(
                f"{login.username:<10}  {login.staff_name} · {login.position} · {login.unit_name}"
            )
            self._both(lambda login=login: _role(login), indent="    ")
            self._both(lambda login=login: _sees(login), indent="    ")

    def _both(self, text: Callable[[], str], *, indent: str = "") -> None:
        lines: list[str] = []
        for language in LANGUAGES:
            with translation.override(language):
                line = str(text())
            if line not in lines:
                lines.append(line)
        for line in lines:
            self.stdout.write(indent + line)

    def _password_works(self, username: str) -> bool:
        user = get_user_model().objects.get(username=username)
        return user.check_password(settings.DEMO_PASSWORD)


def _role(login: DemoLogin) -> str:
    return str(ROLES[login.username]) % {"site": "、".join(login.assigned_sites)}


def _sees(login: DemoLogin) -> str:
    return str(SEES) % {
        "units": login.units_seen,
        "sites": login.sites_seen,
        "staff": login.staff_seen,
    }
