"""The one django-tasks task of the platform: run a :class:`~fangkong.jobs.models.Job`.

Every kind of long work (rosters, reports, imports, matching) is a job kind registered with
:func:`~fangkong.jobs.registry.job_kind`; the queue only ever carries a job's id, so what a
job is, who started it and how far it got live in our own table, not in the task backend's.
"""

from __future__ import annotations

from django_tasks import TaskContext, task

from fangkong.jobs.runner import execute


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> None:
    workers = getattr(context.task_result, "worker_ids", None) or [""]
    execute(job_id, worker_id=workers[-1])
