"""Access logs without tokens, plates or phone digits: values travel in bodies, capability
URLs keep their token only in the path, and the access logger redacts both."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fangkong.lib.redact import REDACTED, SECRET_PARAMS, TOKEN_PATHS, redact
from tests.browser.gunicorn import ROOT, free_port

TOKEN = "Zq3xY9abcdEFGH_ijklmnopQRSTuv-wxyz0123456"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"GET /r/pass/{TOKEN}/ HTTP/1.1", f"GET /r/pass/{REDACTED}/ HTTP/1.1"),
        (f"/passes/status/{TOKEN}/pass.pdf", f"/passes/status/{REDACTED}/pass.pdf"),
        (f"https://fk.example/passes/scan/{TOKEN}/", f"https://fk.example/passes/scan/{REDACTED}/"),
        ("/passes/scan/", "/passes/scan/"),
        (
            "/api/v1/checks/lookup?site=3&plate=%E7%94%98G12345",
            f"/api/v1/checks/lookup?site=3&plate={REDACTED}",
        ),
        ("/x?phone_tail=5678&token=abc#frag", f"/x?phone_tail={REDACTED}&token={REDACTED}#frag"),
        ("/sites/division/?division_code=620702", "/sites/division/?division_code=620702"),
        ("/r/G30-01/road/", "/r/G30-01/road/"),
        ("", ""),
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        namespace = getattr(entry, "namespace", None)
        if isinstance(entry, URLResolver):
            found += _patterns(entry, f"{prefix}{namespace}:" if namespace else prefix)
        elif entry.name:
            found.append((prefix + entry.name, entry))
    return found


def test_every_url_with_a_token_in_its_path_is_redacted() -> None:
    with_token = [
        (name, pattern)
        for name, pattern in _patterns(get_resolver())
        if "token" in pattern.pattern.converters
    ]
    assert {name for name, _ in with_token} >= {
        "registration:pass",
        "passes:status",
        "passes:status_pdf",
        "passes:scan",
    }
    for name, _pattern in with_token:
        url = reverse(name, kwargs={"token": TOKEN})
        assert url.startswith(TOKEN_PATHS), f"{name}: {url} is not a redacted path"
        assert TOKEN not in redact(url), name


@pytest.mark.django_db
def test_no_api_read_takes_a_personal_value_in_its_query_string() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    offending = [
        (path, parameter["name"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] in SECRET_PARAMS
    ]
    assert offending == []


def test_no_page_form_sends_a_personal_value_by_get() -> None:
    offending = []
    for template in (ROOT / "fangkong").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form[^>]*method=\"get\".*?</form>", text, re.S | re.I):
            names = set(re.findall(r'name="([a-z_]+)"', form))
            if names & set(SECRET_PARAMS):
                offending.append((template.name, names & set(SECRET_PARAMS)))
    assert offending == []


def test_gunicorn_logs_requests_with_the_values_redacted(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.core.echo_wsgi:app"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
        + ["--logger-class", "fangkong.core.accesslog.RedactingLogger"]
        + ["--access-logfile", str(log)]
        + ["--access-logformat", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s?%(q)s'],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        paths = [
            f"/r/pass/{TOKEN}/",
            f"/passes/scan/{TOKEN}/",
            "/api/v1/registrations/lookup?plate=%E7%94%98G12345&phone_tail=5678",
        ]
        _wait(base)
        for path in paths:
            request = urllib.request.Request(
                base + path, headers={"Referer": f"{base}/passes/status/{TOKEN}/"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert text.count("200") >= 3
    for secret in (TOKEN, "5678", "%E7%94%98G12345"):
        assert secret not in text
    assert f"/r/pass/{REDACTED}/" in text and f"plate={REDACTED}" in text


def _wait(base: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")
