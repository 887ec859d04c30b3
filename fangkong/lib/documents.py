"""Identity documents a person may register with, and their number formats."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from fangkong.lib import idnumber
from fangkong.lib.errors import CodedError


class DocumentType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证 (and HK/Macau/Taiwan residence permits)
    PASSPORT = "passport"  # 护照
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"  # 外国人永久居留身份证
    HK_MACAU_PERMIT = "hk_macau_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    OTHER = "other"


# Each pattern applies to the normalised (NFKC, no whitespace, upper-case) number.
PATTERNS: dict[DocumentType, re.Pattern[str]] = {
    DocumentType.PASSPORT: re.compile(r"[A-Z0-9]{5,17}"),
    # The 2004 card: ISO 3166 alpha-3 nationality then 12 digits. The 2023 card: 18
    # characters starting with 9. Its check character is not verified, because we could
    # not confirm the algorithm from a published source and refusing a real card is worse
    # than missing a typo.
    DocumentType.FOREIGN_PERMANENT_RESIDENCE: re.compile(r"[A-Z]{3}[0-9]{12}|9[0-9]{16}[0-9X]"),
    DocumentType.HK_MACAU_PERMIT: re.compile(r"[HM]([0-9]{8}|[0-9]{10})"),
    DocumentType.TAIWAN_PERMIT: re.compile(r"[0-9]{8}"),
    DocumentType.OTHER: re.compile(r"[A-Z0-9()\-/]{1,32}"),
}

FORMAT_CODES: dict[DocumentType, str] = {
    DocumentType.PASSPORT: "passport_format",
    DocumentType.FOREIGN_PERMANENT_RESIDENCE: "foreign_permanent_residence_format",
    DocumentType.HK_MACAU_PERMIT: "hk_macau_permit_format",
    DocumentType.TAIWAN_PERMIT: "taiwan_permit_format",
    DocumentType.OTHER: "document_format",
}


class DocumentError(CodedError):
    """An invalid document number. Codes: ``document_type``, ``document_empty``, the
    ``*_format`` codes in ``FORMAT_CODES``, and for resident IDs the ``id_*`` codes of
    ``fangkong.lib.idnumber``."""


def normalize_number(number: str) -> str:
    text = unicodedata.normalize("NFKC", number)
    return "".join(text.split()).upper()


def validate_document(doc_type: DocumentType | str, number: str) -> str:
    """Return the normalised document number, or raise ``DocumentError``."""
    try:
        doc_type = DocumentType(doc_type)
    except ValueError:
        raise DocumentError("document_type", f"unknown document type: {doc_type!r}") from None
    normalized = normalize_number(number)
    if not normalized:
        raise DocumentError("document_empty", "document number is empty")
    if doc_type is DocumentType.RESIDENT_ID:
        return _validate_resident_id(normalized)
    if not PATTERNS[doc_type].fullmatch(normalized):
        code = FORMAT_CODES[doc_type]
        raise DocumentError(code, f"not a valid {doc_type.value} number")
    return normalized


def _validate_resident_id(number: str) -> str:
    try:
        return idnumber.validate(number).number
    except idnumber.IdNumberError as error:
        raise DocumentError(error.code, error.message) from error
