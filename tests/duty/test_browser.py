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

from tests.browser.gunicorn import chromium, logged_in_page, seeded_server
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
    with seeded_server(
        data_dir, "tests.duty.browser_seed", FANGKONG_DUTY_GRACE_MINUTES=GRACE_MINUTES
    ) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def page_for(browser: Any, url: str, username: str, **options: Any) -> Any:
    return logged_in_page(browser, url, username, PASSWORD, next_url="/duty/", **options)


def phone_at(browser: Any, url: str, username: str, place: dict[str, float]) -> Any:
    """The officer's phone, its position at ``place``."""
    position = {"latitude": place["lat"], "longitude": place["lng"]}
    return page_for(
        browser, url, username, viewport=PHONE, has_touch=True, geolocation=position,
        permissions=["geolocation"],
    )  # fmt: skip


def wait_for_outbox(page: Any, count: int) -> None:
    """Until the page's outbox shows ``count`` sign-ins waiting to be sent."""
    shown = "document.getElementById('duty-outbox-count').textContent"
    page.wait_for_function(f"() => {shown} === '{count}'")


def back_online(page: Any) -> None:
    """The signal is back: the outbox empties, and syncing again sends nothing twice."""
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_for_outbox(page, 0)
    page.click("#duty-sync")


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
    alice = phone_at(browser, server, "alice", SITE)
    leader.goto("/duty/")
    rows = leader.locator("#attendance tr[data-state]")
    assert rows.count() == 2
    assert leader.locator("#attendance tr[data-state=absent]").count() == 2

    alice.goto("/duty/post/")
    alice.wait_for_function("() => window.FangkongDuty && window.FangkongDuty.store()")
    alice.context.set_offline(True)
    alice.click("#duty-in")
    count = alice.get_by_test_id("duty-outbox-count")
    wait_for_outbox(alice, 1)
    time.sleep(1)  # a sync attempt while offline keeps it
    assert count.inner_text() == "1"

    back_online(alice)
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
    dave = phone_at(browser, server, "dave", OTHER_SITE)
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
    wait_for_outbox(dave, 1)

    back_online(dave)
    stored = dave.request.get("/api/v1/duty/signins").json()
    assert [(s["staff_name"], s["site_name"], s["flag"]) for s in stored] == [
        ("孙警官", "G30临泽收费站", "")
    ]
    assert dave.errors == []
