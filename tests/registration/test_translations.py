"""The Chinese catalogue is complete: no fuzzy entry, no empty translation."""

from __future__ import annotations

import re
from pathlib import Path

import fangkong.registration

CATALOGUE = Path(fangkong.registration.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_message_is_translated() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    # An empty msgstr not continued on the next line is a message left untranslated.
    assert re.findall(r'msgstr ""\n(?!")', text + "\n") == []
    assert text.count("msgid ") > 150
