"""The production server and Debian's Chromium, for every browser test module.

pytest-django's ``live_server`` cannot be used: it empties the database between tests, and the
audit log's triggers refuse DELETE and TRUNCATE. Instead a module starts gunicorn on a
throw-away data directory that it seeds once (:func:`set_up`, :func:`running_gunicorn`).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a development install on a fresh SQLite file in ``data_dir``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        "FANGKONG_ENV": "development",
        "FANGKONG_DEBUG": "false",
        "FANGKONG_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.pop("FANGKONG_DATABASE_URL", None)  # always SQLite, whatever the leg
    return env


def _migrations_key() -> str:
    """A digest of every migration file: a migrated database is reused while it is the same."""
    digest = hashlib.sha256(sys.executable.encode())
    for path in sorted(ROOT.glob("fangkong/*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _migrated_template(env: dict[str, str]) -> Path:
    """A data directory holding a freshly migrated database, made once for the current
    migrations and shared by every module and xdist worker (a file lock orders them).

    Migrating takes about 20 s and seeding a few; copying the migrated file takes
    milliseconds, so each module still starts from its own fresh database."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())  # noqa: S108
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]  # worktrees keep their own
    template = base / f"fangkong-migrated-{checkout}-{_migrations_key()}"
    with (base / f"fangkong-migrated-{checkout}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "fangkong.sqlite3").exists():
            for stale in base.glob(f"fangkong-migrated-{checkout}-*"):
                shutil.rmtree(stale, ignore_errors=True)
            building = Path(tempfile.mkdtemp(prefix="fangkong-migrating-", dir=base))
            _django(
                {**env, "FANGKONG_DATA_DIR": str(building)},
                "from django.core.management import call_command; "
                "call_command('migrate', interactive=False, verbosity=0)",
            )
            building.rename(template)
    return template


def _django(env: dict[str, str], code: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.decode())


def set_up(env: dict[str, str], seed_module: str) -> None:
    """Start from a copy of the migrated database, migrate (a no-op unless a migration
    changed meanwhile) and run ``seed_module.run()`` in one Django start-up."""
    data_dir = Path(env["FANGKONG_DATA_DIR"])
    template = _migrated_template(env)
    data_dir.mkdir(parents=True, exist_ok=True)
    if (template / "dev-secrets.json").exists():
        shutil.copyfile(template / "dev-secrets.json", data_dir / "dev-secrets.json")
    # SQLite's backup copies the committed state, whatever is still in the WAL file.
    with (
        closing(sqlite3.connect(template / "fangkong.sqlite3")) as source,
        closing(sqlite3.connect(data_dir / "fangkong.sqlite3")) as copy,
    ):
        source.backup(copy)
    _django(
        env,
        "from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        f"import {seed_module} as s; s.run()",
    )


@contextmanager
def running_gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn as production runs it (one worker, four threads); yields its base URL."""
    port = free_port()
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
        yield url
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def seeded_server(data_dir: Path, seed_module: str, **extra_env: str) -> Iterator[str]:
    """A fresh install in ``data_dir``, seeded by ``seed_module`` and served by gunicorn;
    yields its base URL."""
    env = server_env(data_dir, **extra_env)
    set_up(env, seed_module)
    with running_gunicorn(env, data_dir / "gunicorn.log") as url:
        yield url


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


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright's sync API. Use it from module-scoped fixtures:
    a sync session left open stops the next module's from starting."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def logged_in_page(
    browser: Any, url: str, username: str, password: str, *, next_url: str, **options: Any
) -> Any:
    """A page in a new context of Zhangye (Chinese, Shanghai time), logged in as
    ``username`` and at ``next_url``; ``options`` go to the context (viewport, touch...). The
    page's JavaScript errors are kept in ``page.errors``."""
    context = browser.new_context(
        base_url=url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    return page
