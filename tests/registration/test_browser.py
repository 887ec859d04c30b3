"""A citizen on a phone: registering with a co-traveller, with and without JavaScript, and
tapping submit twice. Drives Debian's Chromium against a real gunicorn (see conftest.py)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from tests.registration.browser_seed import ROAD_SITE
from tests.registration.conftest import id_number

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(chromium: Any, registration_server: Any) -> Iterator[Any]:
    pages = []

    def open_page(*, javascript: bool = True) -> Any:
        context = chromium.new_context(
            base_url=registration_server.url,
            viewport=PHONE,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            java_script_enabled=javascript,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        assert page.errors == [], page.errors
        page.context.close()


def screenshot(page: Any, name: str) -> None:
    """Saved where FANGKONG_SCREENSHOTS points, for a person to look at."""
    folder = os.environ.get("FANGKONG_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/registration-{name}.png", full_page=True)


def fill_person(page: Any, n: int, *, name: str = "张三丰") -> None:
    page.fill("#f-name", name)
    page.fill("#f-doc_number", id_number(n))
    page.fill("#f-phone", f"139{n:08d}")
    page.check("input[name=role][value=driver]")
    page.fill("#f-plate", "甘G12345")
    page.fill("#f-destination", "张掖市甘州区")
    page.check("input[name=health_code][value=green]")


def fill_companion(page: Any, index: int, n: int, name: str) -> None:
    page.fill(f"#f-companions-{index}-name", name)
    page.fill(f"#f-companions-{index}-doc_number", id_number(n, birth="19851231"))
    page.select_option(f"#f-companions-{index}-health_code", "green")


def count_registrations(server: Any, submission_key: str) -> int:
    with sqlite3.connect(server.database) as db:
        row = db.execute(
            "SELECT count(*) FROM registration_registration WHERE submission_key = ?",
            (submission_key,),
        ).fetchone()
    return int(row[0])


def test_citizen_registers_with_co_travellers_and_gets_a_pass(phone_page, registration_server):
    page = phone_page()
    page.goto(f"/r/{ROAD_SITE}/road/")
    assert page.locator("h1").inner_text() == "道路卡口自助登记"
    transferred = page.evaluate(
        """() => performance.getEntriesByType('navigation')
              .concat(performance.getEntriesByType('resource'))
              .reduce((sum, e) => sum + e.transferSize, 0)"""
    )
    assert 0 < transferred <= 30 * 1024
    fill_person(page, 501)
    fill_companion(page, 0, 502, "李四")
    # The script adds a row in place, without a round trip.
    page.click("button.add[value=companions]")
    fill_companion(page, 1, 503, "王五")
    assert page.locator("input[name=companions-rows]").input_value() == "2"
    # The division picker: province, then prefecture, then county, fed by the API.
    picker = page.locator("#f-origin + .dv select")
    picker.nth(0).select_option("620000")
    picker.nth(1).select_option("620100")
    picker.nth(2).select_option("620102")
    assert page.locator("#f-origin").input_value() == "620102"
    screenshot(page, "form-filled")
    page.click("button.go")
    page.wait_for_url("**/r/pass/**")
    assert len(page.locator(".code").inner_text().strip()) == 6
    assert page.locator("svg.qr").is_visible()
    people = page.locator("dd").all_inner_texts()
    assert any("张*丰" in text for text in people)
    assert any("李*" in text for text in people) and any("王*" in text for text in people)
    assert "甘肃省 兰州市 城关区" in page.content()
    screenshot(page, "pass")


def test_tapping_submit_twice_makes_one_registration(phone_page, registration_server) -> None:
    page = phone_page()
    page.goto(f"/r/{ROAD_SITE}/road/")
    fill_person(page, 601, name="赵六")
    page.eval_on_selector("#f-origin", "e => { e.value = '620702'; }")  # As the picker does.
    key = page.locator("input[name=submission_key]").input_value()
    fields = page.evaluate(
        "() => Object.fromEntries(new FormData(document.querySelector('main form')))"
    )
    page.evaluate("() => { const b = document.querySelector('button.go'); b.click(); b.click(); }")
    page.wait_for_url("**/r/pass/**")
    pass_url = page.url
    # A retry on a bad network: the same form sent once more.
    again = page.request.post(f"/r/{ROAD_SITE}/road/", form=fields)
    assert again.ok and again.url == pass_url
    assert count_registrations(registration_server, key) == 1


def test_the_form_works_without_javascript(phone_page, registration_server) -> None:
    page = phone_page(javascript=False)
    page.goto(f"/r/{ROAD_SITE}/road/")
    assert page.locator("#f-origin").is_visible()  # The plain code field, no picker.
    fill_person(page, 701, name="孙七")
    page.fill("#f-doc_number", "620702199001011230")  # A wrong check digit.
    fill_companion(page, 0, 702, "周八")
    page.click("button.add[value=companions]")  # A round trip adds the row.
    fill_companion(page, 1, 703, "吴九")
    page.fill("#f-origin", "620102")
    page.click("button.go")
    error = page.locator("#f-doc_number-e")
    assert error.inner_text() == "身份证号码校验位不正确，请逐位核对。"
    assert page.locator("#f-companions-1-name").input_value() == "吴九"
    screenshot(page, "form-error")
    page.fill("#f-doc_number", id_number(701))
    page.click("button.go")
    page.wait_for_url("**/r/pass/**")
    people = [text for text in page.locator("dd").all_inner_texts() if "*" in text]
    assert len(people) == 3
