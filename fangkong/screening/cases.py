"""Turning what we know about a person into the rule engine's inputs.

What the citizen declared at registration (``Registration.declared`` and the travel group's
origin and places passed) is the starting point; what the officer sees at the checkpoint (the
health code on the phone, symptoms) replaces it. A walk-up person has only what the officer
enters. Anything unreadable counts as unknown, never as good news.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from fangkong.passes.selectors import vehicle_pass_state
from fangkong.registration.models import Registration, TravelGroup
from fangkong.screening import rules

_UNKNOWN_CARD = rules.ItineraryCard.UNKNOWN
# What the officer sends when they saw no test, where the citizen declared one.
NO_TEST = "none"
_DIVISION = re.compile(r"\d{6}(\d{3}){0,2}")


@dataclass(frozen=True)
class Facts:
    health_code: str = rules.HealthCode.UNKNOWN
    itinerary: str = rules.ItineraryCard.UNKNOWN
    nat_result: str | None = None
    nat_at: datetime | None = None
    symptoms: bool = False
    origin_code: str | None = None
    places_passed: tuple[rules.PlacePassed, ...] = ()


def _enum(kind: type, value: Any, default: Any) -> Any:
    try:
        return kind(str(value)).value
    except ValueError:
        return default


def parse_moment(value: Any) -> datetime | None:
    """An aware datetime from a datetime, an ISO string or a bare date (local midnight: a
    sample of unknown hour counts as the oldest it can be)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            return timezone.make_aware(datetime.combine(day, time.min)) if day else None
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _symptoms(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "no", "none", "false", "0", "无")
    return bool(value)


def _division(value: Any) -> str | None:
    text = str(value or "").strip()
    return text if _DIVISION.fullmatch(text) else None


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value)) if value else None
    except ValueError:  # well-formed but no day, such as 30 February
        return None


def places_from(raw: Any) -> tuple[rules.PlacePassed, ...]:
    """``[{"code": "620702", "date": "2022-04-10"}, ...]``; unreadable entries are skipped."""
    places = []
    for item in raw or ():
        if not isinstance(item, Mapping):
            continue
        code = _division(item.get("code") or item.get("division_code"))
        day = _day(item.get("date") or item.get("on"))
        if code and day:
            places.append(rules.PlacePassed(code, day))
    return tuple(places)


def facts_from_declared(declared: Mapping[str, Any], group: TravelGroup | None = None) -> Facts:
    """What the citizen declared (``registration.cleaning``): ``health_code``, ``itinerary``,
    ``nat`` (``{"date", "result"}``), ``symptoms`` (a list), ``coming_from`` for the floating
    population; a road registration's travel group gives the origin and places passed."""
    nat = declared.get("nat") if isinstance(declared.get("nat"), Mapping) else {}
    nat_at = nat.get("at") or nat.get("sampled_at") or nat.get("date") or declared.get("nat_at")
    nat_result = nat.get("result") or declared.get("nat_result")
    origin = group.origin_division if group and group.origin_division else None
    origin = origin or declared.get("origin") or declared.get("coming_from")
    places = group.places_passed if group and group.places_passed else None
    return Facts(
        health_code=_enum(rules.HealthCode, declared.get("health_code"), rules.HealthCode.UNKNOWN),
        itinerary=_enum(rules.ItineraryCard, declared.get("itinerary"), _UNKNOWN_CARD),
        nat_result=_enum(rules.NatResult, nat_result, None) if nat_result else None,
        nat_at=parse_moment(nat_at),
        symptoms=_symptoms(declared.get("symptoms")),
        origin_code=_division(origin),
        places_passed=places_from(places or declared.get("places_passed")),
    )


