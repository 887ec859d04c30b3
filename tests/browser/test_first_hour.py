"""The first hour of every demo login, on a phone and on a desktop: log in, land where the
role works, then open every entry of the menu. Any 4xx/5xx answer (page or request), console
error, untranslated English on a Chinese page or sideways scrolling on a phone fails.

One server, seeded once with the demo prefecture (``first_hour_seed``)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from fangkong.demo.prefecture import LOGINS
from tests.browser.conftest import DESKTOP, PHONE, Server, _data_dir, new_page
from tests.browser.first_hour_seed import PASSWORD
from tests.browser.gunicorn import running_gunicorn, server_env, set_up

pytestmark = pytest.mark.browser

LANDINGS = {
    "commander": "/command/",
    "brigade": "/roster/",
    "officer": "/screening/officer/",
    "analyst": "/command/reports/",
}
# Two English words in a row on a Chinese page: a string that was not translated. Names of
# things that are English in Chinese too are allowed.
ENGLISH = re.compile(r"\b[A-Za-z]{3,}(?:[ \-][A-Za-z]{3,})+\b")
ALLOWED = ("Microsoft Excel",)
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    data_dir = _data_dir()
    env = server_env(data_dir, FANGKONG_MAP_TILES="none")
    try:
        set_up(env, "tests.browser.first_hour_seed")
        with running_gunicorn(env, data_dir / "gunicorn.log") as url:
            yield Server(url=url, data_dir=data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


class Watch:
    """What went wrong on a page: failed answers and console errors."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on("response", self._response)
        page.on("console", self._console)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")


def _log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _check_page(page: Any, watch: Watch, *, phone: bool) -> None:
    page.wait_for_load_state("networkidle")
    where = page.url
    assert not watch.problems, (where, watch.problems)
    assert page.locator("html").get_attribute("lang") == "zh-CN", where
    text = page.evaluate("document.body.innerText")
    english = [m for m in ENGLISH.findall(text) if m not in ALLOWED]
    assert not english, (where, english[:5])
    if phone:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (where, f"{overflow}px of sideways scrolling")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("username", LOGINS)
def test_first_hour(browser: Any, server: Server, username: str, viewport: dict[str, int]) -> None:
    phone = viewport is PHONE
    extra = {"is_mobile": True, "has_touch": True, "user_agent": PHONE_AGENT} if phone else {}
    page = new_page(browser, server, viewport=viewport, **extra)
    watch = Watch(page)
    _log_in(page, username)
    landing = LANDINGS[username]
    if username == "commander" and phone:
        landing = "/command/me/"
    assert page.url.startswith(server.url + landing), page.url  # reports: the latest one
    _check_page(page, watch, phone=phone)
    # The menu of a staff page (the officer's app has none of its own).
    if not page.locator("nav.mainnav").count():
        page.goto("/sites/")
    links = page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.pathname)")
    assert len(links) == len(set(links)) and links, links
    for path in links:
        page.goto(path)
        _check_page(page, watch, phone=phone)
    assert page.errors == [], page.errors
    page.context.close()
