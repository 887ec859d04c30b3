"""Recording checks: the recommendation the server stores, overrides, idempotency, time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.command.models import SiteHourRollup
from fangkong.command.rollups import hour_start
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.registration.models import Person, TravelGroup, Vehicle
from fangkong.screening import services
from fangkong.screening.models import Check
from fangkong.screening.services import IdempotencyKeyReusedError, WalkUp, check_record
from tests.screening.conftest import NOW, declared, id_number, make_group, make_person

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def record(officer, site, key="key-00000001", **kw):
    kw.setdefault("checked_at", timezone.now())
    kw.setdefault("temperature", "36.5")
    kw.setdefault("outcome", "pass")
    return check_record(actor=officer, site=site, idempotency_key=key, **kw)


@pytest.fixture
def squad_site(sites):
    return sites["ganzhou"][2]


def test_the_recommendation_is_stored_with_its_policy_version(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    check, created = record(officer, squad_site, registration=registration)

    assert created
    check.refresh_from_db()
    assert (check.recommended, check.outcome, check.policy_version) == ("pass", "pass", 1)
    assert check.reasons == []
    assert check.temperature == Decimal("36.5")
    assert check.person == registration.person
    assert check.officer.user == officer
    assert check.checked_at == NOW


def test_a_fever_is_referred_with_the_reading_and_threshold(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    check, _ = record(
        officer, squad_site, registration=registration, temperature=37.8, outcome="refer_health"
    )

    assert check.recommended == "refer_health"
    assert check.reasons[0] == {
        "code": "temperature_high",
        "params": {"temperature_c": 37.8, "threshold_c": 37.3},
    }
    assert not check.overridden
    assert not AuditLog.objects.filter(action="check.override").exists()


def test_what_the_officer_sees_replaces_the_declaration(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    check, _ = record(
        officer,
        squad_site,
        registration=registration,
        observed={"health_code": "yellow"},
        outcome="test_then_pass",
    )

    assert check.recommended == "test_then_pass"
    assert [r["code"] for r in check.reasons] == ["health_code_yellow"]


def test_the_officer_can_say_there_is_no_test_where_one_was_declared(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    check, _ = record(
        officer,
        squad_site,
        registration=registration,
        observed={"nat_result": "none", "nat_at": None},
        outcome="test_then_pass",
    )

    assert [r["code"] for r in check.reasons] == ["nat_missing"]


def test_another_outcome_needs_a_reason(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    with pytest.raises(ValidationError) as caught:
        record(officer, squad_site, registration=registration, temperature=38.2, outcome="pass")

    assert codes(caught.value) == {"override_reason": ["override_reason_required"]}
    assert "移交卫健" in caught.value.error_dict["override_reason"][0].message
    assert not Check.objects.exists()


def test_an_override_with_a_reason_is_stored_and_audited(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    check, _ = record(
        officer,
        squad_site,
        registration=registration,
        temperature=38.2,
        outcome="persuade_return",
        override_reason="  本人拒绝就医，  劝返原籍 ",
    )

    assert check.overridden
    assert check.override_reason == "本人拒绝就医， 劝返原籍"
    audit = AuditLog.objects.get(action="check.override")
    assert audit.target_id == str(check.pk)
    assert audit.reason == check.override_reason
    assert audit.actor == officer
    assert audit.extra["recommended"] == "refer_health"


def test_the_same_key_twice_stores_one_check(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]
    first, created = record(officer, squad_site, registration=registration, checked_at=NOW)

    again, created_again = record(officer, squad_site, registration=registration, checked_at=NOW)

    assert created and not created_again
    assert again.pk == first.pk
    assert Check.objects.count() == 1


def test_the_same_key_with_another_check_is_refused_with_the_stored_one(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]
    first, _ = record(officer, squad_site, registration=registration, checked_at=NOW)

    with pytest.raises(IdempotencyKeyReusedError) as caught:
        record(
            officer,
            squad_site,
            registration=registration,
            checked_at=NOW,
            temperature="37.9",
            outcome="refer_health",
        )

    assert caught.value.check.pk == first.pk
    first.refresh_from_db()
    assert first.outcome == "pass"  # the first one stands; nothing is updated
    assert Check.objects.count() == 1


def test_a_concurrent_insert_of_the_same_key_returns_the_stored_check(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]
    stored, _ = record(
        officer, squad_site, registration=registration, key="race-key-1", checked_at=NOW
    )

    # The other request's insert lands between this request's look-up and its own insert.
    with mock.patch("fangkong.screening.services.checks._same_key", return_value=None):
        again, created = record(
            officer, squad_site, registration=registration, key="race-key-1", checked_at=NOW
        )

    assert not created
    assert again.pk == stored.pk
    assert Check.objects.count() == 1


def test_a_check_from_the_future_is_refused(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    with pytest.raises(ValidationError) as caught:
        record(
            officer,
            squad_site,
            registration=registration,
            checked_at=NOW + timedelta(minutes=10),
        )

    assert codes(caught.value) == {"checked_at": ["checked_at_future"]}
    # A phone a little fast is fine.
    check, _ = record(
        officer, squad_site, registration=registration, checked_at=NOW + timedelta(minutes=2)
    )
    assert check.checked_at == NOW + timedelta(minutes=2)


def test_a_late_offline_check_is_decided_under_the_policy_of_its_time(
    clock, officer, analyst, squad_site
):
    three_days_ago = NOW - timedelta(days=3)
    nat = {"date": three_days_ago.date().isoformat(), "result": "negative"}
    registration = make_group(squad_site, people=[(make_person(1), declared(nat=nat))], plate=None)[
        0
    ]
    services.policy_publish(actor=analyst, rules={"temperature_threshold_c": 37.0}, note="收紧")

    late, _ = record(
        officer,
        squad_site,
        key="late-key-1",
        registration=registration,
        temperature=37.1,
        checked_at=three_days_ago,
    )
    today, _ = record(
        officer,
        squad_site,
        key="today-key-1",
        registration=registration,
        temperature=37.1,
        outcome="refer_health",
    )

    assert (late.policy_version, late.recommended) == (1, "pass")
    assert (today.policy_version, today.recommended) == (2, "refer_health")
    assert late.received_at > late.checked_at


def test_a_check_older_than_the_retention_period_is_refused(clock, officer, squad_site, settings):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]
    settings.RETENTION_DAYS = 21

    with pytest.raises(ValidationError) as caught:
        record(officer, squad_site, registration=registration, checked_at=NOW - timedelta(days=22))

    assert codes(caught.value) == {"checked_at": ["checked_at_too_old"]}


def test_a_walk_up_person_is_found_or_created_by_document(clock, officer, squad_site):
    walk_up = WalkUp(name="马大爷", doc_number=id_number(7, birth="19500301"))

    first, _ = record(
        officer,
        squad_site,
        key="walkup-0001",
        walk_up=walk_up,
        outcome="test_then_pass",
        observed={"origin_code": "620702"},
    )
    second, _ = record(
        officer, squad_site, key="walkup-0002", walk_up=walk_up, outcome="test_then_pass"
    )

    assert first.person_id == second.person_id
    person = Person.objects.get()
    assert (first.name, first.phone) == ("马大爷", "")
    assert person.verified_name == "" and person.birth_index
    # No phone: code and card unknown, no NAT: the policy asks for a test.
    assert first.recommended == "test_then_pass"
    assert {r["code"] for r in first.reasons} == {
        "health_code_unknown",
        "itinerary_unknown",
        "nat_missing",
    }
    assert first.registration is None


def test_a_walk_up_with_a_wrong_id_number_gets_a_field_error(clock, officer, squad_site):
    number = id_number(7)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")

    with pytest.raises(ValidationError) as caught:
        record(officer, squad_site, walk_up=WalkUp(name="马大爷", doc_number=wrong))

    assert codes(caught.value) == {"person.doc_number": ["id_checksum"]}
    assert "校验" in caught.value.error_dict["person.doc_number"][0].message or caught.value
    assert not Person.objects.exists()


def test_a_registration_or_a_person_is_required(clock, officer, squad_site):
    with pytest.raises(ValidationError) as caught:
        record(officer, squad_site)

    assert codes(caught.value) == {"registration": ["person_required"]}


def test_an_implausible_temperature_is_refused(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]

    with pytest.raises(ValidationError) as caught:
        record(officer, squad_site, registration=registration, temperature="373")

    assert codes(caught.value) == {"temperature": ["temperature_implausible"]}


def test_an_officer_cannot_record_at_another_brigades_site(clock, other_officer, sites):
    site = sites["ganzhou"][0]
    registration = make_group(site, people=[(make_person(1), declared())], plate=None)[0]

    with pytest.raises(PermissionDeniedError):
        record(other_officer, site, registration=registration)


def test_a_squad_officer_cannot_record_at_the_brigades_own_site(clock, officer, sites):
    site = sites["ganzhou"][0]  # the brigade's, above the officer's squad
    with pytest.raises(PermissionDeniedError):
        record(officer, site, walk_up=WalkUp(name="马大爷", doc_number=id_number(7)))


def test_an_ambulance_the_officer_confirmed_gets_the_green_channel(clock, officer, squad_site):
    registrations = make_group(
        squad_site,
        people=[(make_person(1), declared()), (make_person(2, "李四"), declared())],
        plate="甘G12001",
        kind="ambulance",
    )

    check, _ = record(
        officer,
        squad_site,
        registration=registrations[1],
        outcome="priority_pass",
        vehicle_kind="ambulance",
    )

    assert check.recommended == "priority_pass"
    assert (check.group, check.vehicle_kind) == (registrations[1].group, "ambulance")
    assert check.reasons == [{"code": "special_vehicle", "params": {"kind": "ambulance"}}]
    # The officer's confirmation is evidence of the vehicle's kind; the form's was not.
    assert Vehicle.objects.get(plate="甘G12001").kind == "ambulance"


def test_a_declared_ambulance_gets_no_green_channel(clock, officer, squad_site):
    registrations = make_group(
        squad_site, people=[(make_person(1), declared())], plate="甘G12001", kind="ambulance"
    )

    check, _ = record(officer, squad_site, registration=registrations[0])

    assert check.recommended == "pass" and check.reasons == []
    assert Vehicle.objects.get(plate="甘G12001").kind == ""


def test_the_officer_can_correct_a_declared_kind(clock, officer, squad_site):
    registrations = make_group(
        squad_site, people=[(make_person(1), declared())], plate="甘G12001", kind="ambulance"
    )

    check, _ = record(officer, squad_site, registration=registrations[0], vehicle_kind="car")

    assert (check.recommended, check.vehicle_kind) == ("pass", "car")
    assert Vehicle.objects.get(plate="甘G12001").kind == "car"
    # The form's declaration stays as it was declared.
    assert TravelGroup.objects.get(pk=registrations[0].group_id).vehicle_kind == "ambulance"


def test_following_the_phones_offline_recommendation_is_not_an_unexplained_override(
    clock, officer, squad_site
):
    # Offline, the phone could not know of the yellow code the citizen declared.
    registration = make_group(
        squad_site, people=[(make_person(1), declared(health_code="yellow"))], plate=None
    )[0]

    check, _ = record(
        officer, squad_site, registration=registration, outcome="pass", shown_recommendation="pass"
    )

    assert check.recommended == "test_then_pass"
    assert check.overridden
    assert "手机端建议为“通行”" in check.override_reason
    assert AuditLog.objects.filter(action="check.override", target_id=str(check.pk)).exists()


def test_the_full_identity_is_shown_only_for_a_reason_and_audited(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]
    check, _ = record(officer, squad_site, registration=registration)

    with pytest.raises(ValidationError):
        services.person_reveal(actor=officer, check=check, reason_code="trace_notice", reason=" ")
    shown = services.person_reveal(
        actor=officer, check=check, reason_code="trace_notice", reason="协查通告核对"
    )

    assert shown == {"doc_number": id_number(1), "name": "张三丰", "phone": "13900000001"}
    audit = AuditLog.objects.get(action="person.view")
    assert (audit.reason, audit.target_id, audit.extra) == (
        "协查通告核对",
        str(registration.person_id),
        {
            "check": check.pk,
            "reason_code": "trace_notice",
            "fields": ["doc_number", "name", "phone"],
        },
    )


def test_the_purge_deletes_old_checks_but_keeps_those_on_hold(officer, squad_site, settings):
    settings.RETENTION_DAYS = 21
    with time_machine.travel(NOW, tick=False):
        old = make_group(squad_site, people=[(make_person(1), declared())], plate=None)[0]
        held_person = make_person(2, "王重点")
        held = make_group(squad_site, people=[(held_person, declared())], plate=None)[0]
        record(officer, squad_site, key="old-check-1", registration=old)
        record(officer, squad_site, key="held-check-1", registration=held)
        Person.objects.filter(pk=held_person.pk).update(hold=True)
    with time_machine.travel(NOW + timedelta(days=20), tick=False):
        # Three weeks on, the declared test is too old: the policy asks for a new one.
        record(officer, squad_site, key="new-check-1", registration=old, outcome="test_then_pass")

    with time_machine.travel(NOW + timedelta(days=21, minutes=1), tick=False):
        counts = services.check_purge()

    assert counts == {"checks": 1}
    assert set(Check.objects.values_list("idempotency_key", flat=True)) == {
        "held-check-1",
        "new-check-1",
    }
    audit = AuditLog.objects.get(action="check.purge")
    assert audit.extra["checks"] == 1 and audit.actor is None


def test_the_purge_is_a_step_of_purge_expired():
    from fangkong.registration.retention import purge_steps

    steps = {step.name: step for step in purge_steps()}
    assert steps["screening.checks"].function is services.check_purge
    assert steps["screening.checks"].order < steps["registration"].order


def test_a_recorded_check_is_counted_in_the_rollups_once(clock, officer, squad_site):
    registration = make_group(squad_site, people=[(make_person(1), declared())])[0]

    record(officer, squad_site, registration=registration)
    record(officer, squad_site, registration=registration)  # the same key: stored once

    hour = SiteHourRollup.objects.get(site=squad_site, hour=hour_start(NOW))
    assert (hour.persons, hour.vehicles, hour.outcome_pass) == (1, 1, 1)
