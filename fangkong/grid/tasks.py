"""Grid work that runs as a background job: importing a community's addresses or residents."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from fangkong.grid.services_import import JOB_KIND, grid_import_job_run
from fangkong.jobs.registry import Outcome, job_kind
from fangkong.jobs.runner import JobContext


@job_kind(JOB_KIND, _("Addresses and residents import"), stop_label=_("Stop"))
def grid_import_job(ctx: JobContext) -> Outcome:
    def progress(percent: int) -> None:
        ctx.report(percent=percent, message=gettext_noop("Checking the rows."), force=True)

    ctx.report(percent=5, message=gettext_noop("Reading the file."), force=True)
    outcome, community = grid_import_job_run(actor=ctx.owner, params=ctx.params, progress=progress)
    result = outcome.as_result(ctx.params["kind"], community)
    url = reverse("grid_import:result", args=[ctx.job_id])
    if outcome.problems:
        return Outcome(
            result=result,
            url=url,
            message=gettext_noop("Nothing imported: %(count)s problems, see the report."),
            params={"count": len(outcome.problems)},
        )
    return Outcome(
        result=result,
        url=url,
        message=gettext_noop("Imported: %(created)s new, %(updated)s changed."),
        params={"created": outcome.created, "updated": outcome.updated},
    )
