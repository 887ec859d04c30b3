"""Chinese is the default language and must be complete: every string the code marks for
translation has a Chinese translation in its app's catalogue, none of them fuzzy."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "fangkong"
DJANGO_ADMIN = shutil.which("django-admin") or str(ROOT / ".venv" / "bin" / "django-admin")
APPS = sorted(p.parent.parent.parent for p in PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES"))


def _untranslated(po_text: str) -> list[str]:
    entries = po_text.split("\n\n")[1:]
    bad = []
    for entry in entries:
        if entry.lstrip().startswith("#~"):
            continue  # obsolete entries
        if "#, fuzzy" in entry or entry.rstrip().endswith('msgstr ""'):
            bad.append(entry.strip().splitlines()[-2] if entry.strip() else entry)
    return bad


def test_every_app_with_strings_has_a_catalogue() -> None:
    names = {p.name for p in APPS}
    assert {"core", "org"} <= names


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_catalogue_is_complete_and_current(app: Path, tmp_path: Path) -> None:
    """Re-extract the strings from the code into a copy, so a string added without its
    translation fails here even when nobody ran makemessages."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed: run `make install`")
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "engine"))
    subprocess.run(
        [DJANGO_ADMIN, "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    po = (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert _untranslated(po) == []


_ENTRY = re.compile(
    r'(?:msgctxt (?P<ctx>(?:"[^\n]*"\n)+))?msgid (?P<id>(?:"[^\n]*"\n)+)'
    r'(?:msgid_plural (?:"[^\n]*"\n)+)?msgstr(?:\[0\])? (?P<str>(?:"[^\n]*"\n?)+)'
)


def _unquote(lines: str | None) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', lines or "")
    return json.loads('"' + "".join(parts) + '"')


def test_a_string_means_one_thing_in_every_app() -> None:
    """Django merges every app's catalogue into one, and the first app in INSTALLED_APPS wins:
    a msgid translated one way in the roster and another in key persons shows the roster's
    words on the key-person pages. A string that means something else in another app takes a
    context (pgettext); one that means the same is translated the same."""
    translations: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for app in APPS:
        po = (app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        for entry in _ENTRY.finditer(po):
            if msgid := _unquote(entry["id"]):
                key = (_unquote(entry["ctx"]), msgid)
                translations[key][app.name] = _unquote(entry["str"])
    conflicts = {
        f"{ctx}|{msgid}" if ctx else msgid: apps
        for (ctx, msgid), apps in translations.items()
        if len(set(apps.values())) > 1
    }
    assert conflicts == {}
