"""The officer app in a real Chromium at a phone's size (390×844), against the gunicorn
server of ``tests/browser/conftest.py``: finding a registration by short code, and recording
checks with no network that reach the server exactly once when it returns.

Each test drives a Chromium of its own on a thread of its own: the browser tests' session-wide
Playwright may already be running on the main thread, and Playwright's sync API allows one
per thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (  # noqa: F401 - the browser tests' server, shared
    PHONE,
    Server,
    log_in,
    server,
)
from tests.browser.gunicorn import ROOT, chromium, server_env
from tests.screening.browser_seed import (
    AMBULANCE_CODE,
    AMBULANCE_PLATE,
    PLATE,
    SHORT_CODE,
    SITE_CODE,
)
from tests.screening.conftest import id_number

pytestmark = pytest.mark.browser

# Set FANGKONG_SCREENSHOTS to a folder to keep screenshots of the app at each step.
SHOTS = Path(os.environ["FANGKONG_SCREENSHOTS"]) if os.environ.get("FANGKONG_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def seeded(server: Server) -> Server:  # noqa: F811
    env = server_env(server.data_dir)
    command = "import tests.screening.browser_seed as s; s.run()"
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", command],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return server


def _open_app(page: Any) -> None:
    page.goto("/screening/officer/")
    page.wait_for_selector("body[data-ready=yes]")
    site_id = page.evaluate(
        "JSON.parse(document.getElementById('officer-config').textContent)"
        f".sites.find((s) => s.code === '{SITE_CODE}').id"
    )
    page.select_option("#site", str(site_id))
    page.site_id = site_id


def on_phone(app: Server, scenario: Callable[[Any], None]) -> None:
    """Run ``scenario(page)`` with the Ganzhou brigade's officer logged in to the app."""
    failure: list[BaseException] = []

    def work() -> None:
        try:
            with chromium() as browser:
                context = browser.new_context(
                    base_url=app.url,
                    viewport=PHONE,
                    locale="zh-CN",
                    timezone_id="Asia/Shanghai",
                )
                context.set_default_timeout(10_000)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                log_in(page, "brigade")
                _open_app(page)
                scenario(page)
                assert errors == [], errors
        except BaseException as exc:  # noqa: BLE001 - re-raised on the test's thread
            failure.append(exc)

    thread = threading.Thread(target=work, name="officer-phone")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def shot(page: Any, name: str, *, full_page: bool = False) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def checks_at(page: Any, site_id: int) -> list[dict[str, Any]]:
    response = page.context.request.get(f"/api/v1/checks?site={site_id}&limit=1000")
    assert response.ok, response.text()
    return response.json()


