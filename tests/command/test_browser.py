"""The dashboard in Debian's Chromium: charts and map drawn, figures refreshed in place from
the API when checks arrive, the wall display and the phone view."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.gunicorn import ROOT, chromium, logged_in_page, seeded_server, server_env
from tests.command.browser_seed import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The server's URL, and its environment for adding checks while it runs."""
    data_dir = tmp_path_factory.mktemp("fangkong-command")
    with seeded_server(data_dir, "tests.command.browser_seed") as url:
        yield url, server_env(data_dir)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def screenshot(page: Any, name: str) -> None:
    """Saved where FANGKONG_SCREENSHOTS points, for a person to look at."""
    folder = os.environ.get("FANGKONG_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/command-{name}.png", full_page=True)


def _page(browser: Any, url: str, **options: Any) -> Any:
    return logged_in_page(browser, url, "commander", PASSWORD, next_url="/command/", **options)


def test_dashboard_draws_and_refreshes_without_reload(browser: Any, server: Any) -> None:
    url, env = server
    page = _page(browser, url, viewport={"width": 1440, "height": 900})
    page.goto("/command/?refresh=1")
    assert page.text_content("#kpi-today") == "5"
    page.wait_for_selector("#chart-hourly canvas")
    page.wait_for_selector("#chart-outcomes canvas")
    assert page.locator("#command-map path.site-marker").count() == 3
    assert "甘州大队" in page.text_content("#units-table")
    page.evaluate("window.notReloaded = true")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import tests.command.browser_seed as s; s.add_checks('B2', 4)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    page.wait_for_function("() => document.getElementById('kpi-today').textContent === '9'")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "dashboard")
    page.locator("#command-map path.site-marker").first.click(force=True)
    page.wait_for_url("**/sites/*/")
    assert page.errors == []


# The wall's panels that must be on the screen, whole: charts, the map, the lists, the units.
WALL_PANELS = (
    ".kpis",
    "#chart-hourly",
    "#chart-outcomes",
    "#chart-origins",
    "#chart-trends",
    "#command-map",
    "#quiet-list",
    "#understaffed-list",
    "#supplies-card",
    "#duty-card",
    "#units-table",
)


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_wall_display_fits_the_screen(browser: Any, server: Any, width: int, height: int) -> None:
    url, _env = server
    page = _page(browser, url, viewport={"width": width, "height": height})
    page.goto("/command/?wall=1")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(6, 22, 39)"
    assert page.locator(".topbar").is_hidden()
    page.wait_for_selector("#chart-hourly canvas")
    page.wait_for_selector("#duty-card h2")
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in WALL_PANELS:
        box = page.locator(selector).bounding_box()
        assert box and box["height"] > 40, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, selector
    # The map is drawn, not blank: every site's marker inside the visible map.
    map_box = page.locator("#command-map").bounding_box()
    assert map_box and map_box["height"] > height / 4
    markers = page.locator("#command-map path.site-marker")
    assert markers.count() == 3
    for i in range(3):
        marker = markers.nth(i).bounding_box()
        assert marker and map_box["y"] <= marker["y"] <= map_box["y"] + map_box["height"]
    # The type grows with the screen.
    title = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert title >= (40 if height > 2000 else 20)
    screenshot(page, f"wall-{width}")
    assert page.errors == []


def test_phone_view_fits(browser: Any, server: Any) -> None:
    url, _env = server
    phone = _page(browser, url, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto("/command/me/")
    assert "今日查验人数" in phone.text_content("main")
    screenshot(phone, "me")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert phone.errors == []
