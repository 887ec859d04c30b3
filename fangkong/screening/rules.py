"""The screening rules: what the officer at a checkpoint does with a person or a travel group.

Pure Python on purpose (no Django import): the officer app, the API, the offline-sync replay and
the command centre's "what if" preview all call :func:`decide` / :func:`decide_group` with the
same dataclasses and get the same answer, and the rules are unit-tested without a database.

How a decision is made:

1. Every rule that applies to the person (and their vehicle) adds a :class:`Reason` with a
   machine code (:class:`RuleCode`) and parameters for the message the Django layer renders.
2. The rule set maps each rule code to an :class:`Outcome` (``RuleSet.actions``), so the command
   centre can change what a yellow code or a medium-risk origin means without a release.
3. The outcome is the most severe action among the reasons, with "pass" when none applies.
   ``priority_pass`` (绿色通道) is granted only by the vehicle rules and only when no other rule
   asks for more than ``pass``: a fever or a red code in an ambulance is still referred to health.
   The vehicle rules grant it only on evidence: a valid vehicle pass, or a special kind the
   officer confirmed (``Vehicle.kind_confirmed``), never a kind the citizen merely declared.
4. A travel group (one vehicle) gets its most severe person's outcome.

The rule set enforces that the outcome is monotone: adding a risk factor (a higher temperature,
a worse code, a risk area passed, a lost vehicle pass) can never make the outcome milder.
"""

# "pass" here is a screening outcome, never a password: bandit's S105 guess does not apply.
# ruff: noqa: S105

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType


class Outcome(StrEnum):
    PASS = "pass"
    PRIORITY_PASS = "priority_pass"  # 绿色通道
    TEST_THEN_PASS = "test_then_pass"  # NAT on site, then pass
    PERSUADE_RETURN = "persuade_return"  # 劝返
    REFER_HEALTH = "refer_health"  # 移交卫健: fever clinic or quarantine


# priority_pass ranks below pass: it is pass plus a favour, and any other concern cancels it.
SEVERITY: Mapping[Outcome, int] = MappingProxyType(
    {
        Outcome.PRIORITY_PASS: 0,
        Outcome.PASS: 1,
        Outcome.TEST_THEN_PASS: 2,
        Outcome.PERSUADE_RETURN: 3,
        Outcome.REFER_HEALTH: 4,
    }
)


def severity(outcome: Outcome) -> int:
    return SEVERITY[outcome]


