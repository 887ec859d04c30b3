"""The site pages in a real Chromium against the production server of ``conftest.py``."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from fangkong.lib.coords import wgs84_to_gcj02
from tests.browser.conftest import PHONE, Server, log_in, new_page
from tests.browser.seed import COUNTS

pytestmark = pytest.mark.browser

LOADED = "window.fangkongMap && window.fangkongMap.loaded"


def _open_map(page: Any, query: str = "") -> int:
    page.goto("/sites/map/" + query)
    page.wait_for_function(f"() => {LOADED}")
    assert page.evaluate("window.fangkongMap.error") is None
    return int(page.evaluate("window.fangkongMap.markerCount()"))


def _png(path: Path, colour: tuple[int, int, int]) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), colour).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_log_in_in_chinese_and_see_every_site_on_the_map(
    browser: Any, server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = new_page(browser, server)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert re.search(r"[\u4e00-\u9fff]", page.locator("h1").inner_text())
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    log_in(page, "commander")
    assert page.url.endswith("/command/")  # the commander lands on the dashboard
    page.goto("/sites/map/")
    page.wait_for_function(f"() => {LOADED}")
    assert page.locator("h1").inner_text().startswith("防控点地图")
    assert page.evaluate("window.fangkongMap.markerCount()") == COUNTS["commander"]
    assert page.evaluate("window.fangkongMap.tiles") == "none"
    # The county outline is drawn and named even without tiles.
    page.wait_for_selector(".county-label >> text=甘州区")
    assert page.locator(".leaflet-outline-pane path, .leaflet-pane path").count() >= 7
    shot = tmp_path_factory.mktemp("screenshots") / "map-commander.png"
    page.screenshot(path=str(shot))
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 200, "the map screenshot looks blank"
    # The GCJ-02 shift used with AMap tiles gives what the Python port gives.
    for lng, lat in [(100.45, 38.93), (99.9, 39.5), (116.39, 39.91)]:
        js = page.evaluate(f"window.fangkongCoords.wgs84ToGcj02({lng}, {lat})")
        assert js == pytest.approx(list(wgs84_to_gcj02(lng, lat)), abs=1e-9)
        back = page.evaluate(f"window.fangkongCoords.gcj02ToWgs84({js[0]}, {js[1]})")
        assert back == pytest.approx([lng, lat], abs=1e-7)
    # Nothing is fetched from anywhere but our own server: no CDN, no tiles.
    assert requested and all(url.startswith(server.url) for url in requested), requested
    assert page.errors == []
    page.context.close()


def test_brigade_sees_only_its_sites_and_filters_them(page_as: Any, server: Server) -> None:
    page = page_as("brigade")
    assert _open_map(page) == COUNTS["brigade"]
    # Filtering by the squad reloads the markers and keeps the filter in the address.
    squad = page.locator("select[name=unit] option", has_text="甘州一中队").get_attribute("value")
    page.select_option("select[name=unit]", squad)
    page.wait_for_function(f"() => {LOADED} && window.fangkongMap.markerCount() === 10")
    assert "unit=" in page.url
    page.select_option("select[name=status]", "suspended")
    page.wait_for_function(f"() => {LOADED} && window.fangkongMap.markerCount() === 1")
    # A popup has the site's facts and a link to its page.
    # zoomToShowLayer waits for the cluster to unfold; a popup opened during the
    # zoom animation is closed again when the cluster redraws.
    page.evaluate(
        """() => new Promise((done) => {
          const groups = [];
          window.fangkongMap.map.eachLayer((l) => { if (l.zoomToShowLayer) groups.push(l); });
          const marker = groups[0].getLayers()[0];
          groups[0].zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
        })"""
    )
    popup = page.locator(".site-popup")
    popup.wait_for()
    assert "配属警力" in popup.inner_text()
    assert "暂停" in popup.inner_text()
    # Follow the link by its address: a click can land while the map still pans the popup
    # into view, and a click on the map closes the popup instead (seen on a loaded CI).
    link = popup.locator("a.more").get_attribute("href")
    assert link is not None and re.fullmatch(r"/sites/\d+/", link), link
    page.goto(link)
    assert "GZ1-009" in page.locator("h1").inner_text()


def test_switch_to_english(page_as: Any) -> None:
    page = page_as("linze")
    assert _open_map(page) == COUNTS["linze"]
    page.goto("/sites/")
    assert page.locator("h1").inner_text() == "防控点（卡口）"
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Checkpoints and sites"
    assert page.locator("th", has_text="Responsible unit").count() == 1
    assert page.locator("select[name=status] option").all_inner_texts() == [
        "All statuses",
        "Open",
        "Suspended",
        "Closed",
    ]


def test_open_a_site_from_the_list(page_as: Any) -> None:
    page = page_as("brigade")
    page.goto("/sites/")
    assert page.locator("table.sites tbody tr").count() == COUNTS["brigade"]
    assert page.get_by_text("LZ-001").count() == 0
    # The filters swap the table in place (HTMX) and keep the choice in the address.
    page.evaluate("window.__same_page = true")
    page.select_option("select[name=status]", "suspended")
    page.wait_for_function("() => document.querySelectorAll('table.sites tbody tr').length === 3")
    assert "status=suspended" in page.url
    assert page.evaluate("window.__same_page") is True
    link = page.locator("table.sites tbody tr").first.locator("a")
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/sites/\d+/$"))
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator("#site-map .site-marker").count() == 1
    phones = page.locator("#site-staff td.mono").all_inner_texts()
    assert all(re.fullmatch(r"\d{3}\*{4}\d{4}|", p) for p in phones[1::2]), phones


def test_add_a_site_with_a_photo(page_as: Any, tmp_path: Path) -> None:
    page = page_as("jiuquan")
    page.goto("/sites/")
    page.click("a.button.primary")
    page.wait_for_url("**/sites/new/")
    page.fill("[name=code]", "JQ-T-001")
    page.fill("[name=name]", "酒泉测试收费站")
    page.select_option("[name=kind]", "toll_station")
    # Pick the coordinates on the map: the picker fills both inputs with WGS-84.
    page.wait_for_function("() => window.fangkongMap && window.fangkongMap.map")
    page.locator("#picker").click(position={"x": 420, "y": 150})
    lng = float(page.input_value("[name=lng]"))
    lat = float(page.input_value("[name=lat]"))
    assert 95 < lng < 105 and 35 < lat < 42
    page.fill("[name=division_code]", "620702")
    page.wait_for_selector("#division-name >> text=甘州区")
    page.fill("[name=lanes]", "3")
    page.check("text=孙小红")
    page.set_input_files("[name=photo]", str(_png(tmp_path / "site.png", (200, 80, 40))))
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/sites/\d+/$"))
    assert "酒泉测试收费站" in page.locator("h1").inner_text()
    assert page.locator("#site-photos .gallery img").count() == 1
    assert "139****4321" in page.locator("#site-staff").inner_text()
    assert "13987654321" not in page.content()
    # A second photo through the gallery's own form, swapped in by HTMX without a reload.
    page.evaluate("window.__same_page = true")
    page.set_input_files("#site-photos [name=photo]", str(_png(tmp_path / "b.png", (10, 90, 200))))
    page.fill("#site-photos [name=caption]", "夜间")
    page.click("#site-photos button[type=submit]")
    page.wait_for_function(
        "() => document.querySelectorAll('#site-photos .gallery img').length === 2"
    )
    assert page.evaluate("window.__same_page") is True
    full = page.locator("#site-photos .gallery a").first.get_attribute("href")
    assert full is not None and page.request.get(full).ok


def test_site_pages_fit_a_phone(page_as: Any) -> None:
    page = page_as("brigade", viewport=PHONE)
    assert _open_map(page) == COUNTS["brigade"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("#sites-map").bounding_box()
    assert box is not None and box["width"] >= 380 and box["height"] >= 400
    for path in ["/sites/", "/sites/1/", "/sites/new/"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    page.goto("/sites/1/")
    button = page.locator("#site-status button[type=submit]").bounding_box()
    assert button is not None and button["width"] > 300  # full-width, easy to tap
