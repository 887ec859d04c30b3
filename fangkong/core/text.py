"""Text that may reach the database: control characters are refused at the edge.

PostgreSQL refuses a NUL in a text column (the request then ends in a 500), SQLite stores it
silently, and both store the other control characters, which no one can see on a page and
which break the exports, the logs and the officer's phone that shows them. A lone surrogate
(``"\\ud800"`` in JSON) cannot be encoded to UTF-8 at all. So text with any of these is
refused with a field error, before any service sees it, in one place per way in:

- Django forms: every ``CharField`` (and its subclasses) gets :func:`validate_text` as a
  default validator (``CoreConfig.ready``), which covers our forms, the login and the admin;
- the JSON API: the API's parser walks every body and query string (``fangkong/api.py``);
- the public registration form, which is plain HTML read by hand: its view calls
  :func:`text_errors` on what it read.

Tab, line feed and carriage return stay allowed: a remark typed in a text area has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, LF and CR; DEL and the C1 controls; UTF-16 surrogates.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

CODE = "control_characters"
MESSAGE = _("This text contains invisible control characters (such as NUL). Remove them.")


def has_control_characters(value: str) -> bool:
    return _REFUSED.search(value) is not None


def validate_text(value: Any) -> None:
    """A Django validator: refuses a string with control characters."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(MESSAGE, code=CODE)


def bad_text_paths(data: Any, prefix: str = "") -> Iterator[str]:
    """The dotted paths (``people.0.name``) of the strings in ``data`` (nested dicts and
    lists, as parsed from JSON or a form) that have control characters, keys included."""
    if isinstance(data, str):
        if has_control_characters(data):
            yield prefix or "__all__"
    elif isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(key, str) and has_control_characters(key):
                yield prefix or "__all__"
                continue
            yield from bad_text_paths(value, path)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            # A list of strings (ticked boxes) is one field; a list of rows, one per row.
            path = prefix if isinstance(value, str) and prefix else f"{prefix}.{index}"
            yield from bad_text_paths(value, path.lstrip("."))


def text_errors(data: Any) -> dict[str, str]:
    """Field → message for every string in ``data`` with control characters."""
    return {path: str(MESSAGE) for path in bad_text_paths(data)}
