"""Run in a fresh database by test_migrations.py: data as it was before declared and verified
identity were apart (registration 0005, screening 0002), then every migration, then what each
record shows. Prints one JSON object.

The historical models have no properties, so the blind indexes' sources are given to them
here (``doc_key``), as the model of the time computed them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("registration", "0005_created_at_set_by_service"),
    ("screening", "0002_default_policy"),
]
VICTIM_ID = "620702199001011236"
DRIVER_ID = "62070219851231001X"


def _historical_apps() -> Any:
    call_command("migrate", "screening", BEFORE[1][1], verbosity=0)
    call_command("migrate", "registration", BEFORE[0][1], verbosity=0)
    apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    person = apps.get_model("registration", "Person")
    person.doc_key = property(lambda p: f"{p.doc_type}:{p.doc_number}")
    return apps


def _seed(apps: Any) -> dict[str, int]:
    unit = apps.get_model("org", "Unit").objects.create(
        code="620702", name="甘州大队", kind="brigade", path="/620702/"
    )
    site = apps.get_model("sites", "Site").objects.create(
        code="S1", name="卡点", kind="checkpoint", unit=unit, lng=100.4, lat=38.9
    )
    Person = apps.get_model("registration", "Person")
    victim = Person.objects.create(
        doc_type="resident_id",
        doc_number=VICTIM_ID,
        name="张三丰",
        phone="13911112222",
        phone_tail="2222",
        sex="M",
        birth_date=date(1990, 1, 1),
    )
    driver = Person.objects.create(
        doc_type="resident_id", doc_number=DRIVER_ID, name="李师傅", phone="13900002222"
    )
    vehicle = apps.get_model("registration", "Vehicle").objects.create(
        plate="甘G12345", kind="ambulance"
    )
    group = apps.get_model("registration", "TravelGroup").objects.create(site=site, vehicle=vehicle)
    now = timezone.now()
    common = {"site": site, "person": victim, "valid_until": now + timedelta(hours=24)}
    Registration = apps.get_model("registration", "Registration")
    road = Registration.objects.create(
        kind="road",
        group=group,
        declared={"health_code": "green"},
        pass_token="t" * 43,
        short_code="ABC234",
        submission_key="k1",
        **common,
    )
    visit = Registration.objects.create(
        kind="community",
        declared={"gate_role": "visitor", "host_name": "赵六", "host_phone": "13800000001"},
        pass_token="u" * 43,
        short_code="ABC235",
        submission_key="k2",
        **common,
    )
    Check = apps.get_model("screening", "Check")
    check_common = {
        "site": site,
        "recommended": "pass",
        "outcome": "pass",
        "policy_version": 1,
        "checked_at": now,
    }
    walk_up = Check.objects.create(person=driver, idempotency_key="walk-up-1", **check_common)
    of_road = Check.objects.create(
        person=victim, registration=road, idempotency_key="road-1", **check_common
    )
    vehicle_pass = apps.get_model("screening", "VehiclePass").objects.create(
        number="TX202612010001",
        token="p" * 43,
        company="某物流公司",
        contact_name="王经理",
        contact_phone="13800001111",
        plate="甘G55555",
        vehicle_kind="truck",
        cargo_kind="medical",
        route="张掖—临泽",
        valid_from=now.date(),
        valid_to=now.date(),
        unit=unit,
    )
    vehicle_pass.drivers.set([driver])
    return {
        "road": road.pk,
        "visit": visit.pk,
        "walk_up": walk_up.pk,
        "of_road": of_road.pk,
        "pass": vehicle_pass.pk,
        "group": group.pk,
        "victim": victim.pk,
    }


def _shown(ids: dict[str, int]) -> dict[str, Any]:
    from fangkong.passes.models import VehiclePass
    from fangkong.registration.models import Person, Registration, TravelGroup, Vehicle
    from fangkong.screening.models import Check

    road, visit = (Registration.objects.get(pk=ids[k]) for k in ("road", "visit"))
    walk_up, of_road = (Check.objects.get(pk=ids[k]) for k in ("walk_up", "of_road"))
    driver = VehiclePass.objects.get(pk=ids["pass"]).drivers.get()
    victim = Person.objects.get(pk=ids["victim"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT declared FROM registration_registration WHERE id = %s", [visit.pk])
        raw_declared = str(cursor.fetchone()[0])
    return {
        "road": [road.name, road.phone, road.phone_tail],
        "road_found_by_phone": Registration.objects.filter(phone_index=road.phone_index).count(),
        "visit_contact": [visit.contact_name, visit.contact_phone],
        "visit_declared": visit.declared,
        "raw_declared": raw_declared,
        "walk_up": [walk_up.name, walk_up.phone],
        "of_road": [of_road.name, of_road.phone],
        "driver": [driver.name, driver.phone, driver.person.doc_number, driver.position],
        "group_kind": TravelGroup.objects.get(pk=ids["group"]).vehicle_kind,
        "vehicle_kind": Vehicle.objects.get().kind,
        "victim": [victim.verified_name, victim.birth_index, victim.birth_key],
    }


def run() -> None:
    ids = _seed(_historical_apps())
    call_command("migrate", verbosity=0)
    print(json.dumps(_shown(ids), ensure_ascii=False))
