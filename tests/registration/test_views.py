"""The public pages: a form that works without JavaScript, the pass, the limits."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from fangkong.registration.models import Registration
from fangkong.sites.choices import SiteStatus
from tests.registration.conftest import community_data, floating_data, road_data

pytestmark = pytest.mark.django_db

FIRST_LOAD_BUDGET = 30 * 1024


def form_post(data: dict[str, Any], key: str = "key-1") -> dict[str, Any]:
    """What a browser without JavaScript posts for ``data``."""
    post: dict[str, Any] = {"submission_key": key}
    for name, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            post[f"{name}-rows"] = str(len(value))
            for i, row in enumerate(value):
                post.update({f"{name}.{i}.{k}": v for k, v in row.items()})
        else:
            post[name] = value
    return post


def submission_key(html: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', html).group(1)


def test_form_is_chinese_by_default_and_carries_a_key(road_site) -> None:
    response = Client().get(f"/r/{road_site.code}/road/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    for text in (
        "道路卡口自助登记",
        "同乘人员",
        "车牌号",
        "健康码",
        "核酸检测",
        "途经地",
        "来源地",
    ):
        assert text in html
    assert "21天后自动删除" in html
    assert len(submission_key(html)) >= 32
    assert response["Cache-Control"] == "no-store"


def test_form_in_english(road_site) -> None:
    response = Client(headers={"accept-language": "en"}).get(f"/r/{road_site.code}/road/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Road checkpoint self-registration" in html and "Co-travellers" in html


def first_load_bytes(client: Client, path: str) -> int:
    """Bytes on the wire for a page and everything it pulls in on load, gzip accepted."""
    response = client.get(path, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    total = len(response.content)
    html = (
        gzip.decompress(response.content)
        if response.get("Content-Encoding") == "gzip"
        else response.content
    ).decode()
    resources = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)
    for url in resources:
        if url.startswith("data:"):
            continue
        assert not urlsplit(url).netloc, f"{url}: citizens' pages load nothing from elsewhere"
        sub = client.get(url, headers={"accept-encoding": "gzip"})
        total += len(b"".join(sub.streaming_content) if sub.streaming else sub.content)
    return total


@pytest.mark.parametrize("kind", ["road", "community", "floating"])
def test_first_load_is_within_budget(road_site, gate_site, kind) -> None:
    site = road_site if kind == "road" else gate_site
    assert first_load_bytes(Client(), f"/r/{site.code}/{kind}/") <= FIRST_LOAD_BUDGET


def test_uncompressed_form_is_small_too(road_site) -> None:
    # Some proxies strip Accept-Encoding; the page must stay usable then as well.
    assert len(Client().get(f"/r/{road_site.code}/road/").content) <= 2 * FIRST_LOAD_BUDGET


def test_no_js_post_registers_and_redirects_to_the_pass(road_site) -> None:
    client = Client()
    key = submission_key(client.get(f"/r/{road_site.code}/road/").content.decode())
    response = client.post(f"/r/{road_site.code}/road/", form_post(road_data(companions=1), key))
    assert response.status_code == 303
    lead = Registration.objects.order_by("pk").first()
    assert response["Location"] == f"/r/pass/{lead.pass_token}/"
    assert Registration.objects.count() == 2
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert lead.short_code in html and "<svg" in html
    assert "张*丰" in html and "620702********" in html
    assert "张三丰" not in html and lead.person.doc_number not in html


def test_double_post_makes_one_registration(road_site) -> None:
    client = Client()
    post = form_post(road_data(companions=1))
    first = client.post(f"/r/{road_site.code}/road/", post)
    second = client.post(f"/r/{road_site.code}/road/", post)
    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "data"), [("community", community_data()), ("floating", floating_data())]
)
def test_gate_forms_register(gate_site, kind, data) -> None:
    response = Client().post(f"/r/{gate_site.code}/{kind}/", form_post(data))
    assert response.status_code == 303
    assert Registration.objects.get().kind == kind


def test_errors_are_shown_on_their_fields_in_chinese(road_site) -> None:
    data = road_data(doc_number="620702199001011230", nat_date="2999-01-01", companions=1)
    data["companions"][0]["phone"] = "123"
    response = Client().post(f"/r/{road_site.code}/road/", form_post(data))
    html = response.content.decode()
    assert response.status_code == 200
    assert Registration.objects.count() == 0
    assert re.search(r'id="f-doc_number"[^>]*aria-invalid="true"', html)
    assert '<p class="err" id="f-doc_number-e">身份证号码校验位不正确，请逐位核对。</p>' in html
    assert 'id="f-nat_date-e">检测日期不能晚于今天。' in html
    assert 'id="f-companions-0-phone-e">' in html
    # What was typed is kept, and so is the key: fixing the form and sending it registers once.
    assert 'value="620702199001011230"' in html
    assert submission_key(html) == "key-1"


def test_add_another_row_without_javascript(road_site) -> None:
    client = Client()
    post = form_post(road_data(companions=1))
    post["add"] = "companions"
    html = client.post(f"/r/{road_site.code}/road/", post).content.decode()
    assert Registration.objects.count() == 0
    assert 'name="companions.1.name"' in html and 'name="companions-rows" value="2"' in html
    assert 'value="李四0"' in html


@pytest.mark.parametrize(
    ("path", "status"),
    [("/r/NOPE/road/", 404), ("/r/{road}/community/", 404), ("/r/{road}/bogus/", 404)],
)
def test_unknown_sites_and_kinds_get_a_friendly_404(road_site, path, status) -> None:
    response = Client().get(path.format(road=road_site.code))
    assert response.status_code == status
    assert "请重新扫描现场二维码" in response.content.decode()


def test_a_suspended_site_says_so(road_site) -> None:
    road_site.status = SiteStatus.SUSPENDED
    road_site.save()
    response = Client().get(f"/r/{road_site.code}/road/")
    assert response.status_code == 410
    assert "暂停登记" in response.content.decode()


def test_site_kinds_accept_their_forms(road_site, gate_site, hub_site) -> None:
    client = Client()
    expected = {
        road_site.code: {"road": 200, "community": 404, "floating": 404},
        gate_site.code: {"road": 404, "community": 200, "floating": 200},
        hub_site.code: {"road": 200, "community": 404, "floating": 200},
    }
    for code, kinds in expected.items():
        for kind, status in kinds.items():
            assert client.get(f"/r/{code}/{kind}/").status_code == status, (code, kind)


def test_rate_limit_answers_429_in_chinese(road_site, settings) -> None:
    settings.REGISTRATION_RATE = "3/600"
    client = Client()
    client.get(f"/r/{road_site.code}/road/")  # The browser gets its cookie.
    for i in range(3):
        response = client.post(f"/r/{road_site.code}/road/", form_post(road_data(1), f"k{i}"))
        assert response.status_code == 303
    response = client.post(f"/r/{road_site.code}/road/", form_post(road_data(1), "k9"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) <= 600
    # Another phone from the same browser, or another browser behind the same NAT address,
    # is not held back.
    other_phone = client.post(f"/r/{road_site.code}/road/", form_post(road_data(2), "k10"))
    assert other_phone.status_code == 303
    other_browser = Client()
    other_browser.get(f"/r/{road_site.code}/road/")
    response = other_browser.post(f"/r/{road_site.code}/road/", form_post(road_data(1), "k11"))
    assert response.status_code == 303


def test_the_receipt_is_called_a_registration_receipt_and_clears_nobody(road_site) -> None:
    client = Client()
    location = client.post(f"/r/{road_site.code}/road/", form_post(road_data()))["Location"]

    html = client.get(location).content.decode()

    # 登记凭证, never 通行码: it records a declaration; the officer decides who passes.
    assert "登记凭证" in html and "通行码" not in html
    assert "不代表准予通行" in html
    # Its validity is stated plainly, not in the green of a clearance.
    assert 'class="validity"' in html and 'class="ok"' not in html
    assert "执勤民警可查询至" in html and "有效期至" not in html


def test_expired_pass_says_so(road_site) -> None:
    client = Client()
    location = client.post(f"/r/{road_site.code}/road/", form_post(road_data()))["Location"]
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = client.get(location)
    assert response.status_code == 410
    html = response.content.decode()
    assert "已过期" in html and "<svg" not in html


def test_unknown_pass_is_404() -> None:
    assert Client().get("/r/pass/nothing-here/").status_code == 404
