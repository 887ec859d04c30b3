"""``manage.py org_import units FILE`` / ``staff FILE``: the first set-up's unit tree and staff
list, right after ``manage.py bootstrap``, from the bureau's own spreadsheets.

The columns are guessed from the header (单位名称, 上级单位, 单位类型, 区划代码; 姓名, 警号,
身份, 单位, 岗位, 电话, 身份证号 …) and can be given by hand (``--column name=B``). Every row
is checked first: all are imported, or none, and the problems are written to
``--report FILE.xlsx``. Running it again with the same file changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fangkong.core.forms import column_letter
from fangkong.lib import tabular
from fangkong.org.imports import FIELDS, KIND_LABELS, describe, problem_message, problems_book
from fangkong.org.services_import import best_sheet, check_mapping, org_import_rows

COLUMN = re.compile(r"^([a-z_]+)=([A-Za-z]{1,3}|-)$")


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


class Command(BaseCommand):
    help = "Import units or staff from an Excel or CSV file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(FIELDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--sheet", default="", help="the sheet's name (default: guessed)")
        parser.add_argument("--header-row", type=int, default=0, help="1-based (default: guessed)")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=LETTER",
            help="the column of a field, e.g. badge=C (or badge=- for none)",
        )
        parser.add_argument("--report", type=Path, help="write the problems to this .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="check only")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], Path(options["file"])
        try:
            sheets = tabular.read_sheets(path.name, path.read_bytes())
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except tabular.FileError as exc:
            raise CommandError(problem_message(exc.code)) from None
        sheet, header = best_sheet(sheets, kind)
        if options["sheet"]:
            sheet = next((s for s in sheets if s.name == options["sheet"]), sheet)
            header = tabular.find_header(sheet, FIELDS[kind])
        header_row = options["header_row"] or header.row
        labels = [tabular.parse_text(c) for c in sheet.row(header_row)]
        mapping = tabular.guess_columns(labels, FIELDS[kind])
        mapping |= self._columns(options["column"], kind)
        self._show_mapping(sheet.name, header_row, labels, mapping, kind)
        try:
            check_mapping(sheets, kind, sheet.name, header_row, mapping)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        outcome = org_import_rows(
            actor=None,
            kind=kind,
            sheet=sheet,
            header_row=header_row,
            mapping=mapping,
            dry_run=options["dry_run"],
        )
        if outcome.problems:
            self._report(outcome.problems, options["report"], kind)
            message = _("Nothing imported: %(count)d problems in %(rows)d rows.")
            raise CommandError(message % {"count": len(outcome.problems), "rows": outcome.rows})
        line = _("%(rows)d rows: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
        self.stdout.write(
            line
            % {
                "rows": outcome.rows,
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            }
        )
        if options["dry_run"]:
            self.stdout.write(_("Checked only (--dry-run): nothing was saved."))

    def _columns(self, given: list[str], kind: str) -> dict[str, int | None]:
        keys = {f.key for f in FIELDS[kind]}
        chosen: dict[str, int | None] = {}
        for text in given:
            match = COLUMN.match(text)
            if not match or match.group(1) not in keys:
                known = ", ".join(sorted(keys))
                raise CommandError(_("Write --column FIELD=LETTER, FIELD one of: %s") % known)
            letters = match.group(2)
            chosen[match.group(1)] = None if letters == "-" else column_index(letters)
        return chosen

    def _show_mapping(self, sheet: str, row: int, labels: list, mapping: dict, kind: str) -> None:
        self.stdout.write(
            _("Sheet %(sheet)s, header in row %(row)d:") % {"sheet": sheet, "row": row}
        )
        for f in FIELDS[kind]:
            column = mapping.get(f.key)
            where = (
                f"{column_letter(column)} ({labels[column] if column < len(labels) else ''})"
                if column is not None
                else "—"
            )
            self.stdout.write(f"  {f.key:<10} {KIND_LABELS[kind][f.key]}: {where}")

    def _report(self, problems: list[tabular.Problem], path: Path | None, kind: str) -> None:
        for problem in problems[:50]:
            row, label, message, value = describe(problem, kind)
            self.stderr.write(f"{row}\t{label}\t{message}\t{value}")
        if len(problems) > 50:
            self.stderr.write("…")
        if path is not None:
            Path(path).write_bytes(problems_book(problems, kind))
            self.stderr.write(_("Problems written to %s") % path)
