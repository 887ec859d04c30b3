from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.keypersons.choices import Symptom


class FollowUpForm(forms.Form):
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), min_value=Decimal("34.0"), max_value=Decimal("42.5"),
        max_digits=3, decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )  # fmt: skip
    symptoms = forms.MultipleChoiceField(
        label=pgettext_lazy("follow-up", "Symptoms"), choices=Symptom.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    at_home = forms.BooleanField(label=_("At home"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing the details"), min_length=2, max_length=200,
        help_text=_("Written to the audit log with your name and the time."),
    )  # fmt: skip
