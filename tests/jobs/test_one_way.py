"""Jobs are the one way to run work outside a request (docs/jobs.md, issue 25): no app
defines a django-tasks task of its own or queues one but through ``job_start``."""

from __future__ import annotations

import re
from pathlib import Path

import fangkong

ROOT = Path(fangkong.__file__).parent
TASK = re.compile(r"^@task\b|from django_tasks import .*\btask\b", re.MULTILINE)
ENQUEUE = re.compile(r"\.enqueue\(")


def sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text()
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_the_only_task_is_the_job_runner() -> None:
    tasks = sorted(name for name, text in sources().items() if TASK.search(text))
    assert tasks == ["jobs/tasks.py"]


def test_only_job_start_queues_work() -> None:
    queuing = sorted(name for name, text in sources().items() if ENQUEUE.search(text))
    assert queuing == ["jobs/services.py"]
