"""Pass up the important-situation reports left unacknowledged past their time; run every
minute by fangkong-duty-escalate.timer, in place. ``--job`` queues the same sweep as a
background job instead (see ``fangkong/duty/tasks.py`` for why the timer does not)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fangkong.duty.services import reports_escalate


class Command(BaseCommand):
    help = "Escalate unacknowledged important-situation reports to the next level up."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--job", action="store_true", help="queue it as a background job")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["job"]:
            from fangkong.duty.tasks import JOB_KIND
            from fangkong.jobs.services import job_start

            job = job_start(actor=None, kind=JOB_KIND, params={})
            self.stdout.write(f"job {job.pk} queued")
            return
        moved = reports_escalate()
        self.stdout.write(f"{moved} reports passed up")
