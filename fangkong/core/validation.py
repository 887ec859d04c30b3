"""Translated messages for the error codes of ``fangkong.lib``, and field normalisers that
services share: each turns a lib error into a message on the field that caused it."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import FieldErrors
from fangkong.lib import divisions, documents
from fangkong.lib import phone as phonelib
from fangkong.lib import plate as platelib
from fangkong.lib.errors import CodedError

MESSAGES = {
    "id_length": _("A resident ID number has 18 characters."),
    "id_format": _("A resident ID number has 17 digits followed by a digit or X."),
    "id_checksum": _("This ID number's check digit is wrong. Check each digit again."),
    "id_birth_date": _("The date of birth in this ID number is not a real past date."),
    "document_type": _("Choose a document type."),
    "document_empty": _("Enter the document number."),
    "document_format": _("This document number is not valid."),
    "passport_format": _("A passport number has 5 to 17 letters and digits."),
    "foreign_permanent_residence_format": _("This permanent residence ID number is not valid."),
    "hk_macau_permit_format": _("A Home Return Permit number is H or M and 8 or 10 digits."),
    "taiwan_permit_format": _("A Taiwan compatriot permit number has 8 digits."),
    "phone_invalid": _("Enter a valid mainland mobile number, 11 digits."),
    "phone_international_invalid": _(
        "Enter a mainland mobile number (11 digits), or a foreign number with its country "
        "code, such as +44 7911 123456."
    ),
    "plate_length": _("This licence plate has the wrong number of characters."),
    "plate_province": _("A licence plate starts with a province abbreviation, such as 甘."),
    "plate_office": _("The second character of a licence plate is a letter."),
    "plate_serial": _("The serial part of this licence plate is not valid."),
    "plate_unsupported": _("Military and armed-police plates are not registered here."),
    "division_format": _("A division code has exactly six digits."),
    "division_unknown": _("No administrative division has this code."),
}

# A key a phone makes for a write it may send more than once (a UUID, or 8 to 64 letters,
# digits, - or _), so that a retry finds what the first attempt stored.
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def message_for(error: CodedError) -> str:
    return str(MESSAGES.get(error.code, _("This value is not valid.")))


def clean_document(errors: FieldErrors, field: str, doc_type: str, number: str) -> str:
    try:
        return documents.validate_document(doc_type, number)
    except documents.DocumentError as exc:
        errors.add(field, message_for(exc), exc.code)
        return number


def foreign_phone_allowed(doc_type: str | None) -> bool:
    """Whether the holder of ``doc_type`` may give a foreign number: anyone but a holder of a
    resident ID card (a passport, a permanent residence ID, a HK, Macau or Taiwan permit)."""
    return bool(doc_type) and doc_type != documents.DocumentType.RESIDENT_ID


def clean_phone(
    errors: FieldErrors,
    field: str,
    value: str,
    *,
    required: bool = False,
    doc_type: str | None = None,
) -> str:
    """The normalised phone: a mainland mobile's 11 digits, or, for the holder of a foreign
    document (``doc_type``), also a foreign number in E.164 form."""
    if not value.strip():
        if required:
            errors.add(field, str(_("Enter a mobile number.")), "phone_required")
        return ""
    try:
        return phonelib.normalize_phone(value, international=foreign_phone_allowed(doc_type))
    except phonelib.PhoneError as exc:
        errors.add(field, message_for(exc), exc.code)
        return value


def clean_plate(errors: FieldErrors, field: str, value: str) -> str:
    try:
        return platelib.normalize_plate(value)
    except platelib.PlateError as exc:
        errors.add(field, message_for(exc), exc.code)
        return value


def clean_division(errors: FieldErrors, field: str, code: str) -> str:
    if not code:
        return ""
    try:
        divisions.division_validate(code)
    except divisions.DivisionError as exc:
        errors.add(field, message_for(exc), exc.code)
    return code


def reject_naive(errors: FieldErrors, field: str, value: datetime) -> bool:
    """Whether ``value`` has no time zone, in which case ``field`` gets the error that says so:
    the server would read such a time in its own zone, not the sender's, and comparing it with
    an aware time raises."""
    if timezone.is_naive(value):
        errors.add(field, str(_("Give the time with its time zone.")), "naive_datetime")
        return True
    return False


def client_key_or_none(value: str | None) -> str | None:
    """The key of :data:`CLIENT_KEY` without surrounding spaces, or None if ``value`` is not
    one: what a look-up of an earlier write by its key searches for."""
    key = (value or "").strip()
    return key if CLIENT_KEY.fullmatch(key) else None


def clean_client_key(errors: FieldErrors, field: str, value: str | None) -> str:
    """The key of :data:`CLIENT_KEY` without surrounding spaces; an error on ``field`` if it is
    not one."""
    key = client_key_or_none(value)
    if key is None:
        errors.add(field, str(_("8 to 64 letters, digits, - or _.")), "key_invalid")
    return key or (value or "").strip()
