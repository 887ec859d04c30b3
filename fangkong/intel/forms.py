from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.intel.choices import CaseKind, ListPurpose
from fangkong.intel.services.tracing import DEFAULT_DAYS, DEFAULT_WINDOW, MAX_DAYS, MAX_WINDOW


class WatchListForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=100)
    source = forms.CharField(label=_("Source"), max_length=100, help_text=_("Who sent the list."))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ListPurpose.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200)
    expires_on = forms.DateField(
        label=_("Purge after"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=_("File"), help_text=_("Excel .xlsx (every sheet) or CSV (UTF-8 or GBK).")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=21)


class ColumnsForm(forms.Form):
    """A column (by its header) for each field of a list, the guessed one preselected."""

    def __init__(
        self, *args: Any, labels: list[str], fields: list[tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(label, label) for label in labels]
        self.field_keys = [key for key, _label in fields]
        for key, label in fields:
            self.fields[f"col_{key}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )

    def columns(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"col_{key}"] for key in self.field_keys}


class TraceForm(forms.Form):
    case_kind = forms.ChoiceField(label=_("Case"), choices=CaseKind.choices)
    doc_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    plate = forms.CharField(label=_("Licence plate"), max_length=20, required=False)
    train = forms.CharField(label=_("Train or flight"), max_length=12, required=False)
    seat = forms.CharField(label=_("Seat"), max_length=12, required=False)
    travel_date = forms.DateField(
        label=_("Date of travel"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    window_minutes = forms.IntegerField(
        label=_("Window (minutes)"), min_value=1, max_value=MAX_WINDOW, initial=DEFAULT_WINDOW
    )
    days = forms.IntegerField(
        label=_("Days back"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    second_degree = forms.BooleanField(label=_("Second degree"), required=False)
