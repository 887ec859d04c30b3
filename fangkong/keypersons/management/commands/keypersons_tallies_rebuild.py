"""Rebuild the command view's tallies from the episodes (see
``fangkong/keypersons/services/tallies.py``): a repair after a restore or a bulk load that
left them wrong."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Count the key persons' tallies afresh from the episodes and replace them."

    def handle(self, *args: Any, **options: Any) -> None:
        from fangkong.keypersons.services.tallies import tallies_rebuild

        result = tallies_rebuild()
        self.stdout.write(json.dumps({"rows": result.rows, "changed": result.changed}))
