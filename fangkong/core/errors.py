"""Field errors shared by services, forms and the API.

Services raise Django's ``ValidationError`` with a dict of field → error, each error with a
machine-readable ``code`` and a translated message, so a form shows the message on the field and
the API answers 4xx with the code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


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
