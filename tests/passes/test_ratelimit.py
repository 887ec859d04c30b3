"""Vehicle-pass applications are limited per network address, on the form (which keeps what
the company typed) and on the API (429 with a code and Retry-After), also with Redis down."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import time_machine
from django.test import Client

from fangkong.passes.models import VehiclePass
from tests.passes.test_passes import NOW, api_body, form_data, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> Any:
    # The applications' dates are those of test_passes.py; time moves, so windows end.
    with time_machine.travel(NOW) as traveller:
        yield traveller


def test_the_form_is_limited_and_keeps_what_was_typed(tree, settings) -> None:
    settings.PASS_APPLY_RATE = "2/600"
    for n in range(2):
        response = Client().post("/passes/apply/", form_data(tree, key=f"form-key-{n:020d}"))
        assert response.status_code == 302
    key = "form-key-" + "9" * 20
    response = Client().post("/passes/apply/", form_data(tree, key=key, plate="甘G 54321"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    page = response.content.decode()
    assert "申请过多" in page and "已为您保留" in page
    for typed in (key, "张掖市惠民物流有限公司", "王经理", "13800001111", "甘G 54321", "李师傅"):
        assert f'value="{typed}"' in page, typed
    assert VehiclePass.objects.count() == 2


def test_the_api_answers_429_with_a_code_and_retry_after(tree, settings) -> None:
    settings.PASS_APPLY_RATE = "2/600"
    statuses = [
        post(Client(), "/api/v1/passes/apply", api_body(tree, key=f"api-key-{n:08d}"))
        for n in range(3)
    ]
    assert [r.status_code for r in statuses] == [201, 201, 429]
    body = statuses[-1].json()
    assert body["code"] == "rate_limited"
    assert 0 < body["retry_after"] == int(statuses[-1]["Retry-After"]) <= 600


def test_with_redis_down_the_limit_holds_per_process_without_500(tree, settings, caplog) -> None:
    settings.PASS_APPLY_RATE = "3/600"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # Nothing listens on the discard port.
        }
    }
    caplog.set_level(logging.WARNING, logger="fangkong.core.ratelimit")
    statuses = [
        post(Client(), "/api/v1/passes/apply", api_body(tree, key=f"down-key-{n:08d}"))
        for n in range(6)
    ]
    assert [r.status_code for r in statuses] == [201] * 3 + [429] * 3
    warnings = [r for r in caplog.records if r.name == "fangkong.core.ratelimit"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_the_default_lets_a_company_apply_for_its_fleet(tree: Any) -> None:
    plates = [f"甘G{n:05d}" for n in range(40)]
    for n, plate in enumerate(plates):
        body = api_body(tree, key=f"fleet-key-{n:08d}", plate=plate)
        assert post(Client(), "/api/v1/passes/apply", body).status_code == 201
