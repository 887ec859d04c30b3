"""Motor vehicle plates (机动车号牌, GA 36-2018).

Canonical form has no separators (``甘G12345``); display form puts a middle dot after the
issuing office (``甘G·12345``). Supported: ordinary plates (province, office letter, 5-char
serial), new-energy plates (6-char serial), plates with a one-character suffix in place of
the last serial character (``甘G1234警``) and embassy plates (``使`` then 6 digits).
Military and armed-police plates are refused with ``plate_unsupported``: they follow other
rules and are not registered at checkpoints by plate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from fangkong.lib.errors import CodedError

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
EMBASSY = "使"
# Consulate plates carry 领 as a suffix (沪A1234领), never in first place.
SUFFIX_KINDS = {
    "挂": "trailer",
    "学": "coach",
    "警": "police",
    "港": "hong_kong",
    "澳": "macau",
    "领": "consulate",
    "试": "test",
    "超": "oversize",
}
OFFICE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Serials skip I and O, which read as 1 and 0.
SERIAL_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
# New-energy serials: D/A/B/C/E mark battery-electric, F/G/H/J/K other new-energy vehicles.
NEW_ENERGY_LETTERS = "DABCEFGHJK"
DISPLAY_DOT = "·"

_SEPARATORS_RE = re.compile(r"[\s·•・‧∙.\-_]")
# People type traditional characters on some phones; map the ones plates use.
_TRADITIONAL = str.maketrans("滬遼魯蘇贛閩貴寧瓊陝晉雲學掛領試", "沪辽鲁苏赣闽贵宁琼陕晋云学挂领试")
_SERIAL = f"[{SERIAL_CHARS}]"
_SMALL_NEW_ENERGY_RE = re.compile(f"[{NEW_ENERGY_LETTERS}]{_SERIAL}[0-9]{{4}}")
_LARGE_NEW_ENERGY_RE = re.compile(f"[0-9]{{5}}[{NEW_ENERGY_LETTERS}]")
_ORDINARY_RE = re.compile(f"{_SERIAL}{{5}}")
_SUFFIX_SERIAL_RE = re.compile(f"{_SERIAL}{{4}}")
_UNSUPPORTED_RE = re.compile(r"WJ.*|[A-Z]{2}[0-9]{5}|民航.*")


class PlateError(CodedError):
    """An invalid plate. Codes: ``plate_length``, ``plate_province``, ``plate_office``,
    ``plate_serial``, ``plate_unsupported``."""


@dataclass(frozen=True)
class Plate:
    province: str  # A province abbreviation, or 使 for embassy plates.
    office_letter: str  # Empty for embassy plates.
    serial: str  # 4 characters when there is a suffix, 6 for new-energy, else 5.
    suffix: str = ""
    new_energy: bool = False
    kind_hint: str = "ordinary"

    @property
    def canonical(self) -> str:
        return f"{self.province}{self.office_letter}{self.serial}{self.suffix}"


def clean_plate_text(text: str) -> str:
    """NFKC, traditional to simplified, no spaces or dots, upper-case; no validation."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    return _SEPARATORS_RE.sub("", text).upper()


def parse_plate(text: str) -> Plate:
    """Parse a plate typed in any common form, or raise ``PlateError``."""
    plate = clean_plate_text(text)
    if _UNSUPPORTED_RE.fullmatch(plate):
        raise PlateError("plate_unsupported", f"military or other special plate: {plate}")
    if len(plate) not in (7, 8):
        raise PlateError("plate_length", f"a plate has 7 or 8 characters, got {len(plate)}")
    if plate[0] == EMBASSY:
        return _parse_embassy(plate)
    if plate[0] not in PROVINCES:
        raise PlateError("plate_province", f"unknown province abbreviation: {plate[0]!r}")
    if plate[1] not in OFFICE_LETTERS:
        raise PlateError("plate_office", f"office code must be a letter: {plate[1]!r}")
    return _parse_serial(plate[0], plate[1], plate[2:])


def _parse_serial(province: str, office: str, rest: str) -> Plate:
    if len(rest) == 6:
        if _SMALL_NEW_ENERGY_RE.fullmatch(rest):
            return Plate(province, office, rest, new_energy=True, kind_hint="small_new_energy")
        if _LARGE_NEW_ENERGY_RE.fullmatch(rest):
            return Plate(province, office, rest, new_energy=True, kind_hint="large_new_energy")
        raise PlateError("plate_serial", f"not a new-energy serial: {rest}")
    suffix = rest[-1]
    if suffix in SUFFIX_KINDS and _SUFFIX_SERIAL_RE.fullmatch(rest[:-1]):
        return Plate(province, office, rest[:-1], suffix=suffix, kind_hint=SUFFIX_KINDS[suffix])
    if _ORDINARY_RE.fullmatch(rest):
        return Plate(province, office, rest)
    raise PlateError("plate_serial", f"not a valid serial: {rest}")


def _parse_embassy(plate: str) -> Plate:
    serial = plate[1:]
    if len(serial) != 6 or not (serial.isascii() and serial.isdigit()):
        raise PlateError("plate_serial", f"an embassy plate has 6 digits after 使: {plate}")
    return Plate(EMBASSY, "", serial, kind_hint="embassy")


def normalize_plate(text: str) -> str:
    """The canonical form (``甘G12345``) of a valid plate, or raise ``PlateError``."""
    return parse_plate(text).canonical


def format_plate(plate: Plate) -> str:
    """The display form: ``甘G·12345``, ``甘G·1234警``, ``使224001``."""
    if not plate.office_letter:
        return plate.canonical
    return f"{plate.province}{plate.office_letter}{DISPLAY_DOT}{plate.serial}{plate.suffix}"


def is_valid_plate(text: str) -> bool:
    try:
        parse_plate(text)
    except PlateError:
        return False
    return True
