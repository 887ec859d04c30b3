"""The translated text of every problem an imported list's report can hold."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from fangkong.core import imports

FIELD_LABELS: dict[str, Any] = {
    "name": _("Name"),
    "doc_number": _("Document number"),
    "phone": _("Mobile phone"),
    "plate": _("Licence plate"),
    "train": _("Train or flight"),
    "seat": _("Seat"),
    "travel_date": _("Date"),
    "birth_date": _("Date of birth"),
    "": _("Row"),
}
PROBLEM_MESSAGES: dict[str, Any] = {
    "no_identifier": _("The row has no document number, phone, plate or train to match on."),
    "no_list_columns": _("No sheet has a column of document numbers, phones, plates or trains."),
    "train_invalid": _("This is not a train or flight number."),
    "seat_invalid": _("This is not a seat."),
}


def problem_message(code: str) -> str:
    return imports.problem_message(code, PROBLEM_MESSAGES)
