"""``manage.py jobs_worker``: django-tasks-db's database worker, with a heartbeat.

Everything the worker does is django-tasks-db's ``db_worker`` (the same options); this adds
a thread that records the worker's last sign of life every :data:`BEAT_S` seconds
(``fangkong.jobs.selectors.worker_last_heartbeat`` reads it for health checks) and closes
jobs whose worker died under them.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from fangkong.jobs.services import job_fail_abandoned, worker_beat, worker_beats_prune

BEAT_S = 10.0


class Command(db_worker.Command):
    help = "Run the background-job worker (django-tasks-db's db_worker with a heartbeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        started = timezone.now()
        job_fail_abandoned()
        worker_beats_prune()
        beat = threading.Thread(target=_beat, args=(worker_id, started), daemon=True)
        beat.start()
        super().handle(*args, **options)


def _beat(worker_id: str, started: Any) -> None:
    host, pid = socket.gethostname(), os.getpid()
    stop = threading.Event()
    beats = 0
    while True:
        try:
            worker_beat(worker_id=worker_id, host=host, pid=pid, started_at=started)
            if beats % 30 == 0:
                job_fail_abandoned()
        except Exception:  # noqa: BLE001 - a missed beat must not end the worker
            connection.close()  # a broken connection is opened afresh next time
        beats += 1
        if stop.wait(BEAT_S):
            return
