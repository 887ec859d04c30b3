from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.keypersons.choices import ConfirmedHow, ReturnState, Symptom
from fangkong.screening.forms import ServiceErrorsMixin


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


# The grid's floating population and sealed compounds (pages in ``grid_views``).


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), min_length=2, max_length=200)


class PlaceForm(forms.Form):
    door_id = forms.IntegerField(label=_("Door"), min_value=1)


def _role_choices() -> list[tuple[str, Any]]:
    from fangkong.grid.choices import SealedRole

    return list(SealedRole.choices)


class GateEntryForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"), widget=forms.RadioSelect,
        choices=[("in", _("Entering")), ("out", _("Leaving"))], initial="in",
    )  # fmt: skip
    role = forms.ChoiceField(label=pgettext_lazy("sealed gate", "Role"), choices=_role_choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), min_value=Decimal("34.0"), max_value=Decimal("42.5"),
        max_digits=3, decimal_places=1, required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DeliveryForm(forms.Form):
    items = forms.CharField(label=pgettext_lazy("delivery", "Supplies"), max_length=100)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_digits=9, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    unit = forms.CharField(label=_("Unit of measure"), max_length=10, required=False)
    door_id = forms.TypedChoiceField(label=_("Door"), coerce=int, required=False, empty_value=None)
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=50)


class SealedPassForm(forms.Form):
    role = forms.ChoiceField(label=pgettext_lazy("sealed gate", "Role"), choices=_role_choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SealedForm(forms.Form):
    community = forms.TypedChoiceField(label=_("Community"), coerce=int)
    name = forms.CharField(label=_("Name of the compound"), max_length=100)
    gate = forms.CharField(label=_("Gate"), max_length=100, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Sealed from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Sealed until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


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
