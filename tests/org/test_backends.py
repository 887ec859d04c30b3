"""The authentication backend loads a user's staff record and unit with the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from fangkong.core.jurisdiction import jurisdiction_root, scope_q
from fangkong.org.backends import StaffModelBackend
from fangkong.org.choices import UnitKind
from tests.factories import StaffFactory, UnitFactory, UserFactory


def test_the_user_comes_with_staff_and_unit_in_one_query(
    brigade_officer: Any, tree: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        user = StaffModelBackend().get_user(brigade_officer.pk)
        assert user.staff.unit == tree.ganzhou
        assert jurisdiction_root(user) == tree.ganzhou
        scope_q(user)


def test_a_command_centre_user_gets_the_parent_unit_without_a_query(
    tree: Any, django_assert_num_queries: Any
) -> None:
    centre = UnitFactory(code="620700-z", kind=UnitKind.COMMAND_CENTRE, parent=tree.detachment)
    staff = StaffFactory(unit=centre, user=UserFactory(username="centre"))
    with django_assert_num_queries(1):
        user = StaffModelBackend().get_user(staff.user_id)
        assert jurisdiction_root(user) == tree.detachment


def test_users_without_staff_or_inactive(db: Any, django_assert_num_queries: Any) -> None:
    admin = get_user_model().objects.create_superuser("root", password="x-very-long-1")
    with django_assert_num_queries(1):
        user = StaffModelBackend().get_user(admin.pk)
        assert getattr(user, "staff", None) is None
    admin.is_active = False
    admin.save()
    assert StaffModelBackend().get_user(admin.pk) is None
    assert StaffModelBackend().get_user(admin.pk + 1000) is None


def test_a_staff_request_reads_the_user_once(
    as_user: Any, brigade_officer: Any, django_assert_num_queries: Any
) -> None:
    client = as_user(brigade_officer)
    # The session, then the user with staff and unit: nothing more to find the jurisdiction.
    with django_assert_num_queries(3):
        response = client.post(
            "/api/v1/registrations/lookup", {"code": "ZZZZZZ"}, content_type="application/json"
        )
    assert response.status_code == 200
