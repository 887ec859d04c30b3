"""Running one job inside the worker: its context, progress reports and the end record."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from fangkong.jobs.choices import JobStatus
from fangkong.jobs.models import Job
from fangkong.jobs.registry import KINDS, Outcome

logger = logging.getLogger(__name__)

T = TypeVar("T")
# A computation that takes the stop flag and a callback for what it has reached so far.
Work = Callable[[threading.Event, Callable[[Any], None]], T]

# Progress is written at most this often: a page polls every second or two, and each write
# is a transaction that other writers wait for on SQLite.
REPORT_EVERY_S = 1.0


class JobContext:
    """What a running job sees of its record: parameters, a stop flag, progress reports."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.params: dict[str, Any] = dict(job.params)
        self.owner = job.owner
        self.unit = job.unit
        self.stop = threading.Event()  # set once someone asked the job to stop
        self._reported = 0.0

    def report(
        self,
        *,
        percent: float,
        message: str,
        params: dict[str, Any] | None = None,
        best: list[dict[str, Any]] | None = None,
        deadline: datetime | None = None,
        force: bool = False,
    ) -> None:
        """Record progress (``message``: a gettext_noop id), and learn whether to stop.

        Calls closer together than :data:`REPORT_EVERY_S` are dropped unless ``force``d.
        """
        now = time.monotonic()
        if not force and now - self._reported < REPORT_EVERY_S:
            return
        self._reported = now
        values: dict[str, Any] = {
            "percent": max(0, min(100, round(percent))),
            "message": message,
            "message_params": params or {},
            "heartbeat_at": timezone.now(),
        }
        if best is not None:
            values["best"] = best
        if deadline is not None:
            values["deadline"] = deadline
        Job.objects.filter(pk=self.job_id).update(**values)
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            self.stop.set()

    def expect_end_in(self, seconds: float) -> datetime:
        return timezone.now() + timedelta(seconds=seconds)

    def run_watched(
        self, work: Work[T], describe: Callable[[Any, float], dict[str, Any]], tick_s: float = 0.5
    ) -> T:
        """Run ``work`` in a thread while this one reports its progress and relays a stop.

        ``work`` must not touch the database (it runs in another thread, with a connection
        of its own); ``describe(latest, elapsed_s)`` turns what it reached last into the
        keyword arguments of :meth:`report`.
        """
        latest: list[Any] = [None]
        outcome: list[Any] = []
        failure: list[BaseException] = []

        def target() -> None:
            try:
                outcome.append(work(self.stop, lambda reached: latest.__setitem__(0, reached)))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the job's thread
                failure.append(exc)

        started = time.monotonic()
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(tick_s)
            self.report(**describe(latest[0], time.monotonic() - started))
        if failure:
            raise failure[0]
        return outcome[0]


def execute(job_id: int, worker_id: str = "") -> None:
    """Run job ``job_id`` to its end and record the outcome; never raises for the job's own
    failures, so the task itself succeeds and the job record tells what happened."""
    job = Job.objects.select_related("owner", "unit").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return  # cancelled before it started, or already run by another worker
    if job.cancel_requested:
        _finish(job, JobStatus.CANCELLED, message=gettext_noop("Stopped before it started."))
        return
    kind = KINDS.get(job.kind)
    if kind is None:
        _finish(job, JobStatus.FAILED, error=f"unknown kind of job: {job.kind}")
        return
    job.status = JobStatus.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    job.worker_id = worker_id[:64]
    job.save(update_fields=["status", "started_at", "heartbeat_at", "worker_id"])
    context = JobContext(job)
    with translation.override(job.language or None):
        try:
            outcome = kind.run(context)
        except ValidationError as exc:
            _finish(job, JobStatus.FAILED, error=" ".join(exc.messages))
            return
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, JobStatus.FAILED, error=gettext_noop("The job failed unexpectedly."))
            return
    _finish(job, JobStatus.SUCCEEDED, outcome=outcome)


def _finish(
    job: Job, status: str, *, outcome: Outcome | None = None, message: str = "", error: str = ""
) -> None:
    job.status = status
    job.finished_at = job.heartbeat_at = timezone.now()
    job.error = error
    fields = ["status", "finished_at", "heartbeat_at", "error"]
    if outcome is not None:
        job.result, job.result_url = outcome.result, outcome.url
        job.message, job.message_params = outcome.message, outcome.params
        job.percent = 100
        fields += ["result", "result_url", "message", "message_params", "percent"]
    elif message:
        job.message, job.message_params = message, {}
        fields += ["message", "message_params"]
    job.save(update_fields=fields)
