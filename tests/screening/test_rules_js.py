"""The officer page's port of the rules (static/screening/rules.js) against rules.py.

Hundreds of generated cases go through both; outcomes, reason codes (in order) and
parameters must agree. Runs only where Node.js is installed.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fangkong.screening import rules

NODE = shutil.which("node")
RULES_JS = Path(__file__).resolve().parents[2] / "fangkong/screening/static/screening/rules.js"
CST = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 19, 10, 0, tzinfo=CST)

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

AREAS = (
    rules.RiskArea("310000", rules.RiskLevel.HIGH, NOW - timedelta(days=10)),
    rules.RiskArea("220100", rules.RiskLevel.MEDIUM, NOW - timedelta(days=5)),
    rules.RiskArea("610113", rules.RiskLevel.HIGH, NOW - timedelta(hours=10)),
    rules.RiskArea("630102", rules.RiskLevel.HIGH, NOW + timedelta(days=1)),
    rules.RiskArea(
        "150102", rules.RiskLevel.HIGH, NOW - timedelta(days=20), NOW - timedelta(days=2)
    ),
    rules.RiskArea("440300", rules.RiskLevel.LOW, NOW - timedelta(days=3)),
    rules.RiskArea("220102", rules.RiskLevel.HIGH, NOW - timedelta(days=3)),
)
ORIGINS = [None, "620702", "310104", "220102", "220104", "610113", "630102", "150102", "440305"]


def policy_json(policy: rules.RuleSet) -> dict[str, Any]:
    return {
        "version": policy.version,
        "actions": {code.value: outcome.value for code, outcome in policy.actions.items()},
        "severity": {o.value: rank for o, rank in rules.SEVERITY.items()},
        "priority_rules": sorted(code.value for code in rules.PRIORITY_RULES),
        "temperature_threshold_c": policy.temperature_threshold_c,
        "nat_max_age_hours": policy.nat_max_age / timedelta(hours=1),
        "lookback_days": policy.lookback_days,
        "priority_vehicle_kinds": sorted(k.value for k in policy.priority_vehicle_kinds),
        "risk_areas": [
            {
                "code": a.code,
                "name": "",
                "level": a.level.value,
                "starts": a.effective_from.isoformat(),
                "ends": a.effective_to.isoformat() if a.effective_to else None,
            }
            for a in policy.risk_areas
        ],
        "utc_offset_minutes": 480,
    }


def random_person(rng: random.Random) -> rules.Person:
    nat_kind = rng.choice(["none", "fresh", "edge", "old", "positive", "pending", "future"])
    nat_at = {
        "none": None,
        "fresh": NOW - timedelta(hours=rng.uniform(1, 40)),
        "edge": NOW - timedelta(hours=48),
        "old": NOW - timedelta(hours=rng.uniform(49, 400)),
        "positive": NOW - timedelta(days=rng.uniform(0.1, 20)),
        "pending": NOW - timedelta(hours=rng.uniform(1, 60)),
        "future": NOW + timedelta(hours=3),
    }[nat_kind]
    result = {"positive": rules.NatResult.POSITIVE, "pending": rules.NatResult.PENDING}.get(
        nat_kind, rules.NatResult.NEGATIVE
    )
    places = tuple(
        rules.PlacePassed(
            rng.choice(ORIGINS[1:]), (NOW - timedelta(days=rng.randint(-1, 16))).date()
        )
        for _ in range(rng.randint(0, 3))
    )
    return rules.Person(
        temperature_c=rng.choice([None, 35.9, 36.5, 37.2, 37.3, 37.29, 37.31, 38.4, 39.0]),
        health_code=rng.choice(list(rules.HealthCode)),
        itinerary=rng.choice(list(rules.ItineraryCard)),
        nat_at=nat_at,
        nat_result=None if nat_kind == "none" else result,
        origin_code=rng.choice(ORIGINS),
        places_passed=places,
        symptoms=rng.random() < 0.1,
    )


def person_json(person: rules.Person) -> dict[str, Any]:
    return {
        "temperature_c": person.temperature_c,
        "health_code": person.health_code.value,
        "itinerary": person.itinerary.value,
        "nat_at": person.nat_at.isoformat() if person.nat_at else None,
        "nat_result": person.nat_result.value if person.nat_result else None,
        "origin_code": person.origin_code,
        "places_passed": [
            {"code": p.division_code, "date": p.on.isoformat()} for p in person.places_passed
        ],
        "symptoms": person.symptoms,
    }


def reasons_json(reasons: tuple[rules.Reason, ...]) -> list[dict[str, Any]]:
    return [{"code": r.code.value, "params": dict(r.params)} for r in reasons]


def run_node(payload: dict[str, Any]) -> list[dict[str, Any]]:
    script = f"""
const Rules = require({json.dumps(str(RULES_JS))});
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = input.cases.map((c) => {{
  const policy = Rules.preparePolicy(input.policies[c.policy]);
  const now = Date.parse(c.now);
  return c.people.length === 1 && !c.vehicle
    ? Rules.decide(c.people[0], null, policy, now)
    : Rules.decideGroup(c.people, c.vehicle, policy, now);
}});
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run(
        [NODE, "-e", script], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def close(a: Any, b: Any) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int):
        # Rounding to 0.1 h may differ on an exact half (Python rounds 57.25 to 57.2, JavaScript
        # to 57.3): one step of 0.1 apart.
        return abs(a - b) <= 0.101
    return a == b


def same_reasons(python: list[dict[str, Any]], js: list[dict[str, Any]]) -> bool:
    return len(python) == len(js) and all(
        p["code"] == j["code"]
        and p["params"].keys() == j["params"].keys()
        and all(close(p["params"][k], j["params"][k]) for k in p["params"])
        for p, j in zip(python, js, strict=True)
    )


