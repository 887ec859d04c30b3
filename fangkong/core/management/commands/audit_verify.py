"""Walk the audit log's hash chain and report the first row changed, removed or inserted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fangkong.core.auditchain import Problem
from fangkong.core.selectors import audit_chain_verify


def describe(problem: Problem) -> str:
    after = problem.after_id if problem.after_id is not None else _("the start")
    texts = {
        "changed": _("Audit record %(row)s was changed: its content no longer matches its hash."),
        "removed": _("Audit records were removed between %(after)s and record %(row)s."),
        "inserted": _("Audit record %(row)s was inserted: the chain goes on without it."),
    }
    return texts[problem.kind] % {"row": problem.row_id, "after": after}


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 at the first changed, removed or inserted row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="ID:HASH",
            help="A head printed earlier and kept outside the database: check it is still there.",
        )

    def handle(self, *args: Any, anchor: str | None = None, **options: Any) -> None:
        anchor_id, anchor_hash = _parse_anchor(anchor) if anchor else (None, None)
        outcome = audit_chain_verify(anchor_id=anchor_id, anchor_hash=anchor_hash)
        if outcome.problem is not None:
            raise CommandError(describe(outcome.problem), returncode=1)
        if outcome.anchor_missing:
            message = _("The anchor %(id)s is no longer in the chain: the log was rewritten.")
            raise CommandError(message % {"id": anchor_id}, returncode=1)
        result = outcome.result
        message = _("Audit chain intact: %(rows)s records; head %(id)s %(hash)s") % {
            "rows": result.rows,
            "id": result.head_id if result.head_id is not None else "-",
            "hash": result.head_hash,
        }
        self.stdout.write(message)


def _parse_anchor(text: str) -> tuple[int, str]:
    number, _sep, digest = text.partition(":")
    if not number.isdigit() or len(digest) != 64:
        raise CommandError(_("--anchor takes ID:HASH as printed by audit_verify."), returncode=2)
    return int(number), digest.lower()
