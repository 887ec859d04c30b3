from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.keypersons.choices import ConfirmedHow, ReturnState, Symptom
from fangkong.screening.forms import ServiceErrorsMixin


class FollowUpForm(forms.Form):
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), min_value=Decimal("34.0"), max_value=Decimal("42.5"),
        max_digits=3, decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )  # fmt: skip
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), choices=Symptom.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    at_home = forms.BooleanField(label=_("At home"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing the details"), min_length=2, max_length=200,
        help_text=_("Written to the audit log with your name and the time."),
    )  # fmt: skip


_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReturnForm(ServiceErrorsMixin, forms.Form):
    destination = forms.CharField(
        label=_("Sent to"), max_length=200,
        help_text=_("Where the person was persuaded to go: the place of departure or residence."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReturnConfirmForm(ServiceErrorsMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("Confirmed"), choices=[(c.value, c.label) for c in ReturnState if c != "sent"]
    )
    how = forms.ChoiceField(label=_("How"), choices=ConfirmedHow.choices)
    at = forms.DateTimeField(label=_("When"), required=False, widget=_WHEN)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class HandoverForm(ServiceErrorsMixin, forms.Form):
    receiver_name = forms.CharField(label=_("Received by (health worker)"), max_length=50)
    receiver_unit = forms.CharField(
        label=_("Receiving unit"), max_length=100,
        help_text=_("For example the fever clinic of the county hospital."),
    )  # fmt: skip
    handed_at = forms.DateTimeField(label=_("Handed over at"), required=False, widget=_WHEN)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
