"""Form pieces that several apps share: service errors put on the fields that caused them,
and the column mapping of a spreadsheet import (org, grid and supplies imports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.lib import tabular

PREVIEW_ROWS = 5  # the rows under the header that a mapping page shows


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

    @classmethod
    def for_sheets(
        cls,
        data: Any,
        sheets: list[tabular.Sheet],
        *,
        guessed: Any,
        fields: Sequence[tabular.Field],
        field_labels: Mapping[str, Any],
        initial: Mapping[str, Any] | None = None,
    ) -> tuple[Self, list[list[str]]]:
        """The form for the sheet ``data`` chose (else the guessed one), starting from the
        ``guessed`` header row and columns (an upload or an import, with ``sheet``,
        ``header_row`` and ``mapping``), and the first rows under the header to preview."""
        chosen = (data or {}).get("sheet") or guessed.sheet
        sheet = next((s for s in sheets if s.name == chosen), sheets[0])
        if sheet.name == guessed.sheet:
            header_row = guessed.header_row
        else:  # another sheet chosen: its own header
            header_row = tabular.find_header(sheet, fields).row
        start = {"sheet": sheet.name, "header_row": header_row, **(initial or {})}
        start |= {f"col_{k}": "" if v is None else str(v) for k, v in guessed.mapping.items()}
        form = cls(
            data,
            initial=start,
            sheets=[s.name for s in sheets],
            labels=[tabular.parse_text(cell) for cell in sheet.row(header_row)],
            fields=[(f.key, field_labels[f.key], f.required) for f in fields],
        )
        last = min(header_row + PREVIEW_ROWS, len(sheet.cells))
        rows = range(header_row + 1, last + 1)
        return form, [[tabular.parse_text(c) for c in sheet.row(n)] for n in rows]

    def choice(self) -> dict[str, Any]:
        """What the user chose, as the import services take it: ``sheet``, ``header_row``
        and ``mapping``."""
        data = self.cleaned_data
        return {"sheet": data["sheet"], "header_row": data["header_row"], "mapping": self.mapping()}

    def mapping(self) -> dict[str, int | None]:
        return {
            key: int(self.cleaned_data[f"col_{key}"]) if self.cleaned_data[f"col_{key}"] else None
            for key in self.field_keys
        }


class UploadMapForm(ColumnMapForm):
    """The sheet, the header row and a column for each field, as guessed at upload; the
    upload itself travels signed in ``token`` (:func:`fangkong.core.imports.upload_token`)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Header row"), min_value=1, max_value=100_000)


def column_letter(index: int) -> str:
    """A spreadsheet's column letter of a column counted from 0 (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
