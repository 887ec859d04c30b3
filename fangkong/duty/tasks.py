"""The escalation of unacknowledged situation reports as a background job, for a run asked
for by hand or by another job (``manage.py duty_escalate --job``). The minute-by-minute sweep
of fangkong-duty-escalate.timer runs the command in place instead: a job record and its audit
row every minute (1,440 a day) would bury the jobs list and the audit chain under sweeps that
mostly move nothing, and the sweep takes milliseconds, so a worker buys it nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from fangkong.jobs.registry import Outcome, job_kind
from fangkong.jobs.runner import JobContext

JOB_KIND = "duty.escalate"


@job_kind(JOB_KIND, _("Escalation of unacknowledged situation reports"))
def duty_escalate_job(ctx: JobContext) -> Outcome:
    from fangkong.duty.services import reports_escalate

    moved = reports_escalate()
    return Outcome(
        result={"moved": moved},
        message=gettext_noop("%(moved)s reports passed up."),
        params={"moved": moved},
    )
