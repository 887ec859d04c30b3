"""The steps a spreadsheet import with a column-mapping page shares, whatever it imports
(units and staff in ``org``, addresses and residents in ``grid``):

1. the upload is read once (:mod:`fangkong.lib.tabular`) to pick the sheet and header that
   name the most fields and to guess the columns; the file is kept encrypted in the storage
   (staff lists and resident lists hold ID numbers and phones) until the import's job has run;
2. the guess travels to the mapping page and back in a signed token bound to the user;
3. the confirmed sheet, header row and columns are checked against the file before the job
   starts.

The caller keeps its own fields, messages, permission and row checks.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from fangkong.core.errors import FieldErrors
from fangkong.core.identity import keyring
from fangkong.lib import tabular

TOKEN_MAX_AGE_S = 24 * 3600


@dataclass(frozen=True)
class Upload:
    """A file read and stored for import, with the guess at its columns. ``kind`` is what
    the caller imports; ``target`` an id the caller chose the file for (a community), if any."""

    kind: str
    stored: str  # the storage name of the encrypted file
    file_name: str
    sheets: list[str]
    sheet: str
    header_row: int
    mapping: dict[str, int | None]
    target: int | None = None


def best_sheet(
    sheets: list[tabular.Sheet], fields: Sequence[tabular.Field]
) -> tuple[tabular.Sheet, tabular.Header]:
    """The sheet whose header names the most fields, with that header."""

    def found(header: tabular.Header) -> int:
        mapping = tabular.guess_columns(header.labels, fields)
        return sum(1 for column in mapping.values() if column is not None)

    headers = [(sheet, tabular.find_header(sheet, fields)) for sheet in sheets]
    return max(headers, key=lambda pair: found(pair[1]))


def upload_keep(data: bytes, *, folder: str, context: bytes) -> str:
    """Keep the uploaded bytes encrypted in the storage; their storage name."""
    token = keyring().encrypt(base64.b64encode(data).decode(), context=context)
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}.bin", ContentFile(token.encode()))


def upload_sheets(stored: str, file_name: str, *, context: bytes) -> list[tabular.Sheet]:
    """The sheets of a kept upload."""
    with default_storage.open(stored, "rb") as handle:
        token = handle.read().decode()
    data = base64.b64decode(keyring().decrypt(token, context=context))
    return tabular.read_sheets(file_name, data)


def upload_read(
    *,
    kind: str,
    fields: Sequence[tabular.Field],
    file_name: str,
    data: bytes,
    folder: str,
    context: bytes,
    target: int | None = None,
) -> Upload:
    """Read the file (``tabular.FileError`` if it cannot be), guess its sheet and columns,
    and keep it."""
    sheets = tabular.read_sheets(file_name, data)
    sheet, header = best_sheet(sheets, fields)
    mapping = tabular.guess_columns(header.labels, fields)
    stored = upload_keep(data, folder=folder, context=context)
    return Upload(
        kind, stored, file_name[-200:], [s.name for s in sheets], sheet.name, header.row,
        mapping, target,
    )  # fmt: skip


def check_mapping(
    sheets: list[tabular.Sheet],
    fields: Sequence[tabular.Field],
    sheet: str,
    header_row: int,
    mapping: dict[str, int | None],
    *,
    message: Callable[[str], str],
) -> tabular.Sheet:
    """The chosen sheet, if the header row and columns fit it; ``ValidationError`` if not.
    ``message`` gives the caller's text for ``column_missing`` and ``column_twice``."""
    errors = FieldErrors()
    chosen = next((s for s in sheets if s.name == sheet), None)
    if chosen is None:
        errors.add("sheet", _("The file has no such sheet."), "sheet_invalid")
        errors.raise_if_any()
    assert chosen is not None  # noqa: S101 - raised above otherwise
    if not 1 <= header_row < len(chosen.cells):
        errors.add("header_row", _("The header row is not in the sheet."), "header_row_invalid")
    for f in fields:
        column = mapping.get(f.key)
        if column is not None and not 0 <= column < chosen.width:
            errors.add(f.key, _("The sheet has no such column."), "column_invalid")
        elif column is None and f.required:
            errors.add(f.key, message("column_missing"), "column_missing")
    used = [c for c in mapping.values() if c is not None]
    if len(used) != len(set(used)):
        errors.add("__all__", message("column_twice"), "column_twice")
    errors.raise_if_any()
    return chosen


def file_error(exc: tabular.FileError, message: Callable[[str], str]) -> ValidationError:
    """A file that cannot be read, as the upload form's error."""
    errors = FieldErrors()
    errors.add("file", message(exc.code), exc.code)
    return ValidationError(errors.errors)


def upload_token(user_pk: Any, upload: Upload, *, salt: str) -> str:
    return signing.dumps({"user": user_pk, **asdict(upload)}, salt=salt)


def upload_from_token(user_pk: Any, token: str, *, salt: str) -> Upload | None:
    """The upload a token carries, if it is genuine, recent and the user's."""
    try:
        data = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE_S)
    except signing.BadSignature:
        return None
    if data.pop("user", None) != user_pk:
        return None
    try:
        return Upload(**data)
    except TypeError:  # a token of an older shape
        return None
