"""``manage.py deployconfig``: write a fresh production env file with new keys, mode 0600.

It never overwrites a file: a second run would replace the encryption keys, and with them
every ID number and phone already stored. ``--check FILE`` reports what in an existing file
the shell and systemd would read differently (core/envfile.py).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.core.envfile import EnvFileError, envfile_problems, envfile_render

COMMENTS = {
    "FANGKONG_ENV": "Written by manage.py deployconfig. Format: NAME=value, comments on lines\n"
    "of their own only (systemd keeps a comment after a value). Every setting: .env.example.",
    "FANGKONG_SECRET_KEY": "Keys: keep a copy in the bureau's key custody, never in a backup of\n"
    "the database. Losing FANGKONG_ENCRYPTION_KEYS loses every ID number and phone stored.",
    "FANGKONG_DATABASE_URL": "Empty: SQLite under FANGKONG_DATA_DIR.",
    "FANGKONG_CACHE_URL": "Redis shared by all app servers, with its password:\n"
    "redis://:PASSWORD@HOST:6379/1 (empty: each process its own memory).",
    "FANGKONG_STORAGE": "filesystem (one app server), database or s3 (several).",
}


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


class Command(BaseCommand):
    help = "Write a new production env file with fresh keys (mode 0600), or --check one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="the file to write; must not exist")
        parser.add_argument("--check", type=Path, help="report problems in an existing file")
        parser.add_argument("--host", help="the citizens' host name, e.g. fk.example.gov.cn")
        parser.add_argument("--staff-host", default="", help="the staff host name, if another")
        parser.add_argument("--data-dir", default="/srv/fangkong/var", help="absolute path")
        parser.add_argument("--database-url", default="", help="postgres://...; empty: SQLite")
        parser.add_argument("--cache-url", default="", help="redis://:PASSWORD@HOST:6379/1")
        parser.add_argument(
            "--storage", choices=["filesystem", "database", "s3"], default="filesystem"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self._check(options["check"])
        elif options["out"] and options["host"]:
            self._write(options["out"], self._values(options))
        else:
            raise CommandError("give --out FILE and --host NAME, or --check FILE")

    def _check(self, path: Path) -> None:
        problems = envfile_problems(path.read_text(encoding="utf-8"))
        for problem in problems:
            self.stderr.write(f"{path}: {problem}")
        if problems:
            raise CommandError(f"{path}: {len(problems)} problem(s)")
        self.stdout.write(f"{path}: read alike by the shell and systemd")

    def _values(self, options: dict[str, Any]) -> dict[str, str]:
        if not Path(options["data_dir"]).is_absolute():
            raise CommandError("--data-dir must be an absolute path")
        hosts = [options["host"]] + ([options["staff_host"]] if options["staff_host"] else [])
        return {
            "FANGKONG_ENV": "production",
            "FANGKONG_SECRET_KEY": secrets.token_urlsafe(50),
            "FANGKONG_ENCRYPTION_KEYS": "k1:" + _key(),
            "FANGKONG_BLIND_INDEX_KEY": _key(),
            "FANGKONG_ALLOWED_HOSTS": ",".join(hosts),
            "FANGKONG_CSRF_TRUSTED_ORIGINS": ",".join(f"https://{host}" for host in hosts),
            "FANGKONG_PUBLIC_BASE_URL": f"https://{options['host']}",
            "FANGKONG_DATA_DIR": options["data_dir"],
            "FANGKONG_DATABASE_URL": options["database_url"],
            "FANGKONG_CACHE_URL": options["cache_url"],
            "FANGKONG_STORAGE": options["storage"],
            "FANGKONG_TIME_ZONE": "Asia/Shanghai",
        }

    def _write(self, path: Path, values: dict[str, str]) -> None:
        try:
            text = envfile_render(values, COMMENTS)
        except EnvFileError as exc:
            raise CommandError(str(exc)) from None
        try:
            # O_EXCL: never replace a file (and its keys); 0600 from the first byte on.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            message = f"{path} exists; its keys protect stored data: move it first"
            raise CommandError(message) from None
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(path, 0o600)  # whatever the umask
        self.stdout.write(f"{path}: written, mode 0600")
