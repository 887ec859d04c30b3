"""The public registration form: what it shows for each kind, and reading it back.

The form is plain HTML that works without JavaScript. Field names are the names the service
reports errors under (``companions.0.doc_number``), so an error lands on the field that caused
it. Repeated rows (co-travellers, places passed) come with spare empty rows and an "add
another" submit button that re-renders with one more row; a few lines of script do the same
in place when scripts run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.lib.divisions import division_path
from fangkong.registration.choices import (
    Direction,
    DocumentType,
    GateRole,
    HealthCodeColour,
    ItineraryState,
    NatResult,
    RegistrationKind,
    Symptom,
    TravelRole,
    VehicleKind,
)
from fangkong.registration.cleaning import MAX_COMPANIONS, MAX_PLACES

SPARE_ROWS = 1
# The most a posted form may weigh: twenty co-travellers and twenty places passed fill less
# than a tenth of it (the public form accepted 11 MB before).
MAX_BODY_BYTES = 64 * 1024
KIND_TITLES = {
    RegistrationKind.ROAD: _("Road checkpoint self-registration"),
    RegistrationKind.COMMUNITY: _("Community gate self-registration"),
    RegistrationKind.FLOATING: _("Floating population registration"),
}
FLAT_FIELDS = (
    "name",
    "doc_type",
    "doc_number",
    "phone",
    "role",
    "plate",
    "vehicle_kind",
    "origin",
    "destination",
    "purpose",
    "health_code",
    "itinerary",
    "nat_date",
    "nat_result",
    "gate_role",
    "direction",
    "building",
    "door",
    "host_name",
    "host_phone",
    "address",
    "door_id",
    "landlord_name",
    "landlord_phone",
    "employer",
    "arrival_date",
    "coming_from",
)
ROW_FIELDS = {
    "companions": ("name", "doc_type", "doc_number", "phone", "health_code"),
    "places_passed": ("code", "date"),
}
ROW_LIMITS = {"companions": MAX_COMPANIONS, "places_passed": MAX_PLACES}
_ROW_KEY = re.compile(r"(companions|places_passed)\.(\d+)\.")


@dataclass
class Field:
    name: str
    label: Any
    widget: str = "text"  # text, tel, date, number-ish "code", select, radio, checks, division
    choices: Any = ()
    value: Any = ""
    error: str = ""
    hint: Any = ""
    attrs: str = ""  # Extra attributes, written here and never from input.

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class Rows:
    name: str
    legend: Any
    add_label: Any
    rows: list[list[Field]] = field(default_factory=list)

    @property
    def is_rows(self) -> bool:
        return True


@dataclass
class Section:
    legend: Any
    items: list[Field | Rows]


def data_from_post(post: QueryDict, counts: dict[str, int]) -> dict[str, Any]:
    """The service's input dict from the posted form, rows in their on-screen positions
    (``counts``: from :func:`row_counts`)."""
    data: dict[str, Any] = {name: post.get(name, "") for name in FLAT_FIELDS}
    data["symptoms"] = post.getlist("symptoms")
    for group, names in ROW_FIELDS.items():
        data[group] = [
            {name: post.get(f"{group}.{i}.{name}", "") for name in names}
            for i in range(counts[group])
        ]
    return data


def row_counts(post: QueryDict) -> dict[str, int]:
    """How many rows of each group the posted form showed (the script may have added some):
    the rows it says it shows, or more if fields of later rows came."""
    shown = {}
    for group in ROW_FIELDS:
        try:
            shown[group] = int(post.get(f"{group}-rows", SPARE_ROWS))
        except ValueError:
            shown[group] = SPARE_ROWS
    for key in post:
        if m := _ROW_KEY.match(key):
            group = m.group(1)
            shown[group] = max(shown[group], int(m.group(2)) + 1)
    return {group: max(0, min(count, ROW_LIMITS[group])) for group, count in shown.items()}


def error_messages(exc: ValidationError) -> dict[str, str]:
    """The first message of each field, for display next to it."""
    return {name: str(errors[0].message) for name, errors in exc.error_dict.items()}


def _field(f: Field, data: dict[str, Any], errors: dict[str, str]) -> Field:
    f.value = _lookup(data, f.name)
    f.error = errors.get(f.name, "")
    if f.widget == "division" and isinstance(f.value, str) and len(f.value) == 6:
        f.hint = " ".join(division_path(f.value)) or f.hint
    return f


def _lookup(data: dict[str, Any], name: str) -> Any:
    if "." not in name:
        return data.get(name, [] if name == "symptoms" else "")
    group, index, key = name.split(".")
    rows = data.get(group) or []
    i = int(index)
    return rows[i].get(key, "") if i < len(rows) and isinstance(rows[i], dict) else ""


def _person_fields(prefix: str = "", *, phone_label: Any = None) -> list[Field]:
    return [
        Field(f"{prefix}name", _("Name"), attrs='autocomplete="name" maxlength="50"'),
        Field(f"{prefix}doc_type", _("Document type"), "select", DocumentType.choices),
        Field(
            f"{prefix}doc_number",
            _("Document number"),
            attrs='autocomplete="off" autocapitalize="characters" maxlength="32"',
        ),
        Field(
            f"{prefix}phone",
            phone_label or _("Mobile phone"),
            "tel",
            attrs='autocomplete="tel" inputmode="tel" maxlength="20"',
        ),
    ]


def _health_section() -> Section:
    today = timezone.localdate().isoformat()
    return Section(
        _("Health declaration"),
        [
            Field("health_code", _("Health code colour"), "radio", HealthCodeColour.choices),
            Field("itinerary", _("Itinerary card"), "radio", ItineraryState.choices),
            Field("nat_date", _("Latest nucleic-acid test: date"), "date", attrs=f'max="{today}"'),
            Field(
                "nat_result",
                _("Latest nucleic-acid test: result"),
                "select",
                [("", _("No test")), *NatResult.choices],
            ),
            Field(
                "symptoms",
                _("Symptoms in the last 14 days"),
                "checks",
                Symptom.choices,
                hint=_("Leave all unticked if you have none."),
            ),
        ],
    )


def _division(name: str, label: Any) -> Field:
    return Field(
        name,
        label,
        "division",
        hint=_("Six-digit division code, e.g. 620702"),
        attrs='inputmode="numeric" maxlength="6" autocomplete="off"',
    )


def _rows(name: str, legend: Any, add_label: Any, count: int, make: Any) -> Rows:
    return Rows(name, legend, add_label, [make(f"{name}.{i}.") for i in range(count)])


def _companion(prefix: str) -> list[Field]:
    colour = Field(
        f"{prefix}health_code",
        _("Health code colour"),
        "select",
        [("", _("Choose")), *HealthCodeColour.choices],
    )
    return [*_person_fields(prefix, phone_label=_("Mobile phone (optional)")), colour]


def _place(prefix: str) -> list[Field]:
    return [_division(f"{prefix}code", _("Place")), Field(f"{prefix}date", _("Date"), "date")]


def _road_sections(counts: dict[str, int]) -> list[Section]:
    return [
        Section(
            _("Vehicle"),
            [
                Field("role", _("Your role"), "radio", TravelRole.choices),
                Field(
                    "plate",
                    _("Licence plate"),
                    attrs='autocapitalize="characters" maxlength="10" placeholder="甘G12345"',
                ),
                Field("vehicle_kind", _("Vehicle kind"), "select", VehicleKind.choices),
            ],
        ),
        Section(
            _("Co-travellers"),
            [
                _rows(
                    "companions",
                    _("Co-traveller"),
                    _("Add another co-traveller"),
                    counts["companions"],
                    _companion,
                )
            ],
        ),
        Section(
            _("Journey"),
            [
                _division("origin", _("Coming from")),
                _rows(
                    "places_passed",
                    _("Place passed in the last 14 days"),
                    _("Add another place"),
                    counts["places_passed"],
                    _place,
                ),
                Field("destination", _("Destination"), attrs='maxlength="100"'),
                Field("purpose", _("Purpose of travel"), attrs='maxlength="100"'),
            ],
        ),
    ]


def _community_sections() -> list[Section]:
    return [
        Section(
            _("Entering or leaving"),
            [
                Field("gate_role", _("Resident or visitor"), "radio", GateRole.choices),
                Field("direction", _("Direction"), "radio", Direction.choices),
                Field("building", _("Building"), attrs='maxlength="100"'),
                Field("door", _("Door / flat"), attrs='maxlength="100"'),
                Field("host_name", _("Visitors: name of the resident you visit")),
                Field("host_phone", _("Visitors: resident's mobile phone"), "tel"),
            ],
        )
    ]


def _floating_sections(doors: list[tuple[str, str]]) -> list[Section]:
    pick = (
        [
            Field(
                "door_id",
                _("Your building and door"),
                "select",
                [("", _("Not in the list: type the address below")), *doors],
            )
        ]  # fmt: skip
        if doors
        else []
    )
    return [
        Section(
            _("Where you live here"),
            [
                *pick,
                Field("address", _("Address (street, community)"), attrs='maxlength="100"'),
                Field("building", _("Building"), attrs='maxlength="100"'),
                Field("door", _("Door / flat"), attrs='maxlength="100"'),
                Field("landlord_name", _("Landlord's name")),
                Field("landlord_phone", _("Landlord's mobile phone"), "tel"),
                Field("employer", _("Employer or school")),
                Field("arrival_date", _("Date of arrival"), "date"),
                _division("coming_from", _("Coming from")),
            ],
        )
    ]


def form_sections(
    kind: str,
    data: dict[str, Any],
    errors: dict[str, str],
    counts: dict[str, int],
    doors: list[tuple[str, str]] | None = None,
) -> list[Section]:
    """The form's sections for ``kind``, filled with ``data`` and ``errors``; ``doors`` are
    the (id, label) pairs a floating-population form offers (the gate's community's)."""
    person = Section(_("About you"), _person_fields())
    middle = {
        RegistrationKind.ROAD: lambda: _road_sections(counts),
        RegistrationKind.COMMUNITY: _community_sections,
        RegistrationKind.FLOATING: lambda: _floating_sections(doors or []),
    }[RegistrationKind(kind)]()
    sections = [person, *middle, _health_section()]
    for section in sections:
        for item in section.items:
            fields = [f for row in item.rows for f in row] if isinstance(item, Rows) else [item]
            for f in fields:
                _field(f, data, errors)
    return sections


def initial_counts() -> dict[str, int]:
    return {group: SPARE_ROWS for group in ROW_FIELDS}
