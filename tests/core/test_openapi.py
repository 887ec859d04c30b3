from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_openapi_schema_is_served_and_every_operation_is_named() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations
    ids = [op.get("operationId") for op in operations]
    assert all(ids), "every endpoint declares operation_id"
    assert len(ids) == len(set(ids))
    assert "/api/v1/sites" in schema["paths"]


@pytest.mark.django_db
def test_api_docs_use_local_assets(commander) -> None:
    client = Client()
    client.force_login(commander)
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower()
    assert "/static/ninja/" in html
