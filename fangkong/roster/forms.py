from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.roster.choices import LeaveKind, PatternKind
from fangkong.roster.models import RosterRules
from fangkong.roster.services import (
    DEFAULT_TIME_LIMIT_S,
    MAX_DAYS,
    MAX_TIME_LIMIT_S,
    RULE_FIELDS,
)
from fangkong.roster.widgets import PersonChoiceField


class DateInput(forms.DateInput):
    """A native date picker; it accepts only ISO dates, whatever the locale's format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class GenerateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    start = forms.DateField(label=_("First day"), widget=DateInput)
    days = forms.IntegerField(label=_("Days"), initial=7, min_value=0, max_value=MAX_DAYS)
    time_limit_s = forms.IntegerField(
        label=_("Time limit (seconds)"),
        initial=DEFAULT_TIME_LIMIT_S,
        min_value=1,
        max_value=MAX_TIME_LIMIT_S,
        help_text=_(
            "The search runs in the background and shows its best roster as it goes; you may "
            "stop it early. It ends sooner when no better roster can exist."
        ),
    )
    wartime = forms.BooleanField(
        label=_("Wartime mode (raised limits)"),
        required=False,
        help_text=_("The roster records that it was made under the wartime limits."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RerosterForm(forms.Form):
    staff = PersonChoiceField(label=_("Staff member"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("To (inclusive)"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaveKind.choices, initial=LeaveKind.SICK)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff.select_related("unit")


class LeaveForm(RerosterForm):
    """Leave recorded ahead of time, before a roster is made."""

    field_order = ["staff", "kind", "starts_on", "ends_on", "note"]


class RulesForm(forms.ModelForm):
    pattern = forms.ChoiceField(label=_("Shift pattern"), choices=PatternKind.choices)

    class Meta:
        model = RosterRules
        fields = ["pattern", *RULE_FIELDS]


class QueueForm(forms.Form):
    """The queue's assumptions, from the page's query string; the defaults when absent."""

    service = forms.FloatField(
        label=_("Minutes per check"), initial=2.0, min_value=0.5, max_value=15, required=False
    )
    wait = forms.FloatField(
        label=_("Longest expected wait (minutes)"),
        initial=2.0,
        min_value=0.5,
        max_value=30,
        required=False,
    )

    def values(self) -> tuple[float, float]:
        """(service minutes, target wait minutes); the defaults for what is missing or bad."""
        data = self.cleaned_data if self.is_valid() else {}
        service = data.get("service") or self.fields["service"].initial
        wait = data.get("wait") or self.fields["wait"].initial
        return service, wait


class StaffingForm(forms.Form):
    officers = forms.IntegerField(label=_("Sworn officers per shift"), min_value=0)
    auxiliaries = forms.IntegerField(label=_("Auxiliaries per shift"), min_value=0)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors on the form's fields, the rest at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
