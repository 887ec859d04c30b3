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
    "command:dashboard": "指挥中心",
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
    menu = client.get(reverse("sites:list")).content.decode()  # the officer lands in the app
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
        menu = client.get(reverse("sites:list")).content.decode()
        offered[username] = ">防控策略</a>" in menu
    assert offered == {"commander": True, "brigade": False, "officer": False, "analyst": True}


LANDINGS = {
    "commander": "/command/",
    "brigade": "/roster/",  # no roster published in the demo: the list
    "officer": "/screening/officer/",
    "analyst": "/command/reports/",
}


@pytest.mark.parametrize("username", LOGINS)
def test_each_login_lands_where_it_works(demo: Any, db: Any, username: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(request=HttpRequest(), username=username, password=settings.DEMO_PASSWORD)
    assert client.get("/")["Location"] == LANDINGS[username]
    if username == "commander":
        phone = client.get("/", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13) Mobile Safari")
        assert phone["Location"] == "/command/me/"
    if username == "officer":
        # The app opens on the officer's own site.
        page = client.get("/screening/officer/").content.decode()
        assert '"dutySite": null' not in page and '"dutySite": ' in page


def test_one_menu_entry_per_place_lit_where_one_is(demo: Any, db: Any) -> None:
    import re

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(request=HttpRequest(), username="commander", password=settings.DEMO_PASSWORD)
    for url in ("/command/", "/sites/map/", "/roster/"):
        page = client.get(url).content.decode()
        nav = page.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'href="([^"]+)"', nav)
        assert len(links) == len(set(links)), (url, links)
        assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [url], url
    # The header names the user family name first, as the staff record has it.
    assert "· 明 杨" not in page and "commander" not in nav


def test_error_pages_are_chinese_and_the_favicon_is_served(demo: Any, db: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(request=HttpRequest(), username="brigade", password=settings.DEMO_PASSWORD)
    missing = client.get("/sites/999999/")
    assert missing.status_code == 404
    body = missing.content.decode()
    assert "返回我的首页" in body and "Not Found" not in body
    citizen = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/r/000000-X/road/")
    assert citizen.status_code == 404 and "重新扫描" in citizen.content.decode()
    icon = client.get("/favicon.ico", follow=True)
    assert icon.status_code == 200
