"""CPU per registration in one process: ``registration_create`` through the fast path
(fangkong/registration/fastpath.py) and through ``bulk_create(update_conflicts=True)`` with
ORM look-ups, in alternating rounds; the figures are in fastpath.py's docstring.

Usage, on a scratch database (it migrates and seeds it)::

    FANGKONG_DATA_DIR=$(mktemp -d) DJANGO_SETTINGS_MODULE=bench.registration_server.settings \\
        python bench/registration_server/paths.py [registrations per round, 200]

The last line of stdout is one JSON object: each path's CPU ms per registration per round.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def orm_save(*, site: Any, kind: str, submission_key: str, cleaned: Any, now: Any) -> Any:
    """What ``registration_create`` saves, written with the ORM alone."""
    from django.db import transaction

    from fangkong.command.rollups import record_registrations
    from fangkong.core.writers import writer_turn
    from fangkong.intel import services as intel_services
    from fangkong.registration import services as s
    from fangkong.registration.models import Person, Registration, Vehicle

    code = s._draw_code()
    while Registration.objects.filter(short_code=code, valid_until__gt=now).exists():
        code = s._draw_code()
    registrations = s._registrations(
        cleaned, site=site, kind=kind, submission_key=submission_key, now=now, code=code
    )
    persons = [Person(doc_type=p.doc_type, doc_number=p.doc_number) for p in cleaned.people]
    group_in, vehicle, group = cleaned.group, None, None
    with writer_turn(), transaction.atomic():
        if group_in is not None and group_in.plate:
            [vehicle] = Vehicle.objects.bulk_create(
                [Vehicle(plate=group_in.plate)],
                update_conflicts=True,
                unique_fields=["plate"],
                update_fields=["plate"],
            )
        if group_in is not None:
            group = s._travel_group(site, group_in, now)
            group.vehicle = vehicle
            group.save()
        Person.objects.bulk_create(
            persons, update_conflicts=True, unique_fields=["doc_index"], update_fields=["doc_index"]
        )
        for registration, person in zip(registrations, persons, strict=True):
            registration.person, registration.group = person, group
        Registration.objects.bulk_create(registrations)
        record_registrations(registrations)
    intel_services.alerts_for(registrations=registrations)
    return registrations[0]


def main(per_round: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    import bench.registration as bench
    from fangkong.registration import services
    from fangkong.sites.models import Site

    call_command("migrate", "--no-input", "-v", "0")
    bench.seed()
    site = Site.objects.get(code=bench.SITES[0])
    paths: dict[str, Callable[..., Any]] = {"fast": services._save, "orm": orm_save}
    counter = iter(range(7_000_000, 8_000_000))

    def register(path: str) -> None:
        services._save = paths[path]  # type: ignore[assignment]
        fields = bench.road_fields(next(counter))
        services.registration_create(
            site=site, kind="road", submission_key=secrets.token_hex(8), data=fields
        )

    for path in [*paths] * 30:  # warm both
        register(path)
    rounds: dict[str, list[float]] = {path: [] for path in paths}
    for _round in range(5):
        for path in paths:
            began = time.process_time()
            for _ in range(per_round):
                register(path)
            rounds[path].append(round((time.process_time() - began) / per_round * 1000, 3))
    return {path: {"rounds_ms": ms, "min_ms": min(ms)} for path, ms in rounds.items()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)))
