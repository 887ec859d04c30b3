"""Form pieces that several apps share: service errors put on the fields that caused them,
and the column mapping of a spreadsheet import (org, grid and supplies imports)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError


class ServiceErrorsMixin:
    """Puts a service's field errors on the form's fields of the same name (see
    :meth:`service_field`), and the others on the form as a whole."""

    def add_service_errors(self, exc: ValidationError) -> None:
        form: Any = self
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            field = self.service_field(name)
            form.add_error(field if field in form.fields else None, errors)

    def service_field(self, name: str) -> str:
        """The form field of a service's error field."""
        return name


class ColumnMapForm(ServiceErrorsMixin, forms.Form):
    """A ``sheet`` choice (declared by the subclass, with its label) and a column for each
    field to import, by the column's letter and header."""

    def __init__(
        self,
        *args: Any,
        sheets: list[str],
        labels: list[str],
        fields: list[tuple[str, Any, bool]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["sheet"]).choices = [(name, name) for name in sheets]
        columns = [("", "—")] + [
            (str(n), f"{column_letter(n)}  {label}") for n, label in enumerate(labels)
        ]
        self.field_keys = [key for key, _label, _required in fields]
        for key, label, required in fields:
            self.fields[f"col_{key}"] = forms.ChoiceField(
                label=label, choices=columns, required=required
            )

    def mapping(self) -> dict[str, int | None]:
        return {
            key: int(self.cleaned_data[f"col_{key}"]) if self.cleaned_data[f"col_{key}"] else None
            for key in self.field_keys
        }


def column_letter(index: int) -> str:
    """A spreadsheet's column letter of a column counted from 0 (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
