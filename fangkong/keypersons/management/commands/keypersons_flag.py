"""The end-of-day check of key persons' follow-ups (see ``fangkong/keypersons/tasks.py``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Flag missing and abnormal follow-ups and measures ending, as tasks for officers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", default="", help="the day to check (default: today)")
        parser.add_argument("--job", action="store_true", help="queue it as a background job")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["day"]) if options["day"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--day is a date such as 2026-12-07") from exc
        if options["job"]:
            from fangkong.jobs.services import job_start

            job = job_start(actor=None, kind="keypersons.flag", params={"day": day.isoformat()})
            self.stdout.write(f"job {job.pk} queued")
            return
        from fangkong.keypersons.tasks import flag_day

        self.stdout.write(json.dumps(flag_day(day)))
