"""Every name and free-text field holds markup that runs script if it reaches HTML (see
``hostile_seed.py``); each demo login opens the pages that draw them (maps, charts, tooltips,
popups, the officer app), hovers markers and chart items so that tooltips render, and the test
fails on any dialog, on ``window.__xss`` being set, on an element carrying an ``on*``
attribute, and on any Content-Security-Policy violation."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import DESKTOP, PHONE, Server, _data_dir, new_page
from tests.browser.gunicorn import CHROMIUM, CHROMIUM_ARGS, running_gunicorn, server_env, set_up

pytestmark = pytest.mark.browser

# Installed before any script of every page: records policy violations as they happen.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = e.sourceFile + ':' + e.lineNumber;
  window.__violations.push([e.violatedDirective, e.blockedURI, e.sample, where].join(' '));
});
"""
# Elements with an event-handler attribute: none of ours has one, so any is injected markup.
HANDLERS = """
[...document.querySelectorAll('*')]
  .filter((el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on')))
  .map((el) => el.outerHTML.slice(0, 120))
"""
MAP_READY = "window.fangkongMap && window.fangkongMap.loaded"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    data_dir = _data_dir()
    env = server_env(data_dir, FANGKONG_MAP_TILES="none")
    try:
        set_up(env, "tests.browser.hostile_seed")
        with running_gunicorn(env, data_dir / "gunicorn.log") as url:
            yield Server(url=url, data_dir=data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium with a fake camera, so that the officer's QR scanner starts."""
    from playwright.sync_api import sync_playwright

    fake_camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *fake_camera]
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def facts(server: Server) -> dict[str, Any]:
    return json.loads((server.data_dir / "hostile.json").read_text())


class Visit:
    """One login's browser page, with what each page it opened let through."""

    def __init__(self, browser: Any, server: Server, username: str, viewport: dict[str, int]):
        self.page = new_page(browser, server, viewport=viewport)
        self.page.context.add_init_script(WATCH)
        self.problems: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("console", self._on_console)
        if username:
            self.log_in(username)

    def log_in(self, username: str) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", settings.DEMO_PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def _on_dialog(self, dialog: Any) -> None:
        self.problems.append(f"{self.page.url}: dialog {dialog.message!r}")
        dialog.dismiss()

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"{self.page.url}: console {message.text}")

    def open(self, path: str, ready: str | None = None) -> Any:
        self.page.goto(path)
        if ready:
            self.page.wait_for_function(f"() => {ready}")
        return self.page

    def hover_all(self, selector: str, limit: int = 6) -> None:
        """Hovers up to ``limit`` of the elements in view (markers, so that tooltips open)."""
        self.page.locator(selector).first.scroll_into_view_if_needed()
        size = self.page.viewport_size
        hovered = 0
        for item in self.page.locator(selector).all():
            box = item.bounding_box()
            if hovered == limit or box is None:
                continue
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            if 0 <= x < size["width"] and 0 <= y < size["height"]:
                self.page.mouse.move(x, y)
                self.page.wait_for_timeout(50)
                hovered += 1
        assert hovered, f"nothing to hover: {selector}"

    def sweep(self, selector: str, steps: int = 12) -> None:
        """Moves the mouse across an element (a chart's canvas) so its tooltips render."""
        self.page.locator(selector).first.scroll_into_view_if_needed()
        box = self.page.locator(selector).first.bounding_box()
        assert box is not None, selector
        for row in (0.35, 0.5, 0.65):
            for n in range(1, steps):
                x = box["x"] + box["width"] * n / steps
                self.page.mouse.move(x, box["y"] + box["height"] * row)
                self.page.wait_for_timeout(15)

    def check(self) -> None:
        """Records what the page in front let through."""
        page = self.page
        page.wait_for_timeout(100)
        url = page.url
        xss = page.evaluate("window.__xss")
        if xss:
            self.problems.append(f"{url}: script ran from {xss!r}")
        for element in page.evaluate(HANDLERS):
            self.problems.append(f"{url}: injected element {element}")
        for violation in page.evaluate("window.__violations"):
            self.problems.append(f"{url}: CSP violation {violation}")
        self.problems.extend(f"{url}: page error {error}" for error in page.errors)
        page.errors.clear()

    def finish(self) -> None:
        problems = list(dict.fromkeys(self.problems))
        assert problems == [], "\n".join(problems)


