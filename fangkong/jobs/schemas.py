from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class JobBestOut(Schema):
    label: str
    value: Any


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    percent: int
    message: str
    best: list[JobBestOut]
    seconds_left: int | None
    cancel_requested: bool
    result: dict[str, Any]
    result_url: str
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
