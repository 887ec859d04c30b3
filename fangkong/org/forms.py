"""Forms of the org pages: importing units and staff from a spreadsheet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import ColumnMapForm, ServiceErrorsMixin
from fangkong.org.imports import KINDS


class ImportUploadForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=list(KINDS.items()))
    file = forms.FileField(
        label=_("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportMapForm(ColumnMapForm):
    """The sheet, the header row and a column for each field, as guessed at upload; the
    upload itself travels signed in ``token``."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Header row"), min_value=1, max_value=100_000)