class HealthCode(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    UNKNOWN = "unknown"  # no phone, or the code would not load


class ItineraryCard(StrEnum):
    NORMAL = "normal"
    STAR = "star"  # passed a city with a medium- or high-risk area
    RISK = "risk"  # the card itself shows a risk colour
    UNKNOWN = "unknown"


class NatResult(StrEnum):
    NEGATIVE = "negative"
    POSITIVE = "positive"
    PENDING = "pending"


class RiskLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class VehicleKind(StrEnum):
    CAR = "car"
    TRUCK = "truck"
    BUS = "bus"
    MOTORCYCLE = "motorcycle"
    AMBULANCE = "ambulance"
    POLICE = "police"
    FIRE = "fire"
    OFFICIAL = "official"
    SUPPLY = "supply"


class VehiclePassState(StrEnum):
    NONE = "none"
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class RuleCode(StrEnum):
    TEMPERATURE_HIGH = "temperature_high"
    SYMPTOMS = "symptoms"
    HEALTH_CODE_RED = "health_code_red"
    HEALTH_CODE_YELLOW = "health_code_yellow"
    HEALTH_CODE_UNKNOWN = "health_code_unknown"
    ITINERARY_RISK = "itinerary_risk"
    ITINERARY_STAR = "itinerary_star"
    ITINERARY_UNKNOWN = "itinerary_unknown"
    NAT_POSITIVE = "nat_positive"
    NAT_MISSING = "nat_missing"
    NAT_EXPIRED = "nat_expired"
    NAT_PENDING = "nat_pending"
    ORIGIN_HIGH_RISK = "origin_high_risk"
    ORIGIN_MEDIUM_RISK = "origin_medium_risk"
    PASSED_HIGH_RISK = "passed_high_risk"
    PASSED_MEDIUM_RISK = "passed_medium_risk"
    SPECIAL_VEHICLE = "special_vehicle"
    VEHICLE_PASS_VALID = "vehicle_pass_valid"
    VEHICLE_PASS_EXPIRED = "vehicle_pass_expired"
    VEHICLE_PASS_REVOKED = "vehicle_pass_revoked"


# Rules whose default is plain "pass" only put a note on the officer's screen (an unknown code
# is checked by hand, an expired vehicle pass just loses its priority).
DEFAULT_ACTIONS: Mapping[RuleCode, Outcome] = MappingProxyType(
    {
        RuleCode.TEMPERATURE_HIGH: Outcome.REFER_HEALTH,
        RuleCode.SYMPTOMS: Outcome.REFER_HEALTH,
        RuleCode.HEALTH_CODE_RED: Outcome.REFER_HEALTH,
        RuleCode.HEALTH_CODE_YELLOW: Outcome.TEST_THEN_PASS,
        RuleCode.HEALTH_CODE_UNKNOWN: Outcome.PASS,
        RuleCode.ITINERARY_RISK: Outcome.PERSUADE_RETURN,
        RuleCode.ITINERARY_STAR: Outcome.TEST_THEN_PASS,
        RuleCode.ITINERARY_UNKNOWN: Outcome.PASS,
        RuleCode.NAT_POSITIVE: Outcome.REFER_HEALTH,
        RuleCode.NAT_MISSING: Outcome.TEST_THEN_PASS,
        RuleCode.NAT_EXPIRED: Outcome.TEST_THEN_PASS,
        RuleCode.NAT_PENDING: Outcome.TEST_THEN_PASS,
        RuleCode.ORIGIN_HIGH_RISK: Outcome.PERSUADE_RETURN,
        RuleCode.ORIGIN_MEDIUM_RISK: Outcome.TEST_THEN_PASS,
        RuleCode.PASSED_HIGH_RISK: Outcome.PERSUADE_RETURN,
        RuleCode.PASSED_MEDIUM_RISK: Outcome.TEST_THEN_PASS,
        RuleCode.SPECIAL_VEHICLE: Outcome.PRIORITY_PASS,
        RuleCode.VEHICLE_PASS_VALID: Outcome.PRIORITY_PASS,
        RuleCode.VEHICLE_PASS_EXPIRED: Outcome.PASS,
        RuleCode.VEHICLE_PASS_REVOKED: Outcome.PASS,
    }
)

# The only rules that may grant priority, and they may do nothing more than that.
PRIORITY_RULES = frozenset({RuleCode.SPECIAL_VEHICLE, RuleCode.VEHICLE_PASS_VALID})

# Each ladder lists rules from the mildest to the worst form of one risk; a rule set must map
# them to non-decreasing severities, otherwise a worse state (a red code instead of a yellow
# one, a positive NAT instead of a missing one) could get a milder outcome.
MONOTONE_LADDERS: tuple[tuple[RuleCode, ...], ...] = (
    (RuleCode.HEALTH_CODE_UNKNOWN, RuleCode.HEALTH_CODE_YELLOW, RuleCode.HEALTH_CODE_RED),
    (RuleCode.ITINERARY_UNKNOWN, RuleCode.ITINERARY_STAR, RuleCode.ITINERARY_RISK),
    (RuleCode.NAT_PENDING, RuleCode.NAT_EXPIRED, RuleCode.NAT_MISSING, RuleCode.NAT_POSITIVE),
    (RuleCode.ORIGIN_MEDIUM_RISK, RuleCode.ORIGIN_HIGH_RISK),
    (RuleCode.PASSED_MEDIUM_RISK, RuleCode.PASSED_HIGH_RISK),
    (RuleCode.VEHICLE_PASS_EXPIRED, RuleCode.VEHICLE_PASS_REVOKED),
)

DEFAULT_PRIORITY_VEHICLE_KINDS = frozenset(
    {VehicleKind.AMBULANCE, VehicleKind.POLICE, VehicleKind.FIRE, VehicleKind.OFFICIAL}
)

# Outside this range a reading is a typing error (3.73, 373), a broken thermometer or a
# forehead read in the cold, not a body temperature; deciding "pass" on it would be worse than
# refusing it and measuring again. 42.0 ℃ is the top of a clinical thermometer's scale and
# about the highest fever a person survives; below 34.0 ℃ is moderate hypothermia, a medical
# emergency rather than a checkpoint reading, while the low readings that infrared
# thermometers give outdoors in a Gansu winter (34-35 ℃) still go in, to be measured again.
# The officer's page (static/screening/rules.js) carries the same range; a test compares them.
PLAUSIBLE_TEMPERATURE_C = (34.0, 42.0)
# Readings and thresholds are decimal fractions stored as floats; without the tolerance a
# reading of 37.3 computed as 37.299999999 would miss a 37.3 threshold.
_TEMPERATURE_TOLERANCE = 1e-6

# GB/T 2260 county code, optionally followed by a township (9) or village (12) suffix.
_DIVISION_CODE = re.compile(r"\d{6}(\d{3}){0,2}")


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _require_division_code(code: str, name: str) -> None:
    if not _DIVISION_CODE.fullmatch(code):
        raise ValueError(f"{name} {code!r} is not a division code")


# --- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacePassed:
    division_code: str
    on: date  # local date (in the timezone of ``now``) the person was there

    def __post_init__(self) -> None:
        _require_division_code(self.division_code, "place passed")


@dataclass(frozen=True)
class Person:
    temperature_c: float | None  # None until measured
    health_code: HealthCode
    itinerary: ItineraryCard
    nat_at: datetime | None  # when the latest NAT sample was taken
    nat_result: NatResult | None
    origin_code: str | None  # division the person travels from
    places_passed: tuple[PlacePassed, ...] = ()
    symptoms: bool = False

    def __post_init__(self) -> None:
        low, high = PLAUSIBLE_TEMPERATURE_C
        if self.temperature_c is not None and not low <= self.temperature_c <= high:
            raise ValueError(f"temperature {self.temperature_c} °C is not plausible")
        if self.nat_at is not None:
            _require_aware(self.nat_at, "nat_at")
        if self.origin_code is not None:
            _require_division_code(self.origin_code, "origin")


@dataclass(frozen=True)
class Vehicle:
    kind: VehicleKind
    pass_state: VehiclePassState = VehiclePassState.NONE
    # Whether an officer saw the vehicle and confirmed its kind. A kind that is only declared
    # (on the citizen's form) never grants priority: anyone can type "ambulance".
    kind_confirmed: bool = False


@dataclass(frozen=True)
class ScreeningCase:
    """One person at a site; ``vehicle`` is None at a community gate or on foot."""

    person: Person
    vehicle: Vehicle | None = None


@dataclass(frozen=True)
class TravelGroup:
    """One vehicle's passage: the driver first, then the passengers."""

    vehicle: Vehicle
    people: tuple[Person, ...]

    def __post_init__(self) -> None:
        if not self.people:
            raise ValueError("a travel group has at least its driver")


# --- rule set -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskArea:
    """A division declared at a risk level, in force from ``effective_from`` until
    ``effective_to`` (exclusive; None while still in force)."""

    code: str
    level: RiskLevel
    effective_from: datetime
    effective_to: datetime | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{6}", self.code):
            raise ValueError(f"risk area {self.code!r} is not a six-digit division code")
        _require_aware(self.effective_from, "effective_from")
        if self.effective_to is not None:
            _require_aware(self.effective_to, "effective_to")
            if self.effective_to <= self.effective_from:
                raise ValueError(f"risk area {self.code} ends before it starts")

    def covers(self, division_code: str) -> bool:
        """A province (XX0000) covers all its divisions, a prefecture (XXXX00) its counties,
        a county only itself; township and village suffixes belong to their county."""
        county = division_code[:6]
        if self.code.endswith("0000"):
            return county[:2] == self.code[:2]
        if self.code.endswith("00"):
            return county[:4] == self.code[:4]
        return county == self.code

    def in_force_during(self, start: datetime, end: datetime) -> bool:
        return self.effective_from <= end and (
            self.effective_to is None or self.effective_to > start
        )


@dataclass(frozen=True)
class RuleSet:
    """The rules of one version of the screening policy, as the engine takes them: the
    tunable part of a stored ``models.Policy`` with the risk areas in force
    (``selectors.policy.rule_set_current`` builds it). Build variants with
    ``dataclasses.replace``; every change gets a new ``version`` so each decision records
    which rules made it."""

    version: int
    actions: Mapping[RuleCode, Outcome]
    risk_areas: tuple[RiskArea, ...] = ()
    temperature_threshold_c: float = 37.3  # a reading >= threshold is a fever
    nat_max_age: timedelta = timedelta(hours=48)  # a negative NAT exactly this old still counts
    lookback_days: int = 14  # places passed, and positive NATs, older than this are ignored
    priority_vehicle_kinds: frozenset[VehicleKind] = DEFAULT_PRIORITY_VEHICLE_KINDS

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValueError("policy versions start at 1")
        # Accept plain strings, as stored in the database or sent by the command centre.
        actions = {RuleCode(code): Outcome(outcome) for code, outcome in self.actions.items()}
        missing = set(RuleCode) - set(actions)
        if missing:
            raise ValueError(f"policy has no action for {sorted(missing)}")
        _check_actions(actions)
        object.__setattr__(self, "actions", MappingProxyType(actions))
        object.__setattr__(self, "risk_areas", tuple(self.risk_areas))
        object.__setattr__(self, "priority_vehicle_kinds", frozenset(self.priority_vehicle_kinds))
        if not 35.0 <= self.temperature_threshold_c <= 40.0:
            raise ValueError(f"temperature threshold {self.temperature_threshold_c} °C")
        if self.nat_max_age <= timedelta(0) or self.lookback_days < 0:
            raise ValueError("NAT maximum age and look-back window must be positive")

    @classmethod
    def default(cls, version: int = 1, *, risk_areas: Iterable[RiskArea] = ()) -> RuleSet:
        return cls(version=version, actions=DEFAULT_ACTIONS, risk_areas=tuple(risk_areas))

    def action(self, code: RuleCode) -> Outcome:
        return self.actions[code]


def _check_actions(actions: Mapping[RuleCode, Outcome]) -> None:
    for code, outcome in actions.items():
        if code in PRIORITY_RULES and outcome not in (Outcome.PRIORITY_PASS, Outcome.PASS):
            raise ValueError(f"{code} may only grant priority_pass or nothing (pass)")
        if code not in PRIORITY_RULES and outcome == Outcome.PRIORITY_PASS:
            raise ValueError(f"only vehicle rules may grant priority_pass, not {code}")
    for ladder in MONOTONE_LADDERS:
        for milder, worse in zip(ladder, ladder[1:], strict=False):
            if severity(actions[milder]) > severity(actions[worse]):
                raise ValueError(f"{worse} must not be milder than {milder}")


# --- outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    code: RuleCode
    params: dict[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]  # every rule that applied, those that set the outcome first
    policy_version: int


@dataclass(frozen=True)
class GroupDecision:
    outcome: Outcome
    # The reasons of the people who set the group's outcome (with a "person" index into
    # ``people``), then the vehicle's own reasons once.
    reasons: tuple[Reason, ...]
    policy_version: int
    people: tuple[Decision, ...]


# --- the rules --------------------------------------------------------------------------


def _temperature_reasons(person: Person, rule_set: RuleSet) -> Iterator[Reason]:
    threshold = rule_set.temperature_threshold_c
    reading = person.temperature_c
    if reading is not None and reading >= threshold - _TEMPERATURE_TOLERANCE:
        yield Reason(
            RuleCode.TEMPERATURE_HIGH, {"temperature_c": reading, "threshold_c": threshold}
        )
    if person.symptoms:
        yield Reason(RuleCode.SYMPTOMS)


_HEALTH_CODE_RULES = {
    HealthCode.RED: RuleCode.HEALTH_CODE_RED,
    HealthCode.YELLOW: RuleCode.HEALTH_CODE_YELLOW,
    HealthCode.UNKNOWN: RuleCode.HEALTH_CODE_UNKNOWN,
}
_ITINERARY_RULES = {
    ItineraryCard.RISK: RuleCode.ITINERARY_RISK,
    ItineraryCard.STAR: RuleCode.ITINERARY_STAR,
    ItineraryCard.UNKNOWN: RuleCode.ITINERARY_UNKNOWN,
}


def _card_reasons(person: Person) -> Iterator[Reason]:
    if person.health_code in _HEALTH_CODE_RULES:
        yield Reason(_HEALTH_CODE_RULES[person.health_code])
    if person.itinerary in _ITINERARY_RULES:
        yield Reason(_ITINERARY_RULES[person.itinerary])


def _nat_reasons(person: Person, rule_set: RuleSet, now: datetime) -> Iterator[Reason]:
    taken, result = person.nat_at, person.nat_result
    # A sample "taken" in the future is a typing or clock error: it proves nothing.
    if taken is None or result is None or taken > now:
        yield Reason(RuleCode.NAT_MISSING)
        return
    age_hours = round((now - taken) / timedelta(hours=1), 1)
    if result == NatResult.POSITIVE and now - taken <= timedelta(days=rule_set.lookback_days):
        yield Reason(RuleCode.NAT_POSITIVE, {"age_hours": age_hours})
    elif now - taken > rule_set.nat_max_age:
        max_hours = round(rule_set.nat_max_age / timedelta(hours=1), 1)
        yield Reason(RuleCode.NAT_EXPIRED, {"age_hours": age_hours, "max_age_hours": max_hours})
    elif result == NatResult.PENDING:
        yield Reason(RuleCode.NAT_PENDING, {"age_hours": age_hours})


_LEVEL_RANK = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def _worst_area(
    code: str, areas: Iterable[RiskArea], start: datetime, end: datetime
) -> RiskArea | None:
    matching = [a for a in areas if a.covers(code) and a.in_force_during(start, end)]
    return max(matching, key=lambda a: _LEVEL_RANK[a.level], default=None)


# Low-risk areas are listed for the map only: being from one asks nothing of anybody.
_ORIGIN_RULES = {
    RiskLevel.HIGH: RuleCode.ORIGIN_HIGH_RISK,
    RiskLevel.MEDIUM: RuleCode.ORIGIN_MEDIUM_RISK,
}
_PASSED_RULES = {
    RiskLevel.HIGH: RuleCode.PASSED_HIGH_RISK,
    RiskLevel.MEDIUM: RuleCode.PASSED_MEDIUM_RISK,
}


def _area_reasons(person: Person, rule_set: RuleSet, now: datetime) -> Iterator[Reason]:
    if person.origin_code is not None:
        area = _worst_area(person.origin_code, rule_set.risk_areas, now, now)
        if area is not None and area.level in _ORIGIN_RULES:
            params: dict[str, str | int | float] = {
                "division_code": person.origin_code,
                "area_code": area.code,
            }
            yield Reason(_ORIGIN_RULES[area.level], params)

    earliest = now.date() - timedelta(days=rule_set.lookback_days)
    for place in person.places_passed:
        if not earliest <= place.on <= now.date():
            continue
        # An area counts if it was in force at any moment from the day the person was there
        # until now: declared afterwards (the outbreak was there already) or lifted since.
        day_start = datetime.combine(place.on, time.min, tzinfo=now.tzinfo)
        area = _worst_area(place.division_code, rule_set.risk_areas, day_start, now)
        if area is not None and area.level in _PASSED_RULES:
            params = {
                "division_code": place.division_code,
                "area_code": area.code,
                "on": place.on.isoformat(),
            }
            yield Reason(_PASSED_RULES[area.level], params)


_PASS_STATE_RULES = {
    VehiclePassState.VALID: RuleCode.VEHICLE_PASS_VALID,
    VehiclePassState.EXPIRED: RuleCode.VEHICLE_PASS_EXPIRED,
    VehiclePassState.REVOKED: RuleCode.VEHICLE_PASS_REVOKED,
}


def _vehicle_reasons(vehicle: Vehicle | None, rule_set: RuleSet) -> list[Reason]:
    reasons = []
    if vehicle is not None:
        if vehicle.kind_confirmed and vehicle.kind in rule_set.priority_vehicle_kinds:
            reasons.append(Reason(RuleCode.SPECIAL_VEHICLE, {"kind": vehicle.kind.value}))
        if vehicle.pass_state in _PASS_STATE_RULES:
            reasons.append(Reason(_PASS_STATE_RULES[vehicle.pass_state]))
    return reasons


def _person_reasons(person: Person, rule_set: RuleSet, now: datetime) -> list[Reason]:
    return [
        *_temperature_reasons(person, rule_set),
        *_card_reasons(person),
        *_nat_reasons(person, rule_set, now),
        *_area_reasons(person, rule_set, now),
    ]


def combine(outcomes: Iterable[Outcome]) -> Outcome:
    """The most severe outcome; priority_pass only if nothing asks for more than pass."""
    outcomes = list(outcomes)
    worst = max(
        (o for o in outcomes if o != Outcome.PRIORITY_PASS), key=severity, default=Outcome.PASS
    )
    if worst == Outcome.PASS and Outcome.PRIORITY_PASS in outcomes:
        return Outcome.PRIORITY_PASS
    return worst


def _decisive_first(
    reasons: Iterable[Reason], outcome: Outcome, rule_set: RuleSet
) -> tuple[Reason, ...]:
    """Order reasons so the ones that set the outcome come first, then by severity."""

    def key(reason: Reason) -> tuple[bool, int]:
        action = rule_set.action(reason.code)
        return action != outcome, -severity(action)

    return tuple(sorted(reasons, key=key))


# --- entry points -----------------------------------------------------------------------


def decide(case: ScreeningCase, rule_set: RuleSet, *, now: datetime) -> Decision:
    """Decide one person's outcome at ``now`` (aware; its timezone sets what "today" is)."""
    _require_aware(now, "now")
    reasons = _person_reasons(case.person, rule_set, now) + _vehicle_reasons(case.vehicle, rule_set)
    outcome = combine(rule_set.action(r.code) for r in reasons)
    return Decision(outcome, _decisive_first(reasons, outcome, rule_set), rule_set.version)


def decide_group(group: TravelGroup, rule_set: RuleSet, *, now: datetime) -> GroupDecision:
    """Decide each person in the vehicle; the group gets the most severe person's outcome."""
    people = tuple(decide(ScreeningCase(p, group.vehicle), rule_set, now=now) for p in group.people)
    outcome = combine(d.outcome for d in people)
    vehicle_reasons = _vehicle_reasons(group.vehicle, rule_set)
    vehicle_codes = {r.code for r in vehicle_reasons}
    person_reasons = [
        Reason(reason.code, {**reason.params, "person": index})
        for index, decision in enumerate(people)
        if decision.outcome == outcome
        for reason in decision.reasons
        if reason.code not in vehicle_codes
    ]
    reasons = _decisive_first([*person_reasons, *vehicle_reasons], outcome, rule_set)
    return GroupDecision(outcome, reasons, rule_set.version, people)
