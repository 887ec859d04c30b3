"""The API's error body, as every operation documents it (fangkong/api.py)."""

from __future__ import annotations

from ninja import Schema


class ApiFieldError(Schema):
    code: str
    message: str


class ApiError(Schema):
    """Every 4xx and 503 answer: a machine-readable ``code``, a translated ``message``, and
    for a 422 the errors of each field (``people.0.name`` for a row of a list)."""

    code: str
    message: str
    errors: dict[str, list[ApiFieldError]] | None = None
