"""The officer's lookups: by code, plate, phone tail or token, always within jurisdiction."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fangkong.registration import services
from fangkong.registration.models import Registration
from fangkong.registration.selectors import (
    registration_get_for_user,
    registration_lookup_for_user,
)
from tests.factories import PersonFactory, RegistrationFactory
from tests.registration.conftest import road_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def passes(road_site, hub_site):
    """A car of two at a Ganzhou checkpoint and a traveller at a Linze bus station."""
    ganzhou = services.registration_create(
        site=road_site, kind="road", submission_key="g", data=road_data(1, companions=1)
    )
    linze = services.registration_create(
        site=hub_site, kind="road", submission_key="l", data=road_data(2, plate="甘G54321")
    )
    return ganzhou, linze


@pytest.mark.parametrize(
    ("persona", "sees_ganzhou", "sees_linze"),
    [
        ("commander", True, True),
        ("brigade_officer", True, False),
        ("other_officer", False, True),
    ],
)
def test_lookup_follows_jurisdiction(request, passes, persona, sees_ganzhou, sees_linze) -> None:
    user = request.getfixturevalue(persona)
    ganzhou, linze = passes
    for lead, visible in ((ganzhou, sees_ganzhou), (linze, sees_linze)):
        by_code = registration_lookup_for_user(user=user, code=lead.short_code)
        by_token = registration_lookup_for_user(user=user, token=lead.pass_token)
        assert by_code.exists() is visible
        assert by_token.exists() is visible
        if visible:
            assert registration_get_for_user(user=user, registration_id=lead.pk).pk == lead.pk
        else:
            with pytest.raises(Registration.DoesNotExist):
                registration_get_for_user(user=user, registration_id=lead.pk)


def test_anonymous_sees_nothing(passes) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not registration_lookup_for_user(user=AnonymousUser(), code=passes[0].short_code)


def test_lookup_by_code_returns_the_whole_group(brigade_officer, passes) -> None:
    ganzhou, _ = passes
    found = list(
        registration_lookup_for_user(user=brigade_officer, code=ganzhou.short_code.lower())
    )
    assert {r.role for r in found} == {"driver", "passenger"}


def test_lookup_by_plate_and_phone_tail(brigade_officer, commander, passes) -> None:
    ganzhou, linze = passes
    by_plate = registration_lookup_for_user(user=brigade_officer, plate="甘g·12345")
    assert {r.pass_token for r in by_plate} == {ganzhou.pass_token}
    assert not registration_lookup_for_user(user=brigade_officer, plate="甘G54321")
    by_tail = registration_lookup_for_user(user=commander, phone_tail="0002")
    assert [r.pk for r in by_tail] == [linze.pk]
    assert not registration_lookup_for_user(user=commander, plate="not a plate")


def test_lookup_filters_by_site(commander, passes, road_site, hub_site) -> None:
    ganzhou, _ = passes
    assert registration_lookup_for_user(user=commander, code=ganzhou.short_code, site=road_site)
    assert not registration_lookup_for_user(user=commander, code=ganzhou.short_code, site=hub_site)


def test_expired_passes_are_not_found(brigade_officer, passes) -> None:
    ganzhou, _ = passes
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert not registration_lookup_for_user(user=brigade_officer, code=ganzhou.short_code)
        assert not registration_lookup_for_user(user=brigade_officer, plate="甘G12345")
        # A scanned QR finds its pass still, so the officer can be told it has expired.
        assert registration_lookup_for_user(user=brigade_officer, token=ganzhou.pass_token)
        # Direct access by id still works, for the record of an old check.
        assert registration_get_for_user(user=brigade_officer, registration_id=ganzhou.pk)


def test_lookup_queries_do_not_grow(brigade_officer, passes, django_assert_num_queries) -> None:
    ganzhou, _ = passes
    with django_assert_num_queries(1):
        found = list(registration_lookup_for_user(user=brigade_officer, code=ganzhou.short_code))
        assert [r.name_masked for r in found]
        assert [r.person.doc_masked for r in found]
        assert [r.group.vehicle.plate for r in found]
        assert [r.site.name for r in found]


def test_the_phone_tail_finds_the_registration_that_declared_it(tree, brigade_officer) -> None:
    # One person, registered twice at the same gate with different phones: the tail finds
    # the registration that gave it, and each shows its own name and phone.
    person = PersonFactory()
    first = RegistrationFactory(person=person, site__unit=tree.ganzhou, phone="13700001111")
    RegistrationFactory.create_batch(3, site=first.site)
    second = RegistrationFactory(person=person, site=first.site, phone="13700002222")

    found = registration_lookup_for_user(user=brigade_officer, phone_tail="2222", site=first.site)

    assert [(r.pk, r.phone_masked) for r in found] == [(second.pk, "137****2222")]
    assert registration_lookup_for_user(user=brigade_officer, phone_tail="1111").get() == first
