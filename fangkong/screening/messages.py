"""Translated sentences for the rule engine's reason codes, and the labels the officer sees.

The engine returns codes with parameters; the sentence is made here, in the user's language.
The same format strings are shipped to the officer page as JSON (:func:`client_strings`), so a
reason reads the same whether the server or the offline page explained it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from fangkong.core.validation import MESSAGES as FIELD_MESSAGES
from fangkong.lib.divisions import division_path
from fangkong.registration.choices import TravelRole, VehicleKind
from fangkong.screening.choices import Outcome
from fangkong.screening.rules import PLAUSIBLE_TEMPERATURE_C, RuleCode

REASON_TEMPLATES: Mapping[str, Any] = {
    RuleCode.TEMPERATURE_HIGH: gettext_lazy("Temperature %(temperature_c)s ℃ ≥ %(threshold_c)s ℃"),
    RuleCode.SYMPTOMS: gettext_lazy("Fever, cough or other symptoms"),
    RuleCode.HEALTH_CODE_RED: gettext_lazy("Health code is red"),
    RuleCode.HEALTH_CODE_YELLOW: gettext_lazy("Health code is yellow"),
    RuleCode.HEALTH_CODE_UNKNOWN: gettext_lazy("Health code not shown: check it by hand"),
    RuleCode.ITINERARY_RISK: gettext_lazy("Itinerary card shows a risk colour"),
    RuleCode.ITINERARY_STAR: gettext_lazy("Itinerary card is starred"),
    RuleCode.ITINERARY_UNKNOWN: gettext_lazy("Itinerary card not shown"),
    RuleCode.NAT_POSITIVE: gettext_lazy(
        "Positive nucleic-acid test, sampled %(age_hours)s hours ago"
    ),
    RuleCode.NAT_MISSING: gettext_lazy("No nucleic-acid test result"),
    RuleCode.NAT_EXPIRED: gettext_lazy(
        "Nucleic-acid test sampled %(age_hours)s hours ago, older than %(max_age_hours)s hours"
    ),
    RuleCode.NAT_PENDING: gettext_lazy(
        "Nucleic-acid test result pending, sampled %(age_hours)s hours ago"
    ),
    RuleCode.ORIGIN_HIGH_RISK: gettext_lazy("Comes from a high-risk area: %(area)s"),
    RuleCode.ORIGIN_MEDIUM_RISK: gettext_lazy("Comes from a medium-risk area: %(area)s"),
    RuleCode.PASSED_HIGH_RISK: gettext_lazy("Passed through a high-risk area on %(on)s: %(area)s"),
    RuleCode.PASSED_MEDIUM_RISK: gettext_lazy(
        "Passed through a medium-risk area on %(on)s: %(area)s"
    ),
    RuleCode.SPECIAL_VEHICLE: gettext_lazy("Special vehicle: %(kind)s"),
    RuleCode.VEHICLE_PASS_VALID: gettext_lazy("Valid vehicle pass"),
    RuleCode.VEHICLE_PASS_EXPIRED: gettext_lazy("Vehicle pass has expired"),
    RuleCode.VEHICLE_PASS_REVOKED: gettext_lazy("Vehicle pass was revoked"),
}

# Short names of each rule, for the policy page's action table.
RULE_LABELS: Mapping[str, Any] = {
    RuleCode.TEMPERATURE_HIGH: gettext_lazy("Temperature at or above the threshold"),
    RuleCode.SYMPTOMS: gettext_lazy("Symptoms"),
    RuleCode.HEALTH_CODE_RED: gettext_lazy("Red health code"),
    RuleCode.HEALTH_CODE_YELLOW: gettext_lazy("Yellow health code"),
    RuleCode.HEALTH_CODE_UNKNOWN: gettext_lazy("Health code not shown"),
    RuleCode.ITINERARY_RISK: gettext_lazy("Itinerary card with a risk colour"),
    RuleCode.ITINERARY_STAR: gettext_lazy("Starred itinerary card"),
    RuleCode.ITINERARY_UNKNOWN: gettext_lazy("Itinerary card not shown"),
    RuleCode.NAT_POSITIVE: gettext_lazy("Positive nucleic-acid test"),
    RuleCode.NAT_MISSING: gettext_lazy("No nucleic-acid test"),
    RuleCode.NAT_EXPIRED: gettext_lazy("Nucleic-acid test too old"),
    RuleCode.NAT_PENDING: gettext_lazy("Nucleic-acid test result pending"),
    RuleCode.ORIGIN_HIGH_RISK: gettext_lazy("Comes from a high-risk area"),
    RuleCode.ORIGIN_MEDIUM_RISK: gettext_lazy("Comes from a medium-risk area"),
    RuleCode.PASSED_HIGH_RISK: gettext_lazy("Passed through a high-risk area"),
    RuleCode.PASSED_MEDIUM_RISK: gettext_lazy("Passed through a medium-risk area"),
    RuleCode.SPECIAL_VEHICLE: gettext_lazy("Ambulance, police, fire or official vehicle"),
    RuleCode.VEHICLE_PASS_VALID: gettext_lazy("Valid vehicle pass"),
    RuleCode.VEHICLE_PASS_EXPIRED: gettext_lazy("Expired vehicle pass"),
    RuleCode.VEHICLE_PASS_REVOKED: gettext_lazy("Revoked vehicle pass"),
}

PERSON_PREFIX = gettext_lazy("Person %(n)s: %(message)s")


def area_label(code: str, names: Mapping[str, str] | None = None) -> str:
    """``张掖市甘州区（620702）``: the imported name if any, else the division table's."""
    name = (names or {}).get(code) or "".join(division_path(code))
    return f"{name}（{code}）" if name else code


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def reason_message(
    code: str, params: Mapping[str, Any], *, area_names: Mapping[str, str] | None = None
) -> str:
    template = REASON_TEMPLATES.get(code)
    if template is None:
        return code
    values: dict[str, str] = {key: _number(value) for key, value in params.items()}
    if "area_code" in params:
        values["area"] = area_label(str(params["area_code"]), area_names)
    if "kind" in params:
        values["kind"] = str(_label(VehicleKind, str(params["kind"])))
    message = str(template) % _Defaulting(values)
    if "person" in params:
        message = str(PERSON_PREFIX) % {"n": int(params["person"]) + 1, "message": message}
    return message


