"""Every FANGKONG_* variable the settings read is documented in .env.example, and back."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _names(text: str) -> set[str]:
    return set(re.findall(r"\b(FANGKONG_[A-Z0-9_]+)\b", text))


def test_env_example_lists_every_setting() -> None:
    read = set()
    for path in (ROOT / "fangkong").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"\b\w+\(\s*\"(FANGKONG_[A-Z0-9_]+)\"", source))
    documented = _names((ROOT / ".env.example").read_text(encoding="utf-8"))
    assert read, "no settings found: the pattern is broken"
    assert read - documented == set(), "settings missing from .env.example"
    assert documented - read == set(), ".env.example lists settings nobody reads"


def _admin_answer(tmp_path: Path, **env: str) -> int:
    """What /admin/ answers in a server process started with ``env`` (production secrets set)."""
    key = base64.b64encode(b"k" * 32).decode()
    environ = {
        **os.environ,
        "FANGKONG_ENV": "production",
        "FANGKONG_SECRET_KEY": "s" * 50,
        "FANGKONG_ENCRYPTION_KEYS": f"t1:{key}",
        "FANGKONG_BLIND_INDEX_KEY": key,
        "FANGKONG_DATA_DIR": str(tmp_path),
        **env,
    }
    if "FANGKONG_ADMIN_ENABLED" not in env:
        environ.pop("FANGKONG_ADMIN_ENABLED", None)
    code = "from django.test import Client; print(Client().get('/admin/', secure=True).status_code)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.split()[-1])


def test_the_admin_is_off_in_production_unless_a_setting_turns_it_on(tmp_path: Path) -> None:
    assert _admin_answer(tmp_path) == 404
    assert _admin_answer(tmp_path, FANGKONG_ADMIN_ENABLED="true") == 302


def test_the_admin_is_on_in_development(client: Any) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


def _first_hasher(tmp_path: Path, env: str) -> str:
    key = base64.b64encode(b"k" * 32).decode()
    environ = {
        **os.environ,
        "FANGKONG_ENV": env,
        "FANGKONG_SECRET_KEY": "s" * 50,
        "FANGKONG_ENCRYPTION_KEYS": f"t1:{key}",
        "FANGKONG_BLIND_INDEX_KEY": key,
        "FANGKONG_DATA_DIR": str(tmp_path),
        "FANGKONG_FAST_PASSWORD_HASHING": "1",
    }
    code = "from django.contrib.auth.hashers import get_hasher; print(get_hasher().algorithm)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT, env=environ, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.split()[-1]


def test_fast_password_hashing_is_for_tests_and_never_for_production(tmp_path: Path) -> None:
    """The suite hashes its thousands of passwords fast; a production server ignores the
    variable and keeps PBKDF2, whatever its environment says."""
    assert _first_hasher(tmp_path / "dev", "development") == "md5"
    assert _first_hasher(tmp_path / "prod", "production") == "pbkdf2_sha256"
