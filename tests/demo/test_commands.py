"""``manage.py demo_load`` and ``manage.py demo_logins``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from fangkong.core.models import AuditLog
from fangkong.org.models import Staff, Unit
from fangkong.sites.models import Site


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_demo_load_is_refused_in_production(settings: Any) -> None:
    settings.PRODUCTION = True
    for args in ((), ("--if-empty",)):
        with pytest.raises(CommandError, match="production|生产"):
            _run("demo_load", *args)
    assert not Unit.objects.exists()
    assert not AuditLog.objects.filter(action="demo.load").exists()


@pytest.mark.django_db
def test_demo_load_then_if_empty_does_nothing(settings: Any, monkeypatch: Any) -> None:
    settings.PRODUCTION = True  # --force loads all the same
    output = _run("demo_load", "--force", "--seed", "11")
    assert "95" in output and "1172" in output
    assert (Unit.objects.count(), Site.objects.count(), Staff.objects.count()) == (31, 95, 1172)

    settings.PRODUCTION = False
    skipped = _run("demo_load", "--if-empty")
    assert "已有单位" in skipped or "already has units" in skipped
    assert (Unit.objects.count(), Site.objects.count(), Staff.objects.count()) == (31, 95, 1172)
    with pytest.raises(CommandError):
        _run("demo_load")
    assert AuditLog.objects.filter(action="demo.load").count() == 1

    monkeypatch.setenv("PORT", "8765")
    logins = _run("demo_logins")
    assert "http://127.0.0.1:8765/" in logins
    assert settings.DEMO_PASSWORD in logins
    for username in ("commander", "brigade", "officer", "analyst"):
        assert f"\n{username} " in logins
    assert "G30连霍高速张掖东收费站" in logins
    assert "Sees: units 31, sites 95, staff 1172." in logins
    assert "Sees: units 8, sites 46, staff 434." in logins
    assert AuditLog.objects.filter(action="demo.logins").count() == 1


@pytest.mark.django_db
def test_demo_logins_without_the_demo_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="demo_load"):
        _run("demo_logins")
