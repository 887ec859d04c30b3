"""Key persons on a phone, in Debian's Chromium against the production server: the grid
worker records a follow-up without a connection, it waits on the phone and is sent once when
the connection comes back; the person reports through their own link without an account."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.gunicorn import ROOT, chromium, running_gunicorn, server_env, set_up
from tests.keypersons.browser_seed import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("fangkong-keypersons")
    env = server_env(data_dir)
    set_up(env, "tests.keypersons.browser_seed")
    with running_gunicorn(env, data_dir / "gunicorn.log") as url:
        yield url, data_dir


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _context(browser: Any, url: str) -> Any:
    context = browser.new_context(
        base_url=url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, has_touch=True
    )
    context.set_default_timeout(15_000)
    return context


def test_followup_recorded_offline_syncs_once(browser: Any, server: tuple[str, Path]) -> None:
    context = _context(browser, server[0])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/?next=/keypersons/today/")
    page.fill("#id_username", "grid")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/keypersons/today/")
    page.wait_for_selector("body[data-ready=yes]")
    assert "王*明" in page.inner_text("#due")

    context.set_offline(True)
    page.fill("form.followup input[name=temperature]", "36.6")
    page.click("form.followup button[type=submit]")
    page.wait_for_function(
        "() => document.getElementById('sync-status').dataset.waitingCount === '1'"
    )
    assert "待上传" in page.inner_text("#sync-status")

    context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('sync-status').dataset.waitingCount === '0'",
        timeout=20_000,
    )
    page.wait_for_timeout(1000)  # a second send, had there been one, would have landed by now
    episodes = page.request.get("/api/v1/keypersons").json()
    followups = page.request.get(f"/api/v1/keypersons/{episodes[0]['id']}/followups").json()
    assert len(followups) == 1 and followups[0]["temperature"] == "36.6"
    page.reload()
    assert "已随访" in page.inner_text("#due")
    assert errors == []
    context.close()


def test_person_reports_through_their_link(browser: Any, server: tuple[str, Path]) -> None:
    url, data_dir = server
    token = (data_dir / "selfreport.txt").read_text().strip()
    context = _context(browser, url)
    page = context.new_page()
    page.goto(f"/keypersons/s/{token}/")
    assert "每日健康申报" in page.inner_text("h1")
    page.fill("input[name=temperature]", "37.9")
    page.check("input[value=cough]")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#done").count() == 1, page.inner_text("body")
    page.goto("/keypersons/s/not-a-token/")
    assert page.locator("#expired").count() == 1
    context.close()


def test_the_days_page_opens_without_a_connection(browser: Any, server: tuple[str, Path]) -> None:
    """The service worker keeps the grid worker's day: once opened with signal, the page
    (and its outbox) opens again with none."""
    context = _context(browser, server[0])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/?next=/keypersons/today/")
    page.fill("#id_username", "grid")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/keypersons/today/")
    page.wait_for_selector("body[data-ready=yes]")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    assert "王*明" in page.inner_text("#due")
    assert page.evaluate("fetch('/healthz').then(() => 'online', () => 'offline')") == "offline"
    assert errors == []
    context.close()


def test_missing_followup_is_on_the_community_officers_list_next_morning(
    browser: Any, server: tuple[str, Path]
) -> None:
    """The end-of-day check runs as the deployment runs it (the management command, for
    yesterday); the next morning the community officer opens their day on a phone and finds
    the outsider whom nobody visited yesterday on their list."""
    url, data_dir = server
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    flagged = subprocess.run(
        [sys.executable, "manage.py", "keypersons_flag", "--day", yesterday],
        cwd=ROOT, env=server_env(data_dir), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(flagged.stdout.strip().splitlines()[-1])["missing"] >= 1, flagged.stdout
    context = _context(browser, url)
    page = _login(context, "community", "/keypersons/today/")
    page.wait_for_selector("body[data-ready=yes]")
    tasks = page.inner_text("#tasks")
    assert "随访缺失" in tasks and "赵*红" in tasks, tasks
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.close()


def _login(context: Any, username: str, next_url: str) -> Any:
    page = context.new_page()
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_url}")
    return page


NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize(
    "path", ["/keypersons/", "/keypersons/floating/", "/keypersons/sealed/", "/grid/import/"]
)
def test_key_person_pages_fit_a_phone(browser: Any, server: tuple[str, Path], path: str) -> None:
    """No page of the key-person work scrolls sideways on a phone: a wide table scrolls
    inside its own box."""
    context = _context(browser, server[0])
    page = _login(context, "root", path)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.close()


def test_candidate_queue_reads_on_a_phone(browser: Any, server: tuple[str, Path]) -> None:
    """The review queue on a phone: one card a check, the page never scrolls sideways, the
    outcome label 移交卫健 on one line (squeezed into a table column it stood one character a
    line), and the handover names the officer who recorded it by name and badge number."""
    context = _context(browser, server[0])
    page = _login(context, "root", "/keypersons/candidates/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    labels = page.locator("#kp-candidates .outcome")
    assert labels.count() == 3
    for i in range(labels.count()):
        label = labels.nth(i)
        line = float(label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        box = label.bounding_box()
        assert box is not None and box["height"] < 1.5 * line, label.inner_text()
    assert "移交卫健" in labels.all_inner_texts()
    cards = page.locator("#kp-candidates tbody tr")
    assert all(row["width"] <= 390 for row in map(lambda r: r.bounding_box(), cards.all()))
    page.click("#kp-candidates a:has-text('甘州区人民医院发热门诊')")
    page.wait_for_selector("#kp-handover-by")
    assert page.inner_text("#kp-handover-by") == "赵建国 (B7023)"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.close()


# Every row form of the day's page: its display, background and border widths.
ROW_FORMS = """() => [...document.querySelectorAll('#doors form, #verify form')].map(f => {
  const s = getComputedStyle(f);
  return [s.display, s.backgroundColor, s.borderTopWidth, s.borderLeftWidth].join(' ');
})"""


def test_door_visits_are_plain_rows_on_a_phone(browser: Any, server: tuple[str, Path]) -> None:
    """A door's visit form is a row of its own, not core's boxed form.inline: made to flow
    with the address as an inline box, that box broke into faint fragments around the text
    and the button on a phone. Once saved offline, the door says so and its form goes."""
    context = _context(browser, server[0])
    page = _login(context, "grid", "/keypersons/today/")
    page.wait_for_selector("body[data-ready=yes]")
    forms = page.evaluate(ROW_FORMS)
    assert forms and all(f == "flex rgba(0, 0, 0, 0) 0px 0px" for f in forms), forms
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    context.set_offline(True)
    door = page.locator("#doors li").first
    door.locator("button").click()
    page.wait_for_function(
        "() => document.getElementById('sync-status').dataset.waitingCount === '1'"
    )
    assert door.locator(".badge").inner_text() == "已保存"
    assert not door.locator("form").is_visible()
    context.set_offline(False)
    context.close()
