"""The production env file (/etc/fangkong/fangkong.env), in the one format that the shell
(``set -a; . file``) and systemd's ``EnvironmentFile=`` read alike.

The two disagree on much: systemd keeps a ``# comment`` after a value as part of the value
and strips quotes its own way, the shell expands ``$``, ``~`` and backquotes and ends a line
at ``;`` or ``&``. So a line is ``NAME=value`` with a value made only of characters both take
literally, and a comment is a line of its own. Pure: no Django here.
"""

from __future__ import annotations

import re

NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
# Letters, digits and the punctuation of keys (base64, urlsafe), URLs and host lists.
SAFE_VALUE = re.compile(r"[A-Za-z0-9_.,:/@%+=?-]*")
UNSAFE_HINT = "percent-encode it (a password in a URL: %23 for #, %24 for $, %26 for &)"


class EnvFileError(ValueError):
    pass


def envfile_problems(text: str) -> list[str]:
    """What in ``text`` the shell and systemd would read differently, one message a line."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not NAME.fullmatch(name):
            problems.append(f"line {number}: expected NAME=value, got {line[:40]!r}")
        elif " #" in value or value.startswith("#"):
            problems.append(f"line {number}: {name}: a comment after the value (systemd keeps it)")
        elif not SAFE_VALUE.fullmatch(value):
            bad = sorted({c for c in value if not SAFE_VALUE.fullmatch(c)})
            problems.append(f"line {number}: {name}: {''.join(bad)!r} in the value; {UNSAFE_HINT}")
    return problems


def envfile_render(values: dict[str, str], comments: dict[str, str]) -> str:
    """``values`` as lines, each after its comment (if any) on lines of its own."""
    lines: list[str] = []
    for name, value in values.items():
        if not NAME.fullmatch(name):
            raise EnvFileError(f"not a variable name: {name!r}")
        if not SAFE_VALUE.fullmatch(value):
            raise EnvFileError(f"{name}: the value has characters the shell or systemd change")
        if name in comments:
            lines.extend(f"# {text}" for text in comments[name].splitlines())
        lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def envfile_parse(text: str) -> dict[str, str]:
    """The variables of a file without problems, as both readers see them."""
    problems = envfile_problems(text)
    if problems:
        raise EnvFileError("; ".join(problems))
    values = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values
