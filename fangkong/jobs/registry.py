"""The kinds of job the platform runs. Each app registers its own in its ``tasks.py``:

    @job_kind("roster.generate", _("Roster generation"))
    def roster_generate_job(ctx: JobContext) -> Outcome: ...

A kind's function runs in the worker process. It reports progress with ``ctx.report``, looks
at ``ctx.stop`` (set when someone asks it to stop) and returns an :class:`Outcome`; raising
``ValidationError`` fails the job with the error's messages, anything else with a generic
message (the traceback is kept in the task's record and the worker's log).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from fangkong.jobs.runner import JobContext


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any] = field(default_factory=dict)
    url: str = ""  # where the result is shown
    # An untranslated message id (gettext_noop) and its values.
    message: str = gettext_noop("Finished.")
    params: dict[str, Any] = field(default_factory=dict)


Runner = Callable[["JobContext"], Outcome]


STOP_NOW = _("Stop now")


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    run: Runner
    stop_label: str | Promise = STOP_NOW


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, label: str | Promise, *, stop_label: str | Promise = STOP_NOW
) -> Callable[[Runner], Runner]:
    """Register a kind of job; ``stop_label`` names what stopping it does."""

    def register(run: Runner) -> Runner:
        KINDS[name] = JobKind(name, label, run, stop_label)
        return run

    return register
