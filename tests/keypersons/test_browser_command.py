"""Key persons on the command view and the checkpoint follow-through, in Debian's Chromium
against the production server: the map's community layer draws a marker per placed community
with a tooltip built as DOM nodes, and a 劝返 check's destination and confirmation are recorded
on a phone. With ``FANGKONG_SHOTS=<dir>`` the pages are also saved as screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.gunicorn import chromium, running_gunicorn, server_env, set_up
from tests.keypersons.browser_seed import PASSWORD
from tests.keypersons.command_seed import HOSTILE_STATION

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = os.environ.get("FANGKONG_SHOTS", "")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("fangkong-kp-command")
    env = server_env(data_dir)
    set_up(env, "tests.keypersons.command_seed")
    with running_gunicorn(env, data_dir / "gunicorn.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _page(browser: Any, url: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(
        base_url=url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _hover_tooltip(page: Any, selector: str) -> Any:
    """Hover until the tooltip shows: on a loaded machine the map may still be fitting its
    bounds when the pointer first arrives, and the marker moves from under it."""
    for _attempt in range(5):
        page.mouse.move(0, 0)
        page.locator(selector).hover(force=True)
        try:
            return page.wait_for_selector(".leaflet-tooltip", timeout=3000)
        except PlaywrightTimeout:
            continue
    return page.wait_for_selector(".leaflet-tooltip", timeout=3000)


def test_map_draws_the_community_layer(browser: Any, server: str) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = _page(browser, server, viewport)
        errors: list[str] = []
        page.on("pageerror", lambda error, seen=errors: seen.append(str(error)))
        page.goto("/command/")
        # One community is placed on the map, the other is not: one marker, coloured by the
        # abnormal follow-up of the day.
        page.wait_for_selector("path.community-marker")
        assert page.locator("path.community-marker").count() == 1
        assert page.locator("path.community-marker.state-abnormal").count() == 1
        assert page.locator(".leaflet-control-layers-overlays label").count() == 2
        tooltip = _hover_tooltip(page, "path.community-marker")
        assert "交通巷社区" in tooltip.inner_text() and "3" in tooltip.inner_text()
        assert HOSTILE_STATION in tooltip.inner_text()  # shown as text, not markup
        assert tooltip.query_selector("img") is None
        assert page.evaluate("window.__xss") is None
        assert errors == []
        page.locator("#command-map").scroll_into_view_if_needed()
        _shot(page, f"command-map-{name}")
        page.context.close()


def test_return_recorded_and_confirmed_on_a_phone(browser: Any, server: str) -> None:
    page = _page(browser, server, PHONE)
    page.goto("/keypersons/candidates/")
    _shot(page, "candidates-phone")
    page.click("#kp-candidates a:has-text('登记劝返去向')")
    page.fill("#id_destination", "酒泉市肃州区")
    page.click("#kp-return form button[type=submit]")
    page.wait_for_selector("#kp-confirm-form")
    page.select_option("#id_state", "left")
    page.select_option("#id_how", "exit_checkpoint")
    page.click("#kp-confirm-form button[type=submit]")
    page.wait_for_selector("#kp-confirmed")
    assert "已离开本州市" in page.inner_text("#kp-return-state")
    _shot(page, "check-return-phone")
    desktop = _page(browser, server, DESKTOP)
    desktop.goto("/keypersons/candidates/")
    assert "酒泉市肃州区" in desktop.inner_text("#kp-candidates")
    # A list's match on a registration waits beside the checks, saying where it came from.
    listed = desktop.locator("#kp-candidates tr", has_text="名单比中")
    assert "登记 · 甘州东收费站" in listed.inner_text()
    _shot(desktop, "candidates-desktop")
    desktop.click("#kp-candidates a:has-text('登记移交')")
    _shot(desktop, "check-handover-desktop")
    page.context.close()
    desktop.context.close()
