"""The files in deploy/ are complete and agree with docs/deploy.md: every unit is installed by
the docs' steps, timers fire in Beijing time, services run as the service user with TZ set,
and nginx hides its version and limits the public paths."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
DOCS = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def units(suffix: str) -> list[Path]:
    return sorted(SYSTEMD.glob(f"*.{suffix}"))


def directives(path: Path) -> dict[str, list[str]]:
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_every_timer_has_its_service_and_fires_in_beijing_time() -> None:
    assert [t.stem for t in units("timer")] == [
        "fangkong-audit",
        "fangkong-duty-escalate",
        "fangkong-keypersons-flag",
        "fangkong-purge",
        "fangkong-reports",
    ]
    for timer in units("timer"):
        assert (SYSTEMD / f"{timer.stem}.service").exists()
        (calendar,) = directives(timer)["OnCalendar"]
        assert calendar.endswith(" Asia/Shanghai"), calendar
        if shutil.which("systemd-analyze"):
            out = subprocess.run(
                ["systemd-analyze", "calendar", calendar], capture_output=True, text=True
            )
            assert out.returncode == 0, out.stderr


def test_every_service_runs_as_the_service_user_in_beijing_time() -> None:
    for service in units("service"):
        found = directives(service)
        assert found["User"] == ["fangkong"] and found["Group"] == ["fangkong"], service
        assert found["EnvironmentFile"] == ["/etc/fangkong/fangkong.env"]
        assert "TZ=Asia/Shanghai" in found["Environment"]
        assert found["ReadWritePaths"] == ["/srv/fangkong/var"]
        assert found["WorkingDirectory"] == ["/srv/fangkong/app"]


def test_the_docs_install_every_file_of_deploy() -> None:
    assert "install -m 0644 deploy/systemd/*.service deploy/systemd/*.timer" in DOCS
    enabled = re.search(r"systemctl enable --now (.+)", DOCS).group(1).split()
    workers = ["fangkong-worker@1", "fangkong-worker@2"]
    timers = [t.name for t in units("timer")]
    assert sorted(enabled) == sorted(["fangkong.service", *workers, *timers])
    for name in ("fangkong.conf", "fangkong_proxy.conf"):
        assert f"deploy/nginx/{name}" in DOCS


def test_nginx_hides_its_version_and_limits_the_public_paths() -> None:
    conf = (ROOT / "deploy" / "nginx" / "fangkong.conf").read_text(encoding="utf-8")
    assert "server_tokens off;" in conf
    public = conf[conf.index("# The citizens' host.") : conf.index("# The staff host")]
    for path in ("/r/", "/passes/apply/", "/api/v1/registrations"):
        (line,) = [line for line in public.splitlines() if f" {path} " in line]
        assert "limit_req zone=fangkong_public" in line
    assert "location / { return 404; }" in public
    assert "deny all;" in conf[conf.index("# The staff host") :]
    assert "preload" not in conf
    proxy = (ROOT / "deploy" / "nginx" / "fangkong_proxy.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Request-ID $request_id;" in proxy


def test_every_setting_the_docs_name_exists() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"\bFANGKONG_[A-Z0-9_]+", DOCS))
    assert named and named <= set(re.findall(r"\bFANGKONG_[A-Z0-9_]+", example))


@pytest.mark.skipif(os.getuid() != 0, reason="checks the refusal of root")
def test_deploy_manage_refuses_root(tmp_path: Path) -> None:
    out = subprocess.run(
        [str(ROOT / "deploy" / "manage"), "check"],
        env={"ENV_FILE": str(tmp_path / "none.env"), "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1
    assert "run as the service user" in out.stderr