def stored_checks(page: Any, wanted: Any, count: int) -> list[dict[str, Any]]:
    """The server's checks that ``wanted`` picks, once there are ``count`` (or after 15 s)."""
    deadline = time.monotonic() + 15
    while True:
        found = [c for c in checks_at(page, page.site_id) if wanted(c)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(200)


def test_an_officer_finds_a_registration_by_short_code_and_records_it(seeded: Server) -> None:
    on_phone(seeded, _find_by_short_code_and_record)


def _find_by_short_code_and_record(page: Any) -> None:
    shot(page, "officer-start")
    page.fill("#q", SHORT_CODE.lower())
    page.click("#search button[type=submit]")
    page.wait_for_selector("article.person >> nth=1")
    shot(page, "officer-group")

    assert page.locator(".plate").inner_text() == PLATE
    assert page.locator("article.person .name").all_inner_texts() == ["赵*柱", "钱*花"]
    assert "620702********" in page.locator("article.person").first.inner_text()
    # The passenger declared a yellow code: the whole car is to be tested.
    assert page.locator(".groupbanner").inner_text() == "全车建议：检测后通行"
    assert "健康码为黄码" in page.locator("article.person").nth(1).inner_text()

    temperatures = page.locator("input[data-field=temperature]")
    temperatures.nth(0).fill("36.4")
    temperatures.nth(1).fill("36.7")
    shot(page, "officer-group-filled")
    confirm = page.locator("button[data-action=confirm]")
    assert confirm.inner_text() == "确认处置（2 人）"
    confirm.click()

    page.wait_for_selector("#party", state="hidden")
    # The toast that says so covers nothing: a tap where it shows reaches what is beneath,
    # and takes it away.
    toast = page.locator("#toast")
    toast.wait_for(state="visible")
    shot(page, "officer-toast")
    box = toast.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert page.evaluate(f"document.elementFromPoint({x}, {y}).id") != "toast"
    page.mouse.click(x, y)
    toast.wait_for(state="hidden", timeout=1000)
    stored = stored_checks(page, lambda c: c["plate"] == PLATE, 2)
    page.wait_for_function("() => document.getElementById('outbox-count').textContent === '0'")
    assert sorted((c["person"]["name"], c["outcome"], c["recommended"]) for c in stored) == [
        ("赵*柱", "pass", "pass"),
        ("钱*花", "test_then_pass", "test_then_pass"),
    ]
    assert {c["temperature"] for c in stored} == {36.4, 36.7}


def test_a_declared_ambulance_gets_the_green_channel_only_once_the_officer_confirms(
    seeded: Server,
) -> None:
    on_phone(seeded, _confirm_an_ambulance)


def _confirm_an_ambulance(page: Any) -> None:
    page.fill("#q", AMBULANCE_CODE)
    page.click("#search button[type=submit]")
    page.wait_for_selector("article.person")
    page.fill("input[data-field=temperature]", "36.5")
    picker = page.locator("select[data-party=vehicle_kind]")
    assert picker.input_value() == ""
    assert "救护车" in picker.locator("option").first.inner_text()
    assert page.locator(".groupbanner").inner_text() == "全车建议：通行"

    picker.select_option("ambulance")
    shot(page, "officer-ambulance-confirmed")
    assert page.locator(".groupbanner").inner_text() == "全车建议：优先通行（绿色通道）"
    page.click("button[data-action=confirm]")

    stored = stored_checks(page, lambda c: c["plate"] == AMBULANCE_PLATE, 1)
    assert [(c["recommended"], c["vehicle_kind"]) for c in stored] == [
        ("priority_pass", "ambulance")
    ]


def test_a_fever_needs_a_reason_to_override(seeded: Server) -> None:
    on_phone(seeded, _override_a_fever)


def _override_a_fever(page: Any) -> None:
    page.click("#manual-button")
    page.fill("input[data-field=name]", "孙发热")
    page.fill("input[data-field=doc_number]", id_number(601))
    page.fill("input[data-field=temperature]", "38.3")
    assert page.locator(".rec").inner_text() == "建议：移交卫健"
    assert "体温 38.3℃ ≥ 37.3℃" in page.locator(".reasons").inner_text()
    page.click("button[data-action=change]")
    page.click("label.chip.o-persuade_return")
    page.click("button[data-action=confirm]")
    assert (
        page.locator("[data-error-for=override]").inner_text() == "与建议不一致时，请填写改判原因。"
    )
    shot(page, "officer-override")
    page.fill("input[data-field=override_reason]", "本人拒绝前往发热门诊")
    page.click("button[data-action=confirm]")

    stored = stored_checks(page, lambda c: c["person"]["name"] == "孙*热", 1)
    assert [(c["outcome"], c["recommended"], c["override_reason"]) for c in stored] == [
        ("persuade_return", "refer_health", "本人拒绝前往发热门诊")
    ]


def _enter_walk_up(page: Any, name: str, number: str) -> None:
    page.click("#manual-button")
    page.fill("input[data-field=name]", name)
    page.fill("input[data-field=doc_number]", number)
    page.fill("input[data-field=origin_code]", "620702")
    page.fill("input[data-field=temperature]", "36.5")
    page.click("button[data-action=confirm]")
    page.wait_for_selector("#party", state="hidden")


def test_checks_made_offline_reach_the_server_once_when_the_network_returns(
    seeded: Server,
) -> None:
    on_phone(seeded, _record_offline_then_sync)


def _record_offline_then_sync(page: Any) -> None:
    context = page.context
    # The service worker has installed and cached the app; the page is now under its control.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    tag = uuid.uuid4().hex[:4]
    names = [f"离线{tag}{i}" for i in range(3)]

    context.set_offline(True)
    page.wait_for_function("() => document.getElementById('net').dataset.state === 'offline'")
    for i, name in enumerate(names):
        _enter_walk_up(page, name, id_number(700 + i, birth="19800101"))
    assert page.locator("#outbox-count").inner_text() == "3"
    shot(page, "officer-offline")

    page.reload()  # with no network: the service worker serves the app, IndexedDB keeps the checks
    page.wait_for_selector("body[data-ready=yes]")
    navigation = "performance.getEntriesByType('navigation')[0].deliveryType"
    assert page.evaluate(navigation) == "cache-storage"
    assert page.evaluate("fetch('/healthz').then(() => 'online', () => 'offline')") == "offline"
    assert page.locator("#outbox-count").inner_text() == "3"
    assert page.locator("#site").input_value() == str(page.site_id)
    page.click("#outbox-button")
    page.wait_for_selector("#outbox-list li.pending >> nth=2")
    assert page.locator("#outbox-list li.pending").count() == 3
    shot(page, "officer-outbox")

    context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('outbox-count').textContent === '0'", timeout=20_000
    )
    masked = {name[0] + "*" * (len(name) - 2) + name[-1] for name in names}
    mine = stored_checks(page, lambda c: c["person"]["name"] in masked, 3)
    page.wait_for_timeout(1000)  # a second sync, had there been one, would have landed by now
    mine = [c for c in checks_at(page, page.site_id) if c["person"]["name"] in masked]
    assert len(mine) == 3
    assert {c["recommended"] for c in mine} == {"test_then_pass"}  # no code, no NAT: test
    assert len({c["idempotency_key"] for c in mine}) == 3


