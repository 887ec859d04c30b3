"""A person or plate on an active list who registers or is checked is flagged, and the
officer gets the reason only."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from fangkong.intel.models import Alert
from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Role
from fangkong.registration import services as registration_services
from fangkong.screening.services import WalkUp, check_record
from tests.factories import SiteFactory, StaffFactory, UserFactory
from tests.intel.helpers import csv_bytes, import_list
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
