"""Named personas, so permission tests read naturally:

- ``commander``: the detachment commander, who sees the whole prefecture;
- ``brigade_officer``: a unit admin of the Ganzhou brigade, who sees only that brigade;
- ``other_officer``: a unit admin of the Linze brigade, who must be refused Ganzhou's data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from fangkong.core import ratelimit
from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Role, Unit
from tests.factories import SiteFactory, StaffFactory, UnitFactory, UserFactory
from tests.redis_cache import shared_cache  # noqa: F401 - a fixture for every test module

_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}

# Passwords hashed with MD5, not PBKDF2's million iterations: the suite creates thousands of
# users. The servers and commands the tests start inherit the variable (fangkong/settings.py);
# this process read its settings before this file, so it is told directly.
os.environ["FANGKONG_FAST_PASSWORD_HASHING"] = "1"
if settings.PASSWORD_HASHERS[0] != settings.FAST_PASSWORD_HASHER:
    settings.PASSWORD_HASHERS = [settings.FAST_PASSWORD_HASHER, *settings.PASSWORD_HASHERS]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With FANGKONG_TEST_DATABASE_ONLY=1 (the PostgreSQL leg of `make test`), run only the
    tests that use the database: the others ran already on SQLite and would run the same."""
    if os.environ.get("FANGKONG_TEST_DATABASE_ONLY") != "1":
        return
    keep, skip = [], []
    for item in items:
        uses = getattr(item, "fixturenames", ())
        database = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(uses)
        (keep if database else skip).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Every test starts in the installation's language (Chinese): a request in English
    through the test client leaves English active in the thread, and a later test in the same
    process would otherwise read its messages in English, depending on the order."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with no public request counted: the test client always comes from
    127.0.0.1, whose per-address counts would otherwise carry over from test to test."""
    cache.clear()
    ratelimit.reset()


@dataclass
class Tree:
    detachment: Unit
    ganzhou: Unit
    ganzhou_squad: Unit
    linze: Unit


@pytest.fixture
def tree(db: Any) -> Tree:
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    detachment = UnitFactory(code="620700", name="张掖市公安局交警支队", kind=UnitKind.DETACHMENT)
    ganzhou = UnitFactory(code="620702", name="甘州大队", kind=UnitKind.BRIGADE, parent=detachment)
    squad = UnitFactory(code="620702-1", name="甘州一中队", kind=UnitKind.SQUAD, parent=ganzhou)
    linze = UnitFactory(code="620723", name="临泽大队", kind=UnitKind.BRIGADE, parent=detachment)
    return Tree(detachment, ganzhou, squad, linze)


def _persona(unit: Unit, username: str, *roles: str) -> Any:
    user = UserFactory(username=username)
    staff = StaffFactory(unit=unit, user=user, name=username, kind=StaffKind.OFFICER)
    staff.roles.set(Role.objects.filter(code__in=roles))
    return user


@pytest.fixture
def commander(tree: Tree) -> Any:
    return _persona(tree.detachment, "commander", RoleCode.COMMANDER)


@pytest.fixture
def brigade_officer(tree: Tree) -> Any:
    return _persona(tree.ganzhou, "brigade", RoleCode.UNIT_ADMIN)


@pytest.fixture
def other_officer(tree: Tree) -> Any:
    return _persona(tree.linze, "linze", RoleCode.UNIT_ADMIN)


@pytest.fixture
def sites(tree: Tree) -> dict[str, list[Any]]:
    """Three sites in Ganzhou (one in its squad) and two in Linze."""
    return {
        "ganzhou": [
            SiteFactory(unit=tree.ganzhou),
            SiteFactory(unit=tree.ganzhou),
            SiteFactory(unit=tree.ganzhou_squad),
        ],
        "linze": [
            SiteFactory(unit=tree.linze, division_code="620723"),
            SiteFactory(unit=tree.linze, division_code="620723"),
        ],
    }


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user() -> Any:
    return login
