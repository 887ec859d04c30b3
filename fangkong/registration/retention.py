"""The retention purge as a list of steps that apps add to, run by ``manage.py purge_expired``.

Each app that keeps personal data registers a step in its ``AppConfig.ready()``::

    from fangkong.registration.retention import register_purge_step
    register_purge_step("screening.checks", check_purge, order=10)

A step is called as ``step(now=..., days=...)`` and returns counts of what it deleted. Steps run
in ``order``: checks (which point at registrations and persons) before registrations, so the
registration step can delete the persons nothing refers to any more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

logger = logging.getLogger(__name__)

PurgeFunction = Callable[..., dict[str, int]]


@dataclass(frozen=True)
class PurgeStep:
    name: str
    function: PurgeFunction
    order: int


_steps: dict[str, PurgeStep] = {}


def register_purge_step(name: str, function: PurgeFunction, *, order: int = 50) -> None:
    """Add (or replace, by name) a purge step."""
    _steps[name] = PurgeStep(name, function, order)


def purge_steps() -> list[PurgeStep]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


def purge_all(
    *, now: datetime | None = None, days: int | None = None, dry_run: bool = False
) -> dict[str, dict[str, int]]:
    """Run every step; each step's counts under its name.

    A dry run runs the very same steps in one transaction and rolls it back: the counts are
    exact, including what a step deletes only because an earlier one did (a person whose
    last check goes), and nothing is deleted or audited. It holds its locks (on SQLite, the
    write lock) until it ends, so it is for an operator off-peak, not for the timer."""
    if not dry_run:
        return _run(now, days)
    with transaction.atomic():
        results = _run(now, days)
        transaction.set_rollback(True)
    return results


def _run(now: datetime | None, days: int | None) -> dict[str, dict[str, int]]:
    results = {}
    for step in purge_steps():
        results[step.name] = step.function(now=now, days=days)
        logger.info("purge step %s: %s", step.name, results[step.name])
    return results
