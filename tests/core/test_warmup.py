"""The master process loads what a fresh worker's first requests would (fangkong/core/warmup.py)."""

from __future__ import annotations

import logging

from django.template import engines
from django.urls import get_resolver

from fangkong.core import warmup


def test_warm_up_compiles_every_template_and_needs_no_database(caplog) -> None:
    # No django_db mark: a query would fail the test (pytest-django blocks the database).
    engine = engines["django"].engine
    with caplog.at_level(logging.WARNING, logger="fangkong.core.warmup"):
        warmup.warm()
    assert caplog.records == []  # every template compiles
    cached = engine.template_loaders[0]
    names = set(cached.get_template_cache)
    assert set(warmup._templates()) <= names
    assert "registration/form.html" in warmup._templates()
    assert get_resolver()._populated