def test_the_javascript_port_decides_like_the_engine() -> None:
    rng = random.Random(20221115)
    default = rules.RuleSet.default(version=3, risk_areas=AREAS)
    strict = replace(
        default,
        version=4,
        temperature_threshold_c=37.0,
        nat_max_age=timedelta(hours=24),
        lookback_days=7,
        actions={
            **default.actions,
            rules.RuleCode.HEALTH_CODE_YELLOW: rules.Outcome.PERSUADE_RETURN,
        },
    )
    policies = [default, strict]
    cases, expected = [], []
    # A healthy traveller in an ambulance, declared and then confirmed by the officer: the
    # green channel only for the confirmed one, on both sides.
    healthy = rules.Person(
        36.5,
        rules.HealthCode.GREEN,
        rules.ItineraryCard.NORMAL,
        NOW - timedelta(hours=5),
        rules.NatResult.NEGATIVE,
        None,
    )
    ambulance = [
        rules.Vehicle(rules.VehicleKind.AMBULANCE, kind_confirmed=confirmed)
        for confirmed in (False, True)
    ]
    for i in range(602):
        policy = rng.choice(policies)
        people = [random_person(rng) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        vehicle = None
        if len(people) > 1 or rng.random() < 0.4:
            vehicle = rules.Vehicle(
                rng.choice(list(rules.VehicleKind)),
                rng.choice(list(rules.VehiclePassState)),
                kind_confirmed=rng.random() < 0.5,
            )
        if i >= 600:
            policy, people, vehicle = default, [healthy], ambulance[i - 600]
        now = NOW + timedelta(minutes=rng.randint(-600, 600))
        if vehicle is None and len(people) == 1:
            decision: Any = rules.decide(rules.ScreeningCase(people[0]), policy, now=now)
        else:
            decision = rules.decide_group(
                rules.TravelGroup(vehicle, tuple(people)), policy, now=now
            )
        cases.append(
            {
                "policy": policies.index(policy),
                "now": now.isoformat(),
                "people": [person_json(p) for p in people],
                "vehicle": {
                    "kind": vehicle.kind.value,
                    "pass_state": vehicle.pass_state.value,
                    "kind_confirmed": vehicle.kind_confirmed,
                }
                if vehicle
                else None,
            }
        )
        expected.append(decision)

    results = run_node({"policies": [policy_json(p) for p in policies], "cases": cases})

    mismatches = []
    for case, want, got in zip(cases, expected, results, strict=True):
        ok = want.outcome.value == got["outcome"] and same_reasons(
            reasons_json(want.reasons), got["reasons"]
        )
        if isinstance(want, rules.GroupDecision):
            ok = ok and [d.outcome.value for d in want.people] == [
                d["outcome"] for d in got["people"]
            ]
        if not ok:
            mismatches.append((case, want, got))
    assert not mismatches, mismatches[:3]
    assert [r["outcome"] for r in results[-2:]] == ["pass", "priority_pass"]
    outcomes = {d.outcome for d in expected}
    assert len(outcomes) == len(rules.Outcome)  # the cases reach every outcome


def test_the_port_formats_reasons_with_the_shipped_sentences() -> None:
    area = {"code": "310000", "name": "上海市", "level": "high", "starts": NOW.isoformat()}
    payload = {
        "policy": {"version": 1, "actions": {}, "risk_areas": [{**area, "ends": None}]},
        "strings": {
            "reasons": {
                "temperature_high": "体温 %(temperature_c)s℃ ≥ %(threshold_c)s℃",
                "origin_high_risk": "来自高风险地区：%(area)s",
                "special_vehicle": "特种车辆：%(kind)s",
            },
            "person_prefix": "第 %(n)s 人：%(message)s",
            "vehicle_kinds": {"ambulance": "救护车"},
        },
        "reasons": [
            {"code": "temperature_high", "params": {"temperature_c": 37.8, "threshold_c": 37.3}},
            {"code": "origin_high_risk", "params": {"area_code": "310000", "person": 1}},
            {"code": "special_vehicle", "params": {"kind": "ambulance"}},
        ],
    }
    script = f"""
const Rules = require({json.dumps(str(RULES_JS))});
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const policy = Rules.preparePolicy(input.policy);
const out = input.reasons.map((r) => Rules.message(r, input.strings, policy));
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run(
        [NODE, "-e", script], input=json.dumps(payload), capture_output=True, text=True, check=True
    )

    assert json.loads(done.stdout) == [
        "体温 37.8℃ ≥ 37.3℃",
        "第 2 人：来自高风险地区：上海市（310000）",
        "特种车辆：救护车",
    ]


def test_the_port_takes_the_readings_the_engine_takes() -> None:
    low, high = rules.PLAUSIBLE_TEMPERATURE_C
    readings = [low - 0.1, low, 36.5, high, high + 0.1, 45.0, 3.73, 373.0, 30.0]
    script = f"""
const Rules = require({json.dumps(str(RULES_JS))});
const readings = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({{
  range: Rules.PLAUSIBLE_TEMPERATURE_C,
  taken: readings.map(Rules.temperaturePlausible),
}}));
"""
    done = subprocess.run(
        [NODE, "-e", script], input=json.dumps(readings), capture_output=True, text=True, check=True
    )
    got = json.loads(done.stdout)
    assert tuple(got["range"]) == rules.PLAUSIBLE_TEMPERATURE_C
    assert got["taken"] == [low <= r <= high for r in readings]
