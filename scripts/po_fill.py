"""Fill msgstr entries of a .po file from a JSON dictionary (msgid → msgstr).

Used when adding translations by hand in bulk: ``python scripts/po_fill.py FILE.po DICT.json``.
Translated entries are left alone; fuzzy ones (makemessages' guesses) are replaced or cleared.
Prints the msgids still untranslated and exits 1 if there are any.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(
    r"(?P<flags>(?:#[,|].*\n)*)msgid (?P<id>(?:\"[^\n]*\"\n)+)msgstr (?P<str>(?:\"[^\n]*\"\n?)+)"
)


def _unquote(lines: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', lines)
    return json.loads('"' + "".join(parts) + '"')


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po_path: Path, translations: dict[str, str]) -> list[str]:
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        msgid = _unquote(match["id"])
        if msgid == "":  # the header
            return match["flags"].replace("#, fuzzy\n", "") + match[0][len(match["flags"]) :]
        fuzzy = "fuzzy" in match["flags"]
        current = "" if fuzzy else _unquote(match["str"])
        value = current or translations.get(msgid, "")
        if not value:
            missing.append(msgid)
        flags = "".join(
            line + "\n"
            for line in match["flags"].splitlines()
            if not line.startswith("#|") and line.strip() != "#, fuzzy"
        ).replace(", fuzzy", "")
        end = "\n" if match[0].endswith("\n") else ""
        return f"{flags}msgid {match['id']}msgstr {_quote(value)}{end}"

    text = ENTRY.sub(replace, po_path.read_text(encoding="utf-8"))
    text = text.replace("charset=CHARSET", "charset=UTF-8")
    text = text.replace('"Language: \\n"', '"Language: zh_Hans\\n"')
    po_path.write_text(text, encoding="utf-8")
    return missing


if __name__ == "__main__":
    left = fill(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
    for msgid in left:
        print("untranslated:", msgid)
    sys.exit(1 if left else 0)
