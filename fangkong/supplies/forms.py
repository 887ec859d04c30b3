"""Forms of the supplies pages: they parse input and choose widgets; the rules live in the
services, whose ``ValidationError`` the views put back on these forms (``add_service_errors``).

Items are few (a dozen or two), so a form that takes several items shows one row per item of
the catalogue, with a quantity (and for receipts a batch number and expiry), rather than a
line editor in JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ColumnMapForm, ServiceErrorsMixin
from fangkong.org.models import Staff
from fangkong.sites.models import Site
from fangkong.supplies.choices import DisinfectionArea, DonorKind, LocationKind, WelfareShift
from fangkong.supplies.models import ImportJob, Item, Location
from fangkong.supplies.services import DonatedLine, Line


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Location) -> str:
        return f"{obj.name} · {obj.unit.name}" if obj.kind == LocationKind.STORE else obj.name


class ItemLinesForm(ServiceErrorsMixin, forms.Form):
    """One quantity per item (``q_<id>``); with ``batches`` also a batch number and expiry.
    ``min_quantity`` 0 lets a count say "none left"; empty rows are left out."""

    def __init__(
        self,
        *args: Any,
        items: QuerySet[Item],
        batches: bool = False,
        counting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.batches, self.counting = batches, counting
        for item in self.items:
            self.fields[f"q_{item.pk}"] = forms.IntegerField(
                label=item.name, required=False, min_value=0, max_value=10_000_000,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty"}),
            )  # fmt: skip
            if batches:
                self.fields[f"b_{item.pk}"] = forms.CharField(
                    label=_("Batch number"), required=False, max_length=50
                )
                self.fields[f"e_{item.pk}"] = forms.DateField(
                    label=_("Expiry date"),
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields of each item, for the template's table."""
        return [
            {
                "item": item,
                "quantity": self[f"q_{item.pk}"],
                "batch": self[f"b_{item.pk}"] if self.batches else None,
                "expiry": self[f"e_{item.pk}"] if self.batches else None,
            }
            for item in self.items
        ]

    def lines(self) -> list[Line]:
        data = self.cleaned_data
        return [
            Line(
                item,
                data[f"q_{item.pk}"],
                data.get(f"b_{item.pk}") or "",
                data.get(f"e_{item.pk}"),
            )
            for item in self.items
            if data.get(f"q_{item.pk}") is not None and (self.counting or data[f"q_{item.pk}"] > 0)
        ]


class ReceiveForm(ItemLinesForm):
    supplier = forms.CharField(label=_("Supplier"), max_length=100, required=False)
    reference = forms.CharField(label=_("Delivery note number"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TransferForm(ItemLinesForm):
    target = LocationChoiceField(label=_("Send to store"), queryset=Location.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, targets: QuerySet[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class CountForm(ItemLinesForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RequestForm(ItemLinesForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WriteOffForm(ServiceErrorsMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.filter(active=True))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class IssueForm(ItemLinesForm):
    site = forms.ModelChoiceField(label=_("To post"), queryset=Site.objects.none(), required=False)
    staff = forms.ModelChoiceField(
        label=_("Or to a staff member"), queryset=Staff.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(
        self, *args: Any, sites: QuerySet[Site], staff: QuerySet[Staff], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["staff"].queryset = staff


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """Approve (with the approved quantity per line, ``a_<item id>``), forward or reject."""

    action = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("forward", _("Pass up")), ("reject", _("Reject"))]
    )
    note = forms.CharField(label=_("Note or reason"), max_length=200, required=False)

    def __init__(self, *args: Any, lines: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"a_{line.item_id}"] = forms.IntegerField(
                label=line.item.name, min_value=0, initial=line.requested, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty"}),
            )  # fmt: skip

    def quantities(self) -> dict[int, int]:
        return {
            line.item_id: self.cleaned_data[f"a_{line.item_id}"]
            for line in self.lines
            if self.cleaned_data.get(f"a_{line.item_id}") is not None
        }

    def approve_rows(self) -> list[tuple[Any, Any]]:
        return [(line, self[f"a_{line.item_id}"]) for line in self.lines]


class SignForm(ServiceErrorsMixin, forms.Form):
    signed_name = forms.CharField(label=_("Name of the person signing"), max_length=50)
    # Filled by signature.js with the canvas as a PNG data URL.
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=800_000)


class DonationForm(ItemLinesForm):
    donor_name = forms.CharField(label=_("Donor"), max_length=100)
    donor_kind = forms.ChoiceField(label=_("Kind of donor"), choices=DonorKind.choices)
    donor_phone = forms.CharField(label=_("Donor's phone"), max_length=30, required=False)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    publish = forms.BooleanField(label=_("Publish in the public list"), required=False)
    anonymous = forms.BooleanField(label=_("Publish without the donor's name"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, stores: QuerySet[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"] = LocationChoiceField(label=_("Received into"), queryset=stores)
        self.fields["received_on"].initial = timezone.localdate()
        for item in self.items:
            self.fields[f"v_{item.pk}"] = forms.DecimalField(
                label=_("Value (yuan)"), required=False, min_value=0, max_digits=12,
                decimal_places=2,
            )  # fmt: skip

    def donated(self) -> list[DonatedLine]:
        data = self.cleaned_data
        return [
            DonatedLine(line.item, line.quantity, data.get(f"v_{line.item.pk}") or 0)
            for line in self.lines()
        ]

    def rows(self) -> list[dict[str, Any]]:
        rows = super().rows()
        for row in rows:
            row["value"] = self[f"v_{row['item'].pk}"]
        return rows


class PublishForm(forms.Form):
    publish = forms.BooleanField(label=_("Publish in the public list"), required=False)
    anonymous = forms.BooleanField(label=_("Publish without the donor's name"), required=False)


class DisinfectionForm(ServiceErrorsMixin, forms.Form):
    done_by = forms.CharField(label=_("Done by"), max_length=50)
    done_at = forms.DateTimeField(
        label=_("Done at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    areas = forms.MultipleChoiceField(
        label=_("What was disinfected"),
        choices=DisinfectionArea.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    agent = forms.CharField(label=_("Disinfectant used"), max_length=100, required=False)
    photo = forms.ImageField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class WelfareForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(label=_("Shift"), choices=WelfareShift.choices)
    meals = forms.IntegerField(label=_("Meals"), min_value=0, max_value=500, initial=0)
    water = forms.BooleanField(label=_("Drinking water"), required=False)
    heating = forms.BooleanField(label=_("Heating"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()


class ImportUploadForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportJob.Kind.choices)
    store = LocationChoiceField(label=_("Store"), queryset=Location.objects.none())
    file = forms.FileField(
        label=_("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    supplier = forms.CharField(label=_("Supplier"), max_length=100, required=False)
    reference = forms.CharField(label=_("Delivery note number"), max_length=50, required=False)

    def __init__(self, *args: Any, stores: QuerySet[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores


class ImportMapForm(ColumnMapForm):
    """The sheet, the header row and a column for each field, as guessed at upload."""

    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Header row"), min_value=1)
