"""Policy versions: published, never edited, in force from their time; risk areas by date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.screening import rules
from fangkong.screening.models import Policy, RiskArea
from fangkong.screening.selectors.policy import policy_client_json, policy_row_at, rule_set_current
from fangkong.screening.services import policy_publish
from tests.screening.conftest import NOW

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_the_built_in_defaults_are_version_one():
    policy = rule_set_current()

    assert policy.version == 1
    assert dict(policy.actions) == dict(rules.DEFAULT_ACTIONS)
    assert policy.temperature_threshold_c == 37.3
    assert policy.nat_max_age == timedelta(hours=48)


def test_publishing_makes_a_new_version_and_leaves_the_old_one(clock, analyst):
    before = Policy.objects.get(version=1).rules

    new = policy_publish(
        actor=analyst,
        rules={
            "temperature_threshold_c": 37.0,
            "actions": {"health_code_yellow": "persuade_return"},
        },
        note="疫情升级",
    )

    assert new.version == 2
    assert Policy.objects.get(version=1).rules == before
    current = rule_set_current()
    assert current.version == 2
    assert current.temperature_threshold_c == 37.0
    assert current.action(rules.RuleCode.HEALTH_CODE_YELLOW) == rules.Outcome.PERSUADE_RETURN
    assert current.action(rules.RuleCode.HEALTH_CODE_RED) == rules.Outcome.REFER_HEALTH
    audit = AuditLog.objects.get(action="policy.change")
    assert audit.actor == analyst and audit.reason == "疫情升级"
    assert audit.extra["changes"] == {
        "temperature_threshold_c": [37.3, 37.0],
        "actions.health_code_yellow": ["test_then_pass", "persuade_return"],
    }


def test_a_version_takes_effect_at_its_time(clock, commander):
    tomorrow = NOW + timedelta(days=1)
    policy_publish(actor=commander, rules={"lookback_days": 7}, effective_from=tomorrow)

    assert rule_set_current(NOW).version == 1
    assert rule_set_current(tomorrow - timedelta(seconds=1)).version == 1
    assert rule_set_current(tomorrow).version == 2
    assert rule_set_current(tomorrow).lookback_days == 7


def test_a_version_cannot_start_in_the_past(clock, analyst):
    with pytest.raises(ValidationError) as caught:
        policy_publish(
            actor=analyst, rules={"lookback_days": 7}, effective_from=NOW - timedelta(hours=1)
        )

    assert codes(caught.value) == {"effective_from": ["past"]}


def test_thresholds_out_of_range_are_refused_with_a_message(clock, analyst):
    with pytest.raises(ValidationError) as caught:
        policy_publish(actor=analyst, rules={"temperature_threshold_c": 41, "nat_max_age_hours": 0})

    assert codes(caught.value) == {
        "temperature_threshold_c": ["out_of_range"],
        "nat_max_age_hours": ["out_of_range"],
    }
    assert str(caught.value.error_dict["temperature_threshold_c"][0].message) == (
        "应在 35.0 至 40.0℃ 之间。"
    )
    assert Policy.objects.count() == 1


def test_a_worse_state_cannot_get_a_milder_outcome(clock, analyst):
    with pytest.raises(ValidationError) as caught:
        policy_publish(actor=analyst, rules={"actions": {"health_code_red": "pass"}})

    assert codes(caught.value) == {"actions.health_code_red": ["not_monotone"]}
    assert caught.value.error_dict["actions.health_code_red"][0].message == (
        "“健康码红码”的处置不能轻于“健康码黄码”。"
    )


def test_only_vehicle_rules_grant_priority(clock, analyst):
    with pytest.raises(ValidationError) as caught:
        policy_publish(
            actor=analyst,
            rules={"actions": {"symptoms": "priority_pass", "special_vehicle": "refer_health"}},
        )

    assert codes(caught.value) == {
        "actions.symptoms": ["priority_not_allowed"],
        "actions.special_vehicle": ["priority_only"],
    }


def test_publishing_nothing_new_is_refused(clock, analyst):
    with pytest.raises(ValidationError) as caught:
        policy_publish(actor=analyst, rules={"temperature_threshold_c": 37.3})

    assert codes(caught.value) == {"__all__": ["no_change"]}


def test_only_analysts_and_commanders_publish(clock, brigade_officer, officer):
    for user in (brigade_officer, officer):
        with pytest.raises(PermissionDeniedError):
            policy_publish(actor=user, rules={"lookback_days": 7})
    assert Policy.objects.count() == 1


def _area(code: str, level: str, start: date, end: date | None = None) -> RiskArea:
    return RiskArea.objects.create(
        division_code=code, name=code, level=level, effective_from=start, effective_to=end
    )


def _traveller(origin: str, places: tuple[rules.PlacePassed, ...] = ()) -> rules.Person:
    return rules.Person(
        temperature_c=36.5,
        health_code=rules.HealthCode.GREEN,
        itinerary=rules.ItineraryCard.NORMAL,
        nat_at=NOW - timedelta(hours=20),
        nat_result=rules.NatResult.NEGATIVE,
        origin_code=origin,
        places_passed=places,
    )


def test_risk_areas_count_from_their_first_day_to_their_last(clock):
    _area("310000", "high", date(2026, 11, 10), date(2026, 11, 18))  # lifted yesterday
    _area("220100", "medium", date(2026, 11, 19))  # from today
    _area("610113", "high", date(2026, 11, 20))  # from tomorrow

    def outcome(origin: str, at=NOW) -> str:
        case = rules.ScreeningCase(_traveller(origin))
        return rules.decide(case, rule_set_current(at), now=at).outcome.value

    assert outcome("310104") == "pass"
    assert outcome("310104", NOW - timedelta(days=1)) == "persuade_return"
    assert outcome("220102") == "test_then_pass"
    assert outcome("610113") == "pass"
    assert outcome("610113", NOW + timedelta(days=1)) == "persuade_return"


def test_a_place_passed_while_it_was_a_risk_area_still_counts(clock):
    _area("310000", "high", date(2026, 11, 10), date(2026, 11, 14))
    places = (rules.PlacePassed("310104", date(2026, 11, 12)),)

    decision = rules.decide(
        rules.ScreeningCase(_traveller("620102", places)), rule_set_current(), now=NOW
    )

    assert decision.outcome == rules.Outcome.PERSUADE_RETURN
    assert decision.reasons[0].code == rules.RuleCode.PASSED_HIGH_RISK


def test_the_policy_is_cached_until_the_risk_areas_change(clock, django_assert_num_queries):
    first = rule_set_current()
    with django_assert_num_queries(2):  # the version in force, the risk-area stamp
        assert rule_set_current() is first
    _area("310000", "high", date(2026, 11, 10))
    assert rule_set_current() is not first
    assert [a.code for a in rule_set_current().risk_areas] == ["310000"]


def test_the_officer_page_gets_the_policy_as_json(clock):
    _area("310000", "high", date(2026, 11, 10), date(2026, 11, 14))
    _area("440300", "low", date(2026, 9, 1), date(2026, 9, 30))  # over long before the window

    data = policy_client_json()

    assert data["version"] == policy_row_at().version == 1
    assert data["actions"]["temperature_high"] == "refer_health"
    assert data["risk_areas"] == [
        {
            "code": "310000",
            "name": "310000",
            "level": "high",
            "starts": "2026-11-10T00:00:00+08:00",
            "ends": "2026-11-15T00:00:00+08:00",
        }
    ]
    assert data["utc_offset_minutes"] == 480
