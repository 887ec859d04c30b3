"""Building lists and the records they match, for the intel tests."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from fangkong.intel.services import lists
from fangkong.registration.models import Person, TravelGroup, Vehicle
from fangkong.screening.models import Check
from tests.factories import PersonFactory, RegistrationFactory
from tests.jobs.worker import run_queued_jobs


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_list(actor: Any, unit: Any, data: bytes, **overrides: Any) -> Any:
    fields = {
        "name": "密接名单",
        "source": "市卫健委",
        "purpose": "close_contact",
        "legal_basis": "《传染病防治法》第十二条",
        "expires_on": timezone.localdate() + timedelta(days=14),
        "file_name": "list.csv",
        "data": data,
    }
    fields.update(overrides)
    watch_list = lists.watch_list_create(actor=actor, unit=unit, **fields)
    run_queued_jobs()
    watch_list.refresh_from_db()
    return watch_list


def check_of(
    person: Person, site: Any, *, at: Any = None, phone: str = "", group: Any = None
) -> Check:
    return Check.objects.create(
        site=site,
        person=person,
        group=group,
        phone=phone,
        recommended="pass",
        outcome="pass",
        policy_version=1,
        checked_at=at or timezone.now(),
        idempotency_key=secrets.token_hex(12),
    )


def group_of(site: Any, plate: str, *, at: Any = None) -> TravelGroup:
    vehicle, _ = Vehicle.objects.get_or_create(plate=plate)
    return TravelGroup.objects.create(site=site, vehicle=vehicle, created_at=at or timezone.now())


def registration_of(site: Any, person: Person | None = None, **fields: Any) -> Any:
    return RegistrationFactory(site=site, person=person or PersonFactory(), **fields)


__all__ = ["check_of", "csv_bytes", "date", "group_of", "import_list", "registration_of"]
