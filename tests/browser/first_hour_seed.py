"""The demo prefecture for the "first hour" browser tests: every demo login, a day of checks.

Run ``manage.py shell -c "import tests.browser.first_hour_seed as s; s.run()"``.
"""

from __future__ import annotations

from django.conf import settings

from fangkong.demo.loader import demo_load

CHECKS = 3_000
PASSWORD = settings.DEMO_PASSWORD


def run() -> None:
    demo_load(checks=CHECKS)