class _Defaulting(dict):
    """Leaves a missing parameter visible rather than failing the whole sentence."""

    def __missing__(self, key: str) -> str:
        return "?"


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def outcome_label(value: str) -> str:
    return _label(Outcome, value)


def reasons_out(
    reasons: Any, *, area_names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Reasons (engine dataclasses or stored dicts) as ``{code, params, message}``."""
    out = []
    for reason in reasons:
        code = reason["code"] if isinstance(reason, Mapping) else str(reason.code)
        params = dict(reason["params"] if isinstance(reason, Mapping) else reason.params)
        out.append(
            {
                "code": code,
                "params": params,
                "message": reason_message(code, params, area_names=area_names),
            }
        )
    return out


def _implausible_temperature() -> str:
    low, high = PLAUSIBLE_TEMPERATURE_C
    message = _("A temperature between %(low)s and %(high)s ℃, such as 36.5; measure again.")
    return message % {"low": low, "high": high}


def _plate_errors() -> dict[str, str]:
    """The server's messages for a bad plate, by code, for the phone's own check."""
    errors = {code: str(text) for code, text in FIELD_MESSAGES.items() if code.startswith("plate_")}
    errors["plate_required"] = _("Enter the licence plate.")
    return errors


def _manual_vehicle_strings() -> dict[str, Any]:
    return {
        "add_vehicle": _("Add vehicle"),
        "remove_vehicle": _("Remove vehicle"),
        "add_passenger": _("Add passenger"),
        "remove_passenger": _("Remove passenger"),
        "manual_vehicle": _("Vehicle entered by hand"),
        "plate": _("Licence plate"),
        "plate_example": pgettext("plate input placeholder", "e.g. 甘G12345"),
        "plate_errors": _plate_errors(),
        "roles": {value: str(label) for value, label in TravelRole.choices},
    }


def client_strings() -> dict[str, Any]:
    """Every string the officer page's script shows, translated, for ``json_script``."""
    return {
        "reasons": {str(code): str(text) for code, text in REASON_TEMPLATES.items()},
        "person_prefix": str(PERSON_PREFIX),
        "outcomes": {value: str(label) for value, label in Outcome.choices},
        "vehicle_kinds": {value: str(label) for value, label in VehicleKind.choices},
        "ui": {
            "offline": _("Offline"),
            "online": _("Online"),
            "login_needed_short": _("Log in again"),
            "waiting": _("Waiting to sync"),
            "waiting_for_user": _("Sent when %(user)s logs in on this phone"),
            "outbox_empty": _("Nothing is waiting."),
            "recorded": _("Recorded: %(n)s"),
            "recorded_offline": _(
                "Recorded: %(n)s, kept on this phone; sent when the network returns."
            ),
            "searching": _("Searching…"),
            "no_match": _("No registration found."),
            "lookup_offline": _(
                "No network: registrations cannot be looked up. Enter the person by hand."
            ),
            "temperature": _("Temperature"),
            "temperature_required": _("Enter the temperature."),
            "temperature_implausible": _implausible_temperature(),
            "recommended": _("Recommended"),
            "group_recommended": _("Whole vehicle"),
            "outcome": _("Outcome"),
            "change": _("Change"),
            "overridden": _("overridden"),
            "override_reason": _("Override reason (required)"),
            "override_required": _("Give the reason for choosing another outcome."),
            "note": _("Note (optional)"),
            "confirm_as": _("Confirm: %(outcome)s (%(n)s)"),
            "confirm_mixed": _("Confirm outcomes (%(n)s)"),
            "name": _("Name"),
            "doc_type": _("Document type"),
            "doc_number": _("Document number"),
            "phone_optional": _("Mobile phone (optional)"),
            "origin_code": _("Coming from (division code)"),
            "name_required": _("Enter the name."),
            "document_required": _("Enter the document number."),
            "id_invalid": _("This ID number is not valid. Check each digit again."),
            "origin_invalid": _("A division code has exactly six digits."),
            "login_needed": _("Your login has expired. Log in again to send the waiting checks."),
            "sync_error": _("Not accepted"),
            "not_accepted": _("%(n)s not accepted by the server: see the waiting checks."),
            "retry": _("Send again"),
            "discard": _("Discard"),
            "discard_confirm": _("Discard this check? It will not reach the server."),
            "set_aside": _("Set aside after repeated server errors"),
            "set_aside_toast": _(
                "%(n)s set aside after repeated server errors; the others go on syncing."
            ),
            "report": _("Report"),
            "report_copied": _("Report copied: send it to the duty desk."),
            "report_shown": _("Report shown below: send it to the duty desk."),
            "site_required": _("Choose your site first."),
            "scan_unavailable": _("The camera cannot be used here. Type the code instead."),
            "storage_unavailable": _("This browser cannot keep checks offline."),
            "walk_up": _("Entered by hand"),
            "on_foot": _("On foot"),
            "vehicle_kind": _("Vehicle kind as you see it"),
            "kind_unconfirmed": _("Not confirmed (declared: %(kind)s)"),
            "kind_unconfirmed_none": _("Not confirmed"),
            "back": _("Back"),
            "from": pgettext("travel origin", "From"),
            "expired": _("Registration has expired"),
            "checked_before": _("Already checked"),
            "hours_ago": _("%(h)s h ago"),
            "verify": _("Verify"),
            "health_code": _("Health code"),
            "itinerary": _("Itinerary card"),
            "nat": _("NAT"),
            "nat_result": _("NAT"),
            "nat_date": _("Sample date"),
            "nat_none": _("none"),
            "symptoms": _("Fever, cough or other symptoms"),
            "symptoms_short": _("Symptoms"),
            "health_codes": {
                "green": _("Green code"),
                "yellow": _("Yellow code"),
                "red": _("Red code"),
                "unknown": _("Code not shown"),
            },
            "itineraries": {
                "normal": _("Itinerary normal"),
                "star": _("Itinerary starred"),
                "risk": _("Itinerary risk colour"),
                "unknown": _("Itinerary not shown"),
            },
            "nat_results": {
                "negative": _("Negative"),
                "positive": _("Positive"),
                "pending": _("Pending"),
                "": _("No test"),
            },
            "pass_states": {
                "valid": _("Valid vehicle pass"),
                "expired": _("Vehicle pass expired"),
                "revoked": _("Vehicle pass revoked"),
            },
            **_manual_vehicle_strings(),
        },
    }
