"""Supplies on a phone, in Debian's Chromium against the production server: the post's
leader asks for masks, the brigade approves fewer, the leader signs for them with a finger on
the phone, and the store's and the post's stock change once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.gunicorn import chromium, logged_in_page, seeded_server
from tests.supplies.browser_seed import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("fangkong-supplies")
    with seeded_server(data_dir, "tests.supplies.browser_seed") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def page_for(browser: Any, url: str, username: str, **options: Any) -> Any:
    return logged_in_page(browser, url, username, PASSWORD, next_url="/supplies/posts/", **options)


def test_request_approve_and_sign_on_the_phone(browser: Any, server: str) -> None:
    leader = page_for(browser, server, "leader", viewport=PHONE, has_touch=True)
    leader.click("#post-list a")
    post_url = leader.url
    leader.click("text=申领物资")
    leader.fill("input[name^=q_] >> nth=0", "200")
    leader.fill("input[name=note]", "夜班口罩不足")
    leader.click("main button[type=submit]")
    leader.wait_for_url(post_url)
    assert "已提交" in leader.inner_text("main")

    clerk = page_for(browser, server, "logistics", viewport={"width": 1280, "height": 800})
    clerk.goto("/supplies/requests/")
    clerk.click("#requests tbody a")
    clerk.fill("#decision input[name^=a_]", "150")
    with clerk.expect_navigation():
        clerk.click("#decision button[value=approve]")
    assert "待签收" in clerk.inner_text("#request-status"), clerk.inner_text("main")

    leader.goto(post_url)
    leader.click("#awaiting a.button")
    leader.wait_for_selector("canvas[data-signature-pad]")
    assert "150" in leader.inner_text("#issue-lines")
    leader.fill("#id_signed_name", "王班长")
    box = leader.locator("canvas[data-signature-pad]").bounding_box()
    leader.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    leader.mouse.down()
    for step in range(1, 12):
        x = box["x"] + 30 + step * (box["width"] - 60) / 11
        y = box["y"] + box["height"] * (0.3 if step % 2 else 0.7)
        leader.mouse.move(x, y, steps=4)
    leader.mouse.up()
    leader.click("#sign-submit")
    leader.wait_for_url(post_url)
    assert leader.inner_text("#post-stock td[data-item=MASK-SURG]").startswith("150")
    width = leader.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, "the phone page scrolls sideways"

    # Signing again is not possible: the page now shows the signed issue.
    leader.go_back()
    leader.reload()
    assert "已签收" in leader.inner_text("main")

    clerk.goto("/supplies/")
    clerk.click("text=甘州大队物资库 >> nth=0")
    assert "850" in clerk.inner_text("#levels")
    assert leader.errors == [] and clerk.errors == []
