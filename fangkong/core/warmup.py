"""Warm a process before gunicorn forks its workers from it (``--preload``).

A recycled worker (``--max-requests``) is forked from the master. Whatever Django loads
lazily - the URL resolver, the merged translation catalogues of every app, the compiled
templates of the cached loader, the static files manifest - the new worker would otherwise load
while the first requests wait behind it, and at 70 % load the queue behind one slow worker takes
seconds to drain (issue 26: p99 1.4 s in the soak against 12 ms without restarts). Loaded once
here in the master, every worker inherits it through fork, copy-on-write.

Nothing here opens a database connection that a child could inherit: the connections are closed
at the end, in case a template tag or an import touched the database.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)


def _templates() -> list[str]:
    names = []
    for config in apps.get_app_configs():
        root = Path(config.path) / "templates"
        names += [p.relative_to(root).as_posix() for p in root.rglob("*.html")]
    return sorted(names)


def warm() -> float:
    """Load what the first request of a fresh worker would; the seconds it took."""
    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - imports every app's views and urls
    get_resolver()._populate()  # the reverse() tables
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Fangkong epidemic control")  # merges the catalogues
    engine = engines["django"]
    for name in _templates():
        try:
            engine.get_template(name)  # compiled into the cached loader
        except (TemplateDoesNotExist, TemplateSyntaxError):  # pragma: no cover - a bad file
            log.warning("warm-up: template %s not compiled", name)
    connections.close_all()
    return time.perf_counter() - started
