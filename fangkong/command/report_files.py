"""Generated report files, kept in the "reports" storage (settings.STORAGES) so that every app
server reads what any of them, or the scheduled job, wrote: local disk, object store or
database, as ``FANGKONG_STORAGE`` says."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import storages


def report_file_name(unit_code: str, day: date, extension: str) -> str:
    return f"{day.isoformat()}/report-{unit_code}-{day.isoformat()}.{extension}"


def report_file_save(*, unit_code: str, day: date, extension: str, content: bytes) -> str:
    """Store one file, replacing an earlier one of the same report; returns its name."""
    store = storages["reports"]
    name = report_file_name(unit_code, day, extension)
    if store.exists(name):
        store.delete(name)
    return store.save(name, ContentFile(content))


def report_file_read(*, unit_code: str, day: date, extension: str) -> bytes | None:
    store = storages["reports"]
    name = report_file_name(unit_code, day, extension)
    if not store.exists(name):
        return None
    with store.open(name) as stored:
        return stored.read()
