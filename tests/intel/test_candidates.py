"""A counted list match on any record makes the persons it names key-person candidates: an
exact match at once, a candidate match once a person confirms it. One candidate per person,
in the review queue of the units above the record's unit, saying where it came from; the
list never changes the person or the record it matched."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fangkong.core.errors import PermissionDeniedError
from fangkong.grid import services as grid_services
from fangkong.intel.choices import MatchBasis
from fangkong.intel.models import Match
from fangkong.intel.services import matching
from fangkong.keypersons import selectors
from fangkong.keypersons import services as kp_services
from fangkong.keypersons.models import Candidate, Category, KeyPerson
from fangkong.passes.models import VehiclePass, VehiclePassDriver
from fangkong.registration.models import Person, Registration, birth_key
from tests.conftest import login
from tests.factories import PersonFactory, _resident_id
from tests.grid.world import World
from tests.intel.helpers import check_of, csv_bytes, group_of, import_list, registration_of
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "手机号", "车牌", "出生日期"]
API = "/api/v1/keypersons"


def _row(doc: str = "", phone: str = "", plate: str = "", birth: str = "") -> list[str]:
    return ["某", doc, phone, plate, birth]


def _import(commander: Any, tree: Any, rows: list[list[str]]) -> Any:
    return import_list(commander, tree.detachment, csv_bytes(HEADER, rows))


def _pass(tree: Any, plate: str, *drivers: Person) -> VehiclePass:
    today = timezone.localdate()
    vehicle_pass = VehiclePass.objects.create(
        number=secrets.token_hex(4), token=secrets.token_urlsafe(16), company="甘州物流",
        contact_name="王经理", contact_phone="13800001111", plate=plate, vehicle_kind="truck",
        cargo_kind="food", route="张掖—酒泉", valid_from=today, valid_to=today + timedelta(days=7),
        unit=tree.ganzhou, status="approved",
    )  # fmt: skip
    for person in drivers:
        VehiclePassDriver.objects.create(vehicle_pass=vehicle_pass, person=person, name="司机")
    return vehicle_pass


def _only(**filters: Any) -> Candidate:
    return Candidate.objects.select_related("site").get(**filters)


def test_a_registration_found_by_document(commander: Any, tree: Any, sites: Any) -> None:
    site = sites["ganzhou"][0]
    reg = registration_of(site, name="张三", phone="13700000001")
    _import(commander, tree, [_row(doc=reg.person.doc_number)])
    candidate = _only(person=reg.person)
    assert (candidate.source_kind, candidate.source_id) == ("registration", reg.pk)
    assert candidate.check_record_id is None and candidate.outcome == "list_match"
    assert candidate.site == site and candidate.seen_at == reg.created_at
    assert candidate.unit_path == site.unit.path and candidate.status == "pending"


def test_a_check_wins_over_a_registration_of_the_same_person(
    commander: Any, tree: Any, sites: Any
) -> None:
    person = PersonFactory()
    registration_of(sites["ganzhou"][0], person)
    check = check_of(person, sites["linze"][0])
    watch_list = _import(commander, tree, [_row(doc=person.doc_number)])
    candidate = _only(person=person)
    assert (candidate.source_kind, candidate.check_record_id) == ("check", check.pk)
    assert candidate.unit_path == sites["linze"][0].unit.path
    matching.match_run(watch_list=watch_list)
    _import(commander, tree, [_row(doc=person.doc_number)])  # another list: still one
    assert Candidate.objects.count() == 1


def test_a_pass_found_by_plate_names_its_drivers(commander: Any, tree: Any) -> None:
    first, second = PersonFactory(), PersonFactory()
    vehicle_pass = _pass(tree, "甘G55501", first, second)
    _import(commander, tree, [_row(plate="甘G·55501")])
    rows = Candidate.objects.order_by("person_id")
    assert [(c.person_id, c.source_kind, c.source_id) for c in rows] == [
        (first.pk, "vehicle_pass", vehicle_pass.pk),
        (second.pk, "vehicle_pass", vehicle_pass.pk),
    ]
    assert {c.unit_path for c in rows} == {tree.ganzhou.path}
    assert all(c.site_id is None for c in rows)


def test_a_pass_driver_found_by_document(commander: Any, tree: Any) -> None:
    driver = PersonFactory()
    vehicle_pass = _pass(tree, "甘G55502", driver)
    _import(commander, tree, [_row(doc=driver.doc_number)])
    candidate = _only(person=driver)
    assert (candidate.source_kind, candidate.source_id) == ("vehicle_pass", vehicle_pass.pk)


def test_a_travel_group_found_by_plate_names_its_registrants(
    commander: Any, tree: Any, sites: Any
) -> None:
    site = sites["ganzhou"][2]  # the squad's site: the squad's path
    group = group_of(site, "甘G77701")
    driver = registration_of(site, group=group, role="driver")
    passenger = registration_of(site, group=group, role="passenger")
    _import(commander, tree, [_row(plate="甘G77701")])
    found = {
        (c.person_id, c.source_kind, c.source_id, c.unit_path) for c in Candidate.objects.all()
    }
    assert found == {
        (driver.person_id, "travel_group", group.pk, tree.ganzhou_squad.path),
        (passenger.person_id, "travel_group", group.pk, tree.ganzhou_squad.path),
    }


def test_a_grid_resident_and_a_past_key_person(world: World, commander: Any, tree: Any) -> None:
    resident = grid_services.resident_add(
        actor=world.users["community"], door=world.door2, doc_type="resident_id",
        doc_number=_resident_id(7), name="住户七", phone="13800000077",
    )  # fmt: skip
    past = episode(world, 8)
    KeyPerson.objects.filter(pk=past.pk).update(status="released", ended_on=timezone.localdate())
    under_measure = episode(world, 9)
    rows = [
        _row(phone="13800000077"),
        _row(doc=past.person.doc_number),
        _row(doc=under_measure.person.doc_number),
    ]
    _import(commander, tree, rows)
    found = {
        (c.person_id, c.source_kind, c.source_id, c.unit_path) for c in Candidate.objects.all()
    }
    assert found == {
        (resident.person_id, "resident", resident.pk, world.station.path),
        (past.person_id, "key_person", past.pk, world.station.path),
    }


def test_a_candidate_match_counts_only_once_confirmed(
    commander: Any, tree: Any, sites: Any
) -> None:
    site = sites["ganzhou"][0]
    person = PersonFactory()
    reg = registration_of(site, person, name="孙八", phone="13600009999", phone_tail="9999")
    group = group_of(site, "甘G12346")
    rider = registration_of(site, group=group)
    birth = birth_key("resident_id", person.doc_number)
    rows = [
        ["孙八", "", "13500009999", "", birth],
        _row(plate="甘G92346"),  # one character off 甘G12346
    ]
    _import(commander, tree, rows)
    assert not Candidate.objects.exists()
    by_name = Match.objects.get(basis=MatchBasis.NAME_BIRTH_PHONE)
    matching.match_review(actor=commander, match=by_name, confirm=True)
    candidate = _only(person=person)
    assert (candidate.source_kind, candidate.source_id) == ("registration", reg.pk)
    near = Match.objects.get(basis=MatchBasis.PLATE_NEAR)
    matching.match_review(actor=commander, match=near, confirm=False)
    assert not Candidate.objects.filter(person=rider.person).exists()


def test_a_confirmed_near_plate_names_the_group(commander: Any, tree: Any, sites: Any) -> None:
    group = group_of(sites["linze"][0], "甘G12346")
    rider = registration_of(sites["linze"][0], group=group)
    _import(commander, tree, [_row(plate="甘G92346")])
    matching.match_review(
        actor=commander, match=Match.objects.get(basis=MatchBasis.PLATE_NEAR), confirm=True
    )
    candidate = _only(person=rider.person)
    assert (candidate.source_kind, candidate.source_id) == ("travel_group", group.pk)
    assert candidate.unit_path == tree.linze.path


def test_only_the_units_above_the_record_review_and_nothing_public_changes(
    world: World, commander: Any, brigade_officer: Any, other_officer: Any, tree: Any,
    sites: Any,
) -> None:  # fmt: skip
    reg = registration_of(sites["ganzhou"][0], name="自称张三", phone="13700000002")
    _import(commander, tree, [_row(doc=reg.person.doc_number)])
    candidate = _only(person=reg.person)
    assert selectors.candidate_list_for_user(user=other_officer).count() == 0
    assert list(selectors.candidate_list_for_user(user=brigade_officer)) == [candidate]
    with pytest.raises(PermissionDeniedError):
        kp_services.candidate_dismiss(actor=other_officer, candidate=candidate, reason="不是本辖区")
    episode_ = kp_services.candidate_accept(
        actor=brigade_officer, candidate=candidate, community=world.community,
        category=Category.objects.get(code="close_contact"), name="张三",
        reason="卫健委名单比中", address="东街1号",
    )  # fmt: skip
    assert episode_.person_id == reg.person_id and episode_.source == "health_list"
    person = Person.objects.get(pk=reg.person_id)
    assert person.verified_name == "" and person.verified_phone == ""
    again = Registration.objects.get(pk=reg.pk)
    assert (again.name, again.phone) == ("自称张三", "13700000002")


def test_the_queue_and_the_api_say_where_it_came_from(
    commander: Any, brigade_officer: Any, other_officer: Any, tree: Any, sites: Any
) -> None:
    site = sites["ganzhou"][0]
    reg = registration_of(site)
    _import(commander, tree, [_row(doc=reg.person.doc_number)])
    page = login(brigade_officer).get("/keypersons/candidates/").content.decode()
    assert "登记" in page and site.name in page and "名单比中" in page
    rows = login(brigade_officer).get(f"{API}/candidates").json()
    assert [(r["source_kind"], r["source_id"], r["check_id"], r["site"]) for r in rows] == [
        ("registration", reg.pk, None, site.name)
    ]
    assert rows[0]["outcome"] == "list_match" and rows[0]["seen_at"]
    assert login(other_officer).get(f"{API}/candidates").json() == []


def test_the_queue_reads_in_the_same_queries_however_many_kinds(
    commander: Any, brigade_officer: Any, tree: Any, sites: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(brigade_officer)
    first = registration_of(sites["ganzhou"][0])
    _import(commander, tree, [_row(doc=first.person.doc_number)])
    with CaptureQueriesContext(connection) as one:
        client.get("/keypersons/candidates/")
    driver = PersonFactory()
    _pass(tree, "甘G55503", driver)
    checked = PersonFactory()
    check_of(checked, sites["ganzhou"][1])
    _import(commander, tree, [_row(doc=driver.doc_number), _row(doc=checked.doc_number)])
    assert Candidate.objects.count() == 3
    with CaptureQueriesContext(connection) as three:
        page = client.get("/keypersons/candidates/").content.decode()
    assert "通行证" in page and "查验记录" in page
    assert len(three.captured_queries) == len(one.captured_queries)
