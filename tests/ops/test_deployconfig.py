"""``manage.py deployconfig`` writes an env file that the shell and systemd read alike, with
fresh keys, mode 0600, and never over an existing one; ``--check`` finds the traps."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fangkong.core.envfile import EnvFileError, envfile_parse, envfile_problems, envfile_render

ARGS = ["--host", "fk.example.gov.cn", "--staff-host", "staff.fk.example.gov.cn"]


def shell_reads(path: Path) -> dict[str, str]:
    """What ``set -a; . file`` exports, as the docs' commands read the file."""
    script = 'set -a; . "$1"; env -0'
    out = subprocess.run(
        ["sh", "-c", script, "sh", str(path)], env={}, capture_output=True, check=True
    ).stdout.decode()
    pairs = (item.partition("=") for item in out.split("\0") if item.startswith("FANGKONG_"))
    return {name: value for name, _, value in pairs}


def test_a_fresh_file_has_new_keys_mode_0600_and_reads_alike(tmp_path: Path) -> None:
    path = tmp_path / "fangkong.env"
    url = "postgres://fangkong:p%40ss@127.0.0.1:5432/fangkong?sslmode=require"
    call_command("deployconfig", "--out", str(path), *ARGS, "--database-url", url)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = envfile_parse(path.read_text())
    assert values == shell_reads(path)
    assert values["FANGKONG_ENV"] == "production"
    assert values["FANGKONG_DATABASE_URL"] == url
    assert values["FANGKONG_ALLOWED_HOSTS"] == "fk.example.gov.cn,staff.fk.example.gov.cn"
    assert values["FANGKONG_PUBLIC_BASE_URL"] == "https://fk.example.gov.cn"
    assert values["FANGKONG_DATA_DIR"] == "/srv/fangkong/var"
    assert values["FANGKONG_ENCRYPTION_KEYS"].startswith("k1:")
    other = tmp_path / "other.env"
    call_command("deployconfig", "--out", str(other), *ARGS)
    again = envfile_parse(other.read_text())
    for key in ("FANGKONG_SECRET_KEY", "FANGKONG_ENCRYPTION_KEYS", "FANGKONG_BLIND_INDEX_KEY"):
        assert again[key] != values[key]


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "fangkong.env"
    path.write_text("FANGKONG_ENCRYPTION_KEYS=k1:old\n")
    with pytest.raises(CommandError, match="exists"):
        call_command("deployconfig", "--out", str(path), *ARGS)
    assert path.read_text() == "FANGKONG_ENCRYPTION_KEYS=k1:old\n"


def test_a_value_the_shell_would_change_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fangkong.env"
    with pytest.raises(CommandError, match="characters"):
        call_command("deployconfig", "--out", str(path), *ARGS, "--cache-url", "redis://:a$b@h/1")
    assert not path.exists()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("FANGKONG_PUBLIC_BASE_URL=https://fk.example # printed in QR codes", "a comment after"),
        ('FANGKONG_SECRET_KEY="abc"', "'\"'"),
        ("FANGKONG_SECRET_KEY=a$HOME", "'$'"),
        ("FANGKONG_DATA_DIR=~/var", "'~'"),
        ("export FANGKONG_ENV=production", "expected NAME=value"),
        ("FANGKONG_ENV = production", "expected NAME=value"),
    ],
)
def test_check_names_each_trap(tmp_path: Path, line: str, problem: str) -> None:
    assert problem in envfile_problems("# fine\n\n" + line + "\n")[0]
    assert envfile_problems(line)[0].startswith("line 1:")
    path = tmp_path / "old.env"
    path.write_text(line + "\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("deployconfig", "--check", str(path))


def test_the_example_file_is_in_the_format() -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    assert envfile_problems(example.read_text()) == []


def test_render_refuses_what_parse_would() -> None:
    with pytest.raises(EnvFileError):
        envfile_render({"FANGKONG_X": "a b"}, {})
    with pytest.raises(EnvFileError):
        envfile_parse("FANGKONG_X=a b\n")
