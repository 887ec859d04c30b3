"""Recompute the stock sums (levels, batch levels, day sums) from the ledger of movements."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fangkong.core.audit import audit_record
from fangkong.supplies.aggregates import rebuild


class Command(BaseCommand):
    help = "Recompute the supplies stock sums from the ledger of movements."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rebuild()
        audit_record(actor=None, action="supplies.rebuild", extra=counts)
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
