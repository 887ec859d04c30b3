"""Run queued jobs in the test's own process, through django-tasks-db's worker.

Each queued task is claimed as the worker claims it and run by the worker's own
``Worker.run_task`` (which calls our ``run_job`` task): the code path of ``manage.py
jobs_worker`` but for its polling loop, which closes the database connection between tasks,
and a test's transaction does not survive that. The browser tests run the real command.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_jobs(worker_id: str = "test-worker") -> int:
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    count = 0
    while True:
        task = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
        if task is None:
            return count
        task.claim(worker_id)
        worker.run_task(task)
        count += 1
