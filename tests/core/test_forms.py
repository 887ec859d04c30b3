"""The column mapping form that the org, grid and supplies imports share."""

from __future__ import annotations

from django import forms

from fangkong.core.forms import ColumnMapForm, column_letter


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
