"""Configuration that cannot trap: one absolute data directory from which every path derives,
created 0700 by the app or refused at start with a message that says what to do; the file
storage, HSTS preload and the API docs' login as settings."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "FANGKONG_ENV": "production",
    "FANGKONG_SECRET_KEY": "x" * 50,
    "FANGKONG_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    "FANGKONG_BLIND_INDEX_KEY": "B" * 43 + "=",
}


def settings_of(code: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FANGKONG_")}
    environ.update(DJANGO_SETTINGS_MODULE="fangkong.settings", PYTHONPATH=str(ROOT), **env)
    script = (
        f"import json; from django.conf import settings as s; s.DEBUG; print(json.dumps({code}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=environ, capture_output=True, text=True
    )


def test_a_relative_data_dir_fails_at_start_with_a_clear_message(tmp_path: Path) -> None:
    out = settings_of("1", cwd=tmp_path, FANGKONG_DATA_DIR="./var")
    assert out.returncode != 0
    assert "FANGKONG_DATA_DIR must be an absolute path, got './var'" in out.stderr
    assert not (tmp_path / "var").exists()


def test_every_path_derives_from_the_data_dir_created_0700(tmp_path: Path) -> None:
    data = tmp_path / "srv" / "var"
    code = "[str(s.MEDIA_ROOT), str(s.REPORTS_ROOT), str(s.EXPORTS_ROOT), str(s.STATIC_ROOT)]"
    out = settings_of(code, FANGKONG_DATA_DIR=str(data))
    assert out.returncode == 0, out.stderr
    names = ["media", "reports", "exports", "static"]
    assert json.loads(out.stdout) == [str(data / name) for name in names]
    for path in [data, data / "media", data / "reports", data / "exports"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path


def test_a_data_dir_that_cannot_be_made_is_refused_at_start(tmp_path: Path) -> None:
    # A file where a directory should be: refused even to root, unlike a mode.
    (tmp_path / "srv").write_text("")
    out = settings_of("1", FANGKONG_DATA_DIR=str(tmp_path / "srv" / "var"))
    assert out.returncode != 0
    assert f"cannot create {tmp_path / 'srv' / 'var'} (Not a directory)" in out.stderr
    assert "install -d -o fangkong -g fangkong -m 0700" in out.stderr


def test_the_storage_backend_is_a_setting(tmp_path: Path) -> None:
    code = "{k: v['BACKEND'] for k, v in s.STORAGES.items() if k != 'staticfiles'}"
    env = {"FANGKONG_DATA_DIR": str(tmp_path)}
    local = json.loads(settings_of(code, **env).stdout)
    assert set(local.values()) == {"django.core.files.storage.FileSystemStorage"}
    database = json.loads(settings_of(code, FANGKONG_STORAGE="database", **env).stdout)
    assert set(database.values()) == {"fangkong.core.storage.DatabaseStorage"}
    s3_env = {"FANGKONG_STORAGE": "s3", "FANGKONG_S3_BUCKET": "fangkong", **env}
    s3_env["FANGKONG_S3_ENDPOINT_URL"] = "https://minio.police.example:9000"
    s3 = settings_of("s.STORAGES['reports']", **s3_env)
    options = json.loads(s3.stdout)["OPTIONS"]
    assert options["bucket_name"] == "fangkong" and options["location"] == "reports"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
    no_bucket = settings_of("1", FANGKONG_STORAGE="s3", **env)
    assert "FANGKONG_STORAGE=s3 needs FANGKONG_S3_BUCKET" in no_bucket.stderr
    wrong = settings_of("1", FANGKONG_STORAGE="nfs", **env)
    assert "FANGKONG_STORAGE must be filesystem, s3 or database" in wrong.stderr


def test_hsts_preload_is_off_unless_asked_for(tmp_path: Path) -> None:
    code = "[s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD]"
    env = {"FANGKONG_DATA_DIR": str(tmp_path), **PRODUCTION}
    assert json.loads(settings_of(code, **env).stdout) == [31536000, False]
    preload = settings_of(code, FANGKONG_HSTS_PRELOAD="true", **env)
    assert json.loads(preload.stdout) == [31536000, True]


def test_api_docs_need_a_login_in_production(tmp_path: Path) -> None:
    env = {"FANGKONG_DATA_DIR": str(tmp_path)}
    assert json.loads(settings_of("s.API_DOCS_LOGIN", **env, **PRODUCTION).stdout) is True
    assert json.loads(settings_of("s.API_DOCS_LOGIN", **env).stdout) is False


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_api_docs_behind_login(settings: Any, commander: Any, url: str) -> None:
    settings.API_DOCS_LOGIN = True
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=")
    client = Client()
    client.force_login(commander)
    assert client.get(url).status_code == 200
    settings.API_DOCS_LOGIN = False
    assert Client().get(url).status_code == 200
