"""Phone numbers: mainland China mobiles (11 digits starting with 13-19) and, for holders of
foreign documents, numbers of other countries in E.164 form (``+447911123456``).

A mainland mobile is stored as its 11 digits whatever way it was typed (with +86 or not), so
the blind index finds it; a foreign number is stored as E.164, checked against the numbering
plans of Google's libphonenumber (the ``phonenumbers`` package), so the same number typed with
spaces or a 00 prefix is the same stored value.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from fangkong.lib.errors import CodedError
from fangkong.lib.mask import mask_phone

__all__ = ["PhoneError", "is_valid_phone", "mask_phone", "normalize_phone"]

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# Separators people type between digit groups; the country code is handled separately.
_SEPARATORS_RE = re.compile(r"[\s\-.()/]")
_COUNTRY_PREFIXES = ("+86", "0086", "86")
CHINA_COUNTRY_CODE = 86
# A foreign number in E.164 has at most 15 digits after the "+"; anything much longer is not a
# phone number, and libphonenumber need not look at it.
_MAX_INPUT = 32


class PhoneError(CodedError):
    """An invalid phone number: ``phone_invalid`` (not a mainland mobile) or
    ``phone_international_invalid`` (neither a mainland mobile nor a valid foreign number)."""


def normalize_phone(text: str, *, international: bool = False) -> str:
    """Return the canonical number, or raise ``PhoneError``.

    A mainland mobile comes back as its 11 digits; full-width digits, spaces, dashes, dots,
    brackets and a +86, 0086 or 86 country code are accepted. With ``international``, a number
    given with another country code (``+44 7911 123456``, ``0044 7911 123456``) comes back in
    E.164 form if it is a valid number of that country.
    """
    digits = _SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", text))
    mainland = _mainland(digits)
    if mainland is not None:
        return mainland
    if international:
        foreign = _foreign(digits)
        if foreign is not None:
            return foreign
        raise PhoneError("phone_international_invalid", f"not a valid phone number: {text!r}")
    raise PhoneError("phone_invalid", f"not a mainland mobile number: {text!r}")


def _mainland(digits: str) -> str | None:
    for prefix in _COUNTRY_PREFIXES:
        # A bare "86" is only a country code if 11 digits follow it.
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if _MOBILE_RE.fullmatch(digits) else None


def _foreign(digits: str) -> str | None:
    """E.164 of a valid number with a country code other than China's, else None."""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+") or not digits[1:].isdigit() or len(digits) > _MAX_INPUT:
        return None
    try:
        number = phonenumbers.parse(digits, None)
    except phonenumbers.NumberParseException:
        return None
    # A +86 number that is not a mobile (a landline) is refused like any other non-mobile.
    if number.country_code == CHINA_COUNTRY_CODE or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_phone(text: str, *, international: bool = False) -> bool:
    try:
        normalize_phone(text, international=international)
    except PhoneError:
        return False
    return True
