"""Logins: throttled per account and per address (django-axes), each success and failure in
the audit log with the address and never the password; the same with the default in-process
cache and with Redis."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from fangkong.core.models import AuditLog
from tests.factories import StaffFactory, UserFactory

PASSWORD = "right-password-1"
OFFICE = "203.0.113.7"  # a station's one address, shared by its officers
HOME = "198.51.100.9"


@pytest.fixture(params=["local-memory", "redis"])
def cache_kind(request: Any, settings: Any) -> str:
    """Runs a test with the default per-process cache, then with Redis shared."""
    if request.param == "redis":
        request.getfixturevalue("shared_cache")
    return str(request.param)


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    # Only to keep the many wrong passwords quick; the throttle does not depend on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def officer(username: str) -> Any:
    user = UserFactory(username=username, password=PASSWORD)
    StaffFactory(user=user, name=username)
    return user


_clients: dict[str, Client] = {}


def attempt(username: str, password: str, address: str = OFFICE) -> Any:
    """One login from ``address`` in a fresh session; ``.logged_in`` says if it worked."""
    if address not in _clients:  # a client loads the middleware once, on first use
        _clients[address] = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client = _clients[address]
    client.cookies.clear()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    response.logged_in = "_auth_user_id" in client.session
    return response


def test_forty_wrong_passwords_lock_the_account_and_say_so_in_chinese(
    db: Any, fast_hashing: None, cache_kind: str
) -> None:
    officer("wang")
    for _ in range(40):
        assert not attempt("wang", "guess").logged_in
    response = attempt("wang", PASSWORD)
    assert not response.logged_in
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # From another address the account is still locked: the count is the account's.
    assert not attempt("wang", PASSWORD, address=HOME).logged_in


def test_an_address_is_refused_after_its_own_limit(
    db: Any, fast_hashing: None, settings: Any, cache_kind: str
) -> None:
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    for name in ("li", "zhao", "qian"):
        officer(name)
    for _ in range(5):
        attempt("li", "guess")
    # One officer's lockout leaves a colleague at the same address free to log in.
    assert attempt("zhao", PASSWORD).logged_in
    for _ in range(5):
        attempt("zhao", "guess")
    attempt("qian", "guess")
    attempt("qian", "guess")  # the address's twelfth failure, qian's second
    refused = attempt("qian", PASSWORD)
    assert not refused.logged_in and refused.status_code == 429
    assert attempt("qian", PASSWORD, address=HOME).logged_in


def test_successes_and_failures_are_audited_with_the_address_never_the_password(
    db: Any, fast_hashing: None
) -> None:
    user = officer("sun")
    attempt("sun", "secret-guess-77")
    attempt("nobody", "secret-guess-78", address=HOME)
    assert attempt("sun", PASSWORD).logged_in
    rows = list(AuditLog.objects.filter(action__startswith="login.").order_by("id"))
    assert [(r.action, r.ip, r.actor_id) for r in rows] == [
        ("login.failure", OFFICE, None),
        ("login.failure", HOME, None),
        ("login.success", OFFICE, user.pk),
    ]
    assert [r.extra.get("username") for r in rows[:2]] == ["sun", "nobody"]
    stored = json.dumps([r.extra for r in rows]) + str(list(AccessAttempt.objects.values()))
    assert "secret-guess" not in stored and PASSWORD not in stored


def test_a_refused_login_is_audited_as_locked(db: Any, fast_hashing: None) -> None:
    officer("zhou")
    for _ in range(6):
        attempt("zhou", "guess")
    attempt("zhou", PASSWORD)
    last = AuditLog.objects.filter(action="login.failure").order_by("-id").first()
    assert last is not None and last.extra == {"username": "zhou", "locked": True}
    assert not AuditLog.objects.filter(action="login.success").exists()


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(
    db: Any, fast_hashing: None, settings: Any
) -> None:
    # Behind nginx on the same host: the address nginx appended is the client's.
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.9, {OFFICE}")
    client.post("/accounts/login/", {"username": "x", "password": "y"})
    # Straight from the internet: the header is the client's own say and is ignored.
    client = Client(REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR="127.0.0.1")
    client.post("/accounts/login/", {"username": "x", "password": "y"})
    failures = AuditLog.objects.filter(action="login.failure").order_by("id")
    assert list(failures.values_list("ip", flat=True)) == [OFFICE, HOME]


def test_the_admin_login_is_the_throttled_login_page(db: Any) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
