"""registration_create: each kind, co-travellers, idempotency, and every bad field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from fangkong.command.models import SiteHourRollup
from fangkong.command.rollups import hour_start
from fangkong.core.identity import blind_index_of, document_index
from fangkong.registration import services
from fangkong.registration.models import Person, Registration, TravelGroup, Vehicle
from fangkong.sites.choices import SiteStatus
from tests.registration.conftest import community_data, floating_data, id_number, road_data

pytestmark = pytest.mark.django_db


def codes(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}


def create(site: Any, data: dict[str, Any], *, kind: str = "road", key: str = "key-1") -> Any:
    return services.registration_create(site=site, kind=kind, submission_key=key, data=data)


def test_road_registration_makes_one_group_and_a_registration_per_person(road_site) -> None:
    lead = create(road_site, road_data(companions=2))
    registrations = list(Registration.objects.order_by("pk"))
    assert len(registrations) == 3
    assert [r.role for r in registrations] == ["driver", "passenger", "passenger"]
    assert {r.pass_token for r in registrations} == {lead.pass_token}
    assert {r.short_code for r in registrations} == {lead.short_code}
    assert {r.group_id for r in registrations} == {lead.group_id}
    group = TravelGroup.objects.get()
    assert group.vehicle.plate == "甘G12345" and group.vehicle_kind == "car"
    assert group.vehicle.kind == ""  # declared, not confirmed by an officer
    assert group.origin_division == "620102"
    assert group.places_passed[0]["code"] == "620702"
    assert lead.declared["health_code"] == "green"
    assert lead.declared["nat"]["result"] == "negative"
    assert registrations[1].declared == {"health_code": "green"}
    assert [(r.name, r.phone) for r in registrations] == [
        ("张三丰", "13900000001"),
        ("李四0", ""),
        ("李四1", ""),
    ]
    assert Person.objects.count() == 3


def test_the_pass_is_random_short_and_valid_for_a_day(road_site, settings) -> None:
    lead = create(road_site, road_data())
    assert len(lead.pass_token) == 43
    assert len(lead.short_code) == 6
    assert not set(lead.short_code) & set("01OI")
    hours = (lead.valid_until - timezone.now()).total_seconds() / 3600
    assert 23.9 < hours <= 24
    settings.PASS_VALID_HOURS = 6
    other = create(road_site, road_data(2), key="key-2")
    assert (other.valid_until - timezone.now()) <= timedelta(hours=6)


def test_a_form_registered_at_a_given_moment_is_stored_and_counted_then(road_site) -> None:
    at = timezone.now() - timedelta(days=3, minutes=17)
    lead = services.registration_create(
        site=road_site, kind="road", submission_key="key-1", data=road_data(companions=1), at=at
    )

    stored = list(Registration.objects.select_related("group"))
    assert {r.created_at for r in stored} == {at} and stored[0].group.created_at == at
    assert lead.valid_until == at + timedelta(hours=24)  # exactly the pass's hours from then
    hour = SiteHourRollup.objects.get(site=road_site, hour=hour_start(at))
    assert hour.reg_road == 2
    assert not SiteHourRollup.objects.exclude(pk=hour.pk).filter(reg_road__gt=0).exists()


def test_vehicle_is_found_by_normalised_plate_and_keeps_each_declared_kind(road_site) -> None:
    create(road_site, road_data(1, plate="甘g 12345"))
    create(road_site, road_data(2, plate="甘G·12345", vehicle_kind="ambulance"), key="key-2")
    vehicle = Vehicle.objects.get()
    assert vehicle.plate == "甘G12345" and vehicle.kind == ""
    # The latest declaration rewrites nothing on the earlier record.
    assert list(TravelGroup.objects.order_by("pk").values_list("vehicle_kind", flat=True)) == [
        "car",
        "ambulance",
    ]


def test_community_gate_visitor(gate_site) -> None:
    lead = create(gate_site, community_data(), kind="community")
    assert lead.group is None
    assert lead.declared["gate_role"] == "visitor"
    assert lead.declared["direction"] == "in"
    # The host's name and phone are encrypted columns, not clear JSON.
    assert (lead.contact_name, lead.contact_phone) == ("赵六", "13800000001")
    assert not {"host_name", "host_phone"} & set(lead.declared)
    assert_not_stored_in_clear(lead, "赵六", "13800000001")


def test_community_visitor_needs_a_host_but_a_resident_does_not(gate_site) -> None:
    with pytest.raises(ValidationError) as exc:
        create(gate_site, community_data(host_name=""), kind="community")
    assert codes(exc) == {"host_name": ["required"]}
    resident = create(
        gate_site, community_data(gate_role="resident", host_name=""), kind="community"
    )
    assert "host_name" not in resident.declared


def test_floating_population(gate_site) -> None:
    lead = create(gate_site, floating_data(), kind="floating")
    assert lead.declared["coming_from"] == "510104"
    assert lead.declared["door"] == "1单元302"
    assert (lead.contact_name, lead.contact_phone) == ("孙八", "13800000002")
    assert not {"landlord_name", "landlord_phone"} & set(lead.declared)
    assert_not_stored_in_clear(lead, "孙八", "13800000002")


def test_transport_hub_takes_road_registrations_without_a_plate(hub_site) -> None:
    lead = create(hub_site, road_data(plate="", vehicle_kind=""))
    assert lead.group.vehicle is None


def test_resubmitting_the_same_form_returns_the_same_pass(road_site) -> None:
    first = create(road_site, road_data(companions=1))
    again = create(road_site, road_data(companions=1))
    assert again.pk == first.pk and again.pass_token == first.pass_token
    assert Registration.objects.count() == 2
    assert TravelGroup.objects.count() == 1


def test_a_race_between_two_identical_submissions_stores_one(road_site) -> None:
    first = create(road_site, road_data(companions=1))
    # The second request looked before the first committed, found nothing, and inserts:
    # the unique constraint refuses it and the service answers with the first pass.
    with mock.patch.object(services, "_existing", side_effect=[None, first]):
        again = create(road_site, road_data(companions=1))
    assert again.pk == first.pk
    assert Registration.objects.count() == 2
    assert TravelGroup.objects.count() == 1


def test_person_is_one_row_across_registrations(road_site, gate_site) -> None:
    create(road_site, road_data(7))
    create(gate_site, community_data(7, name="张三丰"), kind="community", key="key-2")
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"doc_number": "620702199001011230"}, "doc_number", "id_checksum"),
        ({"doc_number": "12345"}, "doc_number", "id_length"),
        ({"doc_type": "passport", "doc_number": "E1"}, "doc_number", "passport_format"),
        ({"doc_type": "library_card"}, "doc_type", "document_type"),
        ({"name": ""}, "name", "name_required"),
        ({"phone": "12345"}, "phone", "phone_invalid"),
        ({"phone": ""}, "phone", "phone_required"),
        ({"plate": "X甘12345"}, "plate", "plate_province"),
        ({"plate": "甘G12"}, "plate", "plate_length"),
        ({"plate": ""}, "plate", "plate_required"),
        ({"vehicle_kind": "tank"}, "vehicle_kind", "choice_invalid"),
        ({"role": "pilot"}, "role", "choice_invalid"),
        ({"origin": "999999"}, "origin", "division_unknown"),
        ({"origin": "62"}, "origin", "division_format"),
        ({"origin": ""}, "origin", "division_required"),
        ({"destination": ""}, "destination", "required"),
        ({"health_code": "purple"}, "health_code", "choice_invalid"),
        ({"nat_date": "2999-01-01"}, "nat_date", "nat_date_future"),
        ({"nat_date": "yesterday"}, "nat_date", "date_invalid"),
        ({"nat_result": ""}, "nat_result", "nat_result_required"),
        ({"symptoms": ["headache"]}, "symptoms", "choice_invalid"),
        (
            {"places_passed": [{"code": "999999", "date": "2000-01-01"}]},
            "places_passed.0.code",
            "division_unknown",
        ),
        (
            {"places_passed": [{"code": "620702", "date": "2000-01-01"}]},
            "places_passed.0.date",
            "place_date_range",
        ),
    ],
)
def test_bad_input_is_reported_on_its_field(road_site, overrides, field, code) -> None:
    with pytest.raises(ValidationError) as exc:
        create(road_site, road_data(**overrides))
    assert code in codes(exc)[field]
    assert Registration.objects.count() == 0
    assert Person.objects.count() == 0
    assert TravelGroup.objects.count() == 0


def test_messages_are_chinese(road_site) -> None:
    with pytest.raises(ValidationError) as exc:
        create(road_site, road_data(doc_number="620702199001011230"))
    assert exc.value.error_dict["doc_number"][0].message == "身份证号码校验位不正确，请逐位核对。"


def test_a_bad_co_traveller_fails_the_whole_form(road_site) -> None:
    data = road_data(companions=2)
    data["companions"][1]["doc_number"] = "620702199001011230"
    with pytest.raises(ValidationError) as exc:
        create(road_site, data)
    assert codes(exc) == {"companions.1.doc_number": ["id_checksum"]}
    assert Registration.objects.count() == Person.objects.count() == Vehicle.objects.count() == 0


def test_empty_co_traveller_rows_are_ignored_and_positions_kept(road_site) -> None:
    data = road_data(companions=0)
    data["companions"] = [
        {"name": "", "doc_type": "resident_id", "doc_number": " ", "phone": "", "health_code": ""},
        {"name": "李四", "doc_number": "bad", "health_code": "green"},
    ]
    with pytest.raises(ValidationError) as exc:
        create(road_site, data)
    assert list(codes(exc)) == ["companions.1.doc_number"]


def test_the_same_person_twice_in_one_form_is_refused(road_site) -> None:
    data = road_data(companions=1)
    data["companions"][0]["doc_number"] = id_number(1)
    with pytest.raises(ValidationError) as exc:
        create(road_site, data)
    assert codes(exc) == {"companions.0.doc_number": ["person_duplicate"]}


def test_floating_arrival_in_the_future_is_refused(gate_site) -> None:
    with pytest.raises(ValidationError) as exc:
        create(gate_site, floating_data(arrival_date="2999-01-01", coming_from=""), kind="floating")
    assert codes(exc) == {"arrival_date": ["date_future"], "coming_from": ["division_required"]}


def test_a_closed_site_or_a_wrong_kind_is_refused(road_site, gate_site) -> None:
    with pytest.raises(ValidationError) as exc:
        create(road_site, community_data(), kind="community")
    assert codes(exc) == {"site": ["site_not_accepting"]}
    gate_site.status = SiteStatus.SUSPENDED
    gate_site.save()
    with pytest.raises(ValidationError):
        create(gate_site, community_data(), kind="community")


def test_a_missing_or_huge_submission_key_is_refused(road_site) -> None:
    for key in ("", "x" * 65):
        with pytest.raises(ValidationError) as exc:
            create(road_site, road_data(), key=key)
        assert codes(exc) == {"submission_key": ["submission_key_invalid"]}


def test_short_codes_skip_those_of_valid_passes(road_site, monkeypatch) -> None:
    first = create(road_site, road_data(1))
    draws = iter([first.short_code, "ABCDEF"])
    monkeypatch.setattr(services, "_draw_code", lambda: next(draws))
    second = create(road_site, road_data(2), key="key-2")
    assert second.short_code == "ABCDEF"


def test_short_codes_use_the_whole_alphabet() -> None:
    drawn = {c for _ in range(400) for c in services._draw_code()}
    assert len(services._draw_code()) == services.SHORT_CODE_LENGTH
    assert drawn == set(services.SHORT_CODE_ALPHABET)


def test_registration_takes_few_queries(road_site, django_assert_num_queries) -> None:
    create(road_site, road_data(1))  # The vehicle exists from now on.
    # Key look-up; vehicle, group, persons (found or created), short code, registrations,
    # the command centre's rollup (the test's transaction makes BEGIN and COMMIT a savepoint
    # and release), and the look-ups of the lists in force and of open key-person measures
    # (intel's alerts).
    with django_assert_num_queries(11):
        create(road_site, road_data(2, companions=2), key="key-2")


def test_each_registration_keeps_what_it_declared_and_the_person_none_of_it(road_site) -> None:
    create(road_site, road_data(1, companions=1))
    companion_doc = road_data(1, companions=1)["companions"][0]["doc_number"]
    data = road_data(2, companions=1)
    data["companions"][0].update(doc_number=companion_doc, name="李四改", phone="13712345678")
    create(road_site, data, key="key-2")
    again = road_data(3, companions=1)
    again["companions"][0].update(doc_number=companion_doc, name="李四", phone="")
    create(road_site, again, key="key-3")
    person = Person.objects.get(doc_index=document_index("resident_id", companion_doc))
    declared = person.registrations.order_by("pk").values_list("phone_tail", flat=True)
    assert [(r.name, r.phone) for r in person.registrations.order_by("pk")] == [
        ("李四0", ""),
        ("李四改", "13712345678"),
        ("李四", ""),
    ]
    assert list(declared) == ["", "5678", ""]
    assert (person.verified_name, person.verified_phone) == ("", "")
    assert person.birth_index == blind_index_of("birth_date", "1985-12-31")
    assert Person.objects.count() == 4


def assert_not_stored_in_clear(registration: Any, *values: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registration_registration WHERE id = %s", [registration.pk])
        row = " ".join(str(cell) for cell in cursor.fetchone())
    for value in values:
        assert value not in row
