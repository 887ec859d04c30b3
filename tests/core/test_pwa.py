"""The offline pages share one service worker (core/sw.js): each page's view serves it under
the page's path with its own head, so each worker keeps its own page and files."""

from __future__ import annotations

import re

import pytest
from django.test import Client

WORKERS = {
    "/screening/officer/sw.js": ("fangkong-officer-", "/screening/officer/", "screening/party.js"),
    "/duty/post/sw.js": ("fangkong-duty-", "/duty/post/", "duty/signin.js"),
    "/keypersons/today/sw.js": ("fangkong-grid-", "/keypersons/today/", "keypersons/today.js"),
}


@pytest.mark.parametrize("url", WORKERS)
def test_each_page_gets_the_shared_worker_with_its_own_head(client: Client, url: str) -> None:
    prefix, app_url, script = WORKERS[url]
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == app_url
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert f"const CACHE_PREFIX = '{prefix}';" in body
    assert f"const APP_URL = '{app_url}';" in body
    assert re.search(r"^const VERSION = '[0-9a-f]{12}';$", body, re.M)
    precache = re.search(r"^const PRECACHE = \[(.*)\];$", body, re.M)
    assert precache is not None and f"/static/{script}" in precache.group(1)
    assert "self.addEventListener('fetch'" in body


def test_only_the_officer_app_reads_the_policy_network_first(client: Client) -> None:
    officer = client.get("/screening/officer/sw.js").content.decode()
    duty = client.get("/duty/post/sw.js").content.decode()

    assert "const NETWORK_FIRST = ['/api/v1/policy/current'];" in officer
    assert "const NETWORK_FIRST = [];" in duty


def test_pages_with_different_files_get_different_versions(client: Client) -> None:
    versions = {
        re.search(r"const VERSION = '(\w+)'", client.get(url).content.decode()).group(1)  # type: ignore[union-attr]
        for url in WORKERS
    }
    assert len(versions) == 3
