"""Masked display forms of personal identifiers (``620102********1234``, ``138****5678``).

Masking keeps the length, so a masked value still looks like what it hides, and it never
reveals more than the fixed head and tail; a value too short to have a hidden middle is
masked completely.
"""

from __future__ import annotations

from fangkong.lib.crypto import Unreadable

MASK_CHAR = "*"


def mask_middle(value: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters and mask the rest. A value that
    could not be decrypted is shown as the message it carries."""
    if isinstance(value, Unreadable):
        return value
    if len(value) <= head + tail:
        return MASK_CHAR * len(value)
    hidden = len(value) - head - tail
    return value[:head] + MASK_CHAR * hidden + value[len(value) - tail :]


def mask_id_number(number: str) -> str:
    """``620102199001011234`` -> ``620102********1234`` (address code and last 4 kept)."""
    return mask_middle(number, 6, 4)


def mask_phone(phone: str) -> str:
    """``13812345678`` -> ``138****5678``."""
    return mask_middle(phone, 3, 4)


def mask_name(name: str) -> str:
    """Keep the first character and, for names of three or more, the last one.

    ``张三丰`` -> ``张*丰``, ``张三`` -> ``张*``; a one-character name is masked completely.
    """
    if isinstance(name, Unreadable):
        return name
    if len(name) <= 1:
        return MASK_CHAR * len(name)
    if len(name) == 2:
        return name[0] + MASK_CHAR
    return mask_middle(name, 1, 1)
