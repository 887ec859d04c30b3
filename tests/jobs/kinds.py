"""A kind of job for the tests: counts steps, reporting each, and can fail or be stopped."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from fangkong.jobs import services
from fangkong.jobs.models import Job
from fangkong.jobs.registry import Outcome, job_kind
from fangkong.jobs.runner import JobContext


@job_kind("test.steps", "Counting steps", stop_label="Stop counting")
def count_steps(ctx: JobContext) -> Outcome:
    steps = int(ctx.params.get("steps", 3))
    done = 0
    for step in range(1, steps + 1):
        if step == ctx.params.get("fail_at"):
            raise ValidationError(f"Step {step} went wrong.")
        if step == ctx.params.get("crash_at"):
            raise RuntimeError("a bug")
        if step == ctx.params.get("stop_at"):
            # Someone presses "stop" on the page while the job runs.
            job = Job.objects.select_related("owner").get(pk=ctx.job_id)
            services.job_cancel(actor=job.owner, job=job)
        ctx.report(
            percent=100 * step / steps,
            message=gettext_noop("Step %(step)s of %(steps)s."),
            params={"step": step, "steps": steps},
            best=[{"label": gettext_noop("Steps done"), "value": step}],
            deadline=ctx.expect_end_in(steps - step),
            force=True,
        )
        done = step
        if ctx.stop.is_set():
            break
    return Outcome(
        result={"done": done, "stopped": ctx.stop.is_set()},
        url=f"/done/{done}/",
        message=gettext_noop("Counted %(done)s steps."),
        params={"done": done},
    )
