"""Import and match a list from the command line, with a progress line, as the job does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fangkong.intel.choices import ListPurpose
from fangkong.intel.models import WatchList
from fangkong.intel.services import lists, matching
from fangkong.org.models import Unit


class Command(BaseCommand):
    help = "Import an outside list (CSV or Excel) and match it, showing progress."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="code of the owning unit")
        parser.add_argument("--name", required=True)
        parser.add_argument("--source", required=True)
        parser.add_argument("--legal-basis", required=True)
        parser.add_argument("--purpose", choices=ListPurpose.values, default=ListPurpose.OTHER)
        parser.add_argument("--days", type=int, default=21, help="purge after this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None or not path.is_file():
            raise CommandError("unknown unit or missing file")
        watch_list = WatchList.objects.create(
            name=options["name"][:100],
            source=options["source"][:100],
            purpose=options["purpose"],
            legal_basis=options["legal_basis"][:200],
            expires_on=timezone.localdate() + timedelta(days=max(1, options["days"])),
            unit=unit,
            file_name=path.name[:200],
            upload=path.read_bytes(),
        )

        def progress(percent: float, done: int) -> None:
            bar = "#" * int(percent / 5)
            self.stderr.write(f"\r[{bar:<20}] {percent:5.1f}% {done} entries", ending="")

        read = lists.watch_list_import_run(watch_list=watch_list, progress=progress)
        self.stderr.write("")
        counts = matching.match_run(watch_list=watch_list) if read.entries else {}
        matched = sum(v for k, v in counts.items() if k.startswith("exact"))
        self.stdout.write(
            f"list {watch_list.pk}: {len(read.entries)} entries, {read.duplicates} duplicates, "
            f"{len(read.problems)} problems, {matched} matches"
        )
