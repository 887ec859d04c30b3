"""Field errors shared by services, forms and the API.

Services raise Django's ``ValidationError`` with a dict of field → error, each error with a
machine-readable ``code`` and a translated message, so a form shows the message on the field and
the API answers 4xx with the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class FieldErrors:
    """Collects errors field by field, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.errors.setdefault(field, []).append(ValidationError(message, code=code))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def refuse(field: str, message: str, code: str) -> NoReturn:
    """Raise the one error a check that cannot go on has found: ``code`` on ``field``."""
    raise ValidationError({field: [ValidationError(message, code=code)]})


def error_payload(exc: ValidationError) -> dict[str, object]:
    """The API's body for a validation error: the first code at the top, every field's errors."""
    fields: dict[str, list[dict[str, str]]] = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            fields[field] = [
                {"code": err.code or "invalid", "message": str(err.message % (err.params or {}))}
                for err in errors
            ]
    else:
        fields["__all__"] = [
            {"code": err.code or "invalid", "message": str(err.message % (err.params or {}))}
            for err in exc.error_list
        ]
    first = next(iter(fields.values()))[0]
    return {"code": first["code"], "message": first["message"], "errors": fields}


class PermissionDeniedError(Exception):
    """Raised by services when the acting user may not do this; views answer 403."""

    code = "forbidden"


# The messages of the API's schema errors in the user's language, by pydantic's error type;
# the type itself stays the machine-readable code. Pydantic's own are English only.
_SCHEMA_MESSAGES: dict[str, tuple[str, str]] = {
    # error type -> (message, the context key its figure comes from)
    "missing": (gettext_noop("This field is required."), ""),
    "string_too_long": (gettext_noop("Use at most %(limit)s characters."), "max_length"),
    "string_too_short": (gettext_noop("Use at least %(limit)s characters."), "min_length"),
    "too_long": (gettext_noop("Give at most %(limit)s items."), "max_length"),
    "too_short": (gettext_noop("Give at least %(limit)s items."), "min_length"),
    "greater_than_equal": (gettext_noop("Give a value of at least %(limit)s."), "ge"),
    "less_than_equal": (gettext_noop("Give a value of at most %(limit)s."), "le"),
    "greater_than": (gettext_noop("Give a value above %(limit)s."), "gt"),
    "less_than": (gettext_noop("Give a value below %(limit)s."), "lt"),
    "int_parsing": (gettext_noop("Enter a whole number."), ""),
    "int_type": (gettext_noop("Enter a whole number."), ""),
    "int_from_float": (gettext_noop("Enter a whole number."), ""),
    "float_parsing": (gettext_noop("Enter a number."), ""),
    "float_type": (gettext_noop("Enter a number."), ""),
    "decimal_parsing": (gettext_noop("Enter a number."), ""),
    "decimal_type": (gettext_noop("Enter a number."), ""),
    "decimal_max_digits": (gettext_noop("Use at most %(limit)s digits."), "max_digits"),
    "decimal_max_places": (gettext_noop("Use at most %(limit)s decimal places."), "decimal_places"),
    "decimal_whole_digits": (gettext_noop("Use at most %(limit)s digits."), "whole_digits"),
    "bool_parsing": (gettext_noop("Enter true or false."), ""),
    "bool_type": (gettext_noop("Enter true or false."), ""),
    "string_type": (gettext_noop("Enter text."), ""),
    "string_pattern_mismatch": (gettext_noop("Enter the value in the expected format."), ""),
    "list_type": (gettext_noop("Give a list."), ""),
    "dict_type": (gettext_noop("Give an object."), ""),
    "model_type": (gettext_noop("Give an object."), ""),
    "model_attributes_type": (gettext_noop("Give an object."), ""),
    "enum": (gettext_noop("Choose one of the listed values."), ""),
    "literal_error": (gettext_noop("Choose one of the listed values."), ""),
    "date_parsing": (gettext_noop("Enter a day such as 2026-02-10."), ""),
    "date_type": (gettext_noop("Enter a day such as 2026-02-10."), ""),
    "date_from_datetime_parsing": (gettext_noop("Enter a day such as 2026-02-10."), ""),
    "date_from_datetime_inexact": (gettext_noop("Enter a day such as 2026-02-10."), ""),
    "datetime_parsing": (gettext_noop("Enter a time such as 2026-02-10T08:00:00+08:00."), ""),
    "datetime_type": (gettext_noop("Enter a time such as 2026-02-10T08:00:00+08:00."), ""),
    "datetime_from_date_parsing": (
        gettext_noop("Enter a time such as 2026-02-10T08:00:00+08:00."),
        "",
    ),
    "datetime_object_invalid": (
        gettext_noop("Enter a time such as 2026-02-10T08:00:00+08:00."),
        "",
    ),
}


def schema_error_message(error: Mapping[str, Any]) -> str:
    """One schema error (as pydantic gives it) as a sentence in the active language."""
    context = error.get("ctx") or {}
    kind = error.get("type")
    if kind == "value_error" and context.get("error") is not None:
        return str(context["error"])  # our own validator's message, translated already
    known = _SCHEMA_MESSAGES.get(str(kind))
    if known is None:
        return _("This value is not valid.")
    message, key = known
    return _(message) % {"limit": context.get(key, "")} if key else _(message)
