"""Every FANGKONG_* variable the settings read is documented in .env.example, and back."""

from __future__ import annotations

import re
from pathlib import Path

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
