"""The offline pages' service worker: one script (``core/sw.js``) for every phone page that
opens without a network (the officer app, the sign-in at the post, the grid worker's day).

Each page's view serves the script under the page's own path, so that the worker's scope is
the page, with a head of constants that say what this worker keeps: the cache's name, the
page, its static files and any JSON it reads network first. The head is part of the worker's
body, not an inline script of a page, so the Content-Security-Policy is not concerned."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.templatetags.static import static

WORKER = "core/sw.js"


@cache
def static_version(paths: tuple[str, ...]) -> str:
    """A short hash of the cached files and the worker: a new one installs a new cache."""
    digest = hashlib.sha256()
    for path in (*paths, WORKER):
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def service_worker_response(
    *,
    cache_name: str,
    app_url: str,
    static_paths: Sequence[str],
    network_first: Sequence[str] = (),
) -> HttpResponse:
    """The worker for the page at ``app_url``, served from a path under it.

    ``cache_name`` prefixes the worker's caches (old versions with the same prefix are
    deleted on activation); ``network_first`` lists other paths (JSON the page reads) kept
    for offline use but fetched fresh when there is signal."""
    found = finders.find(WORKER)
    if not isinstance(found, str):
        raise Http404
    with open(found, encoding="utf-8") as handle:
        body = handle.read()
    # repr() of these ASCII paths and names is a valid JavaScript string or array literal.
    head = (
        f"const CACHE_PREFIX = {cache_name + '-'!r};\n"
        f"const VERSION = {static_version(tuple(static_paths))!r};\n"
        f"const APP_URL = {app_url!r};\n"
        f"const PRECACHE = {[static(path) for path in static_paths]!r};\n"
        f"const NETWORK_FIRST = {list(network_first)!r};\n"
    )
    response = HttpResponse(head + body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = app_url
    response["Cache-Control"] = "no-cache"
    return response
