"""The screening rule engine, tested as a pure function: a table of cases, then properties."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.screening.rules import (
    DEFAULT_ACTIONS,
    MONOTONE_LADDERS,
    PRIORITY_RULES,
    HealthCode,
    ItineraryCard,
    NatResult,
    Outcome,
    Person,
    PlacePassed,
    RiskArea,
    RiskLevel,
    RuleCode,
    RuleSet,
    ScreeningCase,
    TravelGroup,
    Vehicle,
    VehicleKind,
    VehiclePassState,
    decide,
    decide_group,
    severity,
)

CST = timezone(timedelta(hours=8), "Asia/Shanghai")
NOW = datetime(2022, 4, 15, 10, 0, tzinfo=CST)
TODAY = NOW.date()

AREAS = (
    RiskArea("310000", RiskLevel.HIGH, NOW - timedelta(days=10)),  # a whole province
    RiskArea("220100", RiskLevel.MEDIUM, NOW - timedelta(days=5)),  # a prefecture
    RiskArea("610113", RiskLevel.HIGH, NOW - timedelta(days=1)),  # a county, since yesterday
    RiskArea("630102", RiskLevel.HIGH, NOW + timedelta(days=1)),  # from tomorrow
    RiskArea(  # lifted two days ago
        "150102", RiskLevel.HIGH, NOW - timedelta(days=20), NOW - timedelta(days=2)
    ),
    RiskArea("440300", RiskLevel.LOW, NOW - timedelta(days=3)),
)
POLICY = RuleSet.default(version=7, risk_areas=AREAS)


def person(**overrides: Any) -> Person:
    """A healthy local traveller; each case changes only what it is about."""
    fields: dict[str, Any] = {
        "temperature_c": 36.5,
        "health_code": HealthCode.GREEN,
        "itinerary": ItineraryCard.NORMAL,
        "nat_at": NOW - timedelta(hours=24),
        "nat_result": NatResult.NEGATIVE,
        "origin_code": "620702",
        "places_passed": (),
        "symptoms": False,
    }
    return Person(**(fields | overrides))


def passed(code: str, days_ago: int) -> tuple[PlacePassed, ...]:
    return (PlacePassed(code, TODAY - timedelta(days=days_ago)),)


CAR = Vehicle(VehicleKind.CAR)
P, PRIO, TEST, RETURN, REFER = (
    Outcome.PASS,
    Outcome.PRIORITY_PASS,
    Outcome.TEST_THEN_PASS,
    Outcome.PERSUADE_RETURN,
    Outcome.REFER_HEALTH,
)

CASES = [
    # id, person, vehicle, outcome, reason codes (decisive first)
    ("healthy", person(), CAR, P, []),
    ("no-vehicle", person(), None, P, []),
    ("fever-exactly-threshold", person(temperature_c=37.3), CAR, REFER, ["temperature_high"]),
    ("just-below-threshold", person(temperature_c=37.2), CAR, P, []),
    ("not-measured-yet", person(temperature_c=None), CAR, P, []),
    ("symptoms", person(symptoms=True), CAR, REFER, ["symptoms"]),
    ("red-code", person(health_code=HealthCode.RED), CAR, REFER, ["health_code_red"]),
    ("yellow-code", person(health_code=HealthCode.YELLOW), CAR, TEST, ["health_code_yellow"]),
    ("unknown-code-noted", person(health_code=HealthCode.UNKNOWN), CAR, P, ["health_code_unknown"]),
    ("itinerary-star", person(itinerary=ItineraryCard.STAR), CAR, TEST, ["itinerary_star"]),
    ("itinerary-risk", person(itinerary=ItineraryCard.RISK), CAR, RETURN, ["itinerary_risk"]),
    ("nat-missing", person(nat_at=None, nat_result=None), CAR, TEST, ["nat_missing"]),
    ("nat-exactly-48h", person(nat_at=NOW - timedelta(hours=48)), CAR, P, []),
    (
        "nat-48h-1min",
        person(nat_at=NOW - timedelta(hours=48, minutes=1)),
        CAR,
        TEST,
        ["nat_expired"],
    ),
    (
        "nat-positive",
        person(nat_at=NOW - timedelta(days=3), nat_result=NatResult.POSITIVE),
        CAR,
        REFER,
        ["nat_positive"],
    ),
    (
        "nat-positive-beyond-lookback",
        person(nat_at=NOW - timedelta(days=20), nat_result=NatResult.POSITIVE),
        CAR,
        TEST,
        ["nat_expired"],
    ),
    ("nat-pending", person(nat_result=NatResult.PENDING), CAR, TEST, ["nat_pending"]),
    ("nat-in-future", person(nat_at=NOW + timedelta(hours=2)), CAR, TEST, ["nat_missing"]),
    ("origin-province-high", person(origin_code="310115"), CAR, RETURN, ["origin_high_risk"]),
    ("origin-prefecture-medium", person(origin_code="220102"), CAR, TEST, ["origin_medium_risk"]),
    ("origin-is-prefecture", person(origin_code="220100"), CAR, TEST, ["origin_medium_risk"]),
    ("area-since-yesterday", person(origin_code="610113"), CAR, RETURN, ["origin_high_risk"]),
    ("neighbour-county-clear", person(origin_code="610114"), CAR, P, []),
    ("area-from-tomorrow", person(origin_code="630102"), CAR, P, []),
    ("area-expired", person(origin_code="150102"), CAR, P, []),
    ("low-risk-area-silent", person(origin_code="440304"), CAR, P, []),
    (
        "passed-high-today",
        person(places_passed=passed("610113", 0)),
        CAR,
        RETURN,
        ["passed_high_risk"],
    ),
    (
        "passed-medium-14-days-ago",
        person(places_passed=passed("220102", 14)),
        CAR,
        TEST,
        ["passed_medium_risk"],
    ),
    ("passed-15-days-ago-ignored", person(places_passed=passed("220102", 15)), CAR, P, []),
    (
        "passed-while-in-force",
        person(places_passed=passed("150102", 5)),
        CAR,
        RETURN,
        ["passed_high_risk"],
    ),
    ("passed-after-lifted", person(places_passed=passed("150102", 1)), CAR, P, []),
    ("passed-before-declared-tomorrow", person(places_passed=passed("630102", 1)), CAR, P, []),
    (
        "passed-township-in-county",
        person(places_passed=passed("610113001", 2)),
        CAR,
        RETURN,
        ["passed_high_risk"],
    ),
    (
        "ambulance",
        person(),
        Vehicle(VehicleKind.AMBULANCE, kind_confirmed=True),
        PRIO,
        ["special_vehicle"],
    ),
    # Declared on the form, not seen by the officer: a declaration is no evidence.
    ("declared-ambulance", person(), Vehicle(VehicleKind.AMBULANCE), P, []),
    ("declared-police", person(), Vehicle(VehicleKind.POLICE), P, []),
    (
        "truck-valid-pass",
        person(),
        Vehicle(VehicleKind.TRUCK, VehiclePassState.VALID),
        PRIO,
        ["vehicle_pass_valid"],
    ),
    ("supply-without-pass", person(), Vehicle(VehicleKind.SUPPLY), P, []),
    (
        "supply-with-pass",
        person(),
        Vehicle(VehicleKind.SUPPLY, VehiclePassState.VALID),
        PRIO,
        ["vehicle_pass_valid"],
    ),
    (
        "expired-pass-noted",
        person(),
        Vehicle(VehicleKind.CAR, VehiclePassState.EXPIRED),
        P,
        ["vehicle_pass_expired"],
    ),
    (
        "revoked-pass-noted",
        person(),
        Vehicle(VehicleKind.CAR, VehiclePassState.REVOKED),
        P,
        ["vehicle_pass_revoked"],
    ),
    (
        "ambulance-with-fever",
        person(temperature_c=38.1),
        Vehicle(VehicleKind.AMBULANCE, kind_confirmed=True),
        REFER,
        ["temperature_high", "special_vehicle"],
    ),
    (
        "valid-pass-yellow-code",
        person(health_code=HealthCode.YELLOW),
        Vehicle(VehicleKind.TRUCK, VehiclePassState.VALID),
        TEST,
        ["health_code_yellow", "vehicle_pass_valid"],
    ),
    (
        "police-unknown-code-keeps-priority",
        person(health_code=HealthCode.UNKNOWN),
        Vehicle(VehicleKind.POLICE, kind_confirmed=True),
        PRIO,
        ["special_vehicle", "health_code_unknown"],
    ),
    (
        "several-risks-worst-first",
        person(health_code=HealthCode.YELLOW, origin_code="310115", temperature_c=37.8),
        CAR,
        REFER,
        ["temperature_high", "origin_high_risk", "health_code_yellow"],
    ),
]


@pytest.mark.parametrize(
    ("subject", "vehicle", "outcome", "codes"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide(
    subject: Person, vehicle: Vehicle | None, outcome: Outcome, codes: list[str]
) -> None:
    decision = decide(ScreeningCase(subject, vehicle), POLICY, now=NOW)

    assert decision.outcome == outcome
    assert [reason.code for reason in decision.reasons] == codes
    assert decision.policy_version == 7


def test_reason_params_carry_what_the_message_needs() -> None:
    decision = decide(
        ScreeningCase(person(temperature_c=37.6, places_passed=passed("220102", 3))),
        POLICY,
        now=NOW,
    )

    assert decision.reasons[0].params == {"temperature_c": 37.6, "threshold_c": 37.3}
    assert decision.reasons[1].params == {
        "division_code": "220102",
        "area_code": "220100",
        "on": (TODAY - timedelta(days=3)).isoformat(),
    }


# --- travel groups ------------------------------------------------------------------------

PRIORITY_VEHICLES = [
    Vehicle(VehicleKind.AMBULANCE, kind_confirmed=True),
    Vehicle(VehicleKind.POLICE, kind_confirmed=True),
    Vehicle(VehicleKind.FIRE, kind_confirmed=True),
    Vehicle(VehicleKind.OFFICIAL, kind_confirmed=True),
    Vehicle(VehicleKind.SUPPLY, VehiclePassState.VALID),
    Vehicle(VehicleKind.CAR, VehiclePassState.VALID),
]
HEALTH_RISKS = {
    "fever": person(temperature_c=37.3),
    "red-code": person(health_code=HealthCode.RED),
    "symptoms": person(symptoms=True),
    "nat-positive": person(nat_result=NatResult.POSITIVE),
}


@pytest.mark.parametrize("vehicle", PRIORITY_VEHICLES, ids=lambda v: f"{v.kind}-{v.pass_state}")
@pytest.mark.parametrize("sick", HEALTH_RISKS.values(), ids=HEALTH_RISKS.keys())
def test_priority_never_overrides_a_health_rule(vehicle: Vehicle, sick: Person) -> None:
    group = TravelGroup(vehicle, (person(), sick))

    decision = decide_group(group, POLICY, now=NOW)

    assert decision.outcome == Outcome.REFER_HEALTH
    assert decision.people[1].outcome == Outcome.REFER_HEALTH
    assert decision.reasons[0].params["person"] == 1


def test_group_gets_the_most_severe_persons_outcome() -> None:
    group = TravelGroup(
        CAR,
        (
            person(),
            person(health_code=HealthCode.YELLOW),
            person(origin_code="310115"),
            person(itinerary=ItineraryCard.RISK),
        ),
    )

    decision = decide_group(group, POLICY, now=NOW)

    assert [d.outcome for d in decision.people] == [P, TEST, RETURN, RETURN]
    assert decision.outcome == Outcome.PERSUADE_RETURN
    # Only the people who set the outcome explain it; the others keep their own decisions.
    assert [(r.code, r.params["person"]) for r in decision.reasons] == [
        (RuleCode.ORIGIN_HIGH_RISK, 2),
        (RuleCode.ITINERARY_RISK, 3),
    ]


def test_group_in_a_special_vehicle_gets_priority_when_everyone_passes() -> None:
    group = TravelGroup(Vehicle(VehicleKind.AMBULANCE, kind_confirmed=True), (person(), person()))

    decision = decide_group(group, POLICY, now=NOW)

    assert decision.outcome == Outcome.PRIORITY_PASS
    # The vehicle's reason is stated once, not once per occupant.
    assert [r.code for r in decision.reasons] == [RuleCode.SPECIAL_VEHICLE]


def test_one_passenger_needing_a_test_cancels_the_groups_priority() -> None:
    group = TravelGroup(
        Vehicle(VehicleKind.TRUCK, VehiclePassState.VALID),
        (person(), person(nat_at=None, nat_result=None)),
    )

    decision = decide_group(group, POLICY, now=NOW)

    assert decision.outcome == Outcome.TEST_THEN_PASS
    assert decision.people[0].outcome == Outcome.PRIORITY_PASS
    assert [r.code for r in decision.reasons] == [RuleCode.NAT_MISSING, RuleCode.VEHICLE_PASS_VALID]


def test_a_group_has_a_driver() -> None:
    with pytest.raises(ValueError, match="driver"):
        TravelGroup(CAR, ())


# --- the policy -----------------------------------------------------------------------------


def test_actions_are_data_the_command_centre_can_change() -> None:
    stricter = dataclasses.replace(
        POLICY,
        version=8,
        actions={**POLICY.actions, "health_code_yellow": "persuade_return"},
        temperature_threshold_c=37.5,
        nat_max_age=timedelta(hours=24),
    )
    yellow = ScreeningCase(person(health_code=HealthCode.YELLOW))

    assert decide(yellow, stricter, now=NOW).outcome == Outcome.PERSUADE_RETURN
    assert decide(yellow, stricter, now=NOW).policy_version == 8
    assert decide(ScreeningCase(person(temperature_c=37.4)), stricter, now=NOW).outcome == P
    old_nat = ScreeningCase(person(nat_at=NOW - timedelta(hours=25)))
    assert decide(old_nat, stricter, now=NOW).outcome == TEST


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"health_code_red": "priority_pass"}, "only vehicle rules"),
        ({"special_vehicle": "refer_health"}, "may only grant priority_pass"),
        (
            {"health_code_yellow": "persuade_return", "health_code_red": "test_then_pass"},
            "health_code_red must not be milder",
        ),
        ({"nat_positive": "pass"}, "nat_positive must not be milder"),
        ({"no_such_rule": "pass"}, "not a valid RuleCode"),
    ],
    ids=[
        "priority-for-red",
        "ambulance-referral",
        "yellow-above-red",
        "positive-below-missing",
        "typo",
    ],
)
def test_policy_refuses_incoherent_actions(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RuleSet(version=2, actions={**DEFAULT_ACTIONS, **change})


def test_policy_needs_an_action_for_every_rule() -> None:
    actions = dict(DEFAULT_ACTIONS)
    del actions[RuleCode.SYMPTOMS]
    with pytest.raises(ValueError, match="symptoms"):
        RuleSet(version=1, actions=actions)


def test_policy_actions_cannot_be_changed_in_place() -> None:
    with pytest.raises(TypeError):
        POLICY.actions[RuleCode.HEALTH_CODE_RED] = Outcome.PASS  # type: ignore[index]


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="aware"):
        decide(ScreeningCase(person()), POLICY, now=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="plausible"):
        person(temperature_c=3.73)
    with pytest.raises(ValueError, match="division code"):
        person(origin_code="Wuhan")
    with pytest.raises(ValueError, match="ends before"):
        RiskArea("420100", RiskLevel.HIGH, NOW, NOW - timedelta(days=1))


# --- properties ---------------------------------------------------------------------------

# Each list runs from the least to the most risky state of one input.
HEALTH_CODES = [HealthCode.GREEN, HealthCode.UNKNOWN, HealthCode.YELLOW, HealthCode.RED]
ITINERARIES = [ItineraryCard.NORMAL, ItineraryCard.UNKNOWN, ItineraryCard.STAR, ItineraryCard.RISK]
ORIGINS_BY_RISK = [
    ["620702", "630102", "150102", "440304"],  # none in force (or low)
    ["220102", "220100"],  # medium
    ["310115", "610113"],  # high
]
PLACES = [
    PlacePassed(code, TODAY - timedelta(days=days))
    for code in ("220102", "610113", "150102", "630102", "620723")
    for days in (0, 1, 5, 14, 15)
]
PASS_STATES = [
    VehiclePassState.VALID,
    VehiclePassState.NONE,
    VehiclePassState.EXPIRED,
    VehiclePassState.REVOKED,
]


@st.composite
def ordered_pair(draw: st.DrawFn, ladder: list[Any]) -> tuple[Any, Any]:
    low = draw(st.integers(0, len(ladder) - 1))
    return ladder[low], ladder[draw(st.integers(low, len(ladder) - 1))]


# The generated policies choose among these, and the NAT levels below are built to mean the
# same under all of them (a "fresh" NAT is fresh for the strictest maximum age, and so on).
NAT_MAX_AGE_HOURS = [24, 48, 72]
LOOKBACK_DAYS = [7, 14, 21]


@st.composite
def nat_at_level(draw: st.DrawFn, level: int) -> dict[str, Any]:
    """NAT states by risk: fresh negative, pending, expired, missing, recent positive."""
    fresh = st.integers(0, min(NAT_MAX_AGE_HOURS)).map(lambda h: NOW - timedelta(hours=h))
    stale = st.integers(max(NAT_MAX_AGE_HOURS) + 1, 24 * 30).map(lambda h: NOW - timedelta(hours=h))
    recent = st.integers(0, 24 * min(LOOKBACK_DAYS)).map(lambda h: NOW - timedelta(hours=h))
    missing = [
        {"nat_at": None, "nat_result": None},
        {"nat_at": NOW - timedelta(hours=3), "nat_result": None},
        {"nat_at": NOW + timedelta(hours=3), "nat_result": NatResult.NEGATIVE},  # clock error
    ]
    if level == 0:
        return {"nat_at": draw(fresh), "nat_result": NatResult.NEGATIVE}
    if level == 1:
        return {"nat_at": draw(fresh), "nat_result": NatResult.PENDING}
    if level == 2:
        result = draw(st.sampled_from([NatResult.NEGATIVE, NatResult.PENDING]))
        return {"nat_at": draw(stale), "nat_result": result}
    if level == 3:
        return draw(st.sampled_from(missing))
    return {"nat_at": draw(recent), "nat_result": NatResult.POSITIVE}


@st.composite
def person_pair(draw: st.DrawFn) -> tuple[Person, Person]:
    """A person, and the same person with zero or more risk factors added or worsened."""
    # Measuring an unmeasured person, or a higher reading, is the temperature's worsening.
    base_temp = draw(st.none() | st.floats(35.0, 40.0))
    if base_temp is None:
        worse_temp = draw(st.none() | st.floats(35.0, 42.0))
    else:
        worse_temp = min(base_temp + draw(st.floats(0.0, 3.0)), 42.0)
    code, worse_code = draw(ordered_pair(HEALTH_CODES))
    card, worse_card = draw(ordered_pair(ITINERARIES))
    nat_level, worse_nat_level = draw(ordered_pair([0, 1, 2, 3, 4]))
    origin_level, worse_origin_level = draw(ordered_pair([0, 1, 2]))
    symptoms = draw(st.booleans())
    places = draw(st.lists(st.sampled_from(PLACES), max_size=3))
    more_places = draw(st.lists(st.sampled_from(PLACES), max_size=3))
    base = Person(
        temperature_c=base_temp,
        health_code=code,
        itinerary=card,
        origin_code=draw(st.sampled_from(ORIGINS_BY_RISK[origin_level])),
        places_passed=tuple(places),
        symptoms=symptoms,
        **draw(nat_at_level(nat_level)),
    )
    worse = Person(
        temperature_c=worse_temp,
        health_code=worse_code,
        itinerary=worse_card,
        origin_code=draw(st.sampled_from(ORIGINS_BY_RISK[worse_origin_level])),
        places_passed=tuple(places + more_places),
        symptoms=symptoms or draw(st.booleans()),
        **draw(nat_at_level(worse_nat_level)),
    )
    return base, worse


@st.composite
def vehicle_pair(draw: st.DrawFn) -> tuple[Vehicle, Vehicle]:
    """A vehicle, and the same one with its priority lost (an ordinary kind, or its kind no
    longer confirmed) or its pass in a worse state."""
    ordinary = [VehicleKind.CAR, VehicleKind.TRUCK, VehicleKind.BUS, VehicleKind.SUPPLY]
    kind = draw(st.sampled_from(list(VehicleKind)))
    worse_kind = kind if draw(st.booleans()) else draw(st.sampled_from(ordinary))
    confirmed = draw(st.booleans())
    worse_confirmed = confirmed and draw(st.booleans())
    state, worse_state = draw(ordered_pair(PASS_STATES))
    return Vehicle(kind, state, confirmed), Vehicle(worse_kind, worse_state, worse_confirmed)


@st.composite
def policies(draw: st.DrawFn) -> RuleSet:
    """Any coherent policy: random actions that respect the ladders, random thresholds."""
    plain = [Outcome.PASS, Outcome.TEST_THEN_PASS, Outcome.PERSUADE_RETURN, Outcome.REFER_HEALTH]
    actions = {code: draw(st.sampled_from(plain)) for code in RuleCode}
    for ladder in MONOTONE_LADDERS:
        rungs = sorted(
            draw(st.lists(st.sampled_from(plain), min_size=len(ladder), max_size=len(ladder))),
            key=severity,
        )
        actions.update(zip(ladder, rungs, strict=True))
    for code in PRIORITY_RULES:
        actions[code] = draw(st.sampled_from([Outcome.PRIORITY_PASS, Outcome.PASS]))
    return RuleSet(
        version=1,
        actions=actions,
        risk_areas=AREAS,
        temperature_threshold_c=draw(st.floats(37.0, 38.0)),
        nat_max_age=timedelta(hours=draw(st.sampled_from(NAT_MAX_AGE_HOURS))),
        lookback_days=draw(st.sampled_from(LOOKBACK_DAYS)),
    )


@given(people=person_pair(), vehicles=vehicle_pair(), policy=policies())
def test_adding_a_risk_factor_never_makes_the_outcome_milder(
    people: tuple[Person, Person], vehicles: tuple[Vehicle, Vehicle], policy: RuleSet
) -> None:
    before = decide(ScreeningCase(people[0], vehicles[0]), policy, now=NOW)
    after = decide(ScreeningCase(people[1], vehicles[1]), policy, now=NOW)

    assert severity(after.outcome) >= severity(before.outcome)


@given(
    subject=person_pair().map(lambda pair: pair[0]),
    kind=st.sampled_from(list(VehicleKind)),
    state=st.sampled_from([s for s in VehiclePassState if s != VehiclePassState.VALID]),
    policy=policies(),
)
def test_a_declared_kind_never_gives_the_green_channel(
    subject: Person, kind: VehicleKind, state: VehiclePassState, policy: RuleSet
) -> None:
    # Whatever the form says the vehicle is: without an officer's confirmation or a valid
    # pass there is no priority, alone or in a group.
    vehicle = Vehicle(kind, state)

    alone = decide(ScreeningCase(subject, vehicle), policy, now=NOW)
    group = decide_group(TravelGroup(vehicle, (subject, subject)), policy, now=NOW)

    for decision in (alone, group):
        assert decision.outcome != Outcome.PRIORITY_PASS
        assert RuleCode.SPECIAL_VEHICLE not in {r.code for r in decision.reasons}


@given(
    people=st.lists(person_pair().map(lambda pair: pair[0]), min_size=1, max_size=5),
    extra=person_pair().map(lambda pair: pair[1]),
    vehicle=vehicle_pair().map(lambda pair: pair[0]),
)
def test_adding_a_passenger_never_makes_the_group_outcome_milder(
    people: list[Person], extra: Person, vehicle: Vehicle
) -> None:
    before = decide_group(TravelGroup(vehicle, tuple(people)), POLICY, now=NOW)
    after = decide_group(TravelGroup(vehicle, (*people, extra)), POLICY, now=NOW)

    assert severity(after.outcome) >= severity(before.outcome)
    assert after.outcome == max((d.outcome for d in after.people), key=severity) or (
        after.outcome == Outcome.PASS
    )


@given(subject=person_pair().map(lambda pair: pair[1]), vehicle=vehicle_pair().map(lambda p: p[0]))
def test_a_fever_or_red_code_is_always_referred(subject: Person, vehicle: Vehicle) -> None:
    sick = dataclasses.replace(subject, health_code=HealthCode.RED)
    feverish = dataclasses.replace(subject, temperature_c=39.0)

    for case in (sick, feverish):
        assert decide(ScreeningCase(case, vehicle), POLICY, now=NOW).outcome == Outcome.REFER_HEALTH


def test_places_passed_window_uses_the_local_date() -> None:
    # 00:30 in Beijing is still the previous day in UTC; "15 days ago" is counted in local days.
    just_after_midnight = datetime(2022, 4, 15, 0, 30, tzinfo=CST)
    traveller = person(places_passed=(PlacePassed("220102", date(2022, 3, 31)),))

    assert decide(ScreeningCase(traveller), POLICY, now=just_after_midnight).outcome == P
