"""The production server and Debian's Chromium, for every browser test module.

pytest-django's ``live_server`` cannot be used: it empties the database between tests, and the
audit log's triggers refuse DELETE and TRUNCATE. Instead a module starts gunicorn on a
throw-away data directory that it seeds once (:func:`set_up`, :func:`running_gunicorn`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


def set_up(env: dict[str, str], seed_module: str) -> None:
    """Migrate and run ``seed_module.run()`` in one Django start-up."""
    code = (
        "from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        f"import {seed_module} as s; s.run()"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.decode())


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
