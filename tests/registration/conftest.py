"""Sites of each kind, valid identities and ready-made form data for the registration tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from fangkong.lib.idnumber import checksum_char
from fangkong.sites.choices import SiteKind
from tests.browser.gunicorn import chromium as launch_chromium
from tests.browser.gunicorn import running_gunicorn, server_env, set_up
from tests.factories import SiteFactory


def id_number(n: int, *, birth: str = "19900101", region: str = "620702") -> str:
    """A valid resident ID number, different for each ``n``."""
    first17 = f"{region}{birth}{n % 1000:03d}"
    return first17 + checksum_char(first17)


def phone(n: int) -> str:
    return f"139{n:08d}"


def road_data(n: int = 1, *, companions: int = 0, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "name": "张三丰",
        "doc_type": "resident_id",
        "doc_number": id_number(n),
        "phone": phone(n),
        "role": "driver",
        "plate": "甘G12345",
        "vehicle_kind": "car",
        "origin": "620102",
        "places_passed": [{"code": "620702", "date": (today - timedelta(days=2)).isoformat()}],
        "destination": "张掖市甘州区",
        "purpose": "返乡",
        "health_code": "green",
        "itinerary": "normal",
        "nat_date": (today - timedelta(days=1)).isoformat(),
        "nat_result": "negative",
        "symptoms": [],
        "companions": [
            {
                "name": f"李四{i}",
                "doc_type": "resident_id",
                "doc_number": id_number(n + 100 + i, birth="19851231"),
                "phone": "",
                "health_code": "green",
            }
            for i in range(companions)
        ],
    }
    data.update(overrides)
    return data


def community_data(n: int = 1, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "王五",
        "doc_type": "resident_id",
        "doc_number": id_number(n),
        "phone": phone(n),
        "health_code": "green",
        "gate_role": "visitor",
        "direction": "in",
        "building": "3号楼",
        "door": "2单元401",
        "host_name": "赵六",
        "host_phone": "13800000001",
    }
    data.update(overrides)
    return data


def floating_data(n: int = 1, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "钱七",
        "doc_type": "resident_id",
        "doc_number": id_number(n),
        "phone": phone(n),
        "health_code": "green",
        "address": "甘州区青年西街幸福社区",
        "building": "5号楼",
        "door": "1单元302",
        "landlord_name": "孙八",
        "landlord_phone": "13800000002",
        "employer": "张掖某某公司",
        "arrival_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "coming_from": "510104",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The rate limit counts in the cache; each test starts from zero.
    cache.clear()


@pytest.fixture
def road_site(tree: Any) -> Any:
    return SiteFactory(unit=tree.ganzhou, kind=SiteKind.CHECKPOINT, name="甘州西收费站卡点")


@pytest.fixture
def gate_site(tree: Any) -> Any:
    return SiteFactory(unit=tree.ganzhou_squad, kind=SiteKind.COMMUNITY_GATE, name="幸福社区东门")


@pytest.fixture
def hub_site(tree: Any) -> Any:
    return SiteFactory(unit=tree.linze, kind=SiteKind.TRANSPORT_HUB, name="临泽汽车站")


# --- a real server for the browser tests -------------------------------------------------
# pytest-django's live_server empties the database between tests, which the audit log's
# triggers refuse; so, as tests/browser does, one gunicorn per session on a throw-away SQLite
# database, seeded once. Started only when a browser test asks for it.


@dataclass(frozen=True)
class RegistrationServer:
    url: str
    database: Path


@pytest.fixture(scope="session")
def registration_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistrationServer]:
    data_dir = tmp_path_factory.mktemp("fangkong-registration")
    env = server_env(data_dir)
    set_up(env, "tests.registration.browser_seed")
    with running_gunicorn(env, data_dir / "gunicorn.log") as url:
        yield RegistrationServer(url=url, database=data_dir / "fangkong.sqlite3")


# Module scope: a Playwright sync session left open would stop the next module's browser
# fixture from starting its own ("Sync API inside the asyncio loop").
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launch_chromium() as browser:
        yield browser
