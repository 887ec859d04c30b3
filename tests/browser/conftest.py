"""A real server for the browser tests, and a real Chromium to drive it.

pytest-django's ``live_server`` cannot be used: it empties the database between tests, and
the audit log's triggers refuse DELETE and TRUNCATE. Instead one server per test module runs
the production stack (gunicorn, whitenoise, compiled catalogues) on a throw-away data directory
that ``seed.py`` fills once; tests only add data that the others do not count.

The fixtures are module-scoped so that Playwright's sync API (one instance per thread at a
time) is stopped before another module's browser fixture starts its own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.seed import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path  # removed at the end of the session


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# One process migrates and seeds, which saves a second Django start-up.
SET_UP = (
    "from django.core.management import call_command; "
    "call_command('migrate', interactive=False, verbosity=0); "
    "import tests.browser.seed as s; s.run()"
)


def _data_dir() -> Path:
    # SQLite syncs every migration to disk; a RAM-backed directory makes set-up much faster.
    shm = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private directory inside)
    return Path(tempfile.mkdtemp(prefix="fangkong-browser-", dir=shm if shm.is_dir() else None))


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /healthz:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    data_dir = _data_dir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        "FANGKONG_ENV": "development",
        "FANGKONG_DEBUG": "false",
        "FANGKONG_DATA_DIR": str(data_dir),
        "FANGKONG_MEDIA_ROOT": str(data_dir / "media"),
        "FANGKONG_MAP_TILES": "none",  # no network: the bundled outline only
        "PYTHONPATH": str(ROOT),
    }
    env.pop("FANGKONG_DATABASE_URL", None)  # always a fresh SQLite file under data_dir
    try:
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SET_UP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise RuntimeError(exc.stderr.decode()) from exc
    port = _free_port()
    log = data_dir / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "fangkong.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--threads", "4", "--timeout", "30"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url=url, data_dir=data_dir)
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
