"""Units and officers for the seeds of browser tests: a seed names its tree and its people,
and logs them in with its own password."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Role, Staff, Unit


def roles() -> None:
    """Every role, as the migrations of a fresh install leave them."""
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)


def unit(code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    path = (parent.path if parent else "/") + code + "/"
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent, path=path)


def officer(
    unit_: Unit, username: str, name: str, role: str, *, badge: str, password: str
) -> Staff:
    """An officer of ``unit_`` with one role, who logs in as ``username``."""
    user = get_user_model().objects.create(
        username=username, first_name=name, password=make_password(password)
    )
    staff = Staff.objects.create(
        unit=unit_, user=user, name=name, kind=StaffKind.OFFICER, badge_number=badge
    )
    staff.roles.set(Role.objects.filter(code=role))
    return staff
