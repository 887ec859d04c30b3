from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import forms as forms_base
from fangkong.registration.choices import VehicleKind
from fangkong.screening import rules
from fangkong.screening.choices import Outcome, RevealReason
from fangkong.screening.messages import RULE_LABELS
from fangkong.screening.models import Policy
from fangkong.screening.selectors.policy import complete_rules


class ServiceErrorsMixin(forms_base.ServiceErrorsMixin):
    """Puts a service's field errors on the form's fields (``actions.x`` → ``action_x``)."""

    def service_field(self, name: str) -> str:
        return name.replace("actions.", "action_")


def _outcome_choices(code: str) -> list[tuple[str, Any]]:
    if code in rules.PRIORITY_RULES:
        allowed = (Outcome.PRIORITY_PASS, Outcome.PASS)
    else:
        allowed = tuple(o for o in Outcome if o != Outcome.PRIORITY_PASS)
    return [(o.value, o.label) for o in allowed]


class PolicyForm(ServiceErrorsMixin, forms.Form):
    temperature_threshold_c = forms.DecimalField(
        label=_("Fever threshold (℃)"),
        min_value=35,
        max_value=40,
        decimal_places=1,
        help_text=_("A reading at or above this is a fever."),
    )
    nat_max_age_hours = forms.IntegerField(
        label=_("Nucleic-acid test valid for (hours)"), min_value=1, max_value=336
    )
    lookback_days = forms.IntegerField(
        label=_("Places passed: look back (days)"), min_value=0, max_value=60
    )
    priority_vehicle_kinds = forms.MultipleChoiceField(
        label=_("Vehicles given the green channel"),
        choices=[(k.value, k.label) for k in VehicleKind],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    effective_from = forms.DateTimeField(
        label=_("Effective from"),
        required=False,
        help_text=_("Leave empty to take effect now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in rules.RuleCode:
            self.fields[f"action_{code.value}"] = forms.ChoiceField(
                label=RULE_LABELS[code], choices=_outcome_choices(code)
            )

    @property
    def action_fields(self) -> list[forms.BoundField]:
        return [self[f"action_{code.value}"] for code in rules.RuleCode]

    @staticmethod
    def initial_from(policy: Policy) -> dict[str, Any]:
        data = complete_rules(policy.rules)
        initial = {
            "temperature_threshold_c": data["temperature_threshold_c"],
            "nat_max_age_hours": int(data["nat_max_age_hours"]),
            "lookback_days": data["lookback_days"],
            "priority_vehicle_kinds": data["priority_vehicle_kinds"],
        }
        initial |= {f"action_{code}": outcome for code, outcome in data["actions"].items()}
        return initial

    def rules(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "temperature_threshold_c": float(data["temperature_threshold_c"]),
            "nat_max_age_hours": float(data["nat_max_age_hours"]),
            "lookback_days": data["lookback_days"],
            "priority_vehicle_kinds": sorted(data["priority_vehicle_kinds"]),
            "actions": {code.value: data[f"action_{code.value}"] for code in rules.RuleCode},
        }


class RiskAreaImportForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Risk-area list (CSV or Excel .xlsx)"),
        help_text=_(
            "Columns: division code, name, level (高/中/低), effective from, effective to "
            "(empty while in force)."
        ),
    )


class RevealForm(ServiceErrorsMixin, forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Why you need the full details"),
        choices=[("", "—"), *RevealReason.choices],
    )
    reason = forms.CharField(
        label=_("Reason for viewing the full ID number and phone"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
