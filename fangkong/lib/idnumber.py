"""Resident ID numbers (公民身份号码, GB 11643-1999).

An ID number has 18 characters: a 6-digit address code (GB/T 2260), the birth date as
YYYYMMDD, a 3-digit sequence whose last digit is odd for men and even for women, and an
ISO 7064 MOD 11-2 check character (0-9 or X). Residence permits for residents of Hong Kong,
Macau and Taiwan (港澳台居民居住证) use the same scheme with address codes 810000, 820000
and 830000.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from fangkong.lib.divisions import division_get
from fangkong.lib.errors import CodedError

# Weight of position i is 2**(17 - i) mod 11 (ISO 7064 MOD 11-2).
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ZERO_WEIGHTED = ord("0") * sum(WEIGHTS)
CHECK_CHARS = "10X98765432"  # Indexed by (weighted sum mod 11).

# Address codes of residence permits, which are not divisions in GB/T 2260.
RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
CHINA_TZ = ZoneInfo("Asia/Shanghai")

_FORMAT_RE = re.compile(r"[0-9]{17}[0-9X]")


class IdNumberError(CodedError):
    """An invalid ID number; ``code`` is one of ``id_length``, ``id_format``,
    ``id_checksum`` or ``id_birth_date``."""


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: Literal["M", "F"]
    address_code: str
    warnings: list[str] = field(default_factory=list)

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


def normalize(text: str) -> str:
    """Canonical text form: NFKC (full-width digits), no whitespace, upper-case X.

    It does not validate; ``validate`` does.
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).upper()


def checksum_char(first17: str) -> str:
    """The check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdNumberError("id_format", f"expected 17 digits, got {first17!r}")
    # Over the ASCII codes (the digit plus 48), less the 48s: no int() per digit.
    total = sum(map(operator.mul, first17.encode(), WEIGHTS)) - _ZERO_WEIGHTED
    return CHECK_CHARS[total % 11]


def validate(text: str, *, today: date | None = None) -> IdNumber:
    """Validate an ID number and return its parts, or raise ``IdNumberError``.

    An address code missing from the division table (current and historical) is only a
    warning, ``id_unknown_region``: the table can lag behind new divisions.
    """
    number = normalize(text)
    birth_date = _checked(number, today)
    address_code = number[:6]
    warnings = [] if _is_known_region(address_code) else ["id_unknown_region"]
    return IdNumber(
        number=number,
        birth_date=birth_date,
        sex="M" if int(number[16]) % 2 else "F",
        address_code=address_code,
        warnings=warnings,
    )


def checked_number(text: str, *, today: date | None = None) -> str:
    """The number of ``text`` in its canonical form, validated as :func:`validate` does, for
    callers that want only the number (a list import checks a million): no parts built,
    no region looked up (an unknown one is only a warning)."""
    number = normalize(text)
    _checked(number, today)
    return number


def _checked(number: str, today: date | None) -> date:
    """The birth date of a normalised number, once its length, format, check character and
    date are checked."""
    if len(number) != 18:
        raise IdNumberError("id_length", f"ID number must have 18 characters, got {len(number)}")
    if not _FORMAT_RE.fullmatch(number):
        raise IdNumberError("id_format", "ID number must be 17 digits then a digit or X")
    if checksum_char(number[:17]) != number[17]:
        raise IdNumberError("id_checksum", "ID number check character does not match")
    return _birth_date(number[6:14], today or datetime.now(CHINA_TZ).date())


def birth_date_and_sex(number: str) -> tuple[date, Literal["M", "F"]]:
    """The birth date and sex of a number ``validate`` has accepted, without checking again
    (for the registration's hot path, which has validated it while cleaning the form)."""
    birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return birth_date, "M" if int(number[16]) % 2 else "F"


def _birth_date(yyyymmdd: str, today: date) -> date:
    try:
        birth_date = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise IdNumberError("id_birth_date", f"no such date: {yyyymmdd}") from None
    if not EARLIEST_BIRTH_DATE <= birth_date <= today:
        raise IdNumberError("id_birth_date", f"birth date out of range: {birth_date}")
    return birth_date


def _is_known_region(address_code: str) -> bool:
    return address_code in RESIDENCE_PERMIT_CODES or division_get(address_code) is not None


def is_valid(text: str, *, today: date | None = None) -> bool:
    try:
        validate(text, today=today)
    except IdNumberError:
        return False
    return True
