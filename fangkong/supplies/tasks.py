"""Background work of the supplies app (django-tasks): checking and applying an import.

With the default immediate backend the task runs as soon as the mapping's transaction
commits; with a queue backend it runs in the worker and the import's page shows its status
until it is done."""

from __future__ import annotations

from django_tasks import task


@task()
def supplies_import_run(job_id: int) -> str:
    from fangkong.supplies.services.imports import import_run

    return import_run(job_id=job_id).status
