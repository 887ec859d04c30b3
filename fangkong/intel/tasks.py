"""List imports (with their matching) and traces as background jobs with progress."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from fangkong.intel.models import Trace, WatchList
from fangkong.intel.services import lists, matching, tracing
from fangkong.jobs.registry import Outcome, job_kind
from fangkong.jobs.runner import JobContext


@job_kind("intel.import", _("List import and matching"))
def list_import_job(ctx: JobContext) -> Outcome:
    watch_list = WatchList.objects.select_related("created_by").get(pk=ctx.params["list_id"])

    def progress(percent: float, done: int) -> None:
        message = gettext_noop("%(n)s entries stored.")
        ctx.report(percent=percent * 0.8, message=message, params={"n": done})

    columns = ctx.params.get("columns") or None  # as a person confirmed them, else guessed
    read = lists.watch_list_import_run(watch_list=watch_list, progress=progress, columns=columns)
    counts: dict[str, int] = {}
    if read.entries:
        ctx.report(percent=80, message=gettext_noop("Matching."), force=True)
        counts = matching.match_run(watch_list=watch_list)
    url = reverse("intel:list", args=[watch_list.pk])
    result = {"list_id": watch_list.pk, "entries": len(read.entries), "matches": counts}
    return Outcome(result=result, url=url)


@job_kind("intel.match", _("List matching"))
def list_match_job(ctx: JobContext) -> Outcome:
    watch_list = WatchList.objects.select_related("created_by").get(pk=ctx.params["list_id"])
    counts = matching.match_run(watch_list=watch_list)
    url = reverse("intel:list", args=[watch_list.pk])
    return Outcome(result={"list_id": watch_list.pk, "matches": counts}, url=url)


@job_kind("intel.trace", _("Contact tracing"))
def trace_job(ctx: JobContext) -> Outcome:
    trace = Trace.objects.select_related("person", "created_by").get(pk=ctx.params["trace_id"])

    def progress(percent: float) -> None:
        ctx.report(percent=percent, message=gettext_noop("Tracing."))

    count = tracing.trace_run(trace=trace, progress=progress)
    url = reverse("intel:trace", args=[trace.pk])
    return Outcome(result={"trace_id": trace.pk, "contacts": count}, url=url)
