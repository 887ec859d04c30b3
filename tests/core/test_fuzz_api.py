"""A bounded fuzz of the JSON API against its own OpenAPI description (schemathesis), logged
in as the detachment commander, on whichever database the leg runs: valid and invalid
parameters and bodies (NUL bytes, huge numbers, far dates, wrong types) for every operation.
It fails on any 5xx, any status the operation does not document, and any answer that does not
match its documented schema (issue 26).

``FANGKONG_FUZZ_EXAMPLES`` sets the examples per operation (default 20, the CI target).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from fangkong.api import api

EXAMPLES = int(os.environ.get("FANGKONG_FUZZ_EXAMPLES", "20"))
CSRF = "f" * 32

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()
schema.config.generation.update(max_examples=EXAMPLES)


@pytest.fixture
def staff_session(commander: Any, sites: Any) -> Iterator[dict[str, str]]:
    client = Client()
    client.force_login(commander)
    # As Django's test client does: the end of a request must not close the connection that
    # holds the test's transaction (on PostgreSQL that would lose the test's data).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_answers_every_input_as_documented(case: Any, staff_session: dict[str, str]) -> None:
    case.call_and_validate(
        headers={"X-CSRFToken": CSRF},
        cookies=staff_session,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
