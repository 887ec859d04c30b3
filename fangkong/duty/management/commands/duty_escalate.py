"""Pass up the important-situation reports left unacknowledged past their time; run it every
minute (cron or the job runner's schedule)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fangkong.duty.services import reports_escalate


class Command(BaseCommand):
    help = "Escalate unacknowledged important-situation reports to the next level up."

    def handle(self, *args: Any, **options: Any) -> None:
        moved = reports_escalate()
        self.stdout.write(f"{moved} reports passed up")
