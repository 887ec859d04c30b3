"""``manage.py bootstrap`` makes a new installation usable: the roles, the top unit and its
first commander, who must choose a password of their own at first login. Running it again
changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from fangkong.core.models import AuditLog
from fangkong.org.choices import RoleCode, UnitKind
from fangkong.org.models import Role, Staff, Unit

pytestmark = pytest.mark.django_db

PASSWORD = "Zhangye-first-2026"
ARGS = [
    "--division", "620700", "--unit-name", "张掖市公安局交警支队",
    "--username", "zhang.wei", "--name", "张伟", "--badge", "620001",
]  # fmt: skip


def bootstrap(monkeypatch: pytest.MonkeyPatch, *args: str, password: str = PASSWORD) -> str:
    monkeypatch.setenv("FANGKONG_BOOTSTRAP_PASSWORD", password)
    out = io.StringIO()
    call_command("bootstrap", *(args or ARGS), stdout=out)
    return out.getvalue()


def test_creates_roles_top_unit_and_commander(monkeypatch: pytest.MonkeyPatch) -> None:
    bootstrap(monkeypatch)
    assert set(Role.objects.values_list("code", flat=True)) == set(RoleCode.values)
    unit = Unit.objects.get()
    assert (unit.code, unit.name, unit.kind) == ("620700", "张掖市公安局交警支队", "detachment")
    assert (unit.division_code, unit.parent, unit.path) == ("620700", None, "/620700/")
    staff = Staff.objects.select_related("user").get()
    assert staff.unit == unit and staff.name == "张伟"
    assert staff.user.username == "zhang.wei" and staff.user.check_password(PASSWORD)
    assert {r.code for r in staff.roles.all()} == {RoleCode.COMMANDER, RoleCode.UNIT_ADMIN}
    assert staff.password_change_required
    assert set(AuditLog.objects.values_list("action", flat=True)) == {
        "unit.create",
        "staff.create",
    }


def test_running_it_again_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    bootstrap(monkeypatch)
    again = bootstrap(monkeypatch, password="another-Password-9")
    assert "0" in again.splitlines()[0]
    roles = len(RoleCode.values)
    assert (Role.objects.count(), Unit.objects.count(), Staff.objects.count()) == (roles, 1, 1)
    assert get_user_model().objects.get().check_password(PASSWORD)


def test_a_county_makes_a_brigade(monkeypatch: pytest.MonkeyPatch) -> None:
    args = [*ARGS]
    args[1] = "620702"
    bootstrap(monkeypatch, *args)
    assert Unit.objects.get().kind == UnitKind.BRIGADE


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({1: "629999"}, "行政区划代码"),
        ({1: "62070"}, "行政区划代码"),
    ],
)
def test_a_bad_division_is_refused(
    monkeypatch: pytest.MonkeyPatch, change: dict[int, str], message: str
) -> None:
    args = [*ARGS]
    for index, value in change.items():
        args[index] = value
    with pytest.raises(CommandError, match=message):
        bootstrap(monkeypatch, *args)
    assert not Unit.objects.exists() and not get_user_model().objects.exists()


def test_a_weak_password_is_refused_and_nothing_is_left(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CommandError, match="密码"):
        bootstrap(monkeypatch, password="12345678")
    assert not Unit.objects.exists() and not get_user_model().objects.exists()


def test_a_second_top_unit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    bootstrap(monkeypatch)
    args = [*ARGS]
    args[1], args[5] = "620100", "lanzhou"
    with pytest.raises(CommandError, match="顶级单位"):
        bootstrap(monkeypatch, *args)


def test_without_a_password_or_a_terminal_it_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FANGKONG_BOOTSTRAP_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="FANGKONG_BOOTSTRAP_PASSWORD"):
        call_command("bootstrap", *ARGS)


def test_the_first_login_must_change_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    bootstrap(monkeypatch)
    client = Client()
    login = client.post(
        "/accounts/login/?next=/command/",
        {"username": "zhang.wei", "password": PASSWORD, "next": "/command/"},
    )
    assert login["Location"] == "/command/"
    page = client.get("/command/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/password/?next=%2Fcommand%2F"
    api = client.get("/api/v1/sites")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    form = client.get(page["Location"])
    assert form.status_code == 200
    assert "请自行设置新密码" in form.content.decode()
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Own-choice-2026!",
            "new_password2": "Own-choice-2026!",
            "next": "/command/",
        },
    )
    assert changed.status_code == 302 and changed["Location"] == "/command/"
    assert not Staff.objects.get().password_change_required
    dashboard = client.get("/command/")
    assert dashboard.status_code == 200
    assert "张掖市公安局交警支队" in dashboard.content.decode()
    assert AuditLog.objects.filter(action="account.password_change").count() == 1


def test_a_wrong_old_password_keeps_the_change_required(monkeypatch: pytest.MonkeyPatch) -> None:
    bootstrap(monkeypatch)
    client = Client()
    client.post("/accounts/login/", {"username": "zhang.wei", "password": PASSWORD})
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "Own-2026-x!", "new_password2": "Own-2026-x!"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert Staff.objects.get().password_change_required


def test_others_are_not_sent_to_change_their_password(commander: Any) -> None:
    client = Client()
    client.force_login(commander)
    assert client.get("/command/").status_code == 200