def facts_observed(base: Facts, observed: Mapping[str, Any] | None) -> Facts:
    """``base`` with what the officer saw; ``None`` values keep the base."""
    if not observed:
        return base
    names = {f.name for f in fields(Facts)}
    changes = {k: v for k, v in observed.items() if k in names and v is not None}
    if "health_code" in changes:
        changes["health_code"] = _enum(rules.HealthCode, changes["health_code"], base.health_code)
    if "itinerary" in changes:
        changes["itinerary"] = _enum(rules.ItineraryCard, changes["itinerary"], base.itinerary)
    if changes.get("nat_result") == NO_TEST:
        changes["nat_result"] = changes["nat_at"] = None
    elif "nat_result" in changes:
        changes["nat_result"] = _enum(rules.NatResult, changes["nat_result"], None)
    if changes.get("nat_at") is not None:
        changes["nat_at"] = parse_moment(changes["nat_at"])
    if "origin_code" in changes:
        changes["origin_code"] = _division(changes["origin_code"])
    if "places_passed" in changes:
        changes["places_passed"] = places_from(changes["places_passed"])
    return replace(base, **changes)


def rules_person(facts: Facts, temperature: Decimal | float | None) -> rules.Person:
    return rules.Person(
        temperature_c=float(temperature) if temperature is not None else None,
        health_code=rules.HealthCode(facts.health_code),
        itinerary=rules.ItineraryCard(facts.itinerary),
        nat_at=facts.nat_at,
        nat_result=rules.NatResult(facts.nat_result) if facts.nat_result else None,
        origin_code=facts.origin_code,
        places_passed=facts.places_passed,
        symptoms=facts.symptoms,
    )


def rules_vehicle(
    group: TravelGroup | None,
    at: datetime,
    *,
    confirmed_kind: str = "",
    pass_state: str | None = None,
) -> rules.Vehicle | None:
    """The group's vehicle for the rules: of the kind the officer confirmed, else of the
    kind the form declared, which gives no priority (only a valid pass or a confirmation
    does). ``pass_state`` is the vehicle's pass state if the caller has read it already."""
    if group is None or group.vehicle_id is None:
        return None
    vehicle = group.vehicle
    declared = confirmed_kind or group.vehicle_kind
    kind = _enum(rules.VehicleKind, declared, rules.VehicleKind.CAR)
    if pass_state is None:
        pass_state = vehicle_pass_state(plate=vehicle.plate, at=at)
    state = _enum(rules.VehiclePassState, pass_state, "none")
    return rules.Vehicle(
        rules.VehicleKind(kind),
        rules.VehiclePassState(state),
        kind_confirmed=bool(confirmed_kind) and kind == confirmed_kind,
    )


def decide_people(
    people: list[rules.Person],
    vehicle: rules.Vehicle | None,
    at: datetime,
    rule_set: rules.RuleSet,
) -> rules.Decision | rules.GroupDecision:
    """The recommendation for the people checked together at ``at`` under ``rule_set`` (the
    rules in force then, :func:`fangkong.screening.selectors.policy.policy_in_force`): one
    person on foot alone, else a travel group (in a car when no vehicle is known)."""
    now = timezone.localtime(at)
    if vehicle is None and len(people) == 1:
        return rules.decide(rules.ScreeningCase(people[0]), rule_set, now=now)
    vehicle = vehicle or rules.Vehicle(rules.VehicleKind.CAR)
    return rules.decide_group(rules.TravelGroup(vehicle, tuple(people)), rule_set, now=now)


def registration_facts(registration: Registration) -> Facts:
    return facts_from_declared(registration.declared or {}, registration.group)


def facts_json(facts: Facts) -> dict[str, Any]:
    """The facts as the officer page's rule port reads them."""
    return {
        "health_code": facts.health_code,
        "itinerary": facts.itinerary,
        "nat_result": facts.nat_result,
        "nat_at": facts.nat_at.isoformat() if facts.nat_at else None,
        "symptoms": facts.symptoms,
        "origin_code": facts.origin_code,
        "places_passed": [
            {"code": p.division_code, "date": p.on.isoformat()} for p in facts.places_passed
        ],
    }
