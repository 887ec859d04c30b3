"""People's names as records show them: the staff member's name (and badge number), else the
account's names family name first, else the username; never a query for the staff row."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from fangkong.core.names import person_label, person_name
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def loaded(user: Any) -> Any:
    return get_user_model().objects.select_related("staff").get(pk=user.pk)


def test_a_staff_member_by_name_and_badge(django_assert_num_queries: Any) -> None:
    user = UserFactory(username="wjg")
    StaffFactory(user=user, name="王建国", badge_number="B1023")
    user = loaded(user)
    with django_assert_num_queries(0):
        assert (person_name(user), person_label(user)) == ("王建国", "王建国 (B1023)")


def test_an_account_without_its_staff_row_loaded_costs_no_query(
    django_assert_num_queries: Any,
) -> None:
    user = UserFactory(username="wjg", last_name="王", first_name="建国")
    StaffFactory(user=user, name="王建国", badge_number="B1023")
    user = get_user_model().objects.get(pk=user.pk)
    with django_assert_num_queries(0):
        assert (person_name(user), person_label(user)) == ("王建国", "王建国")


def test_the_username_when_there_is_no_name() -> None:
    user = loaded(UserFactory(username="duty01", last_name="", first_name=""))
    assert (person_name(user), person_label(user), person_label(None)) == ("duty01", "duty01", "")
