"""The end-of-day check as a background job: checkpoint candidates collected since the day
before, then missing and abnormal follow-ups and measures ending flagged into tasks. Started
by ``manage.py keypersons_flag --job`` from cron at the hour the command centre chose (or
run in place without ``--job``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from fangkong.jobs.registry import Outcome, job_kind
from fangkong.jobs.runner import JobContext


def flag_day(day: date) -> dict[str, int | float | str]:
    from fangkong.keypersons import services

    collected = services.candidates_collect(since=timezone.now() - timedelta(days=2))
    result = services.followups_flag(day=day)
    return {
        "day": day.isoformat(),
        "candidates": collected,
        "due": result.due,
        "missing": result.missing,
        "abnormal": result.abnormal,
        "ending": result.ending,
        "tasks_created": result.tasks_created,
        "seconds": round(result.seconds, 3),
    }


@job_kind("keypersons.flag", _("End-of-day check of follow-ups"))
def keypersons_flag_job(ctx: JobContext) -> Outcome:
    day = date.fromisoformat(ctx.params.get("day") or timezone.localdate().isoformat())
    result = flag_day(day)
    return Outcome(
        result=result,
        message=gettext_noop("%(missing)s missing, %(abnormal)s abnormal, %(ending)s ending."),
        params={k: result[k] for k in ("missing", "abnormal", "ending")},
    )
