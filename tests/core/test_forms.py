"""The form pieces that the apps share: the column mapping of the imports, and service
errors put on the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from fangkong.core.forms import ColumnMapForm, ServiceErrorsMixin, column_letter
from fangkong.screening.forms import ServiceErrorsMixin as ScreeningErrorsMixin


class MapForm(ColumnMapForm):
    sheet = forms.ChoiceField()


def test_column_letters_count_like_a_spreadsheet() -> None:
    assert [column_letter(n) for n in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_the_form_maps_each_field_to_a_column_or_none() -> None:
    fields = [("name", "Name", True), ("phone", "Phone", False)]
    form = MapForm(
        {"sheet": "Sheet1", "col_name": "1", "col_phone": ""},
        sheets=["Sheet1"],
        labels=["No.", "姓名"],
        fields=fields,
    )

    assert form.is_valid(), form.errors
    assert form.mapping() == {"name": 1, "phone": None}
    assert form.fields["col_name"].choices == [("", "—"), ("0", "A  No."), ("1", "B  姓名")]  # type: ignore[attr-defined]


def test_a_required_field_needs_a_column() -> None:
    form = MapForm(
        {"sheet": "Sheet1", "col_name": ""},
        sheets=["Sheet1"],
        labels=["姓名"],
        fields=[("name", "Name", True)],
    )

    assert not form.is_valid() and "col_name" in form.errors


def test_service_errors_go_on_their_field_or_on_the_form() -> None:
    class NoteForm(ServiceErrorsMixin, forms.Form):
        note = forms.CharField(required=False)

    form = NoteForm({"note": "x"})
    assert form.is_valid()
    form.add_service_errors(ValidationError({"note": ["too short"], "other": ["refused"]}))

    assert form.errors == {"note": ["too short"], "__all__": ["refused"]}


def test_the_screening_forms_map_policy_actions_to_their_fields() -> None:
    class ActionForm(ScreeningErrorsMixin, forms.Form):
        action_fever = forms.CharField(required=False)

    form = ActionForm({})
    assert form.is_valid()
    form.add_service_errors(ValidationError({"actions.fever": ["unknown outcome"]}))

    assert form.errors == {"action_fever": ["unknown outcome"]}
