"""Sign-in at the post on a phone, in Debian's Chromium against the production server: the
officer signs in offline, the sign-in syncs once when the signal is back, and the duty
leader sees the other officer's absence within one refresh."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.gunicorn import chromium, running_gunicorn, server_env, set_up
from tests.duty.browser_seed import OTHER_SITE, PASSWORD, SITE

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# The server counts a duty absent as soon as its shift starts (no grace), so that the test
# need not wait out the grace in the first minutes of a shift (00:00, 08:00, 16:00); a minute
# clear of the start keeps the seed's rosters and the page on the same shift.
GRACE_MINUTES = "0"
CLEAR_OF_SHIFT_START_MIN = 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("fangkong-duty")
    env = server_env(data_dir, FANGKONG_DUTY_GRACE_MINUTES=GRACE_MINUTES)
    set_up(env, "tests.duty.browser_seed")
    with running_gunicorn(env, data_dir / "gunicorn.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def page_for(browser: Any, url: str, username: str, **options: Any) -> Any:
    context = browser.new_context(
        base_url=url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto("/accounts/login/?next=/duty/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    return page


def _wait_past_shift_start() -> None:
    """Deterministic, not flaky: in the shift's first minute nobody is absent yet."""
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    into_shift = (now.hour % 8) * 60 + now.minute
    if into_shift < CLEAR_OF_SHIFT_START_MIN:
        time.sleep((CLEAR_OF_SHIFT_START_MIN - into_shift) * 60 - now.second + 5)


def test_offline_sign_in_syncs_once_and_the_leader_sees_the_absence(
    browser: Any, server: str
) -> None:
    _wait_past_shift_start()
    leader = page_for(browser, server, "leader", viewport={"width": 1280, "height": 800})
    alice = page_for(
        browser, server, "alice", viewport=PHONE, has_touch=True,
        geolocation={"latitude": SITE["lat"], "longitude": SITE["lng"]},
        permissions=["geolocation"],
    )  # fmt: skip
    leader.goto("/duty/")
    rows = leader.locator("#attendance tr[data-state]")
    assert rows.count() == 2
    assert leader.locator("#attendance tr[data-state=absent]").count() == 2

    alice.goto("/duty/post/")
    alice.wait_for_function("() => window.FangkongDuty && window.FangkongDuty.store()")
    alice.context.set_offline(True)
    alice.click("#duty-in")
    count = alice.get_by_test_id("duty-outbox-count")
    alice.wait_for_function(
        "() => document.getElementById('duty-outbox-count').textContent === '1'"
    )
    time.sleep(1)  # a sync attempt while offline keeps it
    assert count.inner_text() == "1"

    alice.context.set_offline(False)
    alice.evaluate("() => window.dispatchEvent(new Event('online'))")
    alice.wait_for_function(
        "() => document.getElementById('duty-outbox-count').textContent === '0'"
    )
    alice.click("#duty-sync")  # nothing left to send twice
    stored = alice.request.get("/api/v1/duty/signins").json()
    assert len(stored) == 1
    assert stored[0]["planned"] is True
    assert stored[0]["flag"] == ""

    leader.get_by_test_id("refresh").click()
    leader.wait_for_function(
        "() => document.querySelectorAll('#attendance tr[data-state=absent]').length === 1"
    )
    absent = leader.locator("#attendance tr[data-state=absent]")
    assert "赵警官" in absent.inner_text()
    # Alice came after the shift began: present, or late past the grace minutes.
    came = leader.locator("#attendance tr", has_text="李警官").get_attribute("data-state")
    assert came in ("present", "late")
    assert alice.errors == [] and leader.errors == []


def test_the_sign_in_page_opens_offline_and_a_sign_in_made_there_syncs_once(
    browser: Any, server: str
) -> None:
    dave = page_for(
        browser, server, "dave", viewport=PHONE, has_touch=True,
        geolocation={"latitude": OTHER_SITE["lat"], "longitude": OTHER_SITE["lng"]},
        permissions=["geolocation"],
    )  # fmt: skip
    dave.goto("/duty/post/")
    # The service worker has installed and cached the page; the page is now under its control.
    dave.evaluate("navigator.serviceWorker.ready.then(() => true)")
    dave.reload()
    dave.wait_for_function("() => navigator.serviceWorker.controller !== null")

    dave.context.set_offline(True)
    dave.reload()  # no network: the service worker serves the page and its scripts
    navigation = "performance.getEntriesByType('navigation')[0].deliveryType"
    assert dave.evaluate(navigation) == "cache-storage"
    assert dave.evaluate("fetch('/healthz').then(() => 'online', () => 'offline')") == "offline"
    dave.wait_for_function("() => window.FangkongDuty && window.FangkongDuty.store()")
    assert dave.locator("#duty-net").get_attribute("data-state") == "offline"
    dave.click("#duty-in")
    dave.wait_for_function("() => document.getElementById('duty-outbox-count').textContent === '1'")

    dave.context.set_offline(False)
    dave.evaluate("() => window.dispatchEvent(new Event('online'))")
    dave.wait_for_function("() => document.getElementById('duty-outbox-count').textContent === '0'")
    dave.click("#duty-sync")  # nothing left to send twice
    stored = dave.request.get("/api/v1/duty/signins").json()
    assert [(s["staff_name"], s["site_name"], s["flag"]) for s in stored] == [
        ("孙警官", "G30临泽收费站", "")
    ]
    assert dave.errors == []
