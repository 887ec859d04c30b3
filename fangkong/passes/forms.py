"""Forms of the vehicle-pass pages. The rules live in ``services.vehicle_pass_apply``, whose
errors the views put back on the fields here; the forms run the same field checks (plate,
phones, documents, dates) early only so that every mistake shows in the first round."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.errors import FieldErrors
from fangkong.core.validation import clean_document, clean_phone, clean_plate
from fangkong.org.choices import UnitKind
from fangkong.org.models import Unit
from fangkong.passes.choices import CargoKind
from fangkong.passes.selectors import local_today
from fangkong.passes.services import (
    MAX_DRIVERS,
    MAX_PASS_DAYS,
    DriverData,
    PassApplication,
    check_pass_dates,
)
from fangkong.registration.choices import DocumentType, VehicleKind


def _checked(form: forms.Form, check: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Run one of core.validation's field checks and put its errors on the form."""
    errors = FieldErrors()
    value = check(errors, name, *args, **kwargs)
    for field, field_errors in errors.errors.items():
        for error in field_errors:
            form.add_error(field, error)
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class BrigadeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class PassApplyForm(forms.Form):
    # Made when the empty form is shown; a second submit of the same form finds the first.
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)
    company = forms.CharField(label=_("Company name"), max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Contact's mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    plate = forms.CharField(
        label=_("Licence plate"),
        max_length=16,
        help_text=_("For example 甘G12345"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    vehicle_kind = forms.ChoiceField(
        label=_("Vehicle kind"), choices=VehicleKind.choices, initial=VehicleKind.TRUCK
    )
    cargo_kind = forms.ChoiceField(
        label=_("Cargo"), choices=CargoKind.choices, widget=forms.RadioSelect
    )
    route = forms.CharField(
        label=_("Route"),
        max_length=200,
        help_text=_("From where, through which roads and checkpoints, to where."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid until"), widget=DateInput())
    unit = BrigadeChoiceField(
        label=_("Approving brigade"),
        queryset=Unit.objects.filter(kind=UnitKind.BRIGADE).order_by("path"),
        empty_label=_("Choose a brigade"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = local_today()
        for name in ("valid_from", "valid_to"):
            self.fields[name].widget.attrs["min"] = today.isoformat()
        latest = today + timedelta(days=365)
        self.fields["valid_to"].widget.attrs["max"] = latest.isoformat()
        self.fields["valid_to"].help_text = gettext(
            "At most %(days)d days, first and last day included."
        ) % {"days": MAX_PASS_DAYS}

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed as a dict there
        data = self.cleaned_data
        if data.get("plate"):
            data["plate"] = _checked(self, clean_plate, "plate", data["plate"])
        if data.get("contact_phone"):
            data["contact_phone"] = _checked(
                self, clean_phone, "contact_phone", data["contact_phone"]
            )
        if data.get("valid_from") and data.get("valid_to"):
            _checked(self, _dates, "valid_to", data["valid_from"], data["valid_to"])
        return data

    def application(self, drivers: BaseDriverFormSet) -> PassApplication:
        data = self.cleaned_data
        return PassApplication(
            company=data["company"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            plate=data["plate"],
            vehicle_kind=data["vehicle_kind"],
            cargo_kind=data["cargo_kind"],
            route=data["route"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            unit_id=data["unit"].pk,
            drivers=tuple(drivers.drivers()),
        )


class DriverForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    doc_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.RESIDENT_ID
    )
    doc_number = forms.CharField(
        label=_("Document number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed as a dict there
        data = self.cleaned_data
        if data.get("phone"):
            doc_type = data.get("doc_type")
            data["phone"] = _checked(self, clean_phone, "phone", data["phone"], doc_type=doc_type)
        if data.get("doc_type") and data.get("doc_number"):
            number = data["doc_number"]
            data["doc_number"] = _checked(
                self, clean_document, "doc_number", data["doc_type"], number
            )
        return data


def _dates(errors: FieldErrors, _name: str, valid_from: Any, valid_to: Any) -> None:
    check_pass_dates(errors, valid_from, valid_to)


class BaseDriverFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_errors: list[ValidationError] = []

    def drivers(self) -> list[DriverData]:
        return [
            DriverData(
                name=form.cleaned_data["name"],
                doc_type=form.cleaned_data["doc_type"],
                doc_number=form.cleaned_data["doc_number"],
                phone=form.cleaned_data["phone"],
            )
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]

    def add_service_error(self, index: int, field: str, error: ValidationError) -> None:
        """Put an error of ``drivers.<index>.<field>`` from the service on its row."""
        rows = [form for form in self.forms if form.has_changed() and form.cleaned_data]
        if index < len(rows) and field in rows[index].fields:
            rows[index].add_error(field, error)
        else:
            self.extra_errors.append(error)


# Three rows always, the first one required: the form works without JavaScript.
DriverFormSet = cast(
    type[BaseDriverFormSet],
    forms.formset_factory(
        DriverForm,
        formset=BaseDriverFormSet,
        extra=MAX_DRIVERS - 1,
        min_num=1,
        max_num=MAX_DRIVERS,
        absolute_max=MAX_DRIVERS,
        validate_max=True,
    ),
)


class DecisionForm(forms.Form):
    """The brigade's approval (with an optional note), rejection or revocation (with a
    reason, which the service requires)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=kind, **kwargs)
        if kind == "approve":
            self.fields["reason"].label = _("Note (optional)")
        else:
            self.fields["reason"].label = _("Reason (required)")