def test_a_check_the_server_refuses_stays_on_the_phone_with_the_reason(seeded: Server) -> None:
    on_phone(seeded, _keep_a_refused_check)


def _keep_a_refused_check(page: Any) -> None:
    # The check digit is right, so the phone accepts it; the birth date is in the future.
    first17 = "62070220990101123"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    _enter_walk_up(page, "未来人", first17 + "10X98765432"[total % 11])

    page.wait_for_function("() => document.getElementById('outbox-count').textContent === '1'")
    page.wait_for_selector("#outbox-button[data-waiting=yes]")
    page.click("#outbox-button")
    problem = page.wait_for_selector("#outbox-list li.error .problem")
    assert problem.inner_text().startswith("未被接收：")
    assert "出生日期" in problem.inner_text()
    shot(page, "officer-refused")
    page.click("#sync-now")  # sending again changes nothing: it waits for the officer
    page.wait_for_timeout(500)
    assert page.locator("#outbox-count").inner_text() == "1"

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#outbox-list li.error button[data-action=discard]")
    page.wait_for_function("() => document.getElementById('outbox-count').textContent === '0'")


def test_a_thousand_checks_wait_offline_and_each_arrives_once(seeded: Server) -> None:
    on_phone(seeded, _thousand_offline)


def _thousand_offline(page: Any) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    site_id = page.evaluate(
        "JSON.parse(document.getElementById('officer-config').textContent)"
        ".sites.find((s) => s.code === 'GZ-002').id"
    )
    tag = uuid.uuid4().hex[:6]
    bodies = [
        {
            "idempotency_key": f"cap-{tag}-{n:04d}",
            "site_id": site_id,
            "temperature": 36.5,
            "outcome": "test_then_pass",
            "checked_at": None,
            "shown_recommendation": "test_then_pass",
            "facts": {},
            "person": {
                "name": f"容量{n}",
                "doc_type": "resident_id",
                "doc_number": id_number(n, birth="19700101", region="620723"),
                "phone": "",
            },
        }
        for n in range(1000)
    ]
    page.context.set_offline(True)
    page.evaluate(
        """async (bodies) => {
          const outbox = await FangkongOutbox.Outbox.open();
          const now = new Date().toISOString();
          await outbox.addAll(bodies.map((body) => ({
            key: body.idempotency_key, created: now, user: 'brigade', status: 'pending',
            body: Object.assign({}, body, { checked_at: now }), summary: { name: body.person.name }
          })));
        }""",
        bodies,
    )
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    assert page.locator("#outbox-count").inner_text() == "1000"

    started = time.monotonic()
    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('outbox-count').textContent === '0'", timeout=180_000
    )
    elapsed = time.monotonic() - started
    response = page.context.request.get(f"/api/v1/checks?site={site_id}&limit=1000")
    keys = [
        c["idempotency_key"]
        for c in response.json()
        if c["idempotency_key"].startswith(f"cap-{tag}")
    ]
    assert len(keys) == len(set(keys)) == 1000, elapsed
    print(f"1000 offline checks synced in {elapsed:.1f} s")


def test_a_check_the_server_keeps_failing_on_is_set_aside_and_the_rest_sync(
    seeded: Server,
) -> None:
    on_phone(seeded, _set_aside_a_poisoned_check)


