"""A real server for the browser tests, and a real Chromium to drive it.

pytest-django's ``live_server`` cannot be used: it empties the database between tests, and
the audit log's triggers refuse DELETE and TRUNCATE. Instead one server per test module runs
the production stack (gunicorn, whitenoise, compiled catalogues) on a throw-away data directory
that ``seed.py`` fills once; tests only add data that the others do not count.

The fixtures are module-scoped so that Playwright's sync API (one instance per thread at a
time) is stopped before another module's browser fixture starts its own.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.gunicorn import (  # noqa: F401 - CHROMIUM: for the modules importing it
    CHROMIUM,
    chromium,
    running_gunicorn,
    server_env,
    set_up,
)
from tests.browser.seed import PASSWORD

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path  # removed at the end of the session


def _data_dir() -> Path:
    # SQLite syncs every migration to disk; a RAM-backed directory makes set-up much faster.
    shm = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private directory inside)
    return Path(tempfile.mkdtemp(prefix="fangkong-browser-", dir=shm if shm.is_dir() else None))


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    data_dir = _data_dir()
    env = server_env(data_dir, FANGKONG_MAP_TILES="none")  # no network: the outline only
    try:
        set_up(env, "tests.browser.seed")
        with running_gunicorn(env, data_dir / "gunicorn.log") as url:
            yield Server(url=url, data_dir=data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def _sessions(browser: Any, server: Server) -> dict[str, Any]:
    return {}


def new_page(browser: Any, server: Server, *, viewport: dict[str, int] = DESKTOP, **kw: Any) -> Any:
    # Police PCs and phones send a Chinese Accept-Language; the UI follows it.
    context = browser.new_context(
        base_url=server.url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **kw
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def page_as(browser: Any, server: Server, _sessions: dict[str, Any]) -> Iterator[Any]:
    """``page_as("brigade")`` gives a logged-in desktop page; ``viewport=PHONE`` a phone.
    Each persona logs in once per module; later pages reuse its cookies."""
    opened: list[Any] = []

    def open_page(username: str, *, viewport: dict[str, int] = DESKTOP) -> Any:
        if username not in _sessions:
            page = new_page(browser, server)
            log_in(page, username)
            _sessions[username] = page.context.storage_state()
            page.context.close()
        page = new_page(browser, server, viewport=viewport, storage_state=_sessions[username])
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        assert page.errors == [], page.errors
        page.context.close()
