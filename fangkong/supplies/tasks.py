"""Background work of the supplies app, as jobs (``docs/jobs.md``): checking and applying an
import once its columns are mapped. The import's page shows its status until it is done."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.jobs.registry import Outcome, job_kind
from fangkong.jobs.runner import JobContext


@job_kind("supplies.import", _("Import stock"))
def supplies_import_job(ctx: JobContext) -> Outcome:
    from fangkong.supplies.services.imports import import_run

    done = import_run(job_id=int(ctx.params["import_id"]))
    return Outcome(
        result={"status": done.status, "rows_imported": done.rows_imported},
        url=reverse("supplies:import", args=[done.pk]),
    )