def _set_aside_a_poisoned_check(page: Any) -> None:
    """Since issue 26 no known input makes the server fail, so the failure is made in the
    browser's network layer: every POST of the poisoned check is answered 500, as a check
    with a NUL byte was on PostgreSQL. The checks recorded after it must sync all the same."""
    tag = uuid.uuid4().hex[:4]
    poison, others = f"毒丸{tag}", [f"后来{tag}{i}" for i in range(2)]
    failures: list[int] = []

    def answer(route: Any) -> None:
        body = route.request.post_data_json or {}
        if (body.get("person") or {}).get("name") == poison:
            failures.append(1)
            route.fulfill(
                status=500,
                content_type="application/json",
                body='{"code": "server_error", "message": "服务器出现错误"}',
            )
        else:
            route.continue_()

    page.route("**/api/v1/checks", answer)
    page.context.set_offline(True)
    page.wait_for_function("() => document.getElementById('net').dataset.state === 'offline'")
    for i, name in enumerate([poison, *others]):
        _enter_walk_up(page, name, id_number(800 + i, birth="19810101"))
    assert page.locator("#outbox-count").inner_text() == "3"

    page.context.set_offline(False)
    for attempt in range(1, 4):  # each run stops at the failing check until the third
        if len(failures) < attempt:
            if page.locator("#outbox").is_hidden():
                page.click("#outbox-button")
            page.click("#sync-now")
        deadline = time.monotonic() + 10
        while len(failures) < attempt and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert len(failures) >= attempt
    page.wait_for_function(
        "() => document.getElementById('outbox-count').textContent === '1'", timeout=15_000
    )
    masked = {name[0] + "*" * (len(name) - 2) + name[-1] for name in others}
    assert len(stored_checks(page, lambda c: c["person"]["name"] in masked, 2)) == 2

    if page.locator("#outbox").is_hidden():
        page.click("#outbox-button")
    held = page.wait_for_selector("#outbox-list li.held")
    assert "多次服务器错误后已搁置" in held.inner_text()
    assert "服务器出现错误" in held.inner_text()
    shot(page, "officer-set-aside")
    page.click("#outbox-list li.held button[data-action=report]")
    report = page.wait_for_selector("[data-testid=outbox-report]").inner_text()
    assert "status: 500 server_error" in report and "attempts: 3" in report

    page.unroute("**/api/v1/checks")  # the server is mended: the officer sends it again
    page.click("#outbox-list li.held button[data-action=retry]")
    page.wait_for_function("() => document.getElementById('outbox-count').textContent === '0'")
    poisoned = poison[0] + "*" * (len(poison) - 2) + poison[-1]
    assert len(stored_checks(page, lambda c: c["person"]["name"] == poisoned, 1)) == 1


def _new_energy_plate() -> str:
    """A small new-energy plate no other test uses: eight characters, drawn green."""
    return f"甘GDA{uuid.uuid4().int % 10000:04d}"


def _fill_person(page: Any, index: int, name: str, number: str, temperature: str) -> None:
    card = page.locator(f"article.person[data-index='{index}']")
    card.locator("input[data-field=name]").fill(name)
    card.locator("input[data-field=doc_number]").fill(number)
    card.locator("input[data-field=origin_code]").fill("620702")
    card.locator("input[data-field=temperature]").fill(temperature)


def _enter_vehicle(page: Any, plate: str, people: list[tuple[str, str]]) -> None:
    """A vehicle entered by hand: the driver first, then each passenger."""
    page.click("#manual-button")
    _fill_person(page, 0, *people[0], "36.5")
    page.click("button[data-action=add-vehicle]")
    # Typed in lower case, with the dot people copy from a plate: shown upper case.
    page.locator("input[data-party=plate]").press_sequentially(plate[:2] + "·" + plate[2:].lower())
    page.select_option("select[data-party=vehicle_kind]", "truck")
    for index, person in enumerate(people[1:], start=1):
        page.click("button[data-action=add-passenger]")
        _fill_person(page, index, *person, "36.6")


def _masked(name: str) -> str:
    return name[0] + "*" * (len(name) - 2) + name[-1]


def test_a_vehicle_entered_by_hand_is_one_group_with_its_plate(seeded: Server) -> None:
    on_phone(seeded, _vehicle_by_hand)


