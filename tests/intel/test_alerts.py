"""A person or plate on an active list who registers or is checked is flagged, and the
officer gets the reason only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from fangkong.intel.models import Alert
from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Role
from fangkong.registration import services as registration_services
from fangkong.screening.services import WalkUp, check_record
from tests.conftest import login
from tests.factories import SiteFactory, StaffFactory, UserFactory
from tests.intel.helpers import csv_bytes, import_list
from tests.keypersons.helpers import episode
from tests.registration.conftest import id_number, road_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree: Any) -> Any:
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    user = UserFactory(username="officer")
    staff = StaffFactory(unit=tree.ganzhou_squad, user=user, kind=StaffKind.OFFICER)
    staff.roles.set(Role.objects.filter(code=RoleCode.CHECKPOINT))
    return user


def walk_up_check(officer: Any, site: Any, key: str, number: str) -> Any:
    return check_record(
        actor=officer,
        site=site,
        idempotency_key=key,
        checked_at=timezone.now(),
        outcome="pass",
        override_reason="核查",
        temperature="36.5",
        walk_up=WalkUp(name="张三", doc_number=number),
    )


def test_a_registration_of_a_listed_plate_is_flagged(commander: Any, tree: Any, sites: Any) -> None:
    import_list(commander, tree.detachment, csv_bytes(["车牌"], [["甘G·12345"]]))
    site = sites["ganzhou"][0]
    registration_services.registration_create(
        site=site, kind="road", submission_key="form-1", data=road_data(1)
    )
    alert = Alert.objects.get()
    assert alert.basis == "plate"
    assert alert.registration is not None and alert.unit_id == site.unit_id


def test_a_check_of_a_listed_person_returns_a_minimal_notice(
    commander: Any, tree: Any, officer: Any
) -> None:
    number = id_number(3)
    import_list(commander, tree.detachment, csv_bytes(["身份证号"], [[number]]))
    other = id_number(4)
    site = SiteFactory(unit=officer.staff.unit)
    recorded = walk_up_check(officer, site, "key-listed-1", number)
    assert len(recorded.check.alerts) == 1
    notice = recorded.check.alerts[0]
    assert number not in notice.message
    assert notice.purpose and notice.basis
    assert Alert.objects.get().screening_check_id == recorded.check.pk
    clean = walk_up_check(officer, site, "key-listed-2", other)
    assert clean.check.alerts == []


def test_an_expired_list_raises_nothing(commander: Any, tree: Any, sites: Any) -> None:
    watch_list = import_list(commander, tree.detachment, csv_bytes(["车牌"], [["甘G12345"]]))
    watch_list.expires_on = timezone.localdate() - timezone.timedelta(days=1)
    watch_list.save(update_fields=["expires_on"])
    registration_services.registration_create(
        site=sites["ganzhou"][0], kind="road", submission_key="form-2", data=road_data(2)
    )
    assert not Alert.objects.exists()


NOW = timezone.now()


def post_check(client: Any, site: Any, key: str, number: str) -> Any:
    body = {
        "idempotency_key": key,
        "site_id": site.pk,
        "temperature": 36.5,
        "outcome": "pass",
        "override_reason": "核查",
        "checked_at": NOW.isoformat(),
        "person": {"name": "张三", "doc_number": number},
    }
    return client.post("/api/v1/checks", json.dumps(body), content_type="application/json")


def test_the_check_api_answers_with_the_alert_and_no_more(
    commander: Any, tree: Any, officer: Any
) -> None:
    number = id_number(5)
    import_list(commander, tree.detachment, csv_bytes(["姓名", "身份证号"], [["张三", number]]))
    site = SiteFactory(unit=officer.staff.unit)
    client = login(officer)
    first = post_check(client, site, "api-listed-1", number)
    assert first.status_code == 201, first.content
    alerts = first.json()["alerts"]
    assert [set(a) for a in alerts] == [{"purpose", "basis", "message"}]
    assert alerts[0]["purpose"] == "密切接触者"
    assert "密接名单" not in first.content.decode()  # not the list's name, source or basis
    assert number[-4:] not in json.dumps(alerts)
    again = post_check(client, site, "api-listed-1", number)
    assert again.status_code == 200 and again.json()["alerts"] == alerts
    assert Alert.objects.count() == 1
    clean = post_check(client, site, "api-listed-2", id_number(6))
    assert clean.status_code == 201 and clean.json()["alerts"] == []
    listed = client.get("/api/v1/checks").json()
    assert all(row["alerts"] == [] for row in listed)


def test_a_person_under_an_open_measure_is_flagged_at_the_check(
    world: Any, tree: Any, officer: Any
) -> None:
    kp = episode(world, 7, category="close_contact")
    site = SiteFactory(unit=officer.staff.unit)
    response = post_check(login(officer), site, "api-measure-1", kp.person.doc_number)
    assert response.status_code == 201, response.content
    (alert,) = response.json()["alerts"]
    assert alert["purpose"] == str(kp.category)
    stored = Alert.objects.get()
    assert stored.key_person_id == kp.pk and stored.entry_id is None
    assert stored.screening_check_id == response.json()["id"]
    kp.status = "released"
    kp.save(update_fields=["status"])
    released = post_check(login(officer), site, "api-measure-2", kp.person.doc_number)
    assert released.json()["alerts"] == []
