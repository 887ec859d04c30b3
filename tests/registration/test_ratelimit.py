"""The limits on the public registration: a per-address ceiling that changing the phone or
the browser does not get past, the proxy believed only when configured, and a refused citizen
who keeps what they typed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from fangkong.registration.models import Registration
from tests.registration.conftest import id_number, road_data
from tests.registration.test_api import post as api_post
from tests.registration.test_views import form_post, submission_key

pytestmark = pytest.mark.django_db


def register(site: Any, n: int, *, key: str | None = None, **meta: str) -> Any:
    """A new browser registering person ``n`` (own phone, own ID number)."""
    client = Client(**meta)
    client.get(f"/r/{site.code}/road/")
    return client.post(f"/r/{site.code}/road/", form_post(road_data(n), key or f"key-{n}"))


def test_changing_the_phone_and_browser_does_not_get_past_the_address(road_site, settings):
    settings.REGISTRATION_ADDRESS_RATE = "5/600"
    statuses = [register(road_site, n).status_code for n in range(1, 8)]
    assert statuses == [303] * 5 + [429] * 2
    assert Registration.objects.count() == 5
    # Another address is not held back.
    assert register(road_site, 8, REMOTE_ADDR="198.51.100.7").status_code == 303


def test_the_default_ceiling_lets_a_checkpoint_queue_through(road_site):
    # 120 vehicles in ten minutes at a six-lane toll station, all behind one NAT address.
    client = Client()
    for n in range(120):
        body = {"site_code": road_site.code, "kind": "road", "submission_key": f"queue-{n}"}
        body |= road_data(n)
        response = client.post("/api/v1/registrations", body, content_type="application/json")
        assert response.status_code == 201, n


def test_a_forged_forwarded_for_is_not_believed_without_a_trusted_proxy(road_site, settings):
    settings.REGISTRATION_ADDRESS_RATE = "2/600"
    statuses = [
        register(road_site, n, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(1, 4)
    ]
    assert statuses == [303, 303, 429]


def test_behind_a_trusted_proxy_the_client_address_counts(road_site, settings):
    settings.REGISTRATION_ADDRESS_RATE = "2/600"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.1.2.3"}

    def via_proxy(n: int, forwarded: str) -> int:
        return register(road_site, n, HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code

    assert via_proxy(1, "203.0.113.5") == 303
    assert via_proxy(2, "203.0.113.5") == 303
    # The same client putting a made-up address in front: the proxy's entry is what counts.
    assert via_proxy(3, "192.0.2.1, 203.0.113.5") == 429
    # Another citizen behind the same proxy.
    assert via_proxy(4, "203.0.113.6") == 303


def test_ipv6_counts_per_64(road_site, settings):
    settings.REGISTRATION_ADDRESS_RATE = "2/600"
    assert register(road_site, 1, REMOTE_ADDR="2001:db8:1:2::1").status_code == 303
    assert register(road_site, 2, REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 303
    assert register(road_site, 3, REMOTE_ADDR="2001:db8:1:2:abcd::9").status_code == 429
    assert register(road_site, 4, REMOTE_ADDR="2001:db8:1:3::1").status_code == 303


def test_the_refused_form_keeps_what_was_typed_and_goes_through_later(road_site, settings):
    settings.REGISTRATION_ADDRESS_RATE = "1/600"
    assert register(road_site, 1).status_code == 303
    client = Client()
    html = client.get(f"/r/{road_site.code}/road/").content.decode()
    key = submission_key(html)
    data = road_data(2, companions=1, destination="张掖市甘州区青年东街")
    response = client.post(f"/r/{road_site.code}/road/", form_post(data, key))
    assert response.status_code == 429
    page = response.content.decode()
    assert "提交过于频繁" in page and "已为您保留" in page
    assert re.search(r"\d\d:\d\d", page)
    assert 0 < int(response["Retry-After"]) <= 600
    assert submission_key(page) == key
    typed_values = (id_number(2), "13900000002", "张掖市甘州区青年东街", "李四0", "甘G12345")
    for typed in typed_values:
        assert f'value="{typed}"' in page, typed
    assert Registration.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        again = client.post(f"/r/{road_site.code}/road/", form_post(data, key))
    assert again.status_code == 303
    assert Registration.objects.count() == 3  # The registrant and the companion.


def test_the_api_answers_429_with_a_code_and_retry_after(road_site, settings):
    settings.REGISTRATION_ADDRESS_RATE = "2/600"
    client = Client()
    assert api_post(client, road_site, road_data(1), key="a").status_code == 201
    assert api_post(client, road_site, road_data(2), key="b").status_code == 201
    response = api_post(client, road_site, road_data(3), key="c")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert 0 < body["retry_after"] == int(response["Retry-After"]) <= 600
    assert "秒" in body["message"]


def test_a_lone_surrogate_in_the_phone_is_a_field_error_not_a_500(road_site):
    body = '{"site_code": "%s", "kind": "road", "submission_key": "s-1", "phone": "\\ud800"}'
    response = Client().post(
        "/api/v1/registrations", body % road_site.code, content_type="application/json"
    )
    assert response.status_code == 422