@pytest.fixture
def visit(browser: Any, server: Server) -> Iterator[Any]:
    opened: list[Visit] = []

    def start(username: str, viewport: dict[str, int] = DESKTOP) -> Visit:
        opened.append(Visit(browser, server, username, viewport))
        return opened[-1]

    yield start
    for one in opened:
        one.page.context.close()


def dashboard(v: Visit, query: str = "") -> None:
    v.open("/command/" + query)
    v.page.wait_for_selector("#chart-outcomes canvas")
    v.page.wait_for_selector("#command-map path.site-marker")
    v.hover_all("#command-map path.site-marker")
    # The tooltip was drawn, and holds the hostile name as text.
    assert "onerror=" in v.page.locator(".leaflet-tooltip").last.text_content()
    for chart in ("#chart-hourly", "#chart-outcomes", "#chart-origins", "#chart-trends"):
        v.sweep(chart)
        assert v.page.locator(f"{chart} .chart-tip").count(), f"no tooltip on {chart}"
    v.check()


def test_commander(visit: Any, facts: dict[str, Any]) -> None:
    v = visit("commander")
    dashboard(v)
    v.open("/sites/map/", MAP_READY)
    v.page.evaluate(
        """() => new Promise((done) => {
          const groups = [];
          window.fangkongMap.map.eachLayer((l) => { if (l.zoomToShowLayer) groups.push(l); });
          const marker = groups[0].getLayers()[0];
          groups[0].zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
        })"""
    )
    assert "onerror=" in v.page.locator(".site-popup").text_content()
    v.hover_all(".leaflet-marker-icon.site-marker")
    v.check()
    for path in (
        f"/sites/{facts['officer_site']}/",
        "/sites/",
        f"/screening/checks/{facts['check_id']}/",
        "/screening/policy/",
        f"/passes/{facts['pass_id']}/",
        "/passes/",
        "/org/units/",
        "/command/reports/",
        facts["report"],
    ):
        v.open(path)
        v.check()
    v.finish()


def test_brigade_leader(visit: Any, facts: dict[str, Any]) -> None:
    v = visit("brigade")
    dashboard(v)
    v.open(f"/roster/staffing/{facts['officer_site']}/")
    v.page.wait_for_selector("#staffing-chart canvas")
    v.sweep("#staffing-chart")
    assert v.page.locator("#staffing-chart .chart-tip").count()
    v.check()
    v.open(f"/sites/{facts['officer_site']}/edit/", MAP_READY)
    v.hover_all(".leaflet-marker-icon.site-marker")
    v.check()
    for path in ("/roster/leave/", "/roster/", "/passes/"):
        v.open(path)
        v.check()
    v.finish()


def test_officer(visit: Any, facts: dict[str, Any]) -> None:
    v = visit("officer", PHONE)
    page = v.open("/screening/officer/", "document.body.dataset.ready === 'yes'")
    page.select_option("#site", str(facts["officer_site"]))
    page.fill("#q", facts["short_code"])
    page.click("#search button[type=submit]")
    page.wait_for_selector("article.person")
    v.check()
    # The QR scanner (its decoder runs in a worker made from a blob: URL) on a fake camera.
    page.reload()
    page.wait_for_function("() => document.body.dataset.ready === 'yes'")
    page.click("#scan-button")
    page.wait_for_function("() => document.getElementById('video').readyState >= 2")
    page.wait_for_selector(".scan-frame", state="visible")
    page.wait_for_timeout(500)
    v.check()
    page.click("#scan-stop")
    for path in ("/roster/me/", "/command/me/"):
        v.open(path)
        v.check()
    v.finish()


def test_analyst(visit: Any, facts: dict[str, Any]) -> None:
    v = visit("analyst")
    dashboard(v, "?wall=1")
    for path in ("/screening/policy/", "/command/reports/", facts["report"], "/org/units/"):
        v.open(path)
        v.check()
    v.finish()


def test_citizen(visit: Any, facts: dict[str, Any]) -> None:
    v = visit("", PHONE)
    page = v.open(f"/r/{facts['site_code']}/{facts['kind']}/")
    for button in page.locator("button.add").all():
        button.click()
    v.check()
    for path in (
        f"/r/pass/{facts['pass_token']}/",
        "/passes/apply/",
        f"/passes/status/{facts['vehicle_pass_token']}/",
    ):
        v.open(path)
        v.check()
    v.finish()
