"""The steps a spreadsheet import with a column-mapping page shares, whatever it imports
(units and staff in ``org``, addresses and residents in ``grid``):

1. the upload is read once (:mod:`fangkong.lib.tabular`) to pick the sheet and header that
   name the most fields and to guess the columns; the file is kept encrypted in the storage
   (staff lists and resident lists hold ID numbers and phones) until the import's job has run;
2. the guess travels to the mapping page and back in a signed token bound to the user;
3. the confirmed sheet, header row and columns are checked against the file before the job
   starts;
4. the problems are reported alike: the messages of reading a file and mapping its columns,
   and the downloadable report's columns.

The caller keeps its own fields, its own problems' messages, permission and row checks.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.errors import FieldErrors
from fangkong.core.identity import keyring
from fangkong.lib import tabular

TOKEN_MAX_AGE_S = 24 * 3600
# The problems of reading any file and mapping its columns (``lib.tabular``'s codes), which
# every import reports alike; an import adds its own (:func:`problem_message`).
TABULAR_MESSAGES = {
    "file_type": gettext_lazy("Save the file as Excel .xlsx or as CSV first."),
    "file_too_large": gettext_lazy("The file is too large (10 MB at most)."),
    "file_unreadable": gettext_lazy("This Excel file cannot be read."),
    "file_encoding": gettext_lazy("This file is neither UTF-8 nor GBK text."),
    "file_too_many_rows": gettext_lazy("The file has too many rows."),
    "file_too_many_columns": gettext_lazy("The file has too many columns."),
    "file_empty": gettext_lazy("The file has no rows."),
    "column_missing": gettext_lazy("No column is chosen for this field."),
    "column_twice": gettext_lazy("The same column is chosen for two fields."),
    "required": gettext_lazy("This cell is empty."),
    "text_too_long": gettext_lazy("This text is too long."),
    "number_invalid": gettext_lazy("This is not a number."),
    "integer_invalid": gettext_lazy("This is not a whole number."),
    "date_invalid": gettext_lazy("This is not a date (write it as 2020-02-03)."),
}


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


def problem_message(code: str, messages: Mapping[str, Any]) -> str:
    """The import's own message for a problem's ``code``, else the shared one of reading a
    file (:data:`TABULAR_MESSAGES`) or of validating a value."""
    from fangkong.core.validation import MESSAGES

    message = messages.get(code) or TABULAR_MESSAGES.get(code) or MESSAGES.get(code)
    return str(message or _("This value is not valid."))


def job_problems(result: Mapping[str, Any]) -> list[tabular.Problem]:
    """The problems an import job kept in its result."""
    return [tabular.Problem(**p) for p in result.get("problems", [])]


def problem_row(
    problem: tabular.Problem, *, labels: Mapping[str, Any], message: Callable[[str], str]
) -> list[Any]:
    """A problem as a report's row: where, which field, why, the cell. A problem of the whole
    file whose detail only repeats why (a refusal said in full) leaves the cell blank."""
    where = problem.row or _("whole file")
    label = str(labels.get(problem.field, problem.field))
    reason = message(problem.code)
    value = "" if not problem.row and problem.value == str(reason) else problem.value
    return [where, label, reason, value]


def problems_book(
    problems: Sequence[tabular.Problem], *, describe: Callable[[tabular.Problem], Sequence[Any]]
) -> bytes:
    """The downloadable report of an import's problems, a row each as ``describe`` gives."""
    return tabular.problems_workbook(
        problems,
        title=_("Problems"),
        headers=[_("Row"), _("Field"), _("Problem"), _("Cell")],
        describe=describe,
    )


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
