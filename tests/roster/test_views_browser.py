"""The roster calendar in a real Chromium, against the production server of
``tests/browser/conftest.py`` (this module starts its own instance of it)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

# The browser fixtures live in tests/browser/conftest.py, which only that folder sees.
from tests.browser.conftest import PHONE, Server, browser, new_page, server  # noqa: F401
from tests.browser.gunicorn import ROOT, server_env
from tests.browser.seed import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def worker(server: Server) -> Iterator[subprocess.Popen[bytes]]:  # noqa: F811
    """The job worker beside the server, as `make demo` runs it."""
    env = server_env(server.data_dir, FANGKONG_MAP_TILES="none")
    command = [sys.executable, "manage.py", "jobs_worker", "--no-reload", "--interval", "0.2"]
    with (server.data_dir / "worker.log").open("wb") as log:
        process = subprocess.Popen(
            [*command, "--no-startup-delay"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def log_in(page: Any, username: str, then: str) -> None:
    """Log in straight to ``then`` (the default landing page, the map, is not needed)."""
    page.goto(f"/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")  # not the language switch in the top bar
    page.wait_for_url(lambda url: "/accounts/login/" not in url, wait_until="domcontentloaded")
    assert page.url.endswith(then)


def test_make_publish_and_read_a_roster(
    browser: Any,  # noqa: F811
    server: Server,  # noqa: F811
    worker: subprocess.Popen[bytes],
) -> None:
    page = new_page(browser, server)
    log_in(page, "brigade", "/roster/new/")
    assert page.locator("main h1").inner_text() == "编排排班"
    page.fill("#id_days", "2")
    page.fill("#id_time_limit_s", "3")
    started = time.monotonic()
    page.click("main button[type=submit]")
    # The page returns at once with the job started, and shows the solve as it runs.
    page.wait_for_selector(".job-progress", timeout=5_000)
    assert time.monotonic() - started < 3, "the page waited for the solve"
    assert "/jobs/" in page.url
    # Then it goes on to the roster by itself (building and solving Ganzhou's 30 sites
    # takes a few seconds on a busy machine).
    page.wait_for_selector("#site-calendar, .job-error", timeout=60_000)
    assert page.locator(".job-error").count() == 0, page.locator("main").inner_text()
    assert page.locator(".errorlist, .error").count() == 0, page.locator("main").inner_text()
    header = page.locator("#site-calendar thead th")
    assert header.nth(0).inner_text() and header.count() == 2 + 2
    assert page.locator("#site-calendar tbody tr.leader-row").count() == 1
    # Ganzhou's 30 sites need far more people than its handful: shortages with reasons.
    first_gap = page.locator("ul.shortages li").first.inner_text()
    assert "缺" in first_gap and "原因" in first_gap
    # Above the calendar, a sentence says why, and what would help.
    explain = page.locator("#roster-explain").inner_text()
    assert "缺员" in explain and "可采取的措施" in explain, explain
    # Publishing a roster with gaps asks for the shortfall to be accepted first.
    page.click("text=发布")
    assert page.locator(".status-published").count() == 0
    page.check("input[name=accept_shortfall]")
    page.click("text=发布")
    page.wait_for_selector(".status-published")
    assert "确认接受" in page.locator("#roster-explain").inner_text()
    page.click("nav.roster-tabs >> text=按人员")
    page.wait_for_selector("#person-calendar")
    assert page.locator("#person-calendar tbody tr").count() >= 1
    assert page.errors == []
    page.context.close()

    phone = new_page(browser, server, viewport=PHONE)
    log_in(phone, "brigade", "/roster/me/")
    assert phone.locator("main h1").inner_text() == "我的勤务"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, "the phone page scrolls sideways"
    assert phone.errors == []
    phone.context.close()


def test_the_person_picker_finds_people_by_name_badge_or_unit(
    browser: Any,  # noqa: F811
    server: Server,  # noqa: F811
) -> None:
    page = new_page(browser, server)
    log_in(page, "brigade", "/roster/leave/")
    picker = page.locator("#id_staff")
    options = picker.locator("option:not([value=''])")
    total = options.count()
    assert total >= 2
    first = options.nth(0).inner_text()  # "name · badge · unit"
    name, badge, unit = first.split(" · ")
    page.fill("[data-picker-search]", badge)
    assert picker.input_value() == options.nth(0).get_attribute("value")  # the only match
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('#id_staff option')).filter(o => !o.hidden).length"
    )
    assert visible <= 2  # the match (and the empty choice)
    page.fill("[data-picker-search]", unit)
    assert page.locator("[data-picker-none]").is_hidden()
    page.fill("[data-picker-search]", "无此人zzz")
    assert page.locator("[data-picker-none]").is_visible()
    assert page.errors == []
    page.context.close()
