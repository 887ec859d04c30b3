"""Another process holds SQLite's write lock (a backup, a bulk import): the production server
answers each write within a few seconds with a 503, Retry-After and a Chinese message, and
reads go on answering meanwhile (issue 26)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

import pytest

from tests.registration.browser_seed import ROAD_SITE
from tests.registration.conftest import road_data

# A writer in another process: takes the write lock, says so, and keeps it until told.
HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


def call(
    url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, bytes, float]:
    """Status, headers, body and seconds taken, whatever the status."""
    request = urllib.request.Request(url, data=body, headers=headers or {})
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read(), time.monotonic() - began
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), time.monotonic() - began


def api_registration(url: str, n: int) -> tuple[int, Any, bytes, float]:
    body = road_data(n) | {"site_code": ROAD_SITE, "kind": "road", "submission_key": f"k{n}"}
    headers = {"Content-Type": "application/json", "Accept-Language": "zh-CN"}
    return call(f"{url}/api/v1/registrations", body=json.dumps(body).encode(), headers=headers)


def form_registration(url: str, n: int) -> tuple[int, Any, bytes, float]:
    status, headers, page, _ = call(f"{url}/r/{ROAD_SITE}/road/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    csrf = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    fields = {k: v for k, v in road_data(n).items() if not isinstance(v, list)}
    fields |= {"csrfmiddlewaretoken": token, "submission_key": uuid.uuid4().hex}
    return call(
        f"{url}/r/{ROAD_SITE}/road/",
        body=urllib.parse.urlencode(fields).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Accept-Language": "zh-CN",
        },
    )


@pytest.mark.django_db(databases=[])
def test_a_write_lock_held_elsewhere_is_a_quick_503_and_reads_go_on(registration_server) -> None:
    url = registration_server.url
    assert api_registration(url, 900)[0] == 201
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(registration_server.database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        status, headers, body, took = api_registration(url, 901)
        assert status == 503, body
        assert took < 5
        assert int(headers["Retry-After"]) > 0
        answer = json.loads(body)
        assert answer["code"] == "busy"
        assert "系统繁忙" in answer["message"]
        # Reads do not wait for the writer.
        for path in ("/healthz", f"/r/{ROAD_SITE}/road/"):
            status, _, _, took = call(url + path)
            assert (status, took < 1) == (200, True), path
        # The public form: the same, as a page; the next writes fail without waiting again.
        status, headers, body, took = form_registration(url, 902)
        assert status == 503
        assert "系统繁忙" in body.decode()
        assert took < 5
    finally:
        holder.communicate("\n", timeout=10)
    deadline = time.monotonic() + 5
    while (status := api_registration(url, 903)[0]) == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 201


@pytest.fixture
def no_busy_hold() -> Any:
    from fangkong.core.busy import busy_hold

    yield busy_hold
    busy_hold.clear()  # The next tests' writes must not be refused.


@pytest.mark.django_db
def test_postgresql_lock_timeout_is_a_503(tree, no_busy_hold) -> None:
    """On PostgreSQL the server's connections carry a lock_timeout (fangkong/core/busy.py): a
    request that waits past it for a lock held by another session is answered 503."""
    from django.db import connection
    from django.test import Client

    from tests.factories import SiteFactory

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only; SQLite's busy timeout is tested above")
    import psycopg

    site = SiteFactory(unit=tree.ganzhou, code="PG-LOCK", kind="checkpoint")
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    try:
        other.execute("LOCK TABLE registration_registration IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 300")
        body = road_data(1) | {"site_code": site.code, "kind": "road", "submission_key": "k-pg"}
        response = Client(HTTP_ACCEPT_LANGUAGE="zh-CN").post(
            "/api/v1/registrations", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 503
        assert response["Retry-After"]
        assert response.json()["code"] == "busy"
        assert no_busy_hold.active()
    finally:
        other.rollback()
        other.close()
