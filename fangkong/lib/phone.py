"""Mainland China mobile phone numbers: 11 digits starting with 13-19."""

from __future__ import annotations

import re
import unicodedata

from fangkong.lib.errors import CodedError
from fangkong.lib.mask import mask_phone

__all__ = ["PhoneError", "is_valid_phone", "mask_phone", "normalize_phone"]

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# Separators people type between digit groups; the country code is handled separately.
_SEPARATORS_RE = re.compile(r"[\s\-.()/]")
_COUNTRY_PREFIXES = ("+86", "0086", "86")


class PhoneError(CodedError):
    """An invalid mobile number; the only code is ``phone_invalid``."""


def normalize_phone(text: str) -> str:
    """Return the canonical 11-digit number, or raise ``PhoneError``.

    Accepts full-width digits, spaces, dashes, dots and brackets, and a +86, 0086 or 86
    country code.
    """
    digits = _SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", text))
    for prefix in _COUNTRY_PREFIXES:
        # A bare "86" is only a country code if 11 digits follow it.
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MOBILE_RE.fullmatch(digits):
        raise PhoneError("phone_invalid", f"not a mainland mobile number: {text!r}")
    return digits


def is_valid_phone(text: str) -> bool:
    try:
        normalize_phone(text)
    except PhoneError:
        return False
    return True
