"""Registrations for the screening browser tests, added to the browser server's database.

Run ``manage.py shell -c "import tests.screening.browser_seed as s; s.run()"`` against the
server's data directory after ``tests/browser/seed.py``. Everything here is at one Ganzhou
site, with a short code of its own, so it changes no other test's figures.
"""

from __future__ import annotations

from fangkong.sites.models import Site
from tests.screening.conftest import declared, make_group, make_person

SITE_CODE = "GZ-001"
SHORT_CODE = "SCRN23"
PLATE = "甘GA2345"
AMBULANCE_CODE = "AMBU23"
AMBULANCE_PLATE = "甘GA9120"


def run() -> None:
    site = Site.objects.get(code=SITE_CODE)
    make_group(
        site,
        people=[
            (make_person(501, "赵铁柱", phone="13900000501"), declared()),
            (make_person(502, "钱小花", phone=""), declared(health_code="yellow")),
        ],
        plate=PLATE,
        code=SHORT_CODE,
    )
    # A form that says "ambulance": a declaration, until the officer sees the vehicle.
    make_group(
        site,
        people=[(make_person(503, "孙大夫", phone="13900000503"), declared())],
        plate=AMBULANCE_PLATE,
        kind="ambulance",
        code=AMBULANCE_CODE,
    )
