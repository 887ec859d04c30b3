"""The few records the registration browser tests need, loaded into the test server's
database with ``manage.py shell -c "import tests.registration.browser_seed as s; s.run()"``."""

from __future__ import annotations

from fangkong.org.choices import UnitKind
from fangkong.org.models import Unit
from fangkong.sites.choices import SiteKind
from fangkong.sites.models import Site

ROAD_SITE = "BRW-ROAD"
GATE_SITE = "BRW-GATE"


def run() -> None:
    unit = Unit.objects.create(
        code="620702", name="甘州大队", kind=UnitKind.BRIGADE, path="/620702/"
    )
    Site.objects.create(
        code=ROAD_SITE, name="甘州西收费站卡点", kind=SiteKind.TOLL_STATION, unit=unit,
        lng=100.41, lat=38.93, division_code="620702",
    )  # fmt: skip
    Site.objects.create(
        code=GATE_SITE, name="幸福社区东门", kind=SiteKind.COMMUNITY_GATE, unit=unit,
        lng=100.45, lat=38.94, division_code="620702",
    )  # fmt: skip
