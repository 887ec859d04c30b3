"""Every page of the main menu, for every demo login, on the demo prefecture with a week of
checks: no server error anywhere, and the Chinese menu names each part of Fangkong."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from fangkong.demo.loader import demo_load
from fangkong.demo.prefecture import LOGINS

NOW = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
MENU = {
    "command:dashboard": "指挥调度",
    "sites:map": "地图",
    "sites:list": None,
    "screening:officer": "卡口查验",
    "passes:list": "通行证",
    "roster:list": "勤务排班",
    "screening:policy": "防控策略",  # command centre and commanders only
    "command:reports": "研判报告",
    "org:units": "单位与警力",
}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(now=NOW, checks=500)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", LOGINS)
def test_every_menu_page_answers_for_every_login(demo: Any, db: Any, username: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(request=HttpRequest(), username=username, password=settings.DEMO_PASSWORD)
    home = client.get("/", follow=True)
    assert home.status_code == 200
    menu = home.content.decode()
    for name, label in MENU.items():
        url = reverse(name)
        if label and name != "screening:policy":
            assert f">{label}</a>" in menu, (name, label)
        response = client.get(url, follow=True)
        # A login may be refused a page (403), never shown a server error.
        print(username, url, response.status_code)
        assert response.status_code in (200, 403), (username, url, response.status_code)


def test_only_the_command_centre_is_offered_the_policy(demo: Any, db: Any) -> None:
    offered = {}
    for username in LOGINS:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.login(request=HttpRequest(), username=username, password=settings.DEMO_PASSWORD)
        offered[username] = ">防控策略</a>" in client.get("/", follow=True).content.decode()
    assert offered == {"commander": True, "brigade": False, "officer": False, "analyst": True}
