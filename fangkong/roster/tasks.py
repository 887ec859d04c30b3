"""Roster work that runs as background jobs: generating a roster and re-rostering after leave.

Each job solves in a thread of the worker while the job's own thread reports, about once a
second, how far the search got (the best roster's uncovered posts, the time left) and relays
a leader's "stop": the search then ends at once and the best roster so far is stored.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from fangkong.jobs.registry import Outcome, job_kind
from fangkong.jobs.runner import JobContext
from fangkong.org.models import Unit
from fangkong.roster import services
from fangkong.roster.engine.solver import Progress
from fangkong.roster.models import Leave, Roster

STOP_LABEL = _("Stop and keep the best roster so far")


@job_kind("roster.generate", _("Roster generation"), stop_label=STOP_LABEL)
def roster_generate_job(ctx: JobContext) -> Outcome:
    params = ctx.params
    limit = float(params["time_limit_s"])
    roster = services.roster_generate_run(
        actor=ctx.owner,
        unit=Unit.objects.get(pk=params["unit_id"]),
        start=date.fromisoformat(params["start"]),
        days=int(params["days"]),
        time_limit_s=limit,
        wartime=bool(params["wartime"]),
        watch=partial(ctx.run_watched, describe=partial(describe, ctx, limit)),
    )
    return _outcome(ctx, roster)


@job_kind("roster.reroster", _("Re-rostering after leave"), stop_label=STOP_LABEL)
def roster_reroster_job(ctx: JobContext) -> Outcome:
    params = ctx.params
    limit = float(params["time_limit_s"])
    roster = services.roster_reroster_run(
        actor=ctx.owner,
        roster=Roster.objects.select_related("unit").get(pk=params["roster_id"]),
        leave=Leave.objects.select_related("staff", "staff__unit").get(pk=params["leave_id"]),
        time_limit_s=limit,
        watch=partial(ctx.run_watched, describe=partial(describe, ctx, limit)),
    )
    return _outcome(ctx, roster)


def describe(ctx: JobContext, limit_s: float, reached: Progress | None, elapsed: float) -> dict:
    """The report of a solve that has run ``elapsed`` seconds and reached ``reached``."""
    values: dict[str, Any] = {
        "percent": 100 * min(1.0, elapsed / max(limit_s, 0.1)),
        "deadline": ctx.expect_end_in(max(0.0, limit_s - elapsed)),
    }
    if ctx.stop.is_set():
        return values | {"message": gettext_noop("Stopping: keeping the best roster so far.")}
    if reached is None:
        return values | {"message": gettext_noop("Building a first roster.")}
    return values | {
        "message": gettext_noop("Searching for a better roster."),
        "best": [
            {"label": gettext_noop("People missing on posts"), "value": reached.missing},
            {"label": gettext_noop("Found after (seconds)"), "value": round(reached.elapsed_s)},
        ],
    }


def _outcome(ctx: JobContext, roster: Roster) -> Outcome:
    message = gettext_noop("The draft roster is ready: every post is covered.")
    if roster.missing:
        message = gettext_noop("The draft roster is ready; %(missing)s people are missing.")
    if ctx.stop.is_set():
        message = gettext_noop("Stopped early: the best roster so far is kept as a draft.")
    return Outcome(
        result={"roster_id": roster.pk, "missing": roster.missing, "stopped": ctx.stop.is_set()},
        url=reverse("roster:detail", args=[roster.pk]),
        message=message,
        params={"missing": roster.missing},
    )
