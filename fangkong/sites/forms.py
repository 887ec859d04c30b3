"""Forms of the site pages: they parse input and choose widgets. The rules (unique code,
coordinates inside China, a known division code, a real photo) live in the services, whose
``ValidationError`` the views put back on these forms' fields with ``form.add_error``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fangkong.core.jurisdiction import user_unit
from fangkong.org import selectors as org_selectors
from fangkong.org.models import Staff, Unit
from fangkong.org.permissions import can_administer_any
from fangkong.sites.choices import SiteKind, SiteStatus
from fangkong.sites.models import Site
from fangkong.sites.services import SITE_FIELDS


def _label(field: str) -> Any:
    return capfirst(Site._meta.get_field(field).verbose_name)


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by their depth below the highest unit offered, so the tree shows."""

    top_depth = 0

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * max(obj.depth - self.top_depth, 0) + obj.name


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name} · {obj.badge_number} · {obj.get_kind_display()}"


def _set_units(field: forms.Field, units: QuerySet[Unit]) -> None:
    unit_field = cast(UnitChoiceField, field)
    unit_field.queryset = units
    unit_field.top_depth = min((unit.depth for unit in units), default=0)


class SiteFilterForm(forms.Form):
    """The unit / kind / status filter of the list and the map (a GET form)."""

    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_units(self.fields["unit"], org_selectors.unit_list_for_user(user=user))
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("All kinds")),
            *SiteKind.choices,
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All statuses")),
            *SiteStatus.choices,
        ]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``site_list_for_user``; invalid values filter nothing."""
        if not self.is_valid():
            return {}
        unit = self.cleaned_data["unit"]
        return {
            "unit_id": unit.pk if unit else None,
            "kind": self.cleaned_data["kind"] or None,
            "status": self.cleaned_data["status"] or None,
        }


class SiteForm(forms.Form):
    code = forms.CharField(
        label=_label("code"),
        max_length=32,
        help_text=_("Unique across the installation, e.g. GZ-T-001."),
        widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_label("name"), max_length=100)
    kind = forms.ChoiceField(label=_label("kind"), choices=SiteKind.choices)
    unit = UnitChoiceField(label=_label("unit"), queryset=Unit.objects.none())
    lng = forms.FloatField(
        label=_label("lng"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lat = forms.FloatField(
        label=_label("lat"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    address = forms.CharField(label=_label("address"), max_length=200, required=False)
    division_code = forms.CharField(
        label=_label("division_code"),
        max_length=6,
        required=False,
        help_text=_("Six digits (GB/T 2260), e.g. 620702."),
        widget=forms.TextInput(
            attrs={"class": "mono", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    # The minimum of one lane is a service rule; the form only keeps numbers in range.
    lanes = forms.IntegerField(label=_label("lanes"), min_value=0, max_value=999, initial=1)
    required_officers = forms.IntegerField(
        label=_label("required_officers"), min_value=0, max_value=999, initial=1
    )
    required_auxiliaries = forms.IntegerField(
        label=_label("required_auxiliaries"), min_value=0, max_value=999, initial=2
    )
    notes = forms.CharField(
        label=_label("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    staff = StaffChoiceField(
        label=_("Assigned staff"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Staff of the responsible unit and its subordinate units."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("Optional. JPEG, PNG or WebP."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args: Any, user: Any, site: Site | None = None, **kwargs: Any) -> None:
        if site is not None:
            kwargs.setdefault("initial", _initial(site))
        super().__init__(*args, **kwargs)
        self.site = site
        if site is not None:
            del self.fields["photo"]  # Photos of an existing site are added on its page.
        units = administered_units(user)
        _set_units(self.fields["unit"], units)
        if site is None and not self.is_bound and not self.initial.get("unit"):
            # A new site belongs to the user's own unit unless they choose another.
            own = user_unit(user)
            self.initial["unit"] = own if own is not None and own in units else None
        staff_field = cast(StaffChoiceField, self.fields["staff"])
        staff_field.queryset = staff_choices(user=user, unit=self._chosen_unit(units))
        # Choosing a unit reloads its staff; typing a division code shows its name.
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": reverse("sites:staff_options"),
                "hx-trigger": "change",
                "hx-target": "#field-staff",
                "hx-swap": "outerHTML",
                "hx-include": "[name=staff]",
            }
        )
        self.fields["division_code"].widget.attrs.update(
            {
                "hx-get": reverse("sites:division"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#division-name",
                "aria-describedby": "division-name id_division_code_helptext",
            }
        )

    def _chosen_unit(self, units: QuerySet[Unit]) -> Unit | None:
        raw = self.data.get("unit") if self.is_bound else self.initial.get("unit")
        if isinstance(raw, Unit):
            return raw
        if not raw or not str(raw).isdigit():
            return None
        return next((unit for unit in units if unit.pk == int(raw)), None)

    def site_data(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of ``site_create`` / ``site_update``."""
        return {field: self.cleaned_data[field] for field in SITE_FIELDS}

    def changes(self) -> dict[str, Any]:
        """Only the values that differ from the site being edited."""
        assert self.site is not None
        return {k: v for k, v in self.site_data().items() if getattr(self.site, k) != v}

    def staff_ids(self) -> list[int]:
        return [staff.pk for staff in self.cleaned_data["staff"]]


def _initial(site: Site) -> dict[str, Any]:
    initial = {field: getattr(site, field) for field in SITE_FIELDS}
    initial["unit"] = site.unit
    initial["staff"] = [staff.pk for staff in site.staff.all()]
    return initial


def administered_units(user: Any) -> QuerySet[Unit]:
    """Units the user may put sites in. An administrator's role covers every unit of the
    jurisdiction (``org.permissions.can_administer``); anyone else administers none."""
    if not can_administer_any(user):
        return Unit.objects.none()
    return org_selectors.unit_list_for_user(user=user)


def staff_choices(*, user: Any, unit: Unit | None) -> QuerySet[Staff]:
    """Staff who may be assigned to a site of ``unit``: its subtree, within jurisdiction."""
    if unit is None:
        return Staff.objects.none()
    return org_selectors.staff_list_for_user(user=user, unit=unit, subtree=True).filter(active=True)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP; large photos are reduced."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=SiteStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    effective_at = forms.DateTimeField(
        label=_("Effective from"),
        required=False,
        help_text=_("Leave empty for now."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
