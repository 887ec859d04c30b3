"""The Content-Security-Policy: sent on every page, with no inline script or style allowed, and
no template that needs one (tests/browser/test_hostile.py checks the pages in Chromium)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from fangkong.settings import tile_origins

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "fangkong").glob("*/templates/**/*.html"))
# What a template may not contain: a script element with code, an event-handler attribute,
# a javascript: URL, a style element or attribute.
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style element": re.compile(r"<style", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
}

COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz"])
def test_every_response_carries_a_strict_policy(db: Any, path: str) -> None:
    policy = _policy(Client().get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    everything = " ".join(" ".join(values) for values in policy.values())
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything


def test_the_citizens_form_is_covered_too(db: Any, sites: dict[str, list[Any]]) -> None:
    site = sites["ganzhou"][0]
    response = Client().get(f"/r/{site.code}/road/")
    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_needs_inline_script_or_style(template: Path) -> None:
    text = COMMENTS.sub("", template.read_text(encoding="utf-8"))
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert found == []


@pytest.mark.parametrize(
    ("tiles", "url", "origins"),
    [
        ("none", "", []),
        ("none", "https://tiles.example/{z}/{x}/{y}.png", []),
        ("tianditu", "", ["https://*.tianditu.gov.cn"]),
        ("amap", "", ["https://*.is.autonavi.com"]),
        ("xyz", "https://{s}.tiles.example:8443/{z}/{x}/{y}.png", ["https://*.tiles.example:8443"]),
        ("xyz", "http://10.1.2.3/tiles/{z}/{x}/{y}.png", ["http://10.1.2.3"]),
    ],
)
def test_map_tiles_are_allowed_from_their_server_only(
    tiles: str, url: str, origins: list[str]
) -> None:
    assert tile_origins(tiles, url) == origins
