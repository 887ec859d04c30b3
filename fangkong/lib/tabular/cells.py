"""Normalising and parsing single cells.

A parser takes a cell as the spreadsheet gave it (text, a number, a date or None) and returns
the clean value, or raises :class:`CellError` with a code. An empty cell never reaches a
parser: :func:`fangkong.lib.tabular.extract` handles it (``None``, or a ``required`` problem).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fangkong.lib import idnumber, phone, plate
from fangkong.lib.errors import CodedError

# Excel counts days from 1899-12-30 (it believes 1900 was a leap year).
EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m", "%Y/%m")
# Text with no space at either end, and single spaces within: already normalised, if ASCII.
_PLAIN = re.compile(r"[!-~]+(?: [!-~]+)*")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}\b)")


class CellError(CodedError):
    """A cell that cannot be read as its column wants; ``code`` names why."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code, message or code)


def normalise_text(value: Any) -> str:
    """Text as people meant it: NFKC (full-width digits and letters become ASCII, the
    ideographic space a space), runs of whitespace (with no-break and zero-width spaces) as one
    space, nothing around it. A whole number stored as a float loses its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str) and value.isascii():
        # ASCII is its own NFKC form and holds no zero-width space: only the spaces to
        # mend, and most cells (digits, letters) have none to mend. A list import reads
        # millions of cells.
        return value if _PLAIN.fullmatch(value) else " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value))
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", "").replace("\ufeff", "")
    # Splitting on whitespace drops it at both ends and joins each run as one space.
    return " ".join(text.split())


def is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, str):
        if value.isascii():
            return not value.strip()
        if value[0].isalnum():
            return False  # NFKC keeps a letter or digit a letter or digit: not blank
    return normalise_text(value) == ""


def parse_text(value: Any) -> str:
    return normalise_text(value)


def parse_text_within(limit: int) -> Callable[[Any], str]:
    """A parser of text of at most ``limit`` characters (the column's length), which refuses
    a longer text with ``text_too_long``."""

    def parse(value: Any) -> str:
        text = parse_text(value)
        if len(text) > limit:
            raise CellError("text_too_long")
        return text

    return parse


def _number_text(value: Any) -> str:
    text = normalise_text(value).replace(" ", "")
    return _THOUSANDS.sub("", text)


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("number_invalid")
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        raise CellError("number_invalid") from None
    if not number.is_finite():
        raise CellError("number_invalid")
    return number


def parse_integer(value: Any) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError("integer_invalid")
    return int(number)


def parse_positive_integer(value: Any) -> int:
    number = parse_integer(value)
    if number <= 0:
        raise CellError("positive_required")
    return number


def parse_date(value: Any) -> date:
    """A date cell, an Excel serial number or text in the usual Chinese ways of writing a
    date (``2020-02-03``, ``2020/2/3``, ``2020.2.3``, ``20200203``, ``2020年2月3日``); a month
    alone (``2020-02``) means its first day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 <= value <= 80000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = normalise_text(value).replace(" ", "")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise CellError("date_invalid")


def parse_id_number(value: Any) -> str:
    """A resident ID number: no spaces, full-width digits and a lowercase x mended, then
    checked (length, format, check digit, date of birth)."""
    try:
        return idnumber.checked_number(normalise_text(value))
    except idnumber.IdNumberError as exc:
        raise CellError(exc.code) from None


def parse_phone(value: Any) -> str:
    try:
        return phone.normalize_phone(normalise_text(value))
    except phone.PhoneError as exc:
        raise CellError(exc.code) from None


def parse_plate(value: Any) -> str:
    try:
        return plate.normalize_plate(normalise_text(value))
    except plate.PlateError as exc:
        raise CellError(exc.code) from None
