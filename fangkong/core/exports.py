"""The step before every export: the user says why, and the reason and their address go into
the export's audit record with what was exported.

An export link opens a small page (GET) with the reason form; the form posts back to the same
address (query string and all), and a valid reason gets the file. The view passes a function
that builds the response from the reason; that function writes the audit record.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON_MIN = 2
REASON_MAX = 200


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the export"),
        help_text=_("Written to the audit log with your name, the time and your address."),
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        error_messages={
            "required": _("State why you need this export."),
            "min_length": _("State why you need this export."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < REASON_MIN:
            raise forms.ValidationError(_("State why you need this export."), code="min_length")
        return reason


def export_with_reason(
    request: HttpRequest, *, what: str, respond: Callable[[str], HttpResponse]
) -> HttpResponse:
    """Ask for the reason (GET), or answer ``respond(reason)`` once a valid one is posted.
    ``what`` names the export on the page."""
    if request.method == "POST":
        form = ExportReasonForm(request.POST)
        if form.is_valid():
            return respond(form.cleaned_data["reason"])
        status = 422
    else:
        form = ExportReasonForm()
        status = 200
    context = {"form": form, "what": what}
    return render(request, "core/export_reason.html", context, status=status)


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """``content`` as a file to download, named ``filename``: a Chinese name (a list's, a unit
    code someone imported) is sent encoded (RFC 6266), and quotes or line breaks in it can
    neither break the header nor fail the response."""
    response = HttpResponse(content, content_type=content_type)
    # None only for an inline response without a name, which this never asks for.
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
