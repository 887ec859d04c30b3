"""The scheduled run of the daily analysis reports: a draft for the unit (and each unit below
it), optionally kept as PDF and Excel files in the reports storage (``--save``) or written to
a directory (``--out``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.command.report_files import report_file_save
from fangkong.command.services import analysis_report_drafts, report_files
from fangkong.org.models import Unit
from fangkong.org.selectors import unit_get_by_code, unit_top


class Command(BaseCommand):
    help = "Prepare the daily analysis reports (drafts) of a unit and the units below it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="unit code; default: the top unit")
        parser.add_argument("--day", help="YYYY-MM-DD, default yesterday")
        parser.add_argument(
            "--save", action="store_true", help="keep PDF and Excel files in the reports storage"
        )
        parser.add_argument("--out", help="directory to write PDF and Excel files into")

    def handle(self, *args: Any, **options: Any) -> None:
        top = self._top(options["unit"])
        try:
            day = date.fromisoformat(options["day"]) if options["day"] else None
        except ValueError:
            raise CommandError("--day must be YYYY-MM-DD") from None
        day = day or timezone.localdate() - timedelta(days=1)
        out = Path(options["out"]) if options["out"] else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
        for unit, report, data in analysis_report_drafts(top=top, day=day):
            if out or options["save"]:
                files = report_files(report, data)
                self._write(files, unit_code=unit.code, day=day, out=out, save=options["save"])
            self.stdout.write(f"{unit.code} {day} {report.status}: {data['summary']}")

    def _top(self, code: str | None) -> Unit:
        if code:
            try:
                return unit_get_by_code(code=code)
            except Unit.DoesNotExist:
                raise CommandError(f"no unit with code {code!r}") from None
        # The timer of docs/deploy.md names no unit: an installation has one top unit.
        top = unit_top()
        if top is None:
            raise CommandError("give --unit: there is not exactly one top unit")
        return top

    def _write(
        self, files: dict[str, bytes], *, unit_code: str, day: date, out: Path | None, save: bool
    ) -> None:
        for extension, content in files.items():
            if save:
                report_file_save(unit_code=unit_code, day=day, extension=extension, content=content)
            if out:
                (out / f"report-{unit_code}-{day.isoformat()}.{extension}").write_bytes(content)