def _vehicle_by_hand(page: Any) -> None:
    tag = uuid.uuid4().hex[:4]
    plate = _new_energy_plate()
    people = [(f"驾车{tag}", id_number(910, birth="19770707")), (f"乘车{tag}", id_number(911))]
    page.click("#manual-button")
    assert page.locator("button[data-action=add-passenger]").count() == 0  # no vehicle yet
    shot(page, "officer-manual-start")
    page.click("button[data-action=back]")
    _enter_vehicle(page, plate, people)

    plate_input = page.locator("input[data-party=plate]")
    assert plate_input.input_value() == plate[:2] + "·" + plate[2:]
    drawn = page.locator(".manualvehicle [data-out=plate]")
    assert drawn.inner_text() == plate
    assert drawn.get_attribute("class") == "plate new-energy"
    roles = page.locator("article.person .rolerow .role").all_inner_texts()
    assert roles == ["驾驶员", "乘客"]
    assert page.locator(".partyhead > b").inner_text() == "人工登记车辆"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "officer-manual-vehicle")
    shot(page, "officer-manual-vehicle-full", full_page=True)
    if SHOTS is not None:
        page.set_viewport_size({"width": 1366, "height": 768})
        shot(page, "officer-manual-vehicle-desktop")
        page.set_viewport_size(PHONE)

    # A plate the server would refuse is refused here, with the server's words.
    plate_input.fill("甘GI2345")
    assert drawn.is_hidden()
    page.click("button[data-action=confirm]")
    error = page.locator("[data-error-for=plate]")
    assert error.inner_text() == "车牌号序号部分不正确。"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "officer-manual-vehicle-bad-plate")
    assert page.locator("#outbox-count").inner_text() == "0"
    plate_input.fill(plate.lower())
    assert plate_input.input_value() == plate
    assert error.inner_text() == ""

    page.click("button[data-action=confirm]")
    page.wait_for_selector("#party", state="hidden")
    stored = stored_checks(page, lambda c: c["plate"] == plate, 2)
    assert len(stored) == 2
    assert len({c["group_id"] for c in stored}) == 1 and stored[0]["group_id"] is not None
    assert sorted((c["person"]["name"], c["role"], c["vehicle_kind"]) for c in stored) == sorted(
        [(_masked(people[0][0]), "driver", "truck"), (_masked(people[1][0]), "passenger", "truck")]
    )
    assert {c["temperature"] for c in stored} == {36.5, 36.6}


def test_a_vehicle_entered_offline_reaches_the_server_once_as_one_group(seeded: Server) -> None:
    on_phone(seeded, _vehicle_offline_then_sync)


def _vehicle_offline_then_sync(page: Any) -> None:
    tag = uuid.uuid4().hex[:4]
    plate = _new_energy_plate()
    people = [
        (f"夜车{tag}", id_number(920, birth="19660606")),
        (f"夜客{tag}", id_number(921, birth="19950505")),
        (f"晚客{tag}", id_number(922, birth="19990909")),
    ]
    page.context.set_offline(True)
    page.wait_for_function("() => document.getElementById('net').dataset.state === 'offline'")
    _enter_vehicle(page, plate, people)
    page.click("button[data-action=confirm]")
    page.wait_for_selector("#party", state="hidden")
    assert page.locator("#outbox-count").inner_text() == "3"
    waiting = page.evaluate("FangkongOutbox.Outbox.open().then((outbox) => outbox.all())")
    keys = {item["body"]["vehicle"]["group_key"] for item in waiting}
    assert len(keys) == 1 and len(next(iter(keys))) == 36  # one UUID, made on the phone

    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('outbox-count').textContent === '0'", timeout=20_000
    )
    stored = stored_checks(page, lambda c: c["plate"] == plate, 3)
    assert len({c["group_id"] for c in stored}) == 1

    # The same items again, as after an answer lost on the way back: nothing new is stored.
    page.evaluate(
        "(items) => FangkongOutbox.Outbox.open().then((outbox) => outbox.addAll(items))",
        waiting,
    )
    page.click("#outbox-button")
    page.click("#sync-now")
    page.wait_for_function(
        "() => document.getElementById('outbox-count').textContent === '0'", timeout=20_000
    )
    again = [c for c in checks_at(page, page.site_id) if c["plate"] == plate]
    assert len(again) == 3
    assert {c["group_id"] for c in again} == {stored[0]["group_id"]}
    assert sorted(c["role"] for c in again) == ["driver", "passenger", "passenger"]
