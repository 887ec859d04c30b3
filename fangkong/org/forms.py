"""Forms of the org pages: importing units and staff from a spreadsheet."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.org.imports import KINDS


class ServiceErrorsMixin:
    def add_service_errors(self, exc: ValidationError) -> None:
        form: Any = self
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)


class ImportUploadForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=list(KINDS.items()))
    file = forms.FileField(
        label=_("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportMapForm(ServiceErrorsMixin, forms.Form):
    """The sheet, the header row and a column for each field, as guessed at upload; the
    upload itself travels signed in ``token``."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Header row"), min_value=1, max_value=100_000)

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
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
