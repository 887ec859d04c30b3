"""Forms of the org pages: importing units and staff from a spreadsheet (its column mapping:
``fangkong.core.forms.UploadMapForm``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ServiceErrorsMixin
from fangkong.org.imports import KINDS


class ImportUploadForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=list(KINDS.items()))
    file = forms.FileField(
        label=_("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
