"""A person picker: a select list with a search box above it that filters the people by
name, badge number or unit as one types. Without JavaScript it is a plain select list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.org.models import Staff


class SearchableSelect(forms.Select):
    template_name = "roster/widgets/searchable_select.html"

    class Media:
        js = ("roster/picker.js",)

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"size": 8, "class": "picker-list", **(attrs or {})})


class PersonChoiceField(forms.ModelChoiceField):
    """Staff, each shown as "name · badge · unit", with a search box to find one fast."""

    widget = SearchableSelect
    default_error_messages = {
        "invalid_choice": _("Choose a person from the list."),
    }

    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name} · {obj.badge_number} · {obj.unit.name}"
